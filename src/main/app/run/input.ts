// What a run reads: an input file, or a sample set saved in the store. Both the CLI and the
// studio open a run's input here, so a run started in one can be resumed by the other.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SourceItem } from '../../engine/types.js';
import { checkParquetFile, describeIdentityChange, detectFormat, fileIdentity, openSource, parquetRowCount } from '../../sources/index.js';
import {
  displayPostgresUrl,
  isPostgresUrl,
  normalizeQuery,
  postgresFingerprint,
  postgresLabel,
  probePostgres,
  queryHasOrderBy,
  readPostgres,
  type PgEnv,
} from '../../sources/postgres.js';
import type { ExportConfig } from '../../../shared/config.js';
import type { InputIdentity } from '../../store/rows.js';
import type { Store } from '../../store/db.js';

export type RunInput =
  | { kind: 'file'; path: string }
  | { kind: 'samples'; setId: string }
  /** A SQL query against PostgreSQL (`url` may hold a password: it is never recorded). */
  | {
      kind: 'postgres';
      url: string;
      query: string;
      fetchSize?: number;
      env?: PgEnv;
      /** Stops a count or a read the server is still working on (Ctrl-C, SIGTERM). */
      signal?: AbortSignal;
    };

/** How a sample-set input is written in the run's `input_path` column. */
export const SAMPLE_SET_PREFIX = 'sample-set:';
const PAGE = 1000;

/** What a run records as its input: an absolute path (a resume may start elsewhere), or the set. */
export function inputPathOf(input: RunInput): string {
  if (input.kind === 'postgres') return `${displayPostgresUrl(input.url)}#${normalizeQuery(input.query)}`;
  return input.kind === 'file' ? resolve(input.path) : `${SAMPLE_SET_PREFIX}${input.setId}`;
}

export function inputFromPath(inputPath: string): RunInput {
  if (isPostgresUrl(inputPath)) {
    // `postgres://user@host/db#query`: the URL as recorded (no password), the query after the first `#`.
    const hash = inputPath.indexOf('#');
    return { kind: 'postgres', url: hash < 0 ? inputPath : inputPath.slice(0, hash), query: hash < 0 ? '' : inputPath.slice(hash + 1) };
  }
  return inputPath.startsWith(SAMPLE_SET_PREFIX) ? { kind: 'samples', setId: inputPath.slice(SAMPLE_SET_PREFIX.length) } : { kind: 'file', path: inputPath };
}

/**
 * A recorded PostgreSQL input made ready to re-open: its URL was recorded without password,
 * so when the run's config has a `source.postgres` block for the same target and query,
 * its URL (password from `${env:…}`) and fetch size are used; else pg's own PGPASSWORD /
 * ~/.pgpass supply it.
 */
export function reopenInput(input: RunInput, config: ExportConfig, pgEnv?: PgEnv, signal?: AbortSignal): RunInput {
  if (input.kind !== 'postgres') return input;
  const withEnv = pgEnv || signal ? { ...input, ...(pgEnv ? { env: pgEnv } : {}), ...(signal ? { signal } : {}) } : input;
  const src = config.source?.postgres;
  if (!src) return withEnv;
  if (displayPostgresUrl(src.url) !== input.url || normalizeQuery(src.query) !== normalizeQuery(input.query)) return withEnv;
  return { kind: 'postgres', url: src.url, query: src.query, ...(src.fetchSize !== undefined ? { fetchSize: src.fetchSize } : {}), ...(pgEnv ? { env: pgEnv } : {}), ...(signal ? { signal } : {}) };
}

/** The input a config's `source` block names, or null (`pgEnv`: the PG* variables it connects with). */
export function configSourceInput(config: ExportConfig, pgEnv?: PgEnv): RunInput | null {
  const src = config.source?.postgres;
  return src ? { kind: 'postgres', url: src.url, query: src.query, ...(src.fetchSize !== undefined ? { fetchSize: src.fetchSize } : {}), ...(pgEnv ? { env: pgEnv } : {}) } : null;
}

/** Warnings a run over `input` should show (not refusals). */
export function inputWarnings(input: RunInput): string[] {
  if (input.kind !== 'postgres' || queryHasOrderBy(input.query)) return [];
  return ['the query has no ORDER BY: PostgreSQL may return its rows in another order next time, and a resume or retry-failed matches rows by position; ORDER BY a unique key'];
}

/**
 * One probe (connect, begin the reading transaction, count) per input object: the check, the
 * identity, the total and the reader of one start share it, so the count a run records is of
 * the snapshot it reads.
 */
const probes = new WeakMap<RunInput, ReturnType<typeof probePostgres>>();
function probe(input: RunInput & { kind: 'postgres' }): ReturnType<typeof probePostgres> {
  let p = probes.get(input);
  if (!p) {
    p = probePostgres(input, input.signal ? { signal: input.signal } : {});
    probes.set(input, p);
  }
  return p;
}

