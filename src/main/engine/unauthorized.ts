// A run whose credentials the endpoint refuses would otherwise send its whole input to be
// refused record by record (and, with OAuth, refetch a token for each request). After a few
// requests in a row answered 401 (each after its own token refetch, when there is OAuth) the
// run is aborted as an auth failure, resumable once the credentials are fixed. A 2xx in
// between resets the count; other answers (5xx, timeouts) neither count nor reset.
import type { HttpResult } from './types.js';

/** Requests in a row answered 401 before the run is aborted. */
export const MAX_CONSECUTIVE_UNAUTHORIZED = 3;

export interface UnauthorizedStreak {
  /** Told each request's final answer; returns the abort message once the limit is reached. */
  observe(result: HttpResult): string | undefined;
}

export function createUnauthorizedStreak(withOAuth: boolean, limit = MAX_CONSECUTIVE_UNAUTHORIZED): UnauthorizedStreak {
  let inRow = 0;
  const check = withOAuth
    ? ', even with a freshly fetched OAuth token: check the OAuth clientId, clientSecret, scope and audience, and that the token is accepted by this endpoint'
    : ': check the credentials the requests carry (destination.headers: an API key or a token) and that they are valid for this endpoint';
  return {
    observe(result) {
      if (!result.ok) return undefined;
      if (result.status >= 200 && result.status <= 299) inRow = 0;
      else if (result.status === 401 && ++inRow >= limit) {
        return `the endpoint answered HTTP 401 Unauthorized to ${inRow} requests in a row${check}`;
      }
      return undefined;
    },
  };
}
