// The Setup, Auth, Audience and Errors tabs of the destination form.
import { FIELD_TYPES, type FieldType } from '../../shared/config.js';
import { CheckboxField, Field, SecretField, Section, SelectField, TextField, FieldErrors, useFieldErrors } from '../components/controls.js';
import { TemplateEditor } from '../editor/TemplateEditor.js';
import { markersFor } from '../editor/issues.js';
import { actions, edit, useStudio } from '../state/store.js';
import { JmesPlayground } from './JmesPlayground.js';
import { TemplateIssueList, useTemplateIssues } from './StepEditor.js';

function RowErrors({ path }: { path: string }) {
  const errors = useFieldErrors(path);
  return <FieldErrors id={`err-${path.replace(/\W+/g, '-')}`} errors={errors} />;
}

function OutputSchemaBuilder() {
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

function RecordsSection() {
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

export function SetupTab() {
  const form = useStudio((s) => s.form);
  return (
    <>
      <Section title="Destination">
        <TextField label="Name" path="destination.name" value={form.name} onChange={(v) => edit((f) => void (f.name = v))} />
        <TextField
          label="Marketing use case"
          path="destination.marketingUseCase"
          value={form.marketingUseCase}
          onChange={(v) => edit((f) => void (f.marketingUseCase = v))}
        />
        <TextField
          label="Description"
          path="destination.description"
          wide
          value={form.description}
          onChange={(v) => edit((f) => void (f.description = v))}
        />
      </Section>
      <RecordsSection />
      <OutputSchemaBuilder />
    </>
  );
}

export function AuthTab() {
  const form = useStudio((s) => s.form);
  const o = form.oauth;
  return (
    <>
      <Section title="Headers">
        <Field
          label="Headers"
          path="destination.headers"
          wide
          hint={
            <>
              JSON <code>{'{"X-API-Key": "${env:KEY}"}'}</code> or <code>h1:v1,h2:v2</code>. Sent on every request. Use{' '}
              <code>{'${env:NAME}'}</code> for secrets.
            </>
          }
        >
          {(a) => (
            <textarea
              {...a}
              className="mono"
              rows={4}
              spellCheck={false}
              value={form.headersText}
              onChange={(e) => edit((f) => void (f.headersText = e.target.value))}
            />
          )}
        </Field>
      </Section>
      <Section
        title="OAuth2 client credentials"
        actions={
          form.oauthEnabled ? (
            <button type="button" onClick={() => actions.setPlace('oauth')}>
              Open OAuth tester
            </button>
          ) : undefined
        }
      >
        <CheckboxField
          label="Use OAuth2 (client credentials)"
          checked={form.oauthEnabled}
          onChange={(v) => edit((f) => void (f.oauthEnabled = v))}
          hint="Outbound fetches a token, sends it as a Bearer header, and refetches once on a 401."
        />
        {form.oauthEnabled && (
          <>
            <TextField
              label="Token URL"
              path="destination.oauth.tokenUrl"
              mono
              wide
              value={o.tokenUrl}
              onChange={(v) => edit((f) => void (f.oauth.tokenUrl = v))}
            />
            <TextField
              label="Client ID"
              path="destination.oauth.clientId"
              mono
              value={o.clientId}
              onChange={(v) => edit((f) => void (f.oauth.clientId = v))}
            />
            <SecretField
              label="Client secret"
              path="destination.oauth.clientSecret"
              value={o.clientSecret}
              onChange={(v) => edit((f) => void (f.oauth.clientSecret = v))}
              hint={<>Prefer <code>{'${env:NAME}'}</code> so the config can be shared.</>}
            />
            <TextField label="Scope" path="destination.oauth.scope" mono value={o.scope} onChange={(v) => edit((f) => void (f.oauth.scope = v))} />
            <TextField
              label="Audience (token)"
              path="destination.oauth.audience"
              mono
              value={o.audience}
              onChange={(v) => edit((f) => void (f.oauth.audience = v))}
            />
            <SelectField
              label="Client authentication"
              path="destination.oauth.clientAuth"
              value={o.clientAuth}
              options={[
                { value: 'basic', label: 'HTTP Basic (RFC 6749 default)' },
                { value: 'body', label: 'Form fields in the body' },
              ]}
              onChange={(v) => edit((f) => void (f.oauth.clientAuth = v))}
            />
          </>
        )}
      </Section>
    </>
  );
}

export function AudienceTab() {
  const form = useStudio((s) => s.form);
  const getIssues = useTemplateIssues('getAudience');
  const createIssues = useTemplateIssues('createAudience');
  return (
    <>
      <Section title="Audience">
        <TextField label="Audience name" path="audience.name" value={form.audience.name} onChange={(v) => edit((f) => void (f.audience.name = v))} />
        <TextField label="Audience ID" path="audience.id" mono value={form.audience.id} onChange={(v) => edit((f) => void (f.audience.id = v))} />
        <TextField
          label="Organization name"
          path="audience.organizationName"
          value={form.audience.organizationName}
          onChange={(v) => edit((f) => void (f.audience.organizationName = v))}
        />
      </Section>
      <Section title="Get audience">
        <CheckboxField
          label="Get audience enabled"
          path="destination.getAudience.enabled"
          checked={form.getAudience.enabled}
          onChange={(v) =>
            edit((f) => {
              f.getAudience.enabled = v;
              // Create runs only when get finds nothing: it cannot stay on alone.
              if (!v) f.createAudience.enabled = false;
            })
          }
          hint="Look the audience up before sending members; the found element is {{remote_audience}}."
        />
        {form.getAudience.enabled && (
          <>
            <SelectField
              label="Get audience HTTP method"
              path="destination.getAudience.method"
              value={form.getAudience.method as 'GET' | 'POST'}
              options={['GET', 'POST'] as const}
              onChange={(v) => edit((f) => void (f.getAudience.method = v))}
            />
            <Field label="Get audience URL template" path="destination.getAudience.url" wide>
              {(a) => (
                <TemplateEditor
                  id={a.id}
                  label="Get audience URL template"
                  singleLine
                  value={form.getAudience.url}
                  markers={markersFor(getIssues, 'getAudience.url')}
                  onChange={(v) => edit((f) => void (f.getAudience.url = v))}
                />
              )}
            </Field>
            <TextField
              label="Filter path (JMESPath)"
              path="destination.getAudience.filterPath"
              mono
              wide
              value={form.getAudience.filterPath}
              placeholder="tables[?name=='{{audience_name}}']"
              onChange={(v) => edit((f) => void (f.getAudience.filterPath = v))}
              hint="A template itself. An empty result means the audience is missing."
            />
            <TemplateIssueList issues={getIssues} />
          </>
        )}
      </Section>
      <Section title="Create audience">
        <CheckboxField
          label="Create audience enabled"
          path="destination.createAudience.enabled"
          checked={form.createAudience.enabled}
          disabled={!form.getAudience.enabled}
          onChange={(v) => edit((f) => void (f.createAudience.enabled = v))}
          hint={form.getAudience.enabled ? 'Runs only when get finds nothing.' : 'Enable get audience first: create runs only when get finds nothing.'}
        />
        {form.createAudience.enabled && (
          <>
            <SelectField
              label="Create audience HTTP method"
              path="destination.createAudience.method"
              value={form.createAudience.method as 'POST' | 'PUT'}
              options={['POST', 'PUT'] as const}
              onChange={(v) => edit((f) => void (f.createAudience.method = v))}
            />
            <Field label="Create audience URL template" path="destination.createAudience.url" wide>
              {(a) => (
                <TemplateEditor
                  id={a.id}
                  label="Create audience URL template"
                  singleLine
                  value={form.createAudience.url}
                  markers={markersFor(createIssues, 'createAudience.url')}
                  onChange={(v) => edit((f) => void (f.createAudience.url = v))}
                />
              )}
            </Field>
            <Field label="Create audience body template" path="destination.createAudience.bodyTemplate" wide>
              {(a) => (
                <TemplateEditor
                  id={a.id}
                  label="Create audience body template"
                  height={110}
                  value={form.createAudience.bodyTemplate}
                  markers={markersFor(createIssues, 'createAudience.bodyTemplate')}
                  onChange={(v) => edit((f) => void (f.createAudience.bodyTemplate = v))}
                />
              )}
            </Field>
            <TemplateIssueList issues={createIssues} />
          </>
        )}
      </Section>
      <JmesPlayground />
    </>
  );
}

export function ErrorsTab() {
  const form = useStudio((s) => s.form);
  return (
    <Section title="Error handling and pacing">
      <CheckboxField
        label="Retry on errors"
        path="destination.retryOnErrors"
        checked={form.retryOnErrors}
        onChange={(v) => edit((f) => void (f.retryOnErrors = v))}
        hint="Retries 429 and 500–504, connection failures and timeouts with jittered backoff; honours Retry-After."
      />
      <TextField label="Max attempts" path="destination.maxAttempts" inputMode="numeric" value={form.maxAttempts} onChange={(v) => edit((f) => void (f.maxAttempts = v))} />
      <TextField
        label="Requests per hour"
        path="destination.requestsPerHour"
        inputMode="numeric"
        value={form.requestsPerHour}
        placeholder="no limit"
        onChange={(v) => edit((f) => void (f.requestsPerHour = v))}
        hint="3600 ≈ one a second. Blank: no limit."
      />
      <TextField label="Concurrency" path="destination.concurrency" inputMode="numeric" value={form.concurrency} onChange={(v) => edit((f) => void (f.concurrency = v))} />
      <TextField label="Timeout (ms)" path="destination.timeoutMs" inputMode="numeric" value={form.timeoutMs} onChange={(v) => edit((f) => void (f.timeoutMs = v))} />
      <TextField
        label="Idempotency key header"
        path="destination.idempotencyKey"
        mono
        value={form.idempotencyKey}
        placeholder="off"
        onChange={(v) => edit((f) => void (f.idempotencyKey = v))}
        hint="Blank: off. A header name (e.g. Idempotency-Key) sends a stable key per batch."
      />
    </Section>
  );
}
