// Loads an export config: JSON text → `${env:NAME}` resolution → zod validation.
// Every issue names the field path (and, for JSON syntax, the line and column).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { parseExportConfig, type ExportConfig } from '../../shared/config.js';
import type { Issue } from '../../shared/issues.js';
import { lineColumnAt, locateJsonError } from '../../shared/json-locate.js';
import { createRedactor, MASK, maskHeaderValue, type Secret } from './redact.js';
import { userinfoEnd } from './url-userinfo.js';
import { hasMaskedTemplateKey, maskTemplateKeyLiterals, maskUrlLiterals, secretSlots, urlTemplates } from './secret-slots.js';

export type LoadResult =
  | {
      ok: true;
      config: ExportConfig;
      /** The config as written (`${env:…}` unresolved, literal secrets in clear): never stored. */
      raw: unknown;
      /** The config as a run may store it: `${env:…}` kept, every literal secret masked. */
      stored: unknown;
      /** Whether `stored` lost literal secrets (a resume must then re-read the config file). */
      maskedLiterals: boolean;
      secrets: Secret[];
      /** The file it was read from, by absolute path and the sha256 of its bytes. */
      source?: ConfigSource;
    }
  | {
      ok: false;
      issues: Issue[];
      /** Set when the config is refused only because these `${env:…}` variables are not set. */
      unsetEnv?: string[];
    };

export interface ConfigSource {
  path: string;
  sha256: string;
}

export type Env = Record<string, string | undefined>;

const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The one URL whose `${env:…}` in the user info is percent-encoded when substituted. */
const POSTGRES_URL_PATH = 'source.postgres.url';

/**
 * Replaces every `${env:NAME}` in string values. Every value it resolves to is a secret,
 * wherever it lands (taint, not name: an API key in a URL query or a body template is one),
 * shown as its reference so logs stay readable.
 */
/** The quote of the Handlebars string literal `text` is inside at `at`, or null (outside `{{…}}` or a string). */
function mustacheQuoteAt(text: string, at: number): '"' | "'" | null {
  const open = text.lastIndexOf('{{', at);
  if (open < 0 || text.lastIndexOf('}}', at) > open) return null;
  let quote: '"' | "'" | null = null;
  for (let i = open + 2; i < at; i++) {
    const c = text[i];
    if (quote === null) {
      if (c === '"' || c === "'") quote = c;
    } else if (c === quote && text[i - 1] !== '\\') quote = null;
  }
  return quote;
}

