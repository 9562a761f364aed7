// Why the preview looks as it does: of the records read, how many the planned requests
// carry, how many were skipped and how many are invalid, each reason with a few records
// (key and line) as examples. An empty preview always says why.
import type { PreviewExplanationView } from '../../../shared/api.js';
import { plural } from '../../../shared/format.js';
import { useStudio } from '../../state/studio.js';

function example(e: { key?: string; line?: number }): string {
  if (e.key && e.line !== undefined) return `${e.key} (line ${e.line})`;
  return e.key ?? `line ${e.line ?? '?'}`;
}

export function Explanation() {
  const x = useStudio((s) => s.preview?.explanation);
  // Nothing read: the config could not plan (its problems say why) or the set is empty.
  if (!x || x.read === 0) return null;
  const quiet = x.skipped === 0 && x.invalid === 0;
  return (
    <section className="explanation" aria-label="Records in this preview">
      <div className={quiet ? 'muted' : undefined}>
        Of {plural(x.read, 'record')} read: <strong>{x.planned} planned</strong> · {x.skipped} skipped · {x.invalid} invalid
      </div>
      {x.reasons.length > 0 && (
        <ul className="reason-list">
          {x.reasons.map((r, i) => (
            <li key={i}>
              <span className={`chip ${r.kind === 'invalid' ? 'bad' : 'skip'}`}>{r.kind}</span> {r.count} × {r.reason}
              {r.examples.length > 0 && <span className="muted"> · e.g. {r.examples.map(example).join(', ')}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** One sentence for an empty preview: the problems, the skipped records, or the steps. */
export function whyNothingPlanned(x: PreviewExplanationView | undefined, problems: number, audienceOnly = false): string {
  const none = audienceOnly ? 'No add or remove requests planned' : 'No requests planned';
  if (problems > 0) return `${none}: fix the ${plural(problems, 'problem')} listed above.`;
  if (!x) return `${none}.`;
  if (x.read === 0) return `${none}: this sample set has no records.`;
  if (x.skipped + x.invalid === x.read) {
    return `${none}: all ${plural(x.read, 'record')} read were ${x.invalid === 0 ? 'skipped' : 'skipped or invalid'}; the reasons are listed above.`;
  }
  return `${none}: enable the add or remove step.`;
}
