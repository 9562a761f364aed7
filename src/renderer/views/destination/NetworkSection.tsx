// The destination's network (README "Networks"): its own proxy, an extra CA, a client
// certificate for mutual TLS, and the loud "trust any certificate" switch.
import { CheckboxField, SecretField, Section, TextField } from '../../components/controls.js';
import { edit, useStudio } from '../../state/studio.js';

export function NetworkSection() {
  const n = useStudio((s) => s.form.network);
  return (
    <Section title="Network">
      <SecretField
        label="Proxy"
        path="destination.network.proxy"
        value={n.proxy}
        onChange={(v) => edit((f) => void (f.network.proxy = v))}
        hint={
          <>
            Blank: <code>HTTPS_PROXY</code>/<code>HTTP_PROXY</code>/<code>NO_PROXY</code> of the environment. Set, every request of this destination goes through
            it. With credentials prefer <code>{'${env:PROXY_URL}'}</code>.
          </>
        }
      />
      <TextField
        label="CA certificates (PEM file)"
        path="destination.network.ca"
        mono
        value={n.ca}
        placeholder="/path/to/corp-ca.pem"
        onChange={(v) => edit((f) => void (f.network.ca = v))}
        hint="Trusted in addition to the default roots. Absolute path."
      />
      <TextField
        label="Client certificate (PEM file)"
        path="destination.network.clientCert"
        mono
        value={n.clientCert}
        placeholder="/path/to/client.pem"
        onChange={(v) => edit((f) => void (f.network.clientCert = v))}
        hint="Mutual TLS. Absolute path."
      />
      <TextField
        label="Client key (PEM file)"
        path="destination.network.clientKey"
        mono
        value={n.clientKey}
        placeholder="/path/to/client.key"
        onChange={(v) => edit((f) => void (f.network.clientKey = v))}
      />
      {n.clientKey.trim() !== '' && (
        <SecretField
          label="Client key passphrase"
          path="destination.network.clientKeyPassphrase"
          value={n.clientKeyPassphrase}
          onChange={(v) => edit((f) => void (f.network.clientKeyPassphrase = v))}
          hint={<>Only for an encrypted key; write it as <code>{'${env:NAME}'}</code>.</>}
        />
      )}
      <CheckboxField
        label="Skip certificate verification"
        path="destination.network.insecureSkipVerify"
        checked={n.insecureSkipVerify}
        onChange={(v) => edit((f) => void (f.network.insecureSkipVerify = v))}
        hint="Trusts any certificate this destination's server shows (a self-signed staging endpoint). Prefer the CA file."
      />
      {n.insecureSkipVerify && (
        <p className="network-warning" role="alert">
          Certificates are not verified: anyone on the network path can read and change these requests, secrets included. Every run warns.
        </p>
      )}
    </Section>
  );
}