export function resolveEnv(value: unknown, env: Env): { value: unknown; issues: Issue[]; unset: string[]; secrets: Secret[]; envValues: string[] } {
  const issues: Issue[] = [];
  /** Names of the variables that are not set, one per issue. */
  const unset: string[] = [];
  const secrets: Secret[] = [];
  /** Every value an `${env:…}` resolved to: no issue may echo one. */
  const envValues: string[] = [];
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'string') {
      if (!v.includes('${env:')) return v;
      // A reference in the user info of source.postgres.url stands for the password (or user)
      // itself: its value is percent-encoded there, so `/ # ? % @ :` and spaces reach pg unchanged.
      const userinfoAt = path === POSTGRES_URL_PATH ? userinfoEnd(v) : -1;
      return v.replace(ENV_REF, (_m, name: string, offset: number) => {
        const resolved = env[name];
        if (resolved === undefined) {
          issues.push({ path, message: `environment variable ${name} is not set` });
          unset.push(name);
          return '';
        }
        // Inside a template's string literal (`{{hmac "sha256" "${env:KEY}" x}}`) the value
        // becomes template text: a quote would end the string early and a backslash escape the
        // next quote, so the key sent would not be the one set. Refused, never echoed.
        const quote = mustacheQuoteAt(v, offset);
        if (quote && (resolved.includes(quote) || resolved.includes('\\'))) {
          issues.push({ path, message: `environment variable ${name} sits inside a ${quote}…${quote} string of a template, and its value holds a ${resolved.includes(quote) ? `${quote} quote` : 'backslash'}, which that string cannot carry unchanged` });
          return '';
        }
        if (resolved.length > 0) {
          envValues.push(resolved);
          secrets.push({ value: resolved, shownAs: `\${env:${name}}` });
        }
        if (offset < userinfoAt) {
          const encoded = encodeURIComponent(resolved);
          if (encoded !== resolved) {
            envValues.push(encoded);
            secrets.push({ value: encoded, shownAs: `\${env:${name}}` });
          }
          return encoded;
        }
        return resolved;
      });
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${path}[${i}]`));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = walk(item, path ? `${path}.${k}` : k);
      return out;
    }
    return v;
  };
  const resolved = walk(value, '');
  return { value: resolved, issues, unset, secrets, envValues };
}

/**
 * The literal secrets of a config as written (values in secret places that are not
 * `${env:…}` references), registered whole and without their auth scheme, and the config
 * with each one masked: what a run stores.
 */
export function literalSecrets(raw: unknown): { stored: unknown; literals: string[] } {
  const literals: string[] = [];
  const stored = structuredClone(raw);
  for (const slot of secretSlots(stored)) {
    const value = slot.holder[slot.key] as string;
    if (value.includes('${env:') || value === '' || value.includes(MASK)) continue;
    literals.push(value);
    const m = /^[A-Za-z][A-Za-z0-9_-]{0,19}\s+(\S.*)$/.exec(value);
    if (slot.kind === 'header' && m) literals.push(m[1]!);
    slot.holder[slot.key] = slot.kind === 'header' ? maskHeaderValue(value) : MASK;
  }
  literals.push(...maskUrlLiterals(stored, MASK));
  // An hmac key written literally in a template (`{{hmac "sha256" "k" x}}`) is a secret too.
  literals.push(...maskTemplateKeyLiterals(stored, MASK));
  return { stored, literals };
}

/** Whether a stored config had literal secrets masked (so it cannot run without its file). */
export function hasMaskedSecrets(stored: unknown): boolean {
  const copy = structuredClone(stored);
  if (secretSlots(copy).some((slot) => (slot.holder[slot.key] as string).includes(MASK))) return true;
  return urlTemplates(copy).some((url) => url.includes(MASK)) || hasMaskedTemplateKey(copy, MASK);
}

/** Validates an already-parsed config value, resolving environment references first. */
export function resolveConfig(value: unknown, env: Env): LoadResult {
  const { value: resolved, issues, unset: unsetNames, secrets, envValues } = resolveEnv(value, env);
  const { stored, literals } = literalSecrets(value);
  const parsed = parseExportConfig(resolved);
  // A schema message may quote the value it refused (a header pair): mask every secret in it.
  const refuse = (all: Issue[]): LoadResult => {
    const redactor = createRedactor([...envValues, ...literals]);
    // Only unset variables (every issue is one of resolveEnv's): say which, so a host can
    // stand them in without reading messages.
    const onlyUnset = all.length === issues.length && unsetNames.length > 0;
    return { ok: false, issues: all.map((i) => ({ ...i, message: redactor.text(i.message) })), ...(onlyUnset ? { unsetEnv: [...new Set(unsetNames)] } : {}) };
  };
  if (!parsed.ok) {
    // A field whose variable is not set resolved to "": its schema complaint (must not be
    // empty, not a URL) only repeats the real problem, which is already named.
    const unset = new Set(issues.map((i) => i.path));
    return refuse([...issues, ...parsed.issues.filter((i) => !unset.has(i.path))]);
  }
  if (issues.length > 0) return refuse(issues);
  return { ok: true, config: parsed.config, raw: value, stored, maskedLiterals: literals.length > 0, secrets: [...secrets, ...literals] };
}

/** Parses JSON text; a syntax error names the line and column. */
export function parseJsonText(text: string, file: string): { ok: true; value: unknown } | { ok: false; issue: Issue } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const message = (err as Error).message;
    const pos = jsonErrorPosition(message, text);
    if (pos) return { ok: false, issue: { path: `${file}:${pos.line}:${pos.column}`, message: `invalid JSON: ${message}` } };
    // V8 gives no position for "Unexpected token 'x', … is not valid JSON": find it ourselves.
    const found = locateJsonError(text);
    if (!found) return { ok: false, issue: { path: file, message: `invalid JSON: ${message}` } };
    const at = lineColumnAt(text, found.pos);
    return { ok: false, issue: { path: `${file}:${at.line}:${at.column}`, message: `invalid JSON: ${found.reason}` } };
  }
}

/** Extracts a 1-based line/column from V8's JSON.parse messages. */
export function jsonErrorPosition(message: string, text: string): { line: number; column: number; offset: number } | null {
  const lc = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lc) {
    const line = Number(lc[1]);
    const column = Number(lc[2]);
    return { line, column, offset: offsetOf(text, line, column) };
  }
  const p = /at position (\d+)/.exec(message);
  const offset = p ? Number(p[1]) : /Unexpected end of JSON input/.test(message) ? text.length : -1;
  if (offset < 0) return null;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1, offset };
}

function offsetOf(text: string, line: number, column: number): number {
  let l = 1;
  let i = 0;
  while (l < line && i < text.length) {
    if (text.charCodeAt(i) === 10) l++;
    i++;
  }
  return i + column - 1;
}

/** The text without a leading UTF-8 byte order mark (editors on Windows write one; JSON.parse refuses it). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads a config file's bytes; a missing or unreadable file is an issue naming it. */
export async function readConfigFile(file: string): Promise<{ ok: true; text: string; source: ConfigSource } | { ok: false; issues: Issue[] }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'config file not found' : `cannot read config file (${code ?? (err as Error).message})`;
    return { ok: false, issues: [{ path: file, message }] };
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { ok: true, text: bytes.toString('utf8'), source: { path: resolvePath(file), sha256 } };
}

/** Validates config text read from `file` (a leading BOM is accepted). */
export function loadConfigText(text: string, file: string, env: Env, source?: ConfigSource): LoadResult {
  const parsed = parseJsonText(stripBom(text), file);
  if (!parsed.ok) return { ok: false, issues: [parsed.issue] };
  const result = resolveConfig(parsed.value, env);
  return result.ok && source ? { ...result, source } : result;
}

/** Reads and validates a config file. Errors are prefixed with the file name. */
export async function loadConfigFile(file: string, env: Env): Promise<LoadResult> {
  const read = await readConfigFile(file);
  if (!read.ok) return read;
  return loadConfigText(read.text, file, env, read.source);
}
