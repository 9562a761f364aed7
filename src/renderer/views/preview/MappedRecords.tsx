// The preview's mapped records: each record's key, action and data after mapping.
import type { PreviewResult } from '../../../shared/api.js';
import { useStudio } from '../../state/studio.js';

// Stable empty: a selector returning a fresh [] would re-render forever.
const NONE_RECORDS: PreviewResult['records'] = [];

export function MappedRecords() {
  const records = useStudio((s) => s.preview?.records ?? NONE_RECORDS);
  if (records.length === 0) return <div className="empty">No mapped records yet: pick a sample set.</div>;
  return (
    <ol className="record-list" aria-label="Mapped records">
      {records.map((r, i) => (
        <li key={i}>
          <div className="record-head">
            <span className="mono">{r.key}</span> <span className={`chip ${r.action}`}>{r.action}</span>
          </div>
          <pre className="mono code-block">{JSON.stringify(r.data, null, 2)}</pre>
        </li>
      ))}
    </ol>
  );
}
