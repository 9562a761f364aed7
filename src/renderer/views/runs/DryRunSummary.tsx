// What a run would send: requests per step, records per action, and how long the
// requests-per-hour limit alone makes it take.
import type { DryRunResult } from '../../../shared/api.js';
import { formatDuration } from '../../../shared/format.js';

const STEP_LABELS: Record<string, string> = { getAudience: 'get audience', createAudience: 'create audience', add: 'add', remove: 'remove' };

export function DryRunSummary({ dry }: { dry: DryRunResult }) {
  const planned = Object.values(dry.requests).reduce((a, b) => a + b, 0);
  return (
    <div className="dry-run" role="region" aria-label="Dry run">
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
          <div className="dry-grid">
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
          <p className="muted">planned in {dry.elapsedMs} ms</p>
        </>
      )}
    </div>
  );
}
