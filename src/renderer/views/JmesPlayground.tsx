// Try a JMESPath expression (filter path, success path, mapping) against JSON and see
// what Outbound would conclude. Evaluated by the service, live as you type.
import { useEffect, useState } from 'react';
import { api, errorText } from '../api.js';
import { latestOnly } from '../lib/latest.js';
import type { JmesEvalResult } from '../../shared/api.js';

const calls = latestOnly();

export const SAMPLE_RESPONSE = `{
  "tables": [
    { "id": "tbl_1", "name": "High Value" },
    { "id": "tbl_2", "name": "Churn Risk" }
  ],
  "records": [1, 2, 3]
}`;

export function JmesPlayground(props: { initialExpression?: string; purpose?: 'filter' | 'success' | 'mapping' }) {
  const [expression, setExpression] = useState(props.initialExpression ?? "tables[?name=='High Value']");
  const [purpose, setPurpose] = useState<'filter' | 'success' | 'mapping'>(props.purpose ?? 'filter');
  const [input, setInput] = useState(SAMPLE_RESPONSE);
  const [recordCount, setRecordCount] = useState('3');
  const [result, setResult] = useState<JmesEvalResult | null>(null);

  useEffect(() => {
    let data: unknown;
    try {
      data = JSON.parse(input);
    } catch (err) {
      calls.invalidate();
      setResult({ ok: false, error: `JSON input does not parse: ${(err as Error).message}` });
      return;
    }
    const timer = setTimeout(() => {
      const count = Number(recordCount);
      calls
        .run(() =>
          api().evaluateJmes({
            expression,
            data,
            purpose,
            recordCount: purpose === 'success' && Number.isFinite(count) ? count : undefined,
          }),
        )
        .then((r) => !r.stale && setResult(r.value))
        .catch((err: unknown) => setResult({ ok: false, error: errorText(err) }));
    }, 120);
    return () => clearTimeout(timer);
  }, [expression, input, purpose, recordCount]);

  return (
    <section className="form-section jmes" aria-label="JMESPath playground">
      <header>
        <h3>JMESPath playground</h3>
      </header>
      <div className="form-grid">
        <div className="field wide">
          <label htmlFor="jmes-expression">Expression</label>
          <input
            id="jmes-expression"
            className="mono"
            spellCheck={false}
            value={expression}
            onChange={(e) => setExpression(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="jmes-purpose">Read as</label>
          <select id="jmes-purpose" value={purpose} onChange={(e) => setPurpose(e.target.value as typeof purpose)}>
            <option value="filter">Get audience filter</option>
            <option value="success">Success path</option>
            <option value="mapping">Record mapping</option>
          </select>
        </div>
        {purpose === 'success' && (
          <div className="field">
            <label htmlFor="jmes-count">Records in the request</label>
            <input id="jmes-count" inputMode="numeric" value={recordCount} onChange={(e) => setRecordCount(e.target.value)} />
          </div>
        )}
        <div className="field wide">
          <label htmlFor="jmes-input">JSON input</label>
          <textarea
            id="jmes-input"
            className="mono"
            rows={8}
            spellCheck={false}
            value={input}
            onChange={(e) => setInput(e.target.value)}
          />
        </div>
        <div className="field wide" aria-live="polite">
          <span className="label-like">Result</span>
          {result === null ? (
            <div className="muted">Evaluating…</div>
          ) : result.ok ? (
            <>
              <pre className="mono code-block" aria-label="JMESPath result">
                {JSON.stringify(result.value, null, 2) ?? 'null'}
              </pre>
              {result.conclusion && <div className="conclusion">→ {result.conclusion}</div>}
            </>
          ) : (
            <div className="error-text" role="alert">
              {result.error}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
