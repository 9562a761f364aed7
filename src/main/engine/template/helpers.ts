// The value helpers a template may call: hashing (Adobe's `email_lc_sha256` identity and
// the ad platforms' audience APIs want normalised, hashed identifiers), encoding, case,
// defaults and dates. Each returns text (or a number for epoch dates) that the site helper
// around it then escapes for the place it lands (a JSON string, a form value, XML...), so a
// helper never escapes by itself. A missing value (null/undefined) passes through as
// undefined, so it renders like a missing field ("" in a string, null as a JSON value)
// rather than as the hash of nothing.
import { createHash, createHmac } from 'node:crypto';
import { formatDate, toEpochMs } from './date.js';
import { plainText } from './escape.js';
import { JsonText } from './json-text.js';

/** What a helper reads from Handlebars' options: named arguments and the render's fixed time. */
export interface HelperOptions {
  hash?: Record<string, unknown>;
  data?: { __st?: { now: number } };
}

export const HMAC_ALGORITHMS = ['sha1', 'sha256', 'sha384', 'sha512'] as const;
const DIGEST_ENCODINGS = ['hex', 'base64', 'base64url'] as const;
type DigestEncoding = (typeof DIGEST_ENCODINGS)[number];

/** Text of a value: JsonText (from {{json}}) as its JSON, else escape.ts's plainText. */
function text(v: unknown): string {
  return typeof v === 'string' ? v : v instanceof JsonText ? v.text : plainText(v);
}

function encodingOf(name: string, o: HelperOptions): DigestEncoding {
  const e = o.hash?.['encoding'];
  if (e === undefined) return 'hex';
  if (typeof e === 'string' && (DIGEST_ENCODINGS as readonly string[]).includes(e)) return e as DigestEncoding;
  throw new Error(`${name}: encoding must be one of ${DIGEST_ENCODINGS.join(', ')} (got ${JSON.stringify(e)})`);
}

/** The last argument Handlebars passes is its options object. */
function split(args: unknown[]): { params: unknown[]; o: HelperOptions } {
  return { params: args.slice(0, -1), o: (args[args.length - 1] ?? {}) as HelperOptions };
}

const digest = (algo: string, name: string) =>
  function (...args: unknown[]): string | undefined {
    const { params, o } = split(args);
    const v = params[0];
    if (v === null || v === undefined) return undefined;
    return createHash(algo).update(text(v), 'utf8').digest(encodingOf(name, o));
  };

/** An email as Adobe's `email_lc_sha256` wants it before hashing: trimmed and lower-cased. */
export function normalizeEmail(v: string): string {
  return v.trim().toLowerCase();
}

/** A phone number's E.164 digits: a leading `+` (after trimming) kept, every non-digit dropped. */
export function normalizePhone(v: string): string {
  const t = v.trim();
  const digits = t.replace(/\D+/g, '');
  return digits === '' ? '' : (t.startsWith('+') ? '+' : '') + digits;
}

const normalizedSha256 = (name: string, normalize: (s: string) => string) =>
  function (...args: unknown[]): string | undefined {
    const { params, o } = split(args);
    const v = params[0];
    if (v === null || v === undefined) return undefined;
    const n = normalize(text(v));
    // Nothing left to hash: the same constant for every empty value would match them all.
    if (n === '') return undefined;
    return createHash('sha256').update(n, 'utf8').digest(encodingOf(name, o));
  };

const textHelper = (f: (s: string) => string) =>
  function (...args: unknown[]): string | undefined {
    const v = split(args).params[0];
    return v === null || v === undefined ? undefined : f(text(v));
  };

const empty = (v: unknown): boolean => v === null || v === undefined || v === '';

function shown(v: unknown): string {
  const s = JSON.stringify(text(v));
  return s.length > 42 ? s.slice(0, 40) + '…"' : s;
}

