// Try a JMESPath expression (filter path, success path, mapping) against real data and see
// what Outbound would conclude: the selected sample profile, its mapped record (from the
// preview), the last response (Send this one, or the run request open in the run view), or
// JSON typed here. Evaluated by the service, live as you type; a syntax error is marked at
// its column. Inline on the Audience tab, and as a dialog from every tab and the palette.
import { useEffect, useMemo, useState } from 'react';
import { create } from 'zustand';
import { api, errorText } from '../api.js';
import { Dialog } from '../components/Dialog.js';
import { latestOnly } from '../lib/latest.js';
import { useRunView } from '../state/run-view.js';
import { useStudio } from '../state/studio.js';
import type { JmesEvalResult } from '../../shared/api.js';

const calls = latestOnly();

export const SAMPLE_RESPONSE = `{
  "tables": [
    { "id": "tbl_1", "name": "High Value" },
    { "id": "tbl_2", "name": "Churn Risk" }
  ],
  "records": [1, 2, 3]
}`;

export type Purpose = 'filter' | 'success' | 'mapping';
export type JmesSource = 'sample' | 'mapped' | 'sent' | 'run' | 'custom';

const SOURCE_LABELS: Record<JmesSource, string> = {
  sample: 'Selected sample profile',
  mapped: 'Its mapped record (preview)',
  sent: 'Last response: Send this one',
  run: 'Last response: run request',
  custom: 'JSON typed here',
};

/** The dialog's open state, so the palette and any tab can open it. */
export const usePlaygroundDialog = create<{ open: boolean; purpose: Purpose; expression: string | undefined }>(() => ({
  open: false,
  purpose: 'mapping',
  expression: undefined,
}));

export function openJmesPlayground(opts: { purpose?: Purpose; expression?: string } = {}): void {
  usePlaygroundDialog.setState({ open: true, purpose: opts.purpose ?? 'mapping', expression: opts.expression });
}

