// The places a literal secret may sit in a config as written: the OAuth client secret, the
// request-signing secret, the client key's passphrase, the value of every secret-named header, secret-named query
// parameters in URL templates, a password in a URL (the proxy's too) and the key of an
// `{{hmac}}` call in any template. One list for the CLI (which masks them in the config a
// run stores) and the studio's vault (which swaps them for references): DESIGN invariant 6.
import { parseHeaderString } from '../../shared/config.js';
import { isSecretHeaderName, SECRET_PARAM_PATTERN } from './redact.js';
import { findUserinfoPassword, passwordForms } from './url-userinfo.js';

type Json = Record<string, unknown>;

export interface SecretSlot {
  /** The object holding the value (mutable: callers replace `holder[key]`). */
  holder: Json;
  key: string;
  /** Its config path, e.g. `destination.headers.X-API-Key`. */
  path: string;
  kind: 'field' | 'header';
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The secret slots of `config`, which it may change in one way: a `h1:v1,h2:v2` header string
 * naming a secret header becomes the object form (a string cannot hold one masked value or
 * reference per header; the schema reads both forms alike).
 */
export function secretSlots(config: unknown): SecretSlot[] {
  const slots: SecretSlot[] = [];
  if (!isObject(config)) return slots;
  const d = config['destination'];
  if (!isObject(d)) return slots;
  const oauth = d['oauth'];
  if (isObject(oauth) && typeof oauth['clientSecret'] === 'string') {
    slots.push({ holder: oauth, key: 'clientSecret', path: 'destination.oauth.clientSecret', kind: 'field' });
  }
  const signing = d['signing'];
  if (isObject(signing) && typeof signing['secret'] === 'string') {
    slots.push({ holder: signing, key: 'secret', path: 'destination.signing.secret', kind: 'field' });
  }
  const network = d['network'];
  if (isObject(network) && typeof network['clientKeyPassphrase'] === 'string') {
    slots.push({ holder: network, key: 'clientKeyPassphrase', path: 'destination.network.clientKeyPassphrase', kind: 'field' });
  }
  if (typeof d['headers'] === 'string') {
    const parsed = parseHeaderString(d['headers']);
    if (typeof parsed !== 'string' && Object.keys(parsed).some((h) => isSecretHeaderName(h))) d['headers'] = parsed;
  }
  const headers = d['headers'];
  if (isObject(headers)) {
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value === 'string' && isSecretHeaderName(name)) slots.push({ holder: headers, key: name, path: `destination.headers.${name}`, kind: 'header' });
    }
  }
  return slots;
}

const URL_FIELDS = [
  ['getAudience', 'url'],
  ['createAudience', 'url'],
  ['add', 'url'],
  ['remove', 'url'],
  ['oauth', 'tokenUrl'],
  // Not a template, but a URL whose userinfo password is a secret all the same.
  ['network', 'proxy'],
] as const;

/** The URL templates of a config as written: each step's, the token URL, the proxy URL and the PostgreSQL source's URL. */
export function urlTemplates(config: unknown): string[] {
  return urlHolders(config).map(([holder, key]) => holder[key] as string);
}

/** Where a URL sits in a config as written: the destination's URL fields and `source.postgres.url` (its password is a secret). */
function urlHolders(config: unknown): Array<[Json, string]> {
  if (!isObject(config)) return [];
  const out: Array<[Json, string]> = [];
  const d = config['destination'];
  if (isObject(d)) {
    for (const [holderName, key] of URL_FIELDS) {
      const holder = d[holderName];
      if (isObject(holder) && typeof holder[key] === 'string') out.push([holder, key]);
    }
  }
  const source = config['source'];
  const pg = isObject(source) ? source['postgres'] : undefined;
  if (isObject(pg) && typeof pg['url'] === 'string') out.push([pg, 'url']);
  return out;
}

