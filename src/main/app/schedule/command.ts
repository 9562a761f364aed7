// The command a scheduled unit runs: the real `outbound run` with absolute paths, started by
// an absolute Node executable, so it works from any working directory and under a
// scheduler's bare environment (cron's PATH is /usr/bin:/bin, where `node` may be missing
// or another version: a Node the native store module was not built for).
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MALLOC_ARENA_MAX, NODE_FLAGS } from '../../../shared/node-memory.mjs';

/** The environment each unit gives the run (the memory settings, no secret). */
export const RUN_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX };

export interface CliLauncher {
  /** Absolute path of the Node executable. */
  node: string;
  /** Node flags, then the absolute path of bin/outbound.mjs. */
  prefix: string[];
  /** Why the launcher is a guess (the studio runs in Electron, whose executable is not Node). */
  warning?: string;
}


/**
 * How to start this installation's CLI: this process's Node (the CLI host) or, inside
 * Electron, the first `node` on PATH, and bin/outbound.mjs found from this module's place
 * (sources, the bundled CLI and the Electron build all sit under the package root; `from`
 * is where the search starts). What is guessed rather than found says so in `warning`.
 */
export function cliLauncher(env: Record<string, string | undefined> = process.env, from: string = dirname(fileURLToPath(import.meta.url))): CliLauncher {
  const found = findBin(from);
  const bin = found ?? resolve('bin', 'outbound.mjs');
  const prefix = [...NODE_FLAGS, bin];
  const warnings = found ? [] : [`no bin/outbound.mjs found in a package folder above ${from}: the unit runs ${bin} (a guess from the current folder), which may not exist; check the command before installing the unit`];
  let node = process.execPath;
  if (process.versions.electron) {
    const onPath = findOnPath('node', env.PATH ?? '');
    node = onPath ?? 'node';
    if (!onPath) warnings.push('no node executable found on PATH: the unit runs `node`, which the scheduler must find on its own PATH');
  }
  return { node, prefix, ...(warnings.length > 0 ? { warning: warnings.join('; ') } : {}) };
}

/** bin/outbound.mjs of the package folder at or above `from`, or null. */
function findBin(from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const bin = join(dir, 'bin', 'outbound.mjs');
    if (existsSync(bin) && existsSync(join(dir, 'package.json'))) return bin;
    if (dirname(dir) === dir) return null;
  }
}

function findOnPath(name: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir || !dir.startsWith('/')) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // next folder
    }
  }
  return null;
}

export interface RunPaths {
  config: string;
  /** A file, a `postgres://` URL without password, or absent (the config's source block). */
  input?: string | undefined;
  /** `--query` of a `postgres://` input. */
  query?: string | undefined;
  db: string;
  /** Passed as --env-file by every unit that runs the command (one parser for the file everywhere). */
  envFile?: string | undefined;
}

/** The argv of the scheduled run. */
export function runArgv(launcher: CliLauncher, paths: RunPaths): string[] {
  return [
    launcher.node,
    ...launcher.prefix,
    'run',
    paths.config,
    ...(paths.input !== undefined ? ['--input', paths.input] : []),
    ...(paths.query !== undefined ? ['--query', paths.query] : []),
    '--db',
    paths.db,
    ...(paths.envFile ? ['--env-file', paths.envFile] : []),
  ];
}

const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The `${env:…}` variables a config as written refers to (the unit provides names, never values). */
export function envNames(raw: unknown): string[] {
  const names = new Set<string>();
  for (const m of JSON.stringify(raw ?? null).matchAll(ENV_REF)) names.add(m[1]!);
  return [...names].sort();
}

/** A name usable in unit names, file names and Kubernetes objects: a-z, 0-9 and `-`. */
export function unitSlug(...parts: string[]): string {
  const slug = parts
    .join('-')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'export';
}
