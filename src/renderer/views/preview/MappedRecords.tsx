// The preview's mapped records: each record's key, action and data after mapping.
import type { PreviewResult } from '../../../shared/api.js';
import { plural } from '../../../shared/format.js';
import { useStudio } from '../../state/studio.js';

// Stable empty: a selector returning a fresh [] would re-render forever.
const NONE_RECORDS: PreviewResult['records'] = [];

export function MappedRecords() {
  const records = useStudio((s) => s.preview?.records ?? NONE_RECORDS);
  const setId = useStudio((s) => s.selectedSetId);
  const preview = useStudio((s) => s.preview);
  if (records.length === 0) return <div className="empty" role="status">{whyNoRecords(!!setId, preview)}</div>;
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

/** Why no record was mapped: no set, still loading, problems, or every record skipped or invalid. */
function whyNoRecords(hasSet: boolean, preview: PreviewResult | null): string {
  if (!hasSet) return 'No mapped records: pick or generate a sample set.';
  if (!preview) return 'Mapping the sample records…';
  const x = preview.explanation;
  if (x && x.read === 0) return 'No mapped records: this sample set has no records.';
  if (x && x.skipped + x.invalid > 0) {
    return `No mapped records: of ${plural(x.read, 'record')} read, ${x.skipped} skipped and ${x.invalid} invalid (reasons above).`;
  }
  if (preview.issues.length > 0) return `No mapped records: the config cannot plan yet; fix the ${plural(preview.issues.length, 'problem')} listed above.`;
  return 'No mapped records.';
}
