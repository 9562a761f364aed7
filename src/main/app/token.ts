// The OAuth tester's exchange, for `outbound oauth` and the studio's OAuth place: one
// client-credentials request, no retry, everything it returns redacted.
import { formatIssue, type Issue } from '../../shared/issues.js';
import type { FailedTokenExchange, TokenErrorKind, TokenExchange } from '../engine/oauth.js';
import { fetchTokenOnce, TokenError } from '../engine/oauth.js';
import { createHttpClient } from '../engine/http.js';
import type { LoadedConfig } from './config.js';

export type TokenOutcome =
  | { ok: true; exchange: TokenExchange }
  | { ok: false; kind: 'config'; issue: Issue; message: string }
  | { ok: false; kind: TokenErrorKind | 'unexpected'; message: string; exchange?: FailedTokenExchange };

const NO_OAUTH: Issue = { path: 'destination.oauth', message: 'not set: this destination does not use OAuth2; add a token URL, client id and client secret' };

export async function fetchToken(loaded: LoadedConfig): Promise<TokenOutcome> {
  const oauth = loaded.config.destination.oauth;
  if (!oauth) return { ok: false, kind: 'config', issue: NO_OAUTH, message: formatIssue(NO_OAUTH) };
  const client = createHttpClient({ timeoutMs: loaded.config.destination.timeoutMs, network: loaded.network });
  try {
    return { ok: true, exchange: await fetchTokenOnce(oauth, client) };
  } catch (err) {
    const kind = err instanceof TokenError ? err.kind : 'unexpected';
    const message = loaded.redactor.text((err as Error).message);
    // The exchange as it went: the request, and the status, headers and body that came back (masked again with the config's secrets).
    const ex = err instanceof TokenError ? err.exchange : undefined;
    if (!ex) return { ok: false, kind, message };
    const r = loaded.redactor;
    const exchange: FailedTokenExchange = {
      request: { ...ex.request, url: r.text(ex.request.url), headers: r.headers(ex.request.headers), body: r.text(ex.request.body) },
      ...(ex.response ? { response: { ...ex.response, headers: r.headers(ex.response.headers), body: r.text(ex.response.body) } } : {}),
    };
    return { ok: false, kind, message, exchange };
  } finally {
    await client.close();
  }
}
