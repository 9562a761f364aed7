// The Auth tab: headers sent on every request, OAuth2 client credentials, request signing
// and the network (proxy, TLS).
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
                { value: 'basic-raw', label: 'HTTP Basic, raw (not form-encoded)' },
                { value: 'body', label: 'Form fields in the body' },
              ]}
              onChange={(v) => edit((f) => void (f.oauth.clientAuth = v))}
            />
          </>
        )}
      </Section>
      <SigningSection />
      <NetworkSection />
    </>
  );
}

/** destination.signing: an HMAC of each request in one header, as webhook receivers verify. */
function SigningSection() {
  const form = useStudio((s) => s.form);
  const g = form.signing;
  return (
    <Section title="Request signing">
      <CheckboxField
        label="Sign every request (HMAC)"
        checked={form.signingEnabled}
        onChange={(v) => edit((f) => void (f.signingEnabled = v))}
        hint="An HMAC of the exact bytes sent, in one header, on every request to the destination (audience steps too). The preview shows it."
      />
      {form.signingEnabled && (
        <>
          <TextField label="Signature header" path="destination.signing.header" mono value={g.header} onChange={(v) => edit((f) => void (f.signing.header = v))} />
          <SecretField
            label="Signing secret"
            path="destination.signing.secret"
            value={g.secret}
            onChange={(v) => edit((f) => void (f.signing.secret = v))}
            hint={<>Prefer <code>{'${env:NAME}'}</code> so the config can be shared.</>}
          />
          <SelectField
            label="Algorithm"
            path="destination.signing.algorithm"
            value={g.algorithm}
            options={[
              { value: 'sha256', label: 'HMAC-SHA256' },
              { value: 'sha1', label: 'HMAC-SHA1' },
              { value: 'sha512', label: 'HMAC-SHA512' },
            ]}
            onChange={(v) => edit((f) => void (f.signing.algorithm = v))}
          />
          <SelectField
            label="Encoding"
            path="destination.signing.encoding"
            value={g.encoding}
            options={[
              { value: 'hex', label: 'hex' },
              { value: 'base64', label: 'base64' },
            ]}
            onChange={(v) => edit((f) => void (f.signing.encoding = v))}
          />
          <TextField
            label="Signed payload"
            path="destination.signing.payload"
            mono
            value={g.payload}
            onChange={(v) => edit((f) => void (f.signing.payload = v))}
            hint={
              <>
                <code>{'{body}'}</code>, or e.g. <code>{'{timestamp}.{body}'}</code> (Stripe), <code>{'v0:{timestamp}:{body}'}</code> (Slack); also{' '}
                <code>{'{method}'}</code>, <code>{'{path}'}</code>.
              </>
            }
          />
          <TextField
            label="Signature prefix"
            path="destination.signing.prefix"
            mono
            value={g.prefix}
            onChange={(v) => edit((f) => void (f.signing.prefix = v))}
            hint={<>Optional, e.g. <code>sha256=</code></>}
          />
          <TextField
            label="Timestamp header"
            path="destination.signing.timestampHeader"
            mono
            value={g.timestampHeader}
            onChange={(v) => edit((f) => void (f.signing.timestampHeader = v))}
            hint="Optional: carries the Unix time (seconds) that {timestamp} signs."
          />
        </>
      )}
    </Section>
  );
}
