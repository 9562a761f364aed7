// The Add and Remove tabs: one send step (URL and body templates, batching, success path).
import { HTTP_METHODS } from '../../../shared/config.js';
import { CheckboxField, Field, SelectField, Section, TextField } from '../../components/controls.js';
import { TemplateEditor } from '../../editor/TemplateEditor.js';
import { markersFor } from '../../editor/issues.js';
import { edit, useStudio } from '../../state/studio.js';
import type { SendStepForm } from '../../state/form.js';
import { TemplateIssueList, useTemplateIssues } from './TemplateIssues.js';

export function StepEditor({ step }: { step: 'add' | 'remove' }) {
  const s = useStudio((st) => st.form[step]);
  const issues = useTemplateIssues(step);
  const set = (recipe: (s: SendStepForm) => void) => edit((f) => recipe(f[step]));
  const base = `destination.${step}`;
  const verb = step === 'add' ? 'added' : 'removed';
  return (
    <div className="step-editor">
      <Section title={step === 'add' ? 'Add members' : 'Remove members'}>
        <CheckboxField
          label="Enabled"
          path={`${base}.enabled`}
          checked={s.enabled}
          onChange={(v) => set((x) => void (x.enabled = v))}
          hint={`Send a request when members are ${verb}.`}
        />
        <SelectField
          label="HTTP method"
          path={`${base}.method`}
          value={s.method as (typeof HTTP_METHODS)[number]}
          options={HTTP_METHODS}
          onChange={(v) => set((x) => void (x.method = v))}
        />
        <Field label="URL template" path={`${base}.url`} wide>
          {(a) => (
            <TemplateEditor
              key={`${step}-url`}
              id={a.id}
              label="URL template"
              singleLine
              value={s.url}
              markers={markersFor(issues, `${step}.url`)}
              onChange={(v) => set((x) => void (x.url = v))}
            />
          )}
        </Field>
        <Field
          label="Body template"
          path={`${base}.bodyTemplate`}
          wide
          hint={
            s.batchMode === 'batched' ? (
              <>
                Batched: loop with <code>{'{{#each users}}…{{/each}}'}</code>; <code>{'{{json x}}'}</code> inserts any value as JSON.
              </>
            ) : (
              <>
                Individual: one record as <code>{'{{user.field}}'}</code>; values in quotes are JSON-escaped.
              </>
            )
          }
        >
          {(a) => (
            <TemplateEditor
              key={`${step}-body`}
              id={a.id}
              label="Body template"
              height={240}
              value={s.bodyTemplate}
              markers={markersFor(issues, `${step}.bodyTemplate`)}
              onChange={(v) => set((x) => void (x.bodyTemplate = v))}
            />
          )}
        </Field>
        <TemplateIssueList issues={issues} />
        <SelectField
          label="Batch mode"
          path={`${base}.batchMode`}
          value={s.batchMode}
          options={[
            { value: 'individual', label: 'Individual (one request per record)' },
            { value: 'batched', label: 'Batched (many records per request)' },
          ]}
          onChange={(v) => set((x) => void (x.batchMode = v))}
        />
        {/* One record a request: a batch size means nothing then (the value is kept for switching back). */}
        {s.batchMode === 'batched' && (
          <TextField
            label="Batch size"
            path={`${base}.batchSize`}
            inputMode="numeric"
            value={s.batchSize}
            onChange={(v) => set((x) => void (x.batchSize = v))}
          />
        )}
        <TextField
          label="Success path (JMESPath)"
          path={`${base}.successPath`}
          mono
          wide
          placeholder="records · created · success · num_records_imported"
          value={s.successPath}
          onChange={(v) => set((x) => void (x.successPath = v))}
          hint="Array ⇒ its length succeeded; boolean ⇒ all or none; number ⇒ that many. Blank ⇒ every record of a 2xx succeeded."
        />
        <TextField
          label="Success key path (JMESPath, per element)"
          path={`${base}.successKeyPath`}
          mono
          wide
          placeholder="userId"
          value={s.successKeyPath}
          onChange={(v) => set((x) => void (x.successKeyPath = v))}
          hint="The record key each element of the success path's array names: exactly those records are delivered. Without it, a partial count that does not name records delivers none of them (they are re-sent by retry failed)."
        />
        <TextField
          label="Errors path (JMESPath)"
          path={`${base}.errorsPath`}
          mono
          wide
          placeholder="errors"
          value={s.errorsPath}
          onChange={(v) => set((x) => void (x.errorsPath = v))}
          hint="Rejected records: each element a batch index, a record key, or an object with index or key and message / reason / error. They fail with the endpoint's reason."
        />
        <TextField
          label="Error key path (JMESPath, per element)"
          path={`${base}.errorKeyPath`}
          mono
          wide
          placeholder="user.id"
          value={s.errorKeyPath}
          onChange={(v) => set((x) => void (x.errorKeyPath = v))}
          hint="The record key of an errors element without an index (default: id, key, email or userId)."
        />
      </Section>
    </div>
  );
}
