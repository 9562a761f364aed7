// The Setup tab's output schema: which mapped fields are sent, coerced to which types.
import { FIELD_TYPES, type FieldType } from '../../../shared/config.js';
import { CheckboxField, RowErrors, Section } from '../../components/controls.js';
import { edit, useStudio } from '../../state/studio.js';

export function OutputSchemaBuilder() {
  const enabled = useStudio((s) => s.form.outputSchemaEnabled);
  const rows = useStudio((s) => s.form.outputSchema);
  return (
    <Section title="Output schema">
      <CheckboxField
        label="Send only the fields listed here (coerced to their types)"
        path="destination.outputSchema"
        checked={enabled}
        onChange={(v) => edit((f) => void (f.outputSchemaEnabled = v))}
        hint="Off: every mapped field is sent as it is."
      />
      {enabled && (
        <div className="rows wide" role="group" aria-label="Output fields">
          {rows.map((row, i) => (
            <div className="row" key={i}>
              <input
                aria-label={`Output field ${i + 1} name`}
                className="mono"
                value={row.name}
                placeholder="field name"
                onChange={(e) => edit((f) => void (f.outputSchema[i]!.name = e.target.value))}
              />
              <select
                aria-label={`Output field ${i + 1} type`}
                value={row.type}
                onChange={(e) => edit((f) => void (f.outputSchema[i]!.type = e.target.value as FieldType))}
              >
                {FIELD_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
              <label className="inline">
                <input
                  type="checkbox"
                  aria-label={`Output field ${i + 1} required`}
                  checked={row.required}
                  onChange={(e) => edit((f) => void (f.outputSchema[i]!.required = e.target.checked))}
                />
                required
              </label>
              <button
                type="button"
                className="icon"
                aria-label={`Remove output field ${i + 1}`}
                onClick={() => edit((f) => void f.outputSchema.splice(i, 1))}
              >
                ×
              </button>
              <RowErrors path={`destination.outputSchema[${i}].name`} />
            </div>
          ))}
          <button
            type="button"
            onClick={() => edit((f) => void f.outputSchema.push({ name: '', type: 'string', required: false }))}
          >
            Add field
          </button>
        </div>
      )}
    </Section>
  );
}
