// The built-in mock endpoint: start/stop it, choose how it misbehaves, see its routes and
// the credentials a destination needs, and point the current destination at it.
import { useState } from 'react';
import type { MockCredentials, MockRouteView } from '../../shared/api.js';
import { pointFormAtMock } from '../lib/mockDestination.js';
import { actions, edit, notify, useStudio } from '../state/studio.js';
import { MockJournal } from './MockJournal.js';

export const SCENARIOS: ReadonlyArray<{ id: string; label: string }> = [
  { id: 'ok', label: 'ok: every request succeeds' },
  { id: 'rate-limited', label: 'rate-limited: 429 with Retry-After' },
  { id: 'flaky', label: 'flaky: some 500/503 answers' },
  { id: 'slow', label: 'slow: answers take seconds' },
  { id: 'down', label: 'down: connections refused' },
  { id: 'expired-tokens', label: 'expired-tokens: 401 until a fresh token' },
];

async function copy(text: string, what: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    notify(`Copied ${what}`);
  } catch {
    notify(`Could not copy ${what}: the clipboard is not available here`, 'error');
  }
}

function CopyButton({ text, what }: { text: string; what: string }) {
  return (
    <button type="button" className="ghost small" aria-label={`Copy ${what}`} onClick={() => void copy(text, what)}>
      Copy
    </button>
  );
}

/** The client secret and API key are the mock's own, published in its docs, but still shown masked until revealed (secrets look the same everywhere). */
function SecretValue({ value, label }: { value: string; label: string }) {
  const [shown, setShown] = useState(false);
  return (
    <>
      <span className="mono" aria-label={label}>
        {shown ? value : '●'.repeat(8)}
      </span>
      <button type="button" className="ghost small" aria-pressed={shown} aria-label={shown ? `Hide ${label}` : `Reveal ${label}`} onClick={() => setShown(!shown)}>
        {shown ? 'Hide' : 'Reveal'}
      </button>
    </>
  );
}

function MockCredentialsSection({ url, creds }: { url: string | undefined; creds: MockCredentials }) {
  const base = url?.replace(/\/+$/, '');
  const tokenUrl = base ? `${base}${creds.tokenPath}` : creds.tokenPath;
  const rows: Array<{ label: string; value: string; secret?: boolean }> = [
    ...(base ? [{ label: 'Base URL', value: base }] : []),
    { label: 'Token URL', value: tokenUrl },
    { label: 'Client ID', value: creds.clientId },
    { label: 'Client secret', value: creds.clientSecret, secret: true },
    { label: `API key (${creds.apiKeyHeader} header)`, value: creds.apiKey, secret: true },
  ];
  return (
    <section className="form-section mock-credentials" aria-label="Mock credentials">
      <h3>Credentials</h3>
      <p className="muted">
        OAuth2 client credentials (HTTP Basic or form fields) get a bearer token; the API key works instead of a token.
      </p>
      <dl className="kv mock-kv">
        {rows.map((r) => (
          <div className="kv-row" key={r.label}>
            <dt>{r.label}</dt>
            <dd>
              {r.secret ? <SecretValue value={r.value} label={r.label} /> : <span className="mono" aria-label={r.label}>{r.value}</span>}
              <CopyButton text={r.value} what={r.label} />
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function MockRoutesSection({ routes }: { routes: MockRouteView[] }) {
  return (
    <section className="form-section mock-routes" aria-label="Mock routes">
      <h3>Routes</h3>
      <table className="mini-table routes-table">
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col">Path</th>
            <th scope="col">What it does</th>
            <th scope="col">Auth</th>
          </tr>
        </thead>
        <tbody>
          {routes.map((r) => (
            <tr key={`${r.methods.join(',')} ${r.path}`}>
              <td className="mono method">{r.methods.join(', ')}</td>
              <td className="mono">
                {r.path.split('/').map((part, i) => (
                  // Long paths wrap at a slash, not inside a word.
                  <span key={i}>
                    {i > 0 && '/'}
                    {i > 0 && <wbr />}
                    {part}
                  </span>
                ))}
              </td>
              <td>{r.description}</td>
              <td>{r.auth ? 'token or API key' : 'none'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Fills the current destination's token URL, credentials and step URLs with the mock's; the form is left unsaved for the user to review. */
function fillDestinationFromMock(url: string, creds: MockCredentials): void {
  let changed: string[] = [];
  edit((form) => {
    const filled = pointFormAtMock(form, url, creds);
    changed = filled.changed;
    Object.assign(form, filled.form);
  });
  actions.setPlace('destinations');
  notify(`Pointed at the mock: ${changed.join(', ')}. Not saved yet: review, then save.`);
}

export function MockView() {
  const mock = useStudio((s) => s.mock);
  const [scenario, setScenario] = useState(mock?.scenario ?? 'ok');
  const running = mock?.running ?? false;
  const destinationName = useStudio((s) => s.form.name);
  return (
    <div className="page" role="region" aria-label="Mock endpoint">
      <h2>Mock endpoint</h2>
      <p className="lede">
        A loopback HTTP server that behaves like an audience API and an OAuth token endpoint. Point a destination at it to try
        retries, rate limits and token expiry without touching a real system.
      </p>
      <div className="mock-status" role="status" aria-label="Mock endpoint status">
        <span className={`dot ${running ? 'ok' : 'off'}`} aria-hidden="true">
          ●
        </span>
        {running ? (
          <>
            running on <span className="mono">{mock?.url ?? `:${mock?.port}`}</span> · scenario <strong>{mock?.scenario}</strong> ·{' '}
            {mock?.journalSize ?? 0} requests received
          </>
        ) : (
          'stopped'
        )}
      </div>
      <div className="form-grid narrow">
        <div className="field">
          <label htmlFor="mock-scenario">Scenario</label>
          <select id="mock-scenario" value={scenario} onChange={(e) => setScenario(e.target.value)}>
            {SCENARIOS.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field actions-end">
          {running ? (
            <div className="button-row">
              <button type="button" className="primary" onClick={() => void actions.startMock(scenario)}>
                Apply scenario
              </button>
              <button type="button" onClick={() => void actions.stopMock()}>
                Stop mock
              </button>
            </div>
          ) : (
            <button type="button" className="primary" onClick={() => void actions.startMock(scenario)}>
              Start mock
            </button>
          )}
        </div>
      </div>
      <div className="button-row">
        <button type="button" className="ghost" onClick={() => void actions.refreshMock()}>
          Refresh status
        </button>
        {running && mock?.url && mock.credentials && (
          <button
            type="button"
            className="primary"
            title={`Sets the token URL, client id/secret and step URLs of “${destinationName || 'Untitled'}” to the mock’s; nothing is saved`}
            onClick={() => fillDestinationFromMock(mock.url!, mock.credentials!)}
          >
            Use in destination
          </button>
        )}
        {running && <span className="muted">current destination: {destinationName || 'Untitled'}</span>}
      </div>
      {mock?.credentials && <MockCredentialsSection url={running ? mock.url : undefined} creds={mock.credentials} />}
      {mock?.routes && <MockRoutesSection routes={mock.routes} />}
      <MockJournal running={running} />
    </div>
  );
}
