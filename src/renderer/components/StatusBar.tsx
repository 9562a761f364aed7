// The global facts: mock endpoint, token, running export, preview state, last notice.
import { useEffect } from 'react';
import { actions, useStudio, type StudioState } from '../state/studio.js';
import { formatCountdown } from '../lib/format.js';
import { useNow } from '../views/OAuthView.js';
import { useRunView } from '../state/run-view.js';

export function StatusBar() {
  const mock = useStudio((s) => s.mock);
  const token = useStudio((s) => s.token);
  const notice = useStudio((s) => s.notice);
  const pending = useStudio((s) => s.previewPending);
  const progress = useRunView((s) => (s.activeRunId ? s.progress : null));
  const usesOAuth = useStudio((s) => Boolean(s.config.destination?.oauth));
  const sent = useStudio((s) => s.sent);
  const now = useNow(Boolean(token?.expiresAt));
  useNoticeLifetime(notice);
  const tokenText = !token
    ? tokenFromSend(usesOAuth, sent)
    : !token.ok
      ? 'token failed'
      : token.expiresAt
        ? token.expiresAt > now
          ? `token valid ${formatCountdown(token.expiresAt, now)}`
          : 'token expired'
        : 'token valid';
  const tokenDot = token
    ? token.ok
      ? token.expiresAt && token.expiresAt <= now
        ? 'warn'
        : 'ok'
      : 'error'
    : tokenText.startsWith('token fetched')
      ? 'ok'
      : tokenText.startsWith('token failed')
        ? 'error'
        : 'off';
  return (
    <footer className="statusbar" role="status" aria-label="Status bar">
      <button type="button" className="status-item" onClick={() => actions.setPlace('mock')}>
        <span className={`dot ${mock?.running ? 'ok' : 'off'}`} aria-hidden="true">
          ●
        </span>
        {mock?.running ? `mock endpoint on :${mock.port ?? '?'}` : 'mock endpoint off'}
      </button>
      <button type="button" className="status-item" onClick={() => actions.setPlace('oauth')}>
        <span className={`dot ${tokenDot}`} aria-hidden="true">
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
          <span className="notice-text">{notice.text}</span>
          <button type="button" className="notice-dismiss" aria-label="Dismiss notice" onClick={() => useStudio.setState({ notice: null })}>
            ×
          </button>
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
  // A run the user cancelled is aborted in the store's terms, but "cancelled" is what happened.
  if (p.state === 'finished') return `run ${p.cancelled ? 'cancelled' : p.status}${pct !== null ? ` ${pct}%` : ''}`;
  return `run ${p.state === 'paused' ? 'paused ' : ''}${pct !== null ? `${pct}%` : `${p.records.done} records`}`;
}

/** How long an information notice stays; an error stays until dismissed or replaced. */
export const INFO_NOTICE_MS = 6000;

function useNoticeLifetime(notice: StudioState['notice']): void {
  useEffect(() => {
    if (!notice || notice.tone !== 'info') return;
    const timer = setTimeout(() => {
      // Only this notice: a newer one starts its own clock.
      if (useStudio.getState().notice === notice) useStudio.setState({ notice: null });
    }, INFO_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);
}

/**
 * Without an OAuth test in this session, Send this one is what fetched a token (the
 * service exchanges one for the request): say so rather than "no token".
 */
function tokenFromSend(usesOAuth: boolean, sent: StudioState['sent']): string {
  if (!usesOAuth) return 'no OAuth';
  if (sent && !sent.pending) {
    if (sent.response?.errorKind?.startsWith('oauth-')) return 'token failed (Send this one)';
    if (sent.response && sent.response.status !== undefined && sent.response.status !== 401) return 'token fetched (Send this one)';
  }
  return 'no token yet';
}