/** `?api_key=…` / `&sig=…` written literally (no template, no reference), and a userinfo password. */
const QUERY_SECRET = /([?&])([^=&#{}\s]+)=([^&#{}\s]+)/g;
/** A whole `${env:NAME}` reference: the one form of a password or key that is no literal. */
const ENV_REFERENCE = /\$\{env:[^}]*\}/;

/**
 * The URL templates of `config` (each step's, the token URL) with every literal secret in them
 * replaced by `mask`: the values of secret-named query parameters and a userinfo password.
 * Returns the literals found. A value with `{{…}}` or `${env:…}` is no literal.
 */
export function maskUrlLiterals(config: unknown, mask: string): string[] {
  const literals: string[] = [];
  for (const [holder, key] of urlHolders(config)) {
    const url = holder[key] as string;
    // The userinfo password as the URL parser (and pg) read it: up to the authority's last `@`.
    const found = findUserinfoPassword(url);
    let head = url;
    if (found) {
      const password = found.password;
      // A reference or a template (`{{…}}`, rendered per record) is no literal.
      if (!(ENV_REFERENCE.test(password) || password.includes('{{') || password === mask)) {
        literals.push(...passwordForms(password));
        head = `${url.slice(0, found.start)}${mask}${url.slice(found.end)}`;
      }
    }
    const masked = head
      .replace(QUERY_SECRET, (all, sep: string, name: string, value: string) => {
        if (!SECRET_PARAM_PATTERN.test(name) || ENV_REFERENCE.test(value) || value === mask) return all;
        literals.push(value, decodeURIComponentSafe(value));
        return `${sep}${name}=${mask}`;
      });
    holder[key] = masked;
  }
  return [...new Set(literals)];
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Where a template may sit in a config as written: each step's URL and body, the filter path, header values. */
function templateHolders(d: Json): Array<[Json, string]> {
  const out: Array<[Json, string]> = [];
  for (const step of ['getAudience', 'createAudience', 'add', 'remove']) {
    const s = d[step];
    if (!isObject(s)) continue;
    for (const key of ['url', 'bodyTemplate', 'filterPath']) if (typeof s[key] === 'string') out.push([s, key]);
  }
  // The string form holds templates too: read as objects (the schema reads both alike), so a
  // literal hmac key in `X-Sig:{{hmac …}}` is found and masked like one in the object form.
  if (typeof d['headers'] === 'string' && d['headers'].includes('hmac')) {
    const parsed = parseHeaderString(d['headers']);
    if (typeof parsed !== 'string') d['headers'] = parsed;
  }
  const headers = d['headers'];
  if (isObject(headers)) for (const [name, v] of Object.entries(headers)) if (typeof v === 'string') out.push([headers, name]);
  return out;
}

/**
 * The key of an `{{hmac "algorithm" "key" value}}` call (also `(hmac …)`): group 1 is what
 * precedes the key's text, group 2 its quote, group 3 the text as written.
 */
const HMAC_KEY = /((?:\{\{~?|\()\s*hmac\s+(?:"[^"]*"|'[^']*'|[^\s()"'}]+)\s+)(["'])((?:(?!\2)[^\\]|\\.)*)\2/g;

/**
 * The templates of `config` with the literal key of every `hmac` call replaced by `mask`
 * (a key written as `${env:…}` is a reference, not a literal). Returns the keys found, as the
 * helper receives them (Handlebars un-escapes only `\"` / `\'`).
 */
export function maskTemplateKeyLiterals(config: unknown, mask: string): string[] {
  const literals: string[] = [];
  if (!isObject(config)) return literals;
  const d = config['destination'];
  if (!isObject(d)) return literals;
  for (const [holder, key] of templateHolders(d)) {
    const text = holder[key] as string;
    if (!text.includes('hmac')) continue;
    holder[key] = text.replace(HMAC_KEY, (all, head: string, quote: string, written: string) => {
      if (written.includes('${env:') || written === mask || written === '') return all;
      literals.push(written.split(`\\${quote}`).join(quote));
      return `${head}${quote}${mask}${quote}`;
    });
  }
  return [...new Set(literals)];
}

/** Whether a template of `config` has an hmac key masked (a stored config that cannot run without its file). */
export function hasMaskedTemplateKey(config: unknown, mask: string): boolean {
  const d = isObject(config) ? config['destination'] : undefined;
  if (!isObject(d)) return false;
  return templateHolders(d).some(([holder, key]) => {
    const text = holder[key] as string;
    return text.includes(mask) && [...text.matchAll(HMAC_KEY)].some((m) => m[3] === mask);
  });
}
