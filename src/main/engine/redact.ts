// Secrets never leave in clear (DESIGN invariant 6). A redactor knows the secret values of
// one export (resolved env values, client secrets, tokens) and masks them wherever text is
// shown: previews, logs, error messages, copied cURL, the OAuth tester.

export const MASK = '●●●●';

/** Secrets shorter than this are ignored: masking "ab" everywhere would garble text. */
const MIN_SECRET_LENGTH = 4;

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
  /** Registers one more secret value (e.g. a token fetched mid-run). */
  add(secret: string): void;
  /** Replaces every known secret (and its encoded forms) by `●●●●`. */
  text(s: string): string;
  /** A copy with secret-looking header values masked (scheme kept) and secrets masked in the rest. */
  headers(h: Record<string, string>): Record<string, string>;
}

/** The forms a secret takes on the wire: as is, percent-encoded, form-encoded, base64. */
function encodedForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const pct = encodeURIComponent(secret);
  forms.add(pct);
  forms.add(formEncode(secret));
  forms.add(Buffer.from(secret, 'utf8').toString('base64'));
  forms.add(Buffer.from(secret, 'utf8').toString('base64url'));
  return [...forms];
}

/** application/x-www-form-urlencoded encoding of one value (space ⇒ `+`). */
export function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createRedactor(secrets: Iterable<string> = []): Redactor {
  const known = new Set<string>();
  let pattern: RegExp | null = null;
  let dirty = false;

  const add = (secret: string): void => {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) return;
    for (const form of encodedForms(secret)) {
      if (form.length >= MIN_SECRET_LENGTH && !known.has(form)) {
        known.add(form);
        dirty = true;
      }
    }
  };

  const currentPattern = (): RegExp | null => {
    if (dirty) {
      // Longest first, so a secret that contains another is masked whole.
      const alternates = [...known].sort((a, b) => b.length - a.length).map(escapeRegExp);
      pattern = alternates.length ? new RegExp(alternates.join('|'), 'g') : null;
      dirty = false;
    }
    return pattern;
  };

  const text = (s: string): string => {
    const re = currentPattern();
    if (re === null || s.length === 0) return s; // fast path: nothing to hide
    return s.replace(re, MASK);
  };

  const headers = (h: Record<string, string>): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const name of Object.keys(h)) {
      const value = h[name] ?? '';
      out[name] = isSecretHeaderName(name) ? maskHeaderValue(value) : text(value);
    }
    return out;
  };

  for (const s of secrets) add(s);
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
const SECRET_PARAM_PATTERN = /key|token|secret|password|passwd|auth|signature|^sig$|^code$|credential|session/i;

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
