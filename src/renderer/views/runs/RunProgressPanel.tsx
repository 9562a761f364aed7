// The run being watched: progress bar, rate and time left, counts by HTTP status and by
// outcome, retries and Retry-After pauses, what the run waits for now (Retry-After, backoff,
// pacing), the chart, and pause / resume / cancel. Compact (actions in the head, the chart
// beside the figures) so the request log below keeps the room. A run the user cancelled reads
// "cancelled", and has no time left rather than "done".
import { runViewActions, useRunView } from '../../state/run-view.js';
import { RunChart } from './RunChart.js';
import { formatDuration } from '../../../shared/format.js';
import { runTone } from './format.js';

const CLASSES = ['2xx', '3xx', '4xx', '5xx', 'error'] as const;
const CLASS_TONE: Record<string, string> = { '2xx': 'ok', '3xx': 'ok', '4xx': 'warn', '5xx': 'error', error: 'error' };

export function RunProgressPanel() {
  const p = useRunView((s) => s.progress);
  const runId = useRunView((s) => s.runId);
  const activeRunId = useRunView((s) => s.activeRunId);
  const run = useRunView((s) => s.runs.find((r) => r.id === s.runId));
  if (!runId) return null;
  const live = p && activeRunId === runId && p.state !== 'finished';
  const total = p?.records.total ?? run?.records.total ?? null;
  const done = p?.records.done ?? (run ? run.records.succeeded + run.records.failed + run.records.skipped : 0);
  const pct = total ? Math.min(100, Math.floor((done / total) * 100)) : p?.state === 'finished' ? 100 : 0;
  const status = p?.status ?? run?.status ?? 'running';
  const succeeded = p?.records.succeeded ?? run?.records.succeeded ?? 0;
  const failed = p?.records.failed ?? run?.records.failed ?? 0;
  const skipped = p?.records.skipped ?? run?.records.skipped ?? 0;
  const unconfirmed = run?.records.unconfirmed ?? 0;
  const cancelled = Boolean(p?.cancelled ?? run?.cancelled);
  const shownStatus = p?.state === 'paused' ? 'paused' : cancelled && !live ? 'cancelled' : status;
  const finished = p?.state === 'finished' || (!p && run !== undefined && !run.live);
  const timeLeft = finished ? (status === 'aborted' ? '—' : 'done') : p?.etaMs !== null && p?.etaMs !== undefined ? formatDuration(p.etaMs) : '—';
  const actions = (
    <div className="button-row run-actions">
      {live && p.state === 'running' && (
        <button type="button" onClick={() => void runViewActions.pause()}>
          Pause
        </button>
      )}
      {live && p.state === 'paused' && (
        <button type="button" className="primary" onClick={() => void runViewActions.resume()}>
          Resume
        </button>
      )}
      {live && (
        <button type="button" className="danger" onClick={() => void runViewActions.cancel()}>
          Cancel run
        </button>
      )}
      {!live && (run?.interrupted || run?.cancelled) && (
        <button type="button" className="primary" onClick={() => void runViewActions.resumeInterrupted(runId)}>
          Resume run
        </button>
      )}
      {!live && (run?.records.failed ?? 0) > 0 && (
        <>
          <button type="button" onClick={() => void runViewActions.retryFailed(runId)}>
            Retry failed
          </button>
          <button type="button" title="The failed input records as they were, to fix and re-run, with their reasons beside them" onClick={() => void runViewActions.exportFailedRecords()}>
            Export failed
          </button>
        </>
      )}
      <button type="button" onClick={() => void runViewActions.exportRun('har')}>
        Export HAR
      </button>
      <button type="button" onClick={() => void runViewActions.exportRun('ndjson')}>
        Export NDJSON
      </button>
    </div>
  );
  return (
    <section className="run-progress" aria-label="Run">
      <div className="run-head">
        <h3>
          Run <span className="mono">{runId.slice(0, 8)}</span>
          {run && (
            <span className="muted">
              {' '}
              · {run.destination} → {run.audience}
            </span>
          )}
        </h3>
        <span className={`status-pill ${runTone(p?.state === 'paused' ? 'running' : shownStatus)}`} aria-label="Run status">
          {shownStatus}
        </span>
        {actions}
      </div>
      <div className="run-body">
      <div className="run-figures">
      <div className="progress-row">
        <div
          className="progress"
          role="progressbar"
          aria-label="Run progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
          aria-valuetext={`${done} of ${total ?? '?'} records`}
        >
          <div className={`progress-fill ${failed > 0 ? 'has-failures' : ''}`} style={{ width: `${pct}%` }} />
        </div>
        <span className="progress-text mono">
          {done.toLocaleString()} / {total === null ? '?' : total.toLocaleString()} records · {pct}%
        </span>
      </div>
      <dl className="run-stats">
        <div>
          <dt>Rate</dt>
          <dd>{p ? `${p.rate} records/s` : '—'}</dd>
        </div>
        <div>
          <dt>Time left</dt>
          <dd aria-label="Time left">{timeLeft}</dd>
        </div>
        <div>
          <dt>Elapsed</dt>
          <dd aria-label="Elapsed">{p ? formatDuration(p.elapsedMs) : run?.durationMs !== null && run ? formatDuration(run.durationMs ?? 0) : '—'}</dd>
        </div>
        <div>
          <dt>Succeeded</dt>
          <dd className="ok-text" aria-label="Records succeeded">
            {succeeded}
            {unconfirmed > 0 && (
              <span className="warn-text" title="Acknowledged by count without naming which records: listed with the failed records and sent again by Retry failed">
                {' '}
                ({unconfirmed} unconfirmed)
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>Failed</dt>
          <dd className={failed ? 'error-text' : undefined} aria-label="Records failed">
            {failed}
          </dd>
        </div>
        <div>
          <dt>Skipped</dt>
          <dd aria-label="Records skipped" title="Not sent: the record's action step is disabled, or it has no action">
            {skipped}
          </dd>
        </div>
        <div>
          <dt>Requests</dt>
          <dd aria-label="Requests sent">{p?.requests.sent ?? run?.requests.sent ?? 0}</dd>
        </div>
        <div>
          <dt>Retries</dt>
          <dd className={(p?.requests.retried ?? 0) > 0 ? 'retry-text' : undefined} aria-label="Retries">
            {p?.requests.retried ?? run?.requests.retried ?? 0}
          </dd>
        </div>
        <div>
          <dt>Retry-After pauses</dt>
          <dd aria-label="Retry-After pauses">{p ? `${p.retryAfter.count} · ${formatDuration(p.retryAfter.totalMs)}` : '—'}</dd>
        </div>
      </dl>
      {live && p.waiting && (
        <p className="wait-text" role="status" aria-label="Waiting">
          {p.waiting.text}
        </p>
      )}
      {p && (
        <ul className="status-counts" aria-label="Responses by status">
          {CLASSES.filter((c) => (p.byStatus[c] ?? 0) > 0).map((c) => (
            <li key={c} className={`status-pill ${CLASS_TONE[c]}`} aria-label={`${c} responses`}>
              {c === 'error' ? 'no response' : c} {p.byStatus[c]}
            </li>
          ))}
        </ul>
      )}
      {p?.error && !cancelled && <p className="error-text">{p.error}</p>}
      </div>
      {p && p.series.length > 0 && <RunChart series={p.series} elapsedMs={p.elapsedMs} />}
      </div>
    </section>
  );
}
