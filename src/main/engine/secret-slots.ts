// The places a literal secret may sit in a config as written: the OAuth client secret and the
// value of every secret-named header. One list for the CLI (which masks them in the config a
// run stores) and the studio's vault (which swaps them for references): DESIGN invariant 6.
import { parseHeaderString } from '../../shared/config.js';
import { isSecretHeaderName } from './redact.js';

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
