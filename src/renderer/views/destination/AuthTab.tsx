// The Auth tab: headers sent on every request, OAuth2 client credentials and the network (proxy, TLS).
import { CheckboxField, Field, SecretField, Section, SelectField, TextField } from '../../components/controls.js';
import { actions, edit, useStudio } from '../../state/studio.js';
import { NetworkSection } from './NetworkSection.js';
import { ChildFieldErrors } from './TemplateIssues.js';

export function AuthTab() {
  const form = useStudio((s) => s.form);
  const o = form.oauth;
  return (
    <>
      <Section title="Headers">
        <Field
          label="Headers for every request"
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
        <ChildFieldErrors prefix="destination.headers" noun="Header" />
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
      <NetworkSection />
    </>
  );
}
