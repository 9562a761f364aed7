// Authorizing one request outside a run (send this one, replay, copy as cURL with secrets):
// fetch the destination's OAuth token once, put it in as a bearer, and teach the redactor
// the token so nothing shown afterwards carries it. A run authorizes in the engine itself.
import type { ExportConfig } from '../../shared/config.js';
import type { HttpClient } from '../engine/http.js';
import { createTokenProvider, withBearer } from '../engine/oauth.js';
import type { Redactor } from '../engine/redact.js';
import type { HttpRequestSpec } from '../engine/types.js';

export type Authorize = <T extends HttpRequestSpec>(req: T) => Promise<T>;

/** Requests unchanged when the destination has no OAuth; else each gets the (cached) token. */
export function createAuthorizer(config: ExportConfig, client: HttpClient, redactor: Redactor): Authorize {
  const oauth = config.destination.oauth;
  if (!oauth) return async (req) => req;
  const provider = createTokenProvider(oauth, client);
  return async (req) => {
    const token = await provider.getToken();
    redactor.add(token);
    return { ...req, ...withBearer(req, token) };
  };
}
