// Values known only at run time: `remote_audience.id` shows as ‹remote_audience.id› until
// "Resolve now" runs the read-only get-audience step and the preview uses its answer.
import { Fragment, type ReactNode } from 'react';
import { resolveAudience, useResolvedAudience } from '../../state/preview.js';
import { useStudio } from '../../state/studio.js';

// Stable empty: a selector returning a fresh [] would re-render forever.
const NONE: string[] = [];

/** Text with each ‹placeholder› visibly marked. */
export function withPlaceholders(text: string): ReactNode {
  if (!text.includes('‹')) return text;
  return text.split(/(‹[^›\s]+›)/).map((part, i) =>
    part.startsWith('‹') && part.endsWith('›') ? (
      <mark key={i} className="placeholder" title="Known when the export runs: the get-audience step supplies it">
        {part}
      </mark>
    ) : (
      <Fragment key={i}>{part}</Fragment>
    ),
  );
}

export function PlaceholderNote() {
  const names = useStudio((s) => s.preview?.placeholders ?? NONE);
  const resolved = useResolvedAudience();
  const r = resolved?.result;
  if (names.length === 0 && !resolved) return null;
  return (
    <div className="placeholder-note" role="note" aria-label="Run-time values">
      {names.length > 0 && (
        <p>
          {names.map((n, i) => (
            <Fragment key={n}>
              {i > 0 && ', '}
              <mark className="placeholder mono">‹{n}›</mark>
            </Fragment>
          ))}{' '}
          {names.length === 1 ? 'is' : 'are'} known only when the export runs: the get-audience step supplies {names.length === 1 ? 'it' : 'them'}.
        </p>
      )}
      <div className="send-row">
        <button type="button" onClick={() => void resolveAudience()} disabled={resolved?.pending}>
          {resolved?.pending ? 'Resolving…' : r?.found ? 'Resolve again' : 'Resolve now'}
        </button>
        <span className="hint">Sends the get-audience request (read-only) and previews with its answer.</span>
      </div>
      {resolved && !resolved.pending && (
        <div className={`verdict ${r?.found ? 'ok' : 'error'}`} role="status">
          {resolved.error ? `✗ ${resolved.error}` : r?.found ? `✓ ${r.message}${r.status ? ` (HTTP ${r.status})` : ''}: remote_audience = ${JSON.stringify(r.value)}` : `✗ ${r?.message ?? 'not resolved'}`}
        </div>
      )}
    </div>
  );
}
