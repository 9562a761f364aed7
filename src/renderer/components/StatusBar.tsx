// The global facts: mock endpoint, token, running export, preview state, last notice.
import { actions, useStudio } from '../state/studio.js';
import { formatCountdown } from '../lib/format.js';
import { useNow } from '../views/OAuthView.js';
import { useRunView } from '../state/run-view.js';

export function StatusBar() {
  const mock = useStudio((s) => s.mock);
  const token = useStudio((s) => s.token);
  const notice = useStudio((s) => s.notice);
  const pending = useStudio((s) => s.previewPending);
  const progress = useRunView((s) => (s.activeRunId ? s.progress : null));
  const now = useNow(Boolean(token?.expiresAt));
  const tokenText = !token
    ? 'no token'
    : !token.ok
      ? 'token failed'
      : token.expiresAt
        ? token.expiresAt > now
          ? `token valid ${formatCountdown(token.expiresAt, now)}`
          : 'token expired'
        : 'token valid';
  return (
    <footer className="statusbar" role="status" aria-label="Status bar">
      <button type="button" className="status-item" onClick={() => actions.setPlace('mock')}>
        <span className={`dot ${mock?.running ? 'ok' : 'off'}`} aria-hidden="true">
          ●
        </span>
        {mock?.running ? `mock endpoint on :${mock.port ?? '?'}` : 'mock endpoint off'}
      </button>
      <button type="button" className="status-item" onClick={() => actions.setPlace('oauth')}>
        <span className={`dot ${token?.ok ? (token.expiresAt && token.expiresAt <= now ? 'warn' : 'ok') : token ? 'error' : 'off'}`} aria-hidden="true">
          ●
        </span>
        {tokenText}
      </button>
      <button type="button" className="status-item" title="Open the run view" onClick={() => actions.setPlace('runs')}>
        {runText(progress)}
      </button>
      <span className="status-item">{pending ? 'previewing…' : 'preview up to date'}</span>
      <span className="spacer" />
      {notice && (
        <span className={`status-item notice ${notice.tone}`} title={notice.text}>
          {notice.text}
        </span>
      )}
      <span className="status-item muted">Ctrl/Cmd+K commands</span>
    </footer>
  );
}

function runText(p: import('../../shared/api.js').RunProgress | null): string {
  if (!p) return 'no run';
  const total = p.records.total;
  const pct = total ? Math.min(100, Math.floor((p.records.done / total) * 100)) : null;
  if (p.state === 'finished') return `run ${p.status}${pct !== null ? ` ${pct}%` : ''}`;
  return `run ${p.state === 'paused' ? 'paused ' : ''}${pct !== null ? `${pct}%` : `${p.records.done} records`}`;
}
