// The Setup tab's records: the record key, the add/remove action and the field mapping
// (output field ← JMESPath on the input record).
import { RowErrors, Section, TextField } from '../../components/controls.js';
import { edit, useStudio } from '../../state/studio.js';

export function RecordsSection() {
  const records = useStudio((s) => s.form.records);
  return (
    <Section title="Records">
      <TextField
        label="Record key"
        path="records.key"
        mono
        value={records.key}
        onChange={(v) => edit((f) => void (f.records.key = v))}
        hint="Output field that identifies a record (for resume and results)."
      />
      <TextField
        label="Action (JMESPath)"
        path="records.action"
        mono
        wide
        value={records.action}
        placeholder='segmentMembership.ups."seg-1".status'
        onChange={(v) => edit((f) => void (f.records.action = v))}
        hint="Gives add/remove or an AEP status (realized, existing ⇒ add; exited ⇒ remove). Blank ⇒ all add."
      />
      <div className="rows wide" role="group" aria-label="Field mapping">
        <span className="label-like">Mapping: output field ← JMESPath on the input record</span>
        {records.mapping.map((row, i) => (
          <div className="row" key={i}>
            <input
              aria-label={`Mapping ${i + 1} output field`}
              className="mono"
              value={row.field}
              placeholder="email"
              onChange={(e) => edit((f) => void (f.records.mapping[i]!.field = e.target.value))}
            />
            <span aria-hidden="true">←</span>
            <input
              aria-label={`Mapping ${i + 1} JMESPath`}
              className="mono grow"
              value={row.path}
              placeholder="person.email"
              onChange={(e) => edit((f) => void (f.records.mapping[i]!.path = e.target.value))}
            />
            <button
              type="button"
              className="icon"
              aria-label={`Remove mapping ${i + 1}`}
              onClick={() => edit((f) => void f.records.mapping.splice(i, 1))}
            >
              ×
            </button>
            <RowErrors path={`records.mapping[${i}].field`} />
          </div>
        ))}
        <button type="button" onClick={() => edit((f) => void f.records.mapping.push({ field: '', path: '' }))}>
          Add mapping
        </button>
        {records.mapping.length === 0 && <div className="hint">No mapping: each input record is used as it is.</div>}
      </div>
    </Section>
  );
}