/** Why an input file cannot be read (unknown format, missing), or null when it can. */
export async function checkInputFile(path: string): Promise<string | null> {
  // What the path is comes first: a folder named without an extension is a folder, not a format.
  let isDirectory = false;
  let missing: string | null = null;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    missing = e.code === 'ENOENT' ? `input file not found: ${path}` : `cannot read input file ${path}: ${e.code ?? e.message}`;
  }
  if (isDirectory) return `input ${path} is a directory: name a file`;
  let format;
  try {
    format = detectFormat(path);
  } catch (err) {
    return (err as Error).message;
  }
  // A Parquet file's footer is read now: truncated, corrupt or an unknown codec is refused
  // before the run starts, not after its first rows were sent.
  if (!missing && format === 'parquet') return checkParquetFile(path);
  return missing;
}

/** Problem with an input (file or sample set), or null. */
export async function checkInput(store: Store | null, input: RunInput): Promise<string | null> {
  if (input.kind === 'file') return checkInputFile(input.path);
  if (input.kind === 'postgres') {
    if (!input.query.trim()) return `no query for ${displayPostgresUrl(input.url)}: give --query "select …" (or a source.postgres block in the config)`;
    const p = await probe(input);
    return p.ok ? null : p.message;
  }
  const set = store?.listSampleSets().find((s) => s.id === input.setId);
  return set ? null : `sample set ${input.setId} not found`;
}

/** What identifies the input, so a resume can refuse one that changed. */
export async function inputIdentity(store: Store | null, input: RunInput): Promise<InputIdentity | null> {
  if (input.kind === 'file') return fileIdentity(input.path);
  if (input.kind === 'postgres') {
    // A query's data cannot be fingerprinted cheaply: the target and query text, and the row count.
    const p = await probe(input);
    if (!p.ok) throw new Error(p.message);
    return { size: p.rows, mtimeMs: 0, prefixHash: postgresFingerprint(input) };
  }
  const set = store?.listSampleSets().find((s) => s.id === input.setId);
  // Sample sets are immutable once saved: count and creation time identify them.
  return set ? { size: set.count, mtimeMs: set.createdAt, prefixHash: `sample-set:${set.id}` } : null;
}

/** A sentence naming what changed since `before`, or null when the input is the same. */
export async function describeInputChange(store: Store | null, input: RunInput, before: InputIdentity): Promise<string | null> {
  const now = await inputIdentity(store, input);
  if (!now) return 'it is gone';
  if (input.kind === 'postgres') {
    if (before.prefixHash !== now.prefixHash) return 'the query or the database it reads is not the same';
    return before.size !== now.size ? `the query now returns ${now.size} rows, not ${before.size}` : null;
  }
  return describeIdentityChange(before, now);
}

/** A name for record errors (`file:line`). */
export function inputLabel(store: Store | null, input: RunInput): string {
  if (input.kind === 'file') return input.path;
  if (input.kind === 'postgres') return postgresLabel(input.url);
  const set = store?.listSampleSets().find((s) => s.id === input.setId);
  return set ? set.name : input.setId;
}

/** The input as a stream of items; a sample set is read from the store a page at a time. */
export function openRunInput(store: Store | null, input: RunInput, signal?: AbortSignal): AsyncIterable<SourceItem> {
  if (input.kind === 'file') return openSource(input.path, signal ? { signal } : {});
  if (input.kind === 'postgres') {
    // The first reader goes on in the probe's transaction (when it was probed); others open their own.
    const probed = probes.get(input);
    const session = probed?.then((p) => (p.ok ? p.session : null));
    const stop = signal ?? input.signal;
    return readPostgres(input, { ...(stop ? { signal: stop } : {}), ...(session ? { session } : {}) });
  }
  if (!store) throw new Error('a sample-set input needs the store');
  const setId = input.setId;
  return (async function* () {
    let offset = 0;
    for (;;) {
      if (signal?.aborted) return;
      const page = store.getSamples(setId, offset, PAGE, true);
      for (let i = 0; i < page.length; i++) yield { ok: true, line: offset + i + 1, value: page[i] } as SourceItem;
      if (page.length < PAGE) return;
      offset += page.length;
    }
  })();
}

/** How many records the input holds: a sample set knows, so does a Parquet footer; another file is counted by streaming it. */
export async function countInput(store: Store | null, input: RunInput, signal?: AbortSignal): Promise<number> {
  if (input.kind === 'samples') return store?.listSampleSets().find((s) => s.id === input.setId)?.count ?? 0;
  if (input.kind === 'postgres') {
    const p = await probe(input);
    if (!p.ok) throw new Error(p.message);
    return p.rows;
  }
  if (detectFormat(input.path) === 'parquet') return parquetRowCount(input.path);
  let n = 0;
  for await (const _item of openSource(input.path, signal ? { signal } : {})) n++;
  return n;
}