/** Parses a response body for the playground; a body that is not JSON is taken as a string. */
function bodyValue(text: string | undefined): unknown {
  if (text === undefined || text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** What each source holds now (undefined: nothing to evaluate against yet, with why). */
function useSourceData(source: JmesSource, index: number): { data?: unknown; note: string } {
  const setId = useStudio((s) => s.selectedSetId);
  const set = useStudio((s) => s.sampleSets.find((x) => x.id === s.selectedSetId));
  const records = useStudio((s) => s.preview?.records);
  const sent = useStudio((s) => s.sent);
  const detail = useRunView((s) => s.detail);
  const [sample, setSample] = useState<{ key: string; value?: unknown; error?: string } | null>(null);
  const sampleKey = `${setId ?? ''}#${index}`;

  useEffect(() => {
    if (source !== 'sample' || !setId) return;
    let live = true;
    api()
      .getSamples({ setId, offset: index, limit: 1 })
      .then((rows) => live && setSample({ key: sampleKey, value: rows[0] }))
      .catch((err: unknown) => live && setSample({ key: sampleKey, error: errorText(err) }));
    return () => {
      live = false;
    };
  }, [source, setId, index, sampleKey]);

  return useMemo(() => {
  switch (source) {
    case 'sample':
      if (!setId || !set) return { note: 'No sample set is selected: pick one in Samples.' };
      if (sample?.key !== sampleKey) return { note: 'Loading the profile…' };
      if (sample.error) return { note: `Could not read the profile: ${sample.error}` };
      if (sample.value === undefined) return { note: `“${set.name}” has ${set.count} profile(s): there is no #${index + 1}.` };
      return { data: sample.value, note: `Profile #${index + 1} of ${set.count} in “${set.name}”` };
    case 'mapped': {
      const r = records?.[index];
      if (!records?.length) return { note: 'The preview has no mapped records yet.' };
      if (!r) return { note: `The preview mapped ${records.length} record(s): there is no #${index + 1}.` };
      return { data: r.data, note: `Record ${r.key} (${r.action}) as the templates see it` };
    }
    case 'sent':
      if (!sent?.response || sent.pending) return { note: 'No answer yet: use Send this one in the preview.' };
      return { data: bodyValue(sent.response.body), note: `${sent.step} · ${sent.url} → ${sent.response.status ?? sent.response.error ?? 'no answer'}` };
    case 'run':
      if (!detail?.response) return { note: 'No run request is open: open one in Runs.' };
      return {
        data: bodyValue(detail.response.body?.text),
        note: `${detail.step} #${detail.attempt} · ${detail.request.method} ${detail.request.url} → ${detail.response.status}${detail.response.body?.cut ? ' (body cut)' : ''}`,
      };
    default:
      return { note: '' };
  }
  }, [source, index, setId, set, sample, sampleKey, records, sent, detail]);
}

/** The expression with the error's column marked: underlined, and a caret under it. */
function ErrorMark({ expression, column }: { expression: string; column: number }) {
  const at = Math.max(0, Math.min(column - 1, expression.length));
  const ch = expression.slice(at, at + 1);
  return (
    <pre className="mono jmes-caret" aria-label={`Error at column ${column}`}>
      {expression.slice(0, at)}
      <mark className="jmes-error-at">{ch === '' ? ' ' : ch}</mark>
      {expression.slice(at + 1)}
      {'\n'}
      {' '.repeat(at)}
      <span className="error-text">^ column {column}</span>
    </pre>
  );
}

export function JmesPlayground(props: { initialExpression?: string; purpose?: Purpose; inDialog?: boolean }) {
  const [expression, setExpression] = useState(props.initialExpression ?? "tables[?name=='High Value']");
  const [purpose, setPurpose] = useState<Purpose>(props.purpose ?? 'filter');
  const hasSent = useStudio((s) => Boolean(s.sent?.response));
  const hasSet = useStudio((s) => Boolean(s.selectedSetId));
  // A filter or success path reads a response; a mapping reads a profile.
  const [source, setSource] = useState<JmesSource>(() =>
    (props.purpose ?? 'filter') === 'mapping' ? (hasSet ? 'sample' : 'custom') : hasSent ? 'sent' : 'custom',
  );
  const [index, setIndex] = useState(0);
  const [custom, setCustom] = useState(SAMPLE_RESPONSE);
  const [recordCount, setRecordCount] = useState('3');
  const [result, setResult] = useState<JmesEvalResult | null>(null);
  const picked = useSourceData(source, index);
  const set = useStudio((s) => s.sampleSets.find((x) => x.id === s.selectedSetId));
  const records = useStudio((s) => s.preview?.records);
  const id = props.inDialog ? 'jmesd' : 'jmes';

  const shown = useMemo(() => (source === 'custom' ? custom : picked.data === undefined ? '' : JSON.stringify(picked.data, null, 2)), [source, custom, picked.data]);

  useEffect(() => {
    let data: unknown;
    if (source === 'custom') {
      try {
        data = JSON.parse(custom);
      } catch (err) {
        calls.invalidate();
        setResult({ ok: false, error: `JSON input does not parse: ${(err as Error).message}` });
        return;
      }
    } else if (picked.data === undefined) {
      calls.invalidate();
      setResult(null);
      return;
    } else data = picked.data;
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
  }, [expression, custom, source, picked.data, purpose, recordCount]);

  const errorColumn = result && !result.ok ? result.column : undefined;
  const body = (
    <div className="form-grid">
      <div className={`field wide${errorColumn !== undefined ? ' invalid' : ''}`}>
        <label htmlFor={`${id}-expression`}>Expression</label>
        <input
          id={`${id}-expression`}
          className="mono"
          spellCheck={false}
          value={expression}
          aria-invalid={errorColumn !== undefined}
          aria-describedby={errorColumn !== undefined ? `${id}-error` : undefined}
          onChange={(e) => setExpression(e.target.value)}
        />
        {errorColumn !== undefined && <ErrorMark expression={expression} column={errorColumn} />}
      </div>
      <div className="field">
        <label htmlFor={`${id}-purpose`}>Read as</label>
        <select id={`${id}-purpose`} value={purpose} onChange={(e) => setPurpose(e.target.value as Purpose)}>
          <option value="filter">Get audience filter</option>
          <option value="success">Success path</option>
          <option value="mapping">Record mapping</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-source`}>Evaluate against</label>
        <select
          id={`${id}-source`}
          value={source}
          onChange={(e) => {
            setSource(e.target.value as JmesSource);
            setIndex(0);
          }}
        >
          {(Object.keys(SOURCE_LABELS) as JmesSource[]).map((s) => (
            <option key={s} value={s}>
              {SOURCE_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      {source === 'sample' && set && (
        <div className="field">
          <label htmlFor={`${id}-profile`}>Profile # (of {set.count})</label>
          <input
            id={`${id}-profile`}
            type="number"
            min={1}
            max={set.count}
            value={index + 1}
            onChange={(e) => setIndex(Math.max(0, Math.min(set.count, Number(e.target.value) || 1) - 1))}
          />
        </div>
      )}
      {source === 'mapped' && records && records.length > 0 && (
        <div className="field">
          <label htmlFor={`${id}-record`}>Record</label>
          <select id={`${id}-record`} value={index} onChange={(e) => setIndex(Number(e.target.value))}>
            {records.map((r, i) => (
              <option key={`${r.key}-${i}`} value={i}>
                {r.key} ({r.action})
              </option>
            ))}
          </select>
        </div>
      )}
      {purpose === 'success' && (
        <div className="field">
          <label htmlFor={`${id}-count`}>Records in the request</label>
          <input id={`${id}-count`} inputMode="numeric" value={recordCount} onChange={(e) => setRecordCount(e.target.value)} />
        </div>
      )}
      <div className="field wide">
        <label htmlFor={`${id}-input`}>JSON input</label>
        {source !== 'custom' && <span className="muted jmes-source-note">{picked.note}</span>}
        <textarea
          id={`${id}-input`}
          className="mono"
          rows={props.inDialog ? 10 : 8}
          spellCheck={false}
          value={shown}
          placeholder={source === 'custom' ? '' : picked.note}
          onChange={(e) => {
            // Editing the shown input makes it your own: it stays as typed.
            setCustom(e.target.value);
            setSource('custom');
          }}
        />
      </div>
      <div className="field wide" aria-live="polite">
        <span className="label-like">Result</span>
        {result === null ? (
          <div className="muted">{source !== 'custom' && picked.data === undefined ? picked.note : 'Evaluating…'}</div>
        ) : result.ok ? (
          <>
            <pre className="mono code-block" aria-label="JMESPath result">
              {JSON.stringify(result.value, null, 2) ?? 'null'}
            </pre>
            {result.conclusion && <div className="conclusion">→ {result.conclusion}</div>}
          </>
        ) : (
          <div className="error-text" role="alert" id={`${id}-error`}>
            {result.error}
          </div>
        )}
      </div>
    </div>
  );
  if (props.inDialog) return body;
  return (
    <section className="form-section jmes" aria-label="JMESPath playground">
      <header>
        <h3>JMESPath playground</h3>
      </header>
      {body}
    </section>
  );
}

/** The playground as a dialog: opened from the editor's toolbar or the palette, over whatever tab is shown. */
export function JmesPlaygroundDialog() {
  const { open, purpose, expression } = usePlaygroundDialog();
  const close = () => usePlaygroundDialog.setState({ open: false });
  return (
    <Dialog
      title="JMESPath playground"
      open={open}
      onClose={close}
      actions={
        <button type="button" onClick={close}>
          Close
        </button>
      }
    >
      {open && <JmesPlayground inDialog purpose={purpose} initialExpression={expression ?? (purpose === 'mapping' ? 'person.email' : undefined)} />}
    </Dialog>
  );
}

/** The toolbar button that opens the dialog (every destination tab shows the toolbar). */
export function JmesPlaygroundButton() {
  return (
    <button type="button" title="Try a JMESPath expression on a sample, a mapped record or a response (also in the palette: Ctrl/Cmd+K)" onClick={() => openJmesPlayground()}>
      JMESPath playground
    </button>
  );
}
