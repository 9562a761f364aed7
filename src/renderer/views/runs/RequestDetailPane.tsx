// One request of a run: request and response (headers, bodies pretty or raw with their size),
// timing phases, attempts and their delays, the records it carried and how they ended;
// copy as cURL, replay and compare.
import { useState } from 'react';
import type { BodyView, ResponseView } from '../../../shared/api.js';
import { checkBody, formatBytes } from '../../lib/format.js';
import { runViewActions, useRunView } from '../../state/run-view.js';
import { formatDuration } from '../../../shared/format.js';
import { statusClass } from './format.js';

function Headers({ headers, label }: { headers: Record<string, string>; label: string }) {
  const entries = Object.entries(headers);
  return (
    <details open>
      <summary>
        {label} ({entries.length})
      </summary>
      <dl className="headers mono" aria-label={label}>
        {entries.map(([k, v]) => (
          <div key={k}>
            <dt>{k}:</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

function Body({ body, label, contentType }: { body: BodyView | null; label: string; contentType?: string }) {
  const [mode, setMode] = useState<'pretty' | 'raw'>('pretty');
  if (!body) return <p className="muted">no {label.toLowerCase()}</p>;
  const checked = checkBody(body.cut ? undefined : body.text, contentType);
  const text = mode === 'pretty' && checked.kind === 'json' ? checked.pretty : body.text;
  return (
    <div className="body-view" role="region" aria-label={label}>
      <div className="body-meta">
        <span className="muted">
          {label} · {formatBytes(body.bytes)}
          {body.cut && <strong className="warn-text"> · cut at {body.shownBytes.toLocaleString()} bytes</strong>}
        </span>
        <span className="segmented" role="group" aria-label={`${label} view`}>
          <button type="button" aria-pressed={mode === 'pretty'} onClick={() => setMode('pretty')}>
            pretty
          </button>
          <button type="button" aria-pressed={mode === 'raw'} onClick={() => setMode('raw')}>
            raw
          </button>
        </span>
      </div>
      <pre className="mono code-block">{text}</pre>
    </div>
  );
}

function contentTypeOf(h: Record<string, string> | undefined): string | undefined {
  return h ? Object.entries(h).find(([k]) => k.toLowerCase() === 'content-type')?.[1] : undefined;
}

function ResponseSummary({ r, label }: { r: ResponseView; label: string }) {
  return (
    <div className="compare-col" role="region" aria-label={label}>
      <h4>{label}</h4>
      <span className={`status-pill ${statusClass(r.status ?? null)}`}>{r.status ?? r.errorKind ?? 'no response'}</span>
      {r.timings && <span className="muted"> {Math.round(r.timings.total)} ms</span>}
      {r.error && <p className="error-text">{r.error}</p>}
      <pre className="mono code-block small">{r.body ?? ''}</pre>
    </div>
  );
}

export function RequestDetailPane() {
  const detail = useRunView((s) => s.detail);
  const runId = useRunView((s) => s.runId);
  const replay = useRunView((s) => s.replay);
  const replayPending = useRunView((s) => s.replayPending);
  const curl = useRunView((s) => s.curl);
  const [reveal, setReveal] = useState(false);
  return (
    <aside className="preview-pane request-detail" aria-label="Request detail">
      <div className="toolbar">
        <strong>Request detail</strong>
      </div>
      <div className="preview-scroll">
        {!runId || !detail ? (
          <div className="empty">{runId ? 'Pick a request in the table to see what was sent and what the endpoint answered.' : 'Start or open a run to see its requests.'}</div>
        ) : (
          <>
            <div className="request-line mono">
              <span className="method">{detail.request.method}</span>
              <span className="url">{detail.request.url}</span>
            </div>
            <div className="request-meta">
              <span className="chip">{detail.step}</span>
              <span className="chip">attempt {detail.attempt}</span>
              {detail.response ? (
                <span className={`status-pill ${statusClass(detail.response.status)}`} aria-label={`Status ${detail.response.status}`}>
                  {detail.response.status}
                </span>
              ) : (
                <span className="status-pill error">{detail.error?.kind ?? 'no response'}</span>
              )}
              <span className="muted">#{detail.id}</span>
            </div>
            {detail.error?.message && <p className="verdict error">{detail.error.message}</p>}

            <div className="button-row wrap">
              <button type="button" onClick={() => void runViewActions.copyCurl(reveal)}>
                Copy as cURL
              </button>
              <label className="inline">
                <input type="checkbox" checked={reveal} onChange={(e) => setReveal(e.target.checked)} />
                Reveal secrets
              </label>
              <button type="button" disabled={replayPending} onClick={() => void runViewActions.replay('logged')}>
                Replay as logged
              </button>
              <button type="button" disabled={replayPending} onClick={() => void runViewActions.replay('rerendered')}>
                Replay re-rendered
              </button>
            </div>
            {curl && (
              <pre className="mono code-block small" aria-label="cURL command">
                {curl}
              </pre>
            )}
            {replay && (
              <div className="compare" role="region" aria-label="Replay comparison">
                <p className={replay.same ? 'verdict ok' : 'verdict error'}>
                  {replay.mode === 'logged' ? 'Replayed as logged' : 'Replayed, re-rendered from the current template'}:{' '}
                  {replay.same ? 'same status and body' : 'the responses differ'}
                </p>
                <div className="compare-grid">
                  <ResponseSummary r={replay.logged} label="Logged response" />
                  <ResponseSummary r={replay.replayed} label="Replayed response" />
                </div>
              </div>
            )}

            <h4>Request</h4>
            <Headers headers={detail.request.headers} label="Request headers" />
            <Body body={detail.request.body} label="Request body" contentType={contentTypeOf(detail.request.headers)} />

            <h4>Response</h4>
            {detail.response ? (
              <>
                <Headers headers={detail.response.headers} label="Response headers" />
                <Body body={detail.response.body} label="Response body" contentType={contentTypeOf(detail.response.headers)} />
              </>
            ) : (
              <p className="muted">no response</p>
            )}

            <h4>Timing</h4>
            <dl className="kv" aria-label="Timing">
              <dt>time to first byte</dt>
              <dd>{detail.timings.ttfbMs !== null ? formatDuration(detail.timings.ttfbMs) : '—'}</dd>
              <dt>body</dt>
              <dd>{detail.timings.totalMs !== null && detail.timings.ttfbMs !== null ? formatDuration(detail.timings.totalMs - detail.timings.ttfbMs) : '—'}</dd>
              <dt>total</dt>
              <dd>{detail.timings.totalMs !== null ? formatDuration(detail.timings.totalMs) : '—'}</dd>
            </dl>

            <h4>Attempts</h4>
            <ol className="attempts" aria-label="Attempts">
              {detail.attempts.map((a) => (
                <li key={a.id} className={a.id === detail.id ? 'current' : undefined}>
                  <button type="button" className="ghost" onClick={() => void runViewActions.selectRequest(a.id)}>
                    attempt {a.attempt}
                  </button>{' '}
                  <span className={`status-pill ${statusClass(a.status)}`}>{a.status ?? a.errorKind ?? '—'}</span>
                  {a.totalMs !== null && <span className="muted"> {Math.round(a.totalMs)} ms</span>}
                  {a.retryDelayMs !== null && (
                    <span className="retry-text">
                      {' '}
                      → retried after {formatDuration(a.retryDelayMs)}
                      {a.retryReason ? ` (${a.retryReason})` : ''}
                    </span>
                  )}
                </li>
              ))}
            </ol>

            {detail.records.length > 0 && (
              <>
                <h4>Records ({detail.records.length})</h4>
                <ul className="record-outcomes" aria-label="Records">
                  {detail.records.slice(0, 200).map((r) => (
                    <li key={r.key}>
                      <span className="mono">{r.key}</span>{' '}
                      <span className={r.status === 'succeeded' ? 'ok-text' : r.status === 'failed' ? 'error-text' : r.status === 'unconfirmed' ? 'warn-text' : 'muted'}>{r.status}</span>
                      {r.reason && <span className="muted"> · {r.reason}</span>}
                    </li>
                  ))}
                  {detail.records.length > 200 && <li className="muted">and {detail.records.length - 200} more</li>}
                </ul>
              </>
            )}
          </>
        )}
      </div>
    </aside>
  );
}
