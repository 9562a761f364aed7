// Secrets stored with a destination never travel to the renderer in clear (invariant 6):
// the service hands out `${stored:<destinationId>:<field path>}` references in their place
// and swaps them back for the stored values when a config comes back (save, preview, OAuth
// test). A reference is no secret: it only works inside this studio's own database.
import { secretSlots } from '../engine/secret-slots.js';

const STORED_REF = /^\$\{stored:([^:}]{1,200}):([A-Za-z0-9_.\-[\]]{1,300})\}$/;
const ENV_REF = /^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A copy of a stored config with clear secrets replaced by references to `destinationId`. */
export function withSecretRefs<T>(config: T, destinationId: string): T {
  const copy = structuredClone(config) as unknown;
  if (!isObject(copy)) return copy as T;
  for (const slot of secretSlots(copy)) {
    const value = slot.holder[slot.key] as string;
    if (value === '' || ENV_REF.test(value) || STORED_REF.test(value)) continue;
    slot.holder[slot.key] = `\${stored:${destinationId}:${slot.path}}`;
  }
  return copy as T;
}

export interface SecretLookup {
  /** The stored config (clear secrets) of a destination, or null when unknown. */
  (destinationId: string): Promise<unknown>;
}

/** `https://host:port` of a URL template (the part before the first templated or path character). */
function originOf(template: unknown): string | null {
  if (typeof template !== 'string') return null;
  const m = /^(https?:\/\/[^/?#{}]+)/i.exec(template.trim());
  return m ? m[1]!.toLowerCase() : null;
}

/** Origins a stored secret may go to: where the destination sent it when it was saved. */
function allowedOrigins(config: Json, path: string): Set<string> {
  const out = new Set<string>();
  const d = config['destination'];
  if (!isObject(d)) return out;
  if (path === 'destination.oauth.clientSecret') {
    const o = isObject(d['oauth']) ? originOf(d['oauth']['tokenUrl']) : null;
    if (o) out.add(o);
    return out;
  }
  for (const step of ['getAudience', 'createAudience', 'add', 'remove']) {
    const s = d[step];
    const o = isObject(s) ? originOf(s['url']) : null;
    if (o) out.add(o);
  }
  return out;
}

/** How a destination's requests travel besides their URL: its proxy and TLS trust, as typed. */
function routeOf(config: Json): string {
  const d = config['destination'];
  const n = isObject(d) && isObject(d['network']) ? d['network'] : {};
  return JSON.stringify([n['proxy'] ?? null, n['ca'] ?? null, n['insecureSkipVerify'] === true]);
}

/**
 * A copy of `config` with every `${stored:…}` reference replaced by the stored value.
 * A stored secret only goes where it went when saved: if the config now sends it to another
 * origin (token URL for the client secret, step URLs for secret headers), it is refused, so
 * a page cannot lift a saved secret by pointing a preview at its own server.
 */
export async function resolveSecretRefs(config: unknown, lookup: SecretLookup): Promise<unknown> {
  if (!isObject(config)) return config;
  const copy = structuredClone(config);
  const slots = secretSlots(copy);
  const cache = new Map<string, Map<string, string>>();
  const storedConfigs = new Map<string, unknown>();
  for (const slot of slots) {
    const m = STORED_REF.exec(slot.holder[slot.key] as string);
    if (!m) continue;
    const [, id, path] = m as unknown as [string, string, string];
    if (path !== slot.path) throw new Error(`${slot.path}: the stored secret reference points at ${path}, a different field`);
    let values = cache.get(id);
    if (!values) {
      const stored = await lookup(id);
      storedConfigs.set(id, stored);
      values = new Map();
      if (isObject(stored)) {
        const storedCopy = structuredClone(stored);
        for (const s of secretSlots(storedCopy)) values.set(s.path, s.holder[s.key] as string);
      }
      cache.set(id, values);
    }
    const value = values.get(path);
    if (value === undefined) throw new Error(`${slot.path}: the stored secret it refers to no longer exists; enter the secret again`);
    // The route counts as much as the origin: a proxy, a CA or skipped verification that the
    // saved destination did not have could read the secret on its way.
    const storedRoute = routeOf((storedConfigs.get(id) ?? {}) as Json);
    if (routeOf(copy) !== storedRoute) {
      throw new Error(`${slot.path}: the saved secret was saved with another network route (destination.network proxy, ca or insecureSkipVerify): enter the secret again to send it this way`);
    }
    const allowed = allowedOrigins((storedConfigs.get(id) ?? {}) as Json, path);
    for (const origin of allowedOrigins(copy, path)) {
      if (!allowed.has(origin)) {
        throw new Error(`${slot.path}: the saved secret was saved for ${[...allowed].join(', ') || 'no URL'}, not ${origin}; enter the secret again to use it there`);
      }
    }
    slot.holder[slot.key] = value;
  }
  return copy;
}

/** Placeholder left in a stored config where a secret was taken out. */
export const STORED_PLACEHOLDER = '●●●●';

/**
 * Takes clear secrets out of a config for the store: the config keeps `●●●●` in their
 * place and the secrets come back keyed by field path (the store encrypts them).
 * `${env:NAME}` references are no secrets and stay in the config.
 */
export function splitSecrets(config: unknown): { config: unknown; secrets: Record<string, string> } {
  const copy = structuredClone(config);
  const secrets: Record<string, string> = {};
  if (!isObject(copy)) return { config: copy, secrets };
  for (const slot of secretSlots(copy)) {
    const value = slot.holder[slot.key] as string;
    if (value === '' || ENV_REF.test(value.trim())) continue;
    secrets[slot.path] = value;
    slot.holder[slot.key] = STORED_PLACEHOLDER;
  }
  return { config: copy, secrets };
}

/** Puts secrets (keyed by the field paths splitSecrets gave) back into a stored config. */
export function mergeSecrets(config: unknown, secrets: Record<string, string>): unknown {
  const copy = structuredClone(config);
  if (!isObject(copy)) return copy;
  const d = copy['destination'];
  if (!isObject(d)) return copy;
  for (const [path, value] of Object.entries(secrets)) {
    if (path === 'destination.oauth.clientSecret' && isObject(d['oauth'])) d['oauth']['clientSecret'] = value;
    else if (path === 'destination.signing.secret' && isObject(d['signing'])) d['signing']['secret'] = value;
    else if (path === 'destination.network.clientKeyPassphrase' && isObject(d['network'])) d['network']['clientKeyPassphrase'] = value;
    else if (path.startsWith('destination.headers.') && isObject(d['headers'])) d['headers'][path.slice('destination.headers.'.length)] = value;
  }
  return copy;
}
