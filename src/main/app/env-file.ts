// `--env-file`: KEY=VALUE files that `${env:…}` resolves against, read the one way for every
// host. The syntax is Node's own dotenv parser (util.parseEnv: comments, quotes, multi-line
// quoted values, an `export ` prefix); a line it would silently ignore is an error here,
// naming the file and line, never echoing the line (it may hold a secret).
// Precedence (as Node's --env-file and most tools): the real environment wins over every
// file, and a later file wins over an earlier one. Values are env values like any other:
// every one a config uses is a secret (tainted, masked).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import type { Issue } from '../../shared/issues.js';
import type { Env } from './config.js';

export type EnvFiles = { ok: true; env: Env; files: string[] } | { ok: false; issues: Issue[] };

const ASSIGNMENT = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=(.*)$/;

/** `env` with the files' variables added under it; `files` are the absolute paths read. */
export async function withEnvFiles(paths: readonly string[], env: Env): Promise<EnvFiles> {
  const fromFiles: Record<string, string> = {};
  const issues: Issue[] = [];
  const files: string[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      issues.push({ path, message: code === 'ENOENT' ? 'env file not found' : code === 'EISDIR' ? 'env file is a directory' : `cannot read env file (${code ?? (err as Error).message})` });
      continue;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const bad = badLines(text);
    if (bad.length > 0) {
      for (const line of bad) issues.push({ path: `${path}:${line}`, message: 'expected KEY=VALUE, a # comment or a blank line (the line is not shown: it may hold a secret)' });
      continue;
    }
    Object.assign(fromFiles, parseEnv(text));
    files.push(resolve(path));
  }
  if (issues.length > 0) return { ok: false, issues };
  const merged: Env = { ...fromFiles };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) merged[k] = v;
  return { ok: true, env: merged, files };
}

/** 1-based numbers of the lines that are neither blank, a comment, an assignment nor inside a quoted value. */
function badLines(text: string): number[] {
  const lines = text.split(/\r?\n/);
  const bad: number[] = [];
  let openQuote: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (openQuote) {
      if (line.includes(openQuote)) openQuote = null;
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const m = ASSIGNMENT.exec(line);
    if (!m) {
      bad.push(i + 1);
      continue;
    }
    const value = m[1]!.trimStart();
    const q = value[0];
    if ((q === '"' || q === "'" || q === '`') && !value.slice(1).includes(q)) openQuote = q;
  }
  return bad;
}
