// Every run, newest first: destination, audience, counts, status and duration. Folded to one
// line while a run is shown (the log needs the room), unfolded when none is.
import { runViewActions, useRunView } from '../../state/run-view.js';
import { formatDuration } from '../../../shared/format.js';
import { formatClock, runTone } from './format.js';

export function RunHistory() {
  const runs = useRunView((s) => s.runs);
  const runId = useRunView((s) => s.runId);
  const historyOpen = useRunView((s) => s.historyOpen);
  const open = historyOpen || !runId;
  return (
    <section className="run-history" aria-label="Run history">
      <h3>
        <button type="button" className="ghost disclosure" aria-expanded={open} aria-controls="run-history-list" disabled={!runId} onClick={() => runViewActions.setHistoryOpen(!open)}>
          <span aria-hidden="true">{open ? '▾' : '▸'}</span> History ({runs.length})
        </button>
      </h3>
      <div id="run-history-list" hidden={!open}>
      {runs.length === 0 ? (
        <div className="empty">No runs yet. Pick a destination and an input above, try a dry run, then start the run.</div>
      ) : (
        <table className="history-table" aria-label="Runs">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Destination</th>
              <th scope="col">Audience</th>
              <th scope="col">Status</th>
              <th scope="col">Records</th>
              <th scope="col">Requests</th>
              <th scope="col">Duration</th>
              <th scope="col">
                <span className="visually-hidden">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} aria-selected={r.id === runId} className={r.id === runId ? 'selected' : undefined}>
                <td>{formatClock(r.startedAt ?? r.createdAt)}</td>
                <td>{r.destination}</td>
                <td>{r.audience}</td>
                <td>
                  <span className={`status-pill ${runTone(r.cancelled ? 'cancelled' : r.status)}`}>{r.live ? (r.status === 'running' ? 'running' : r.status) : r.cancelled ? 'cancelled' : r.interrupted ? 'interrupted' : r.status}</span>
                </td>
                <td className="num">
                  {r.records.succeeded}/{r.records.total}
                  {r.records.failed > 0 && <span className="error-text"> · {r.records.failed} failed</span>}
                  {r.records.skipped > 0 && <span className="muted"> · {r.records.skipped} skipped</span>}
                </td>
                <td className="num">
                  {r.requests.sent}
                  {r.requests.retried > 0 && <span className="retry-text"> · {r.requests.retried} retried</span>}
                </td>
                <td className="num">{r.durationMs !== null ? formatDuration(r.durationMs) : '—'}</td>
                <td>
                  <button type="button" className="ghost" aria-label={`Open run ${r.id.slice(0, 8)}`} onClick={() => void runViewActions.open(r.id)}>
                    Open
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      </div>
    </section>
  );
}
