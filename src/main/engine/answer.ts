// What an answer says before the success path reads it: a redirect names where it pointed
// (redirects are not followed: a POST of records must not be replayed to another URL
// unasked), and an answer cut at the client's cap is never parsed as if it were whole.
import { redactUrl } from './redact.js';
import { acknowledge, type Acknowledgement, type AckRules } from './success.js';
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
 * Which records of a request an answer acknowledges (success.ts), after the two cases a body
 * alone cannot show: a redirect, and an answer cut at `capBytes`.
 */
export function judgeAnswer(
  result: Answered,
  requestUrl: string,
  rules: AckRules,
  keys: readonly string[],
  capBytes: number,
  redact: (text: string) => string = (t) => t,
): Acknowledgement {
  const redirect = describeRedirect(result, requestUrl);
  if (redirect) return { succeeded: 0, reason: redirect };
  const path = rules.successPath?.trim() || rules.errorsPath?.trim() || '';
  if (result.truncated && path !== '' && result.status >= 200 && result.status <= 299) {
    const which = rules.successPath?.trim() ? `successPath "${path}"` : `errorsPath "${path}"`;
    return { succeeded: 0, reason: `answer larger than ${formatBytes(capBytes)} (the stored-answer cap); ${which} cannot be read` };
  }
  return acknowledge(result.status, result.body, rules, keys, redact);
}
