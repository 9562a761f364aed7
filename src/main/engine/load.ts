// Loads an export config: JSON text → `${env:NAME}` resolution → zod validation.
// Every issue names the field path (and, for JSON syntax, the line and column).
import { readFile } from 'node:fs/promises';
import { parseExportConfig, type ExportConfig } from '../../shared/config.js';
import type { Issue } from '../../shared/issues.js';
import { lineColumnAt, locateJsonError } from '../../shared/json-locate.js';
import { createRedactor } from './redact.js';

export type LoadResult =
  | { ok: true; config: ExportConfig; raw: unknown; secrets: string[] }
  | { ok: false; issues: Issue[] };

export type Env = Record<string, string | undefined>;

const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Field names whose values are secrets even when written inline. */
const SECRET_FIELDS = new Set(['clientSecret']);
/** Environment values landing under such keys (or in any header) are secrets; a URL is not. */
const SECRET_KEY = /secret|token|password|passwd|key|auth|credential|cookie/i;

/**
 * Replaces every `${env:NAME}` in string values. Values resolved into secret places (client
 * secret, headers, secret-looking keys) and inline client secrets are returned as secrets so
 * they can be redacted; a base URL from the environment stays readable in logs.
 */
export function resolveEnv(value: unknown, env: Env): { value: unknown; issues: Issue[]; secrets: string[]; envValues: string[] } {
  const issues: Issue[] = [];
  const secrets: string[] = [];
  /** Every value an `${env:…}` resolved to, secret place or not: no issue may echo one. */
  const envValues: string[] = [];
  const walk = (v: unknown, path: string, key: string): unknown => {
    if (typeof v === 'string') {
      if (SECRET_FIELDS.has(key) && !v.includes('${env:')) secrets.push(v);
      if (!v.includes('${env:')) return v;
      return v.replace(ENV_REF, (_m, name: string) => {
        const resolved = env[name];
        if (resolved === undefined) {
          issues.push({ path, message: `environment variable ${name} is not set` });
          return '';
        }
        envValues.push(resolved);
        if ((SECRET_KEY.test(key) && !/url$/i.test(key)) || path.startsWith('destination.headers')) secrets.push(resolved);
        return resolved;
      });
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${path}[${i}]`, key));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = walk(item, path ? `${path}.${k}` : k, k);
      return out;
    }
    return v;
  };
  const resolved = walk(value, '', '');
  return { value: resolved, issues, secrets: secrets.filter((s) => s.length > 0), envValues: envValues.filter((s) => s.length > 0) };
}

/** Validates an already-parsed config value, resolving environment references first. */
export function resolveConfig(value: unknown, env: Env): LoadResult {
  const { value: resolved, issues, secrets, envValues } = resolveEnv(value, env);
  const parsed = parseExportConfig(resolved);
  // A schema message may quote the value it refused (a header pair): mask what came from the environment.
  const refuse = (all: Issue[]): LoadResult => {
    const redactor = createRedactor(envValues);
    return { ok: false, issues: all.map((i) => ({ ...i, message: redactor.text(i.message) })) };
  };
  if (!parsed.ok) return refuse([...issues, ...parsed.issues]);
  if (issues.length > 0) return refuse(issues);
  return { ok: true, config: parsed.config, raw: value, secrets };
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

/** Reads and validates a config file. Errors are prefixed with the file name. */
export async function loadConfigFile(file: string, env: Env): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'config file not found' : `cannot read config file (${code ?? (err as Error).message})`;
    return { ok: false, issues: [{ path: file, message }] };
  }
  const parsed = parseJsonText(stripBom(text), file);
  if (!parsed.ok) return { ok: false, issues: [parsed.issue] };
  return resolveConfig(parsed.value, env);
}
