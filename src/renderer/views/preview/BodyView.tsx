// A request or response body with a pretty | raw toggle; invalid JSON names its line and
// column and marks the place.
import { useMemo, useState } from 'react';
import { checkBody } from '../../lib/format.js';

/** Body with a pretty | raw toggle; invalid JSON names line and column and marks the line. */
export function BodyView({ body, label, contentType }: { body: string | undefined; label: string; contentType?: string }) {
  const [raw, setRaw] = useState(false);
  const check = useMemo(() => checkBody(body, contentType), [body, contentType]);
  if (check.kind === 'none') return <div className="muted">no body</div>;
  const text = raw || check.kind !== 'json' ? body! : check.pretty;
  return (
    <div className="body-view">
      <div className="segmented" role="group" aria-label={`Format of ${label.toLowerCase()}`}>
        <button type="button" aria-pressed={!raw} onClick={() => setRaw(false)}>
          pretty
        </button>
        <button type="button" aria-pressed={raw} onClick={() => setRaw(true)}>
          raw
        </button>
      </div>
      {check.kind === 'invalid' ? (
        <>
          <div className="verdict error" role="alert">
            ✗ invalid JSON at line {check.line}, column {check.column}: {check.message}
          </div>
          <pre className="mono code-block" aria-label={label}>
            {text.split('\n').map((line, i) => (
              <div key={i} className={i + 1 === check.line ? 'bad-line' : undefined}>
                {i + 1 === check.line ? (
                  <>
                    {line.slice(0, check.column - 1)}
                    <mark className="bad-char">{line.slice(check.column - 1, check.column) || ' '}</mark>
                    {line.slice(check.column)}
                  </>
                ) : (
                  line || ' '
                )}
              </div>
            ))}
          </pre>
        </>
      ) : (
        <pre className="mono code-block" aria-label={label}>
          {text}
        </pre>
      )}
    </div>
  );
}
