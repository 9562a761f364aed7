// What a run would send: requests per step, records per action, and how long the
// requests-per-hour limit alone makes it take. Folded to its headline (unfolded by a dry run,
// folded when a run starts); marked stale, with a re-run button, once the config or the
// input changed since it was planned.
import type { DryRunResult } from '../../../shared/api.js';
import { formatDuration } from '../../../shared/format.js';
import { runViewActions, useRunView } from '../../state/run-view.js';
import type { SyncDiff } from '../../../shared/sync.js';

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
            {dry.sync && (
              <span aria-label="Membership diff headline">
                {' '}
                · diff: <strong>{dry.sync.added}</strong> added · <strong>{dry.sync.changed}</strong> changed · <strong>{dry.sync.removed}</strong> removed · {dry.sync.unchanged} unchanged
              </span>
            )}
          </p>
          {dry.sync && open && <SyncDiffTable diff={dry.sync} />}
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
                  <td>{dry.sync ? 'skipped (unchanged, no action, or its step disabled)' : 'skipped (no action, or its step disabled)'}</td>
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

/** The membership diff before sending: what each class of member gets, with a few keys of each. */
function SyncDiffTable({ diff }: { diff: SyncDiff }) {
  const rows: Array<{ label: string; count: number; keys: string[]; sent: string }> = [
    { label: 'added', count: diff.added, keys: diff.examples.added, sent: 'add' },
    { label: 'changed', count: diff.changed, keys: diff.examples.changed, sent: 'add (whole record)' },
    { label: 'removed', count: diff.removed, keys: diff.examples.removed, sent: 'remove (stored record as user)' },
    { label: 'unchanged', count: diff.unchanged, keys: diff.examples.unchanged, sent: 'nothing' },
  ];
  return (
    <div className="sync-diff">
      <table className="mini-table" aria-label="Membership diff">
        <thead>
          <tr>
            <th scope="col">Members</th>
            <th scope="col">Count</th>
            <th scope="col">Sent as</th>
            <th scope="col">Examples</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label}>
              <td>{r.label}</td>
              <td className="num">{r.count}</td>
              <td>{r.sent}</td>
              <td className="mono sync-diff-keys">{r.keys.join(', ')}{r.count > r.keys.length ? ', …' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {diff.duplicates > 0 && <p className="error-text">{diff.duplicates} record{diff.duplicates === 1 ? '' : 's'} with a key seen earlier in the input will fail (the first one is the member).</p>}
      {diff.kept > 0 && <p className="muted">{diff.kept} member{diff.kept === 1 ? '' : 's'} whose record failed stay as delivered.</p>}
      {diff.removalsHeld && <p className="error-text">{diff.removalsHeld}</p>}
    </div>
  );
}
