// Authorizing one request outside a run (send this one, replay, copy as cURL with secrets):
// fetch the destination's OAuth token once, put it in as a bearer, and teach the redactor
// the token so nothing shown afterwards carries it; a time-dependent signature is made
// again for the moment of sending. A run authorizes in the engine itself.
import type { ExportConfig } from '../../shared/config.js';
import type { HttpClient } from '../engine/http.js';
import { createTokenProvider, withBearer } from '../engine/oauth.js';
import type { Redactor } from '../engine/redact.js';
import { createSigner } from '../engine/signing.js';
import type { HttpRequestSpec } from '../engine/types.js';

export type Authorize = <T extends HttpRequestSpec>(req: T) => Promise<T>;

/** Requests unchanged when the destination has no OAuth and no timed signing; else each gets the (cached) token and a fresh signature. */
export function createAuthorizer(config: ExportConfig, client: HttpClient, redactor: Redactor): Authorize {
  const oauth = config.destination.oauth;
  const signing = config.destination.signing;
  const signer = signing ? createSigner(signing) : null;
  const resign = signer?.timed ? signer : null;
  if (!oauth && !resign) return async (req) => req;
  const provider = oauth ? createTokenProvider(oauth, client) : null;
  return async (req) => {
    let out = req;
    if (provider) {
      const token = await provider.getToken();
      redactor.add(token);
      out = { ...req, ...withBearer(req, token) };
    }
    return resign ? resign.sign(out, Date.now()) : out;
  };
}

/** The request signed now over the bytes it carries (a logged or edited request re-sent); unchanged without signing. */
export function signNow<T extends HttpRequestSpec>(config: ExportConfig, req: T): T {
  const signing = config.destination.signing;
  return signing ? createSigner(signing).sign(req, Date.now()) : req;
}
