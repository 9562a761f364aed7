// A config leaving the studio as a file must run in the CLI. Secrets stored in the studio
// come back from the service as `${stored:…}` references, which only this studio's
// database resolves: swap each for an `${env:NAME}` reference the CLI understands.

import { withoutBom } from '../state/form.js';

const STORED = /^\$\{stored:[^}]+\}$/;

function envName(hint: string): string {
  return hint
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

/** Returns a copy with stored secrets as env references, and the names the user must set. */
export function configForExport(config: unknown): { config: unknown; envNames: string[] } {
  const envNames: string[] = [];
  const walk = (value: unknown, key: string): unknown => {
    if (typeof value === 'string' && STORED.test(value)) {
      const name = envName(key === 'clientSecret' ? 'OAUTH_CLIENT_SECRET' : key === 'secret' ? 'SIGNING_SECRET' : key) || 'OUTBOUND_SECRET';
      envNames.push(name);
      return `\${env:${name}}`;
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, key));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, walk(v, k)]));
    }
    return value;
  };
  return { config: walk(config, ''), envNames: [...new Set(envNames)] };
}

/** The config versions this studio reads (the schema's `version` literal). */
const READABLE_VERSION = 1;

export type ImportParse = { ok: true; value: unknown } | { ok: false; message: string };

/** Line (1-based) of the first `"version"` key in the file's text, for the refusal's "where". */
function versionLine(text: string): number | undefined {
  const at = text.search(/"version"\s*:/);
  return at < 0 ? undefined : text.slice(0, at).split('\n').length;
}

/**
 * An imported file's text → its JSON value, or why it is refused (what and where). A config
 * of another version is refused rather than loaded: the form would quietly rewrite it as
 * version 1 and a later save or export would claim a meaning its author did not write.
 */
export function parseImport(text: string, fileName: string): ImportParse {
  const body = withoutBom(text);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    return { ok: false, message: `${fileName}: not JSON (${(err as Error).message}); nothing was imported.` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, message: `${fileName}: an export config is a JSON object; this file holds ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}. Nothing was imported.` };
  }
  const version = (value as Record<string, unknown>)['version'];
  if (version !== READABLE_VERSION) {
    const line = versionLine(body);
    const where = line === undefined ? `${fileName}` : `${fileName}:${line}`;
    const found = version === undefined ? 'has no "version"' : `says "version": ${JSON.stringify(version)}`;
    return { ok: false, message: `${where}: the config ${found}; this studio reads "version": ${READABLE_VERSION} only. Nothing was imported.` };
  }
  return { ok: true, value };
}
