// Secrets never leave in clear (DESIGN invariant 6). A redactor knows the secret values of
// one export (every value an `${env:…}` resolved to, literal client secrets and secret
// header values, tokens) and masks them wherever text is shown or recorded: previews, logs,
// the store, HAR, error messages, copied cURL, the OAuth tester, and what endpoints echo.

import type { HttpRequestSpec, HttpResult } from './types.js';
export const MASK = '●●●●';

/**
 * Values shorter than this are not masked: replacing "eu" or "80" everywhere would garble
 * every line, and a 1-3 character value is no secret worth the name (guessable anyway).
 */
export const MIN_SECRET_LENGTH = 4;

/** A secret value, and what it is shown as (an env value as its reference, else the mask). */
export type Secret = string | { value: string; shownAs: string };

/** Header names whose values are secret whatever they hold. */
const SECRET_HEADER_NAMES = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'apikey',
]);
const SECRET_HEADER_PATTERN = /(^|-)(key|token|secret|password|auth)/i;

export function isSecretHeaderName(name: string): boolean {
  return SECRET_HEADER_NAMES.has(name.toLowerCase()) || SECRET_HEADER_PATTERN.test(name);
}

export interface Redactor {
  /** Registers one more secret value (e.g. a token fetched mid-run), shown as `shownAs` (default the mask). */
  add(secret: string, shownAs?: string): void;
  /** Replaces every known secret (and its encoded forms) by its reference or `●●●●`. */
  text(s: string): string;
  /** A copy with secret-looking header values masked (scheme kept) and secrets masked in the rest. */
  headers(h: Record<string, string>): Record<string, string>;
}

/**
 * The forms a secret takes on the wire or in a record: as is, percent-encoded (either hex
 * case), form-encoded, base64, base64url, inside a JSON string, and a JSON string's
 * escapes once more (a JSON body kept as a string inside JSON).
 */
function encodedForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const pct = encodeURIComponent(secret);
  forms.add(pct);
  forms.add(pct.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  forms.add(formEncode(secret));
  forms.add(Buffer.from(secret, 'utf8').toString('base64'));
  forms.add(Buffer.from(secret, 'utf8').toString('base64url'));
  const json = JSON.stringify(secret).slice(1, -1);
  forms.add(json);
  forms.add(JSON.stringify(json).slice(1, -1));
  // JSON.stringify leaves non-ASCII as is; some encoders write \uXXXX.
  forms.add(json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return [...forms];
}

/** application/x-www-form-urlencoded encoding of one value (space ⇒ `+`). */
export function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createRedactor(secrets: Iterable<Secret> = []): Redactor {
  /** Each encoded form → what it is shown as. */
  const known = new Map<string, string>();
  let pattern: RegExp | null = null;
  let dirty = false;

  const add = (secret: string, shownAs: string = MASK): void => {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) return;
    for (const form of encodedForms(secret)) {
      if (form.length < MIN_SECRET_LENGTH) continue;
      const before = known.get(form);
      // The mask wins over a reference: a value that is also a literal secret shows as dots.
      if (before === undefined || (before !== MASK && shownAs === MASK)) {
        known.set(form, shownAs);
        dirty = true;
      }
    }
  };

  const currentPattern = (): RegExp | null => {
    if (dirty) {
      // Longest first, so a secret that contains another is masked whole.
      const alternates = [...known.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
      pattern = alternates.length ? new RegExp(alternates.join('|'), 'g') : null;
      dirty = false;
    }
    return pattern;
  };

  const text = (s: string): string => {
    const re = currentPattern();
    if (re === null || s.length === 0) return s; // fast path: nothing to hide
    return s.replace(re, (m) => known.get(m) ?? MASK);
  };

  /** A whole value (or `Scheme value`) that is one known secret shows as it does in text (an env reference); else the mask. */
  const secretHeaderValue = (value: string): string => {
    const whole = known.get(value);
    if (whole !== undefined) return whole;
    const m = /^([A-Za-z][A-Za-z0-9_-]{0,19})\s+(\S+)$/.exec(value);
    const rest = m ? known.get(m[2]!) : undefined;
    return rest !== undefined ? `${m![1]} ${rest}` : maskHeaderValue(value);
  };

  const headers = (h: Record<string, string>): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const name of Object.keys(h)) {
      const value = h[name] ?? '';
      out[name] = isSecretHeaderName(name) ? secretHeaderValue(value) : text(value);
    }
    return out;
  };

  for (const s of secrets) {
    if (typeof s === 'string') add(s);
    else add(s.value, s.shownAs);
  }
  return { add, text, headers };
}

/** `Bearer abc.def` ⇒ `Bearer ●●●●`; a value without an auth scheme ⇒ `●●●●`. */
export function maskHeaderValue(value: string): string {
  const m = /^([A-Za-z][A-Za-z0-9_-]{0,19})\s+\S/.exec(value);
  return m ? `${m[1]} ${MASK}` : MASK;
}

/**
 * Shows just enough of a token to tell two apart: `eyJh…●●●●`. Tokens shorter than 12
 * characters are masked whole, since 4 characters would be a third of the secret.
 */
export function maskToken(token: string): string {
  if (token.length < 12) return MASK;
  return `${token.slice(0, 4)}…${MASK}`;
}

/** Query parameter names whose values are secret whatever they hold (`?api_key=…`, `&sig=…`). */
export const SECRET_PARAM_PATTERN = /key|token|secret|password|passwd|auth|signature|^sig$|^code$|credential|session/i;

/**
 * A URL from outside (a redirect's Location) with its password and secret-looking query
 * values masked; known secrets are the caller's redactor's job. Unparseable text is returned
 * as it is.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  let changed = false;
  const placeholder = 'outbound-masked-0e4f';
  if (u.password) {
    u.password = placeholder;
    changed = true;
  }
  for (const name of new Set(u.searchParams.keys())) {
    if (SECRET_PARAM_PATTERN.test(name)) {
      u.searchParams.set(name, placeholder);
      changed = true;
    }
  }
  // URL would percent-encode the mask itself: insert it after serialising.
  return changed ? u.toString().replaceAll(placeholder, MASK) : url;
}

/** A request as events and the store show it: URL, headers and body redacted. */
export function redactRequest(r: Redactor, spec: HttpRequestSpec): HttpRequestSpec {
  const out: HttpRequestSpec = { method: spec.method, url: r.text(spec.url), headers: r.headers(spec.headers) };
  if (spec.body !== undefined) out.body = r.text(spec.body);
  return out;
}

/** An answer (or a transport failure) as events and the store show it. */
export function redactResult(r: Redactor, res: HttpResult): HttpResult {
  if (!res.ok) return { ...res, message: r.text(res.message) };
  return { ...res, headers: r.headers(res.headers), body: r.text(res.body) };
}

/**
 * A value from an answer (the remote audience) with its secrets masked: a mask holds no quote
 * or backslash, so the JSON stays valid; should a raw secret span JSON syntax it would not,
 * and nothing is kept rather than the secret.
 */
export function redactJson(r: Redactor, value: unknown): unknown {
  try {
    return JSON.parse(r.text(JSON.stringify(value) ?? 'null')) as unknown;
  } catch {
    return null;
  }
}
