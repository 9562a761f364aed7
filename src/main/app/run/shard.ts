// Scale out: `--shard i/N` runs the records whose key hashes to shard i of N, so N processes
// (machines, pods) share one export without coordinating. The rule is decided here once for
// every host and every use case (run, resume, retry-failed, dry run, preview):
// - the hash is the first 4 bytes of SHA-256 over the key's UTF-8 bytes, read big-endian as an
//   unsigned 32-bit integer, mod N: the same on every machine and Node version, and easy to
//   compute elsewhere (`int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], 'big') % n`);
// - shards are numbered from 0 (as Kubernetes' JOB_COMPLETION_INDEX), `index/N` reads that
//   variable;
// - a record with no key of its own (an unreadable row, a record that is not an object, a
//   key field that is missing or empty, so the run would call it `#line`) belongs to shard 0:
//   exactly one shard reports it, with its file:line, as a run without shards does;
// - each shard paces at requestsPerHour / N, so N shards together stay within the limit;
// - only shard 0 creates a missing audience (N pods starting together would each create
//   one): another shard looks it up again, with backoff, for up to AUDIENCE_WAIT_MS, then
//   stops (exit 3) saying shard 0 creates it.
import { createHash, hash } from 'node:crypto';
import type { ExportConfig } from '../../../shared/config.js';
import type { LoadedConfig } from '../config.js';

export interface Shard {
  /** 0-based, < count. */
  index: number;
  count: number;
}

/** The environment variable `--shard index/N` reads (set by a Kubernetes Indexed Job). */
export const SHARD_INDEX_ENV = 'JOB_COMPLETION_INDEX';
/** More shards than this is a typo, not a plan (each shard is a process with its own store). */
export const MAX_SHARDS = 10_000;

/** The shard (0 ≤ result < count) a record key belongs to. */
export function shardOfKey(key: string, count: number): number {
  if (count <= 1) return 0;
  // Hex (the default output on every Node this runs on), its first 8 digits = the first 4 bytes.
  return Number.parseInt(hash('sha256', key).slice(0, 8), 16) % count;
}

/** `--shard` as given, or why it is not one (the message names what was given). */
export function parseShard(text: string, env: Readonly<Record<string, string | undefined>>): { ok: true; shard: Shard } | { ok: false; message: string } {
  const m = /^\s*([^/\s]*)\s*\/\s*([^/\s]*)\s*$/.exec(text);
  const usage = `expected i/N with 0 ≤ i < N, e.g. 0/4 … 3/4, or index/N to read ${SHARD_INDEX_ENV}`;
  if (!m) return { ok: false, message: `"${text}" is not a shard: ${usage}` };
  const [, indexText, countText] = m as unknown as [string, string, string];
  if (!/^\d+$/.test(countText) || Number(countText) < 1 || Number(countText) > MAX_SHARDS) {
    return { ok: false, message: `"${text}": the shard count must be a whole number from 1 to ${MAX_SHARDS} (got "${countText}")` };
  }
  const count = Number(countText);
  let index: number;
  let from = '';
  if (indexText === 'index') {
    const value = env[SHARD_INDEX_ENV];
    if (value === undefined || value.trim() === '') return { ok: false, message: `"${text}": index/N reads ${SHARD_INDEX_ENV}, which is not set` };
    if (!/^\s*\d+\s*$/.test(value)) return { ok: false, message: `"${text}": ${SHARD_INDEX_ENV} must be a whole number (got "${value}")` };
    index = Number(value);
    from = ` (${SHARD_INDEX_ENV}=${value.trim()})`;
  } else if (/^\d+$/.test(indexText)) {
    index = Number(indexText);
  } else {
    // `$JOB_COMPLETION_INDEX/4` reaching us as written: no shell expanded it (an exec-form entrypoint).
    const unexpanded = indexText.startsWith('$') ? `; it looks like a variable no shell expanded: use index/${countText} to read ${SHARD_INDEX_ENV}` : `; ${usage}`;
    return { ok: false, message: `"${text}": the shard index must be a whole number or "index" (got "${indexText}")${unexpanded}` };
  }
  if (index >= count) {
    // The usual slip: counting from 1. Say so rather than guess.
    const hint = index === count ? `; shards are numbered from 0, so the last of ${count} is ${count - 1}/${count}` : '';
    return { ok: false, message: `"${text}"${from}: the shard index must be below ${count} (0 … ${count - 1})${hint}` };
  }
  return { ok: true, shard: { index, count } };
}

/** How long a shard other than 0 looks for the audience shard 0 creates. */
export const AUDIENCE_WAIT_MS = 120_000;

/** Who creates the audience when this shard finds none, or undefined when it creates it itself. */
export function audienceCreator(shard: Shard | undefined, waitMs: number = AUDIENCE_WAIT_MS): { by: string; waitMs: number } | undefined {
  if (!shard || shard.count <= 1 || shard.index === 0) return undefined;
  return { by: `shard 0/${shard.count}`, waitMs };
}

export function shardText(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/** The config a shard runs: its share of requestsPerHour (the stored config keeps the whole). */
export function shardConfig(config: ExportConfig, shard: Shard | undefined): ExportConfig {
  const rph = config.destination.requestsPerHour;
  if (!shard || shard.count <= 1 || rph === undefined) return config;
  return { ...config, destination: { ...config.destination, requestsPerHour: rph / shard.count } };
}

export function shardLoaded(loaded: LoadedConfig, shard: Shard | undefined): LoadedConfig {
  const config = shardConfig(loaded.config, shard);
  return config === loaded.config ? loaded : { ...loaded, config };
}

/**
 * The group of a sharded run when `--group` is not given: the same for every shard of one
 * export on any machine, from what they share: the config as stored (overrides applied,
 * secrets masked), the input's size and first bytes' hash (not its path or mtime, which
 * differ between pods), and N. Re-running the same export over the same input gives the
 * same group; `runs --group` then counts each shard's latest run.
 */
export function defaultGroup(storedConfig: unknown, input: { size: number; prefixHash: string } | null, count: number): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(storedConfig ?? null));
  h.update(`\n${input ? `${input.size}:${input.prefixHash}` : '-'}\n${count}`);
  return `g-${h.digest('hex').slice(0, 12)}`;
}

/** Why a `--group` name is not one, or null. Printed in tables and passed on command lines. */
export function groupProblem(name: string): string | null {
  return /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/.test(name) ? null : `must be 1-128 letters, digits or . _ : @ - starting with a letter or digit (got "${name}")`;
}