export const VALUE_HELPERS = {
  /** {{sha256 x}}: SHA-256 of the UTF-8 text, lower-case hex (encoding="base64" / "base64url"). */
  sha256: digest('sha256', 'sha256'),
  /** {{sha256Email x}}: SHA-256 of the trimmed, lower-cased email (Adobe's email_lc_sha256). */
  sha256Email: normalizedSha256('sha256Email', normalizeEmail),
  /** {{sha256Phone x}}: SHA-256 of the E.164 digits (leading + kept, other characters dropped). */
  sha256Phone: normalizedSha256('sha256Phone', normalizePhone),
  md5: digest('md5', 'md5'),
  /** {{base64 x}}: standard base64 (with padding) of the UTF-8 bytes. */
  base64: textHelper((s) => Buffer.from(s, 'utf8').toString('base64')),
  /** {{hmac "sha256" "${env:KEY}" x}}: HMAC of the UTF-8 text with the UTF-8 key, hex (encoding= as sha256). */
  hmac(...args: unknown[]): string | undefined {
    const { params, o } = split(args);
    const [algorithm, key, v] = params;
    if (typeof algorithm !== 'string' || !(HMAC_ALGORITHMS as readonly string[]).includes(algorithm)) {
      throw new Error(`hmac: the algorithm must be one of ${HMAC_ALGORITHMS.join(', ')} (got ${JSON.stringify(algorithm)})`);
    }
    // Never quote the key: it is a secret.
    if (typeof key !== 'string' || key === '') throw new Error('hmac: the key must be a non-empty string, e.g. "${env:SIGNING_KEY}"');
    if (v === null || v === undefined) return undefined;
    return createHmac(algorithm, Buffer.from(key, 'utf8')).update(text(v), 'utf8').digest(encodingOf('hmac', o));
  },
  lower: textHelper((s) => s.toLowerCase()),
  upper: textHelper((s) => s.toUpperCase()),
  trim: textHelper((s) => s.trim()),
  /** {{default x "fallback"}}: the first argument that is not missing, null or "" (any number of fallbacks). */
  default(...args: unknown[]): unknown {
    const { params } = split(args);
    for (const p of params) if (!empty(p)) return p;
    return params[params.length - 1];
  },
  /** {{date x "format"}}: x as epoch seconds (< 1e11), epoch milliseconds or ISO 8601; written in UTC. */
  date(...args: unknown[]): string | number | undefined {
    const { params } = split(args);
    const [v, format] = params;
    if (empty(v)) return undefined;
    const ms = toEpochMs(v);
    if (ms === null) throw new Error(`date: ${shown(v)} is not a date (epoch seconds, epoch milliseconds or ISO 8601 such as 2024-05-01T10:00:00Z)`);
    return formatDate(ms, typeof format === 'string' ? format : 'iso');
  },
  /** {{now}} / {{now "format"}}: the run's start, fixed for every request of the run and its preview. */
  now(...args: unknown[]): string | number {
    const { params, o } = split(args);
    const format = params[0];
    return formatDate(o.data?.__st?.now ?? Date.now(), typeof format === 'string' ? format : 'iso');
  },
} satisfies Record<string, (...args: never[]) => unknown>;

export type ValueHelperName = keyof typeof VALUE_HELPERS;

/** Arity of each helper's positional arguments: [min, max]. */
const ARITY: Record<ValueHelperName, [number, number]> = {
  sha256: [1, 1],
  sha256Email: [1, 1],
  sha256Phone: [1, 1],
  md5: [1, 1],
  base64: [1, 1],
  hmac: [3, 3],
  lower: [1, 1],
  upper: [1, 1],
  trim: [1, 1],
  default: [2, Infinity],
  date: [1, 2],
  now: [0, 1],
};

const USAGE: Record<ValueHelperName, string> = {
  sha256: '{{sha256 user.email}}',
  sha256Email: '{{sha256Email user.email}}',
  sha256Phone: '{{sha256Phone user.phone}}',
  md5: '{{md5 user.id}}',
  base64: '{{base64 user.id}}',
  hmac: '{{hmac "sha256" "${env:SIGNING_KEY}" user.id}}',
  lower: '{{lower user.email}}',
  upper: '{{upper user.country}}',
  trim: '{{trim user.name}}',
  default: '{{default user.country "US"}}',
  date: '{{date user.signup "YYYY-MM-DD"}}',
  now: '{{now}} or {{now "epoch"}}',
};

/** Problems of a date format, or null: only tokens, `[literal text]`, digits, punctuation, T and Z. */
export function dateFormatProblem(format: string): string | null {
  if (format === 'iso' || format === 'epoch' || format === 'epoch_ms') return null;
  const rest = format.replace(/\[[^\]]*\]/g, '').replace(/YYYY|MM|DD|HH|mm|ss|SSS/g, '');
  const letter = /[A-Za-z]/.exec(rest.replace(/[TZ]/g, ''));
  if (!letter) return null;
  return `date format "${format}" has "${letter[0]}", which is no token: use iso, epoch, epoch_ms or YYYY MM DD HH mm ss SSS (put other text in [brackets])`;
}

/**
 * A compile-time check of one helper call, from what the template's text already says: the
 * number of arguments, a literal algorithm, a literal date format, the named arguments.
 * `literal(i)` is the i-th argument when it is a string literal, else undefined.
 */
export function helperCallProblem(name: string, count: number, literal: (i: number) => string | undefined, hashKeys: string[]): string | null {
  if (!(name in ARITY)) return null;
  const n = name as ValueHelperName;
  const [min, max] = ARITY[n];
  if (count < min || count > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    return `${name} takes ${want} argument${min === 1 && max === 1 ? '' : 's'}, got ${count}: ${USAGE[n]}`;
  }
  const allowedHash = ['sha256', 'sha256Email', 'sha256Phone', 'md5', 'hmac'].includes(n) ? ['encoding'] : [];
  const badKey = hashKeys.find((k) => !allowedHash.includes(k));
  if (badKey) return `${name} has no argument "${badKey}"${allowedHash.length ? ` (it takes ${allowedHash.join(', ')}=…)` : ''}: ${USAGE[n]}`;
  if (n === 'hmac') {
    const algo = literal(0);
    if (algo !== undefined && !(HMAC_ALGORITHMS as readonly string[]).includes(algo)) return `hmac: the algorithm must be one of ${HMAC_ALGORITHMS.join(', ')} (got "${algo}")`;
    if (literal(1) === '') return 'hmac: the key is empty (an environment variable set to ""?)';
  }
  if (n === 'date' || n === 'now') {
    const f = literal(n === 'date' ? 1 : 0);
    if (f !== undefined) return dateFormatProblem(f);
  }
  return null;
}
