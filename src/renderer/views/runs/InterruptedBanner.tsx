// At launch: runs left unfinished by a crash or a close are offered for resumption. A run the
// user cancelled is not offered (RunView.cancelled): it stays resumable from its own view.
import { runViewActions, useRunView } from '../../state/run-view.js';
import { formatClock } from './format.js';

export function InterruptedBanner() {
  const runs = useRunView((s) => s.runs);
  const dismissed = useRunView((s) => s.dismissed);
  const waiting = runs.filter((r) => r.interrupted && !dismissed.includes(r.id));
  if (waiting.length === 0) return null;
  return (
    <div className="banner" role="alert" aria-label="Interrupted runs">
      {waiting.slice(0, 3).map((r) => (
        <div key={r.id} className="banner-row">
          <span>
            Run <span className="mono">{r.id.slice(0, 8)}</span> ({r.destination} → {r.audience}, started {formatClock(r.startedAt ?? r.createdAt)}) stopped at{' '}
            {r.records.succeeded + r.records.failed} records. Resume it? Only unacknowledged records are sent again.
          </span>
          <button type="button" className="primary" onClick={() => void runViewActions.resumeInterrupted(r.id)}>
            Resume run {r.id.slice(0, 8)}
          </button>
          <button type="button" className="ghost" onClick={() => runViewActions.dismiss(r.id)}>
            Not now
          </button>
        </div>
      ))}
      {waiting.length > 3 && <span className="muted">and {waiting.length - 3} more in Runs</span>}
    </div>
  );
}
