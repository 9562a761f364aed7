// What an answer says before the success path reads it: a redirect names where it pointed
// (redirects are not followed: a POST of records must not be replayed to another URL
// unasked), and an answer cut at the client's cap is never parsed as if it were whole.
import { redactUrl } from './redact.js';
import { countSucceeded, type SuccessCount } from './success.js';
import type { HttpResult } from './types.js';

type Answered = Extract<HttpResult, { ok: true }>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** `1 MiB`, `64 KiB`, `1000 bytes`: a cap as a person would write it. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/**
 * `HTTP 301 → https://…/new (redirects are not followed)` for a redirect with a Location
 * (resolved against the request's URL, its password and secret-looking query values masked);
 * undefined for any other answer.
 */
export function describeRedirect(result: Answered, requestUrl: string): string | undefined {
  const location = result.headers.location;
  if (!REDIRECTS.has(result.status) || location === undefined || location.trim() === '') return undefined;
  let target = location.trim();
  try {
    target = new URL(target, requestUrl).toString();
  } catch {
    // not resolvable: shown as the server sent it
  }
  return `HTTP ${result.status} → ${redactUrl(target)} (redirects are not followed)`;
}

/**
 * How many of `recordCount` records an answer acknowledges: countSucceeded, after the two
 * cases it cannot see from a body alone (a redirect, an answer cut at `capBytes`).
 */
export function judgeAnswer(result: Answered, requestUrl: string, successPath: string | undefined, recordCount: number, capBytes: number): SuccessCount {
  const redirect = describeRedirect(result, requestUrl);
  if (redirect) return { succeeded: 0, reason: redirect };
  const path = successPath?.trim() ?? '';
  if (result.truncated && path !== '' && result.status >= 200 && result.status <= 299) {
    return { succeeded: 0, reason: `answer larger than ${formatBytes(capBytes)} (the stored-answer cap); successPath "${path}" cannot be read` };
  }
  return countSucceeded(result.status, result.body, successPath, recordCount);
}
