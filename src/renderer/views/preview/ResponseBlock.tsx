// The answer to "Send this one": status, timings, size, verdict, headers and body.
import type { ResponseView } from '../../../shared/api.js';
import { formatBytes, statusTone } from '../../lib/format.js';
import type { SentResponse } from '../../state/studio.js';
import { BodyView } from './BodyView.js';
import { HeaderList } from './HeaderList.js';

export function ResponseBlock({ sent }: { sent: SentResponse }) {
  if (sent.pending) return <div className="response muted" aria-live="polite">Sending…</div>;
  if (sent.error) {
    return (
      <div className="response" aria-label="Response" role="region">
        <div className="verdict error" role="alert">
          ✗ {sent.error}
        </div>
      </div>
    );
  }
  const r = sent.response as ResponseView;
  const tone = statusTone(r.status, r.ok);
  return (
    <div className="response" aria-label="Response" role="region">
      <div className="response-line">
        {r.status !== undefined ? (
          <span className={`status-pill ${tone}`} aria-label={`Status ${r.status}`}>
            {r.status}
          </span>
        ) : (
          <span className="status-pill error">{r.errorKind ?? 'failed'}</span>
        )}
        {r.timings && (
          <span className="muted">
            {Math.round(r.timings.total)} ms (first byte {Math.round(r.timings.ttfb)} ms)
          </span>
        )}
        {r.bodyBytes !== undefined && <span className="muted">{formatBytes(r.bodyBytes)}{r.truncated ? ' (truncated)' : ''}</span>}
      </div>
      {r.error && <div className="verdict error">✗ {r.error}</div>}
      {r.verdict && <div className={`verdict ${r.ok ? 'ok' : 'error'}`}>{r.ok ? '✓' : '✗'} {r.verdict}</div>}
      {r.headers && (
        <details>
          <summary>Response headers ({Object.keys(r.headers).length})</summary>
          <HeaderList headers={r.headers} label="Response headers" />
        </details>
      )}
      <BodyView body={r.body} label="Response body" contentType={r.headers?.['content-type']} />
    </div>
  );
}
