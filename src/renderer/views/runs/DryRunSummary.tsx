// What a run would send: requests per step, records per action, and how long the
// requests-per-hour limit alone makes it take. Folded to its headline (unfolded by a dry run,
// folded when a run starts); marked stale, with a re-run button, once the config or the
// input changed since it was planned.
import type { DryRunResult } from '../../../shared/api.js';
import { formatDuration } from '../../../shared/format.js';
import { runViewActions, useRunView } from '../../state/run-view.js';

const STEP_LABELS: Record<string, string> = { getAudience: 'get audience', createAudience: 'create audience', add: 'add', remove: 'remove' };

export function DryRunSummary({ dry, stale, onRerun }: { dry: DryRunResult; stale: boolean; onRerun: (() => void) | undefined }) {
  const planned = Object.values(dry.requests).reduce((a, b) => a + b, 0);
  const open = useRunView((s) => s.dryOpen);
  return (
    <div className={`dry-run${stale ? ' stale' : ''}`} role="region" aria-label="Dry run">
      {stale && (
        <p className="dry-stale" role="status" aria-label="Dry run is stale">
          <span>The config or the input changed since this dry run: its figures may be out of date.</span>
          {onRerun && (
            <button type="button" onClick={onRerun}>
              Re-run dry run
            </button>
          )}
        </p>
      )}
      {!dry.ok ? (
        <ul className="issue-list">
          {dry.issues.map((i) => (
            <li key={`${i.path}:${i.message}`} className="issue">
              <span className="where">{i.path}</span>: {i.message}
            </li>
          ))}
        </ul>
      ) : (
        <>
          <p className="dry-headline">
            <button type="button" className="ghost disclosure" aria-expanded={open} aria-controls="dry-run-details" onClick={() => runViewActions.setDryOpen(!open)}>
              <span aria-hidden="true">{open ? '▾' : '▸'}</span>
              <span className="visually-hidden">{open ? 'Hide' : 'Show'} dry run details</span>
            </button>{' '}
            Dry run: nothing sent. <strong>{planned}</strong> request{planned === 1 ? '' : 's'} for <strong>{dry.records.total}</strong> records
            {dry.impliedMs !== undefined ? (
              <>
                {' '}
                · at {dry.requestsPerHour} requests/hour at least <strong>{formatDuration(dry.impliedMs)}</strong>
              </>
            ) : (
              ' · no requests-per-hour limit'
            )}
          </p>
          <div className="dry-grid" id="dry-run-details" hidden={!open}>
            <table className="mini-table" aria-label="Requests per step">
              <thead>
                <tr>
                  <th scope="col">Step</th>
                  <th scope="col">Requests</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(dry.requests).map(([step, n]) => (
                  <tr key={step}>
                    <td>{STEP_LABELS[step] ?? step}</td>
                    <td className="num">{n}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table className="mini-table" aria-label="Records per action">
              <thead>
                <tr>
                  <th scope="col">Records</th>
                  <th scope="col">Count</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <td>add</td>
                  <td className="num">{dry.records.add}</td>
                </tr>
                <tr>
                  <td>remove</td>
                  <td className="num">{dry.records.remove}</td>
                </tr>
                <tr>
                  <td>skipped (no action, or its step disabled)</td>
                  <td className="num">{dry.records.skipped}</td>
                </tr>
                <tr>
                  <td>invalid</td>
                  <td className={`num${dry.records.failed ? ' error-text' : ''}`}>{dry.records.failed}</td>
                </tr>
              </tbody>
            </table>
          </div>
          {open && dry.retries && dry.retries.length > 0 && <p className="muted">Retries, worst case for one request:</p>}
          {open && dry.retries && dry.retries.length > 0 && (
            <ul className="dry-retries" aria-label="Retries, worst case">
              {dry.retries.map((r) => (
                <li key={r.step}>
                  <strong>{STEP_LABELS[r.step] ?? r.step}</strong>: {r.text}
                </li>
              ))}
            </ul>
          )}
          {open && <p className="muted">planned in {dry.elapsedMs} ms</p>}
        </>
      )}
    </div>
  );
}
