// The OAuth tester: fetch a token with the current destination's OAuth settings and see
// the exchange (secrets masked), the token's type, scopes, expiry and JWT claims; then send
// one test request to a step's URL with the token.
import { useEffect, useState } from 'react';
import { actions, useStudio } from '../state/studio.js';
import type { StepName } from '../../shared/config.js';
import { formatCountdown, statusTone } from '../lib/format.js';

const TEST_STEPS: Array<{ step: StepName; label: string }> = [
  { step: 'getAudience', label: 'Get audience' },
  { step: 'add', label: 'Add (first request of the preview)' },
  { step: 'remove', label: 'Remove (first request of the preview)' },
];

/** Sends the first previewed request of a step with the token (the service fetches it). */
function TestRequest() {
  const form = useStudio((s) => s.form);
  const sent = useStudio((s) => s.sent);
  const enabled = TEST_STEPS.filter(({ step }) => form[step].enabled);
  const [step, setStep] = useState<StepName>(enabled[0]?.step ?? 'add');
  if (enabled.length === 0) return null;
  const mine = sent && sent.step === step && sent.index === 0 ? sent : null;
  return (
    <section className="form-section" aria-label="Test request">
      <h3>Test request with this token</h3>
      <div className="send-row">
        <label>
          Step{' '}
          <select aria-label="Test request step" value={step} onChange={(e) => setStep(e.target.value as StepName)}>
            {enabled.map((s) => (
              <option key={s.step} value={s.step}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={mine?.pending === true} onClick={() => void actions.sendRequest(step, 0, form[step].url)}>
          Send test request
        </button>
        {mine?.pending && <span className="muted">Sending…</span>}
      </div>
      {mine && !mine.pending && (
        <div aria-label="Test response" role="status">
          {mine.response?.status !== undefined ? (
            <span className={`status-pill ${statusTone(mine.response.status)}`} aria-label={`Status ${mine.response.status}`}>
              {mine.response.status}
            </span>
          ) : (
            <span className="verdict error">✗ {mine.error ?? mine.response?.error ?? 'failed'}</span>
          )}{' '}
          {mine.response?.verdict && <span>{mine.response.verdict}</span>}
          {mine.response?.body && <pre className="mono code-block">{mine.response.body}</pre>}
        </div>
      )}
    </section>
  );
}

/** Re-renders every second while mounted. */
export function useNow(active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

/** A JSON body indented (a provider's error object reads better so); anything else as it came. */
function shownBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function Exchange({ title, lines, body, status }: { title: string; lines: string[]; body: string; status?: number }) {
  return (
    <section className="exchange" aria-label={title}>
      <h3>
        {title}{' '}
        {status !== undefined && (
          <span className={`status-pill ${statusTone(status)}`} aria-label={`Status ${status}`}>
            {status}
          </span>
        )}
      </h3>
      <pre className="mono code-block">
        {lines.join('\n')}
        {body ? `\n\n${shownBody(body)}` : ''}
      </pre>
    </section>
  );
}

export function OAuthView() {
  const oauthEnabled = useStudio((s) => s.form.oauthEnabled);
  const oauth = useStudio((s) => s.form.oauth);
  const token = useStudio((s) => s.token);
  const pending = useStudio((s) => s.tokenPending);
  const now = useNow(Boolean(token?.expiresAt));

  return (
    <div className="page" role="region" aria-label="OAuth tester">
      <h2>OAuth tester</h2>
      <p className="lede">
        Fetches a client-credentials token with the current destination’s settings. Secrets stay in the service: what you see
        is masked.
      </p>
      {!oauthEnabled ? (
        <div className="empty">
          This destination has no OAuth settings.{' '}
          <button
            type="button"
            onClick={() => {
              actions.setPlace('destinations');
              actions.setTab('Auth');
            }}
          >
            Set up OAuth
          </button>
        </div>
      ) : (
        <>
          <dl className="kv mono">
            <dt>Token URL</dt>
            <dd>{oauth.tokenUrl || '—'}</dd>
            <dt>Client ID</dt>
            <dd>{oauth.clientId || '—'}</dd>
            <dt>Client auth</dt>
            <dd>{oauth.clientAuth}</dd>
            {oauth.scope && (
              <>
                <dt>Scope</dt>
                <dd>{oauth.scope}</dd>
              </>
            )}
          </dl>
          <div className="send-row">
            <button type="button" className="primary" disabled={pending} onClick={() => void actions.fetchToken()}>
              Fetch token
            </button>
            <button
              type="button"
              onClick={() => {
                actions.setPlace('destinations');
                actions.setTab('Auth');
              }}
            >
              Edit OAuth settings
            </button>
            {pending && <span className="muted">Fetching…</span>}
          </div>
          {!token && !pending && (
            <div className="empty">
              No token fetched yet. Fetch token sends the token request above and shows here the whole exchange (request, status,
              headers, body, secrets masked), the token&apos;s scopes, its expiry and any JWT claims.
            </div>
          )}
        </>
      )}
      {token && (
        <div className="token-result" aria-live="polite">
          {token.ok ? (
            <section className="form-section" aria-label="Token">
              <header>
                <h3>
                  <span className="status-pill ok">token</span> {token.tokenType ?? 'Bearer'}
                </h3>
              </header>
              <dl className="kv">
                <dt>Access token</dt>
                <dd className="mono">{token.accessTokenMasked ?? '●●●●'}</dd>
                <dt>Scopes</dt>
                <dd className="mono">{token.scope || '—'}</dd>
                <dt>Expires in</dt>
                <dd className="mono" aria-label="Expires in">
                  {token.expiresAt ? formatCountdown(token.expiresAt, now) : 'no expiry given'}
                </dd>
              </dl>
              {token.jwtClaims && (
                <>
                  <h4>JWT claims</h4>
                  <pre className="mono code-block" aria-label="JWT claims">
                    {JSON.stringify(token.jwtClaims, null, 2)}
                  </pre>
                </>
              )}
            </section>
          ) : (
            <div className="verdict error" role="alert">
              ✗ {token.errorKind ? `${token.errorKind}: ` : ''}
              {token.error ?? 'the token request failed'}
            </div>
          )}
          <div className="exchange-grid">
            {token.request && (
              <Exchange
                title="Token request"
                lines={[
                  `${token.request.method} ${token.request.url}`,
                  ...Object.entries(token.request.headers).map(([k, v]) => `${k}: ${v}`),
                ]}
                body={token.request.body}
              />
            )}
            {token.response && (
              <Exchange
                title="Token response"
                status={token.response.status}
                lines={[
                  `HTTP ${token.response.status}`,
                  ...Object.entries(token.response.headers).map(([k, v]) => `${k}: ${v}`),
                ]}
                body={token.response.body}
              />
            )}
          </div>
          {token.ok && <TestRequest />}
        </div>
      )}
    </div>
  );
}
