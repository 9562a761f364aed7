// The runs table: one row per run (its config and input identity as given, status,
// counters), reads and writes together, including the recorder's writes. A run's integer
// key (`n`) is what the child tables point at; its public id is `runs.id`.
import { randomUUID } from 'node:crypto';
import type { RunStatus } from '../engine/types.js';
import type { Connection } from './connection.js';
import { leaseOf } from './lease.js';
import { parseJson, type CreateRunInput, type RunRow, type RunStartOptions, type StoredRunStatus } from './rows.js';
import type { StatementSql } from './writer.js';

const SQL = {
  insertRun: `INSERT INTO runs (id, created_at, destination, audience, config, config_path, config_sha256, input_path, input_size, input_mtime_ms, input_prefix_hash, options, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')`,
  runById: 'SELECT * FROM runs WHERE id = ?',
  allRuns: 'SELECT * FROM runs ORDER BY created_at, n',
  keyById: 'SELECT n FROM runs WHERE id = ?',
  idsByPrefix: 'SELECT id FROM runs WHERE substr(id, 1, length(?)) = ? LIMIT 2',
  setStatus: 'UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE id = ?',
  setRemoteAudience: 'UPDATE runs SET remote_audience = ? WHERE id = ?',
  deleteRun: 'DELETE FROM runs WHERE id = ?',
  batchSpan: 'SELECT batch_span FROM runs WHERE n = ?',
} as const;

/** The recorder's writes to runs, by name, with their parameters in order. */
export type RunWrites = {
  upsertRun: [id: string, createdAt: number, startedAt: number | null, destination: string, audience: string];
  writeCounters: [total: number, succeeded: number, failed: number, skipped: number, unconfirmed: number, sent: number, retried: number, batchSpan: number, run: number];
  finishRun: [status: RunStatus, finishedAt: number, error: string | null, run: number];
};

export const RUN_WRITES: StatementSql<RunWrites> = {
  // Also creates the row for events that arrive without createRun (kept rather than dropped).
  upsertRun: `INSERT INTO runs (id, created_at, started_at, destination, audience, config, status)
     VALUES (?, ?, ?, ?, ?, '{}', 'running')
     ON CONFLICT(id) DO UPDATE SET
       started_at = coalesce(runs.started_at, excluded.started_at),
       destination = coalesce(nullif(runs.destination, ''), excluded.destination),
       audience = coalesce(nullif(runs.audience, ''), excluded.audience),
       status = 'running', finished_at = NULL, error = NULL`,
  writeCounters: `UPDATE runs SET records_total = ?, records_succeeded = ?, records_failed = ?, records_skipped = ?, records_unconfirmed = ?,
       requests_sent = ?, requests_retried = ?,
       batch_span = max(batch_span, ?)
     WHERE n = ?`,
  finishRun: 'UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE n = ?',
};

interface RunDbRow {
  id: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  destination: string;
  audience: string;
  config: string;
  config_path: string | null;
  config_sha256: string | null;
  input_path: string | null;
  input_size: number | null;
  input_mtime_ms: number | null;
  input_prefix_hash: string | null;
  status: StoredRunStatus;
  records_total: number;
  records_succeeded: number;
  records_failed: number;
  records_skipped: number;
  records_unconfirmed: number;
  requests_sent: number;
  requests_retried: number;
  remote_audience: string | null;
  error: string | null;
  lease_token: string | null;
  lease_pid: number | null;
  lease_host: string | null;
  lease_proc_start: string | null;
  lease_heartbeat_at: number | null;
  options: string | null;
}

function toRunRow(r: RunDbRow): RunRow {
  // A run left 'running' by a process that is gone is shown as what it is: interrupted,
  // resumable. Judged only for 'running' rows (it may ask the OS about a pid).
  const lease = r.status === 'running' ? leaseOf(r) : null;
  const interrupted = lease?.gone ?? null;
  return {
    id: r.id,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    destination: r.destination,
    audience: r.audience,
    config: parseJson(r.config),
    configSource: r.config_path !== null && r.config_sha256 !== null ? { path: r.config_path, sha256: r.config_sha256 } : null,
    inputPath: r.input_path,
    options: (parseJson(r.options) as RunStartOptions | null) ?? null,
    inputIdentity:
      r.input_size === null
        ? null
        : { size: r.input_size, mtimeMs: r.input_mtime_ms ?? 0, prefixHash: r.input_prefix_hash ?? '' },
    status: interrupted ? 'aborted' : r.status,
    records: {
      total: r.records_total,
      succeeded: r.records_succeeded,
      failed: r.records_failed,
      skipped: r.records_skipped,
      unconfirmed: r.records_unconfirmed,
    },
    requests: { sent: r.requests_sent, retried: r.requests_retried },
    remoteAudience: parseJson(r.remote_audience),
    error: interrupted ? (r.error ?? `interrupted: ${interrupted}; resumable`) : r.error,
    lease,
  };
}

/** Run id → key, per connection: every read of a run's children starts with this lookup. */
const keyCaches = new WeakMap<Connection, Map<string, number>>();

function keyCache(conn: Connection): Map<string, number> {
  let cache = keyCaches.get(conn);
  if (!cache) keyCaches.set(conn, (cache = new Map()));
  return cache;
}

/** The integer key of a run, or undefined for an unknown run. */
export function runKey(conn: Connection, runId: string): number | undefined {
  const cache = keyCache(conn);
  const cached = cache.get(runId);
  if (cached !== undefined) return cached;
  const n = conn.stmt(SQL.keyById).pluck().get(runId) as number | undefined;
  if (n !== undefined) cache.set(runId, n);
  return n;
}

/** Drops a cached run key (after a rolled-back transaction that may have created the run). */
export function forgetRunKey(conn: Connection, runId: string): void {
  keyCache(conn).delete(runId);
}

/**
 * The run's key, creating a bare row at once when there is none, so every row the writer
 * commits later can point at it.
 */
export function ensureRun(conn: Connection, runId: string, at: number): number {
  conn.stmt(RUN_WRITES.upsertRun).run(runId, at, null, '', '');
  return runKey(conn, runId)!;
}

/** Creates the run row before anything is sent, so config and input identity are on record. */
export function createRun(conn: Connection, input: CreateRunInput): string {
  const id = input.id ?? randomUUID();
  const config = typeof input.config === 'string' ? input.config : JSON.stringify(input.config ?? null);
  const ident = input.inputIdentity ?? null;
  conn.stmt(SQL.insertRun).run(
    id,
    input.createdAt ?? Date.now(),
    input.destination,
    input.audience,
    config,
    input.configSource?.path ?? null,
    input.configSource?.sha256 ?? null,
    input.inputPath ?? null,
    ident?.size ?? null,
    ident?.mtimeMs ?? null,
    ident?.prefixHash ?? null,
    input.options && Object.keys(input.options).length > 0 ? JSON.stringify(input.options) : null,
  );
  return id;
}

export function getRun(conn: Connection, runId: string): RunRow | null {
  const r = conn.stmt(SQL.runById).get(runId) as RunDbRow | undefined;
  return r ? toRunRow(r) : null;
}

/** Every run, oldest first. */
export function listRuns(conn: Connection): RunRow[] {
  return (conn.stmt(SQL.allRuns).all() as RunDbRow[]).map(toRunRow);
}

/** A full run id from an id or a unique prefix of at least 4 characters; null if none or ambiguous. */
export function resolveRunId(conn: Connection, idOrPrefix: string): string | null {
  if (runKey(conn, idOrPrefix) !== undefined) return idOrPrefix;
  if (idOrPrefix.length < 4) return null;
  const ids = conn.stmt(SQL.idsByPrefix).pluck().all(idOrPrefix, idOrPrefix) as string[];
  return ids.length === 1 ? ids[0]! : null;
}

export function markRunStatus(
  conn: Connection,
  runId: string,
  status: StoredRunStatus,
  opts: { error?: string | null; finishedAt?: number | null },
): void {
  const finishedAt = opts.finishedAt !== undefined ? opts.finishedAt : status === 'running' ? null : Date.now();
  conn.stmt(SQL.setStatus).run(status, finishedAt, opts.error ?? null, runId);
}

export function setRemoteAudience(conn: Connection, runId: string, value: unknown): void {
  conn.stmt(SQL.setRemoteAudience).run(JSON.stringify(value ?? null), runId);
}

/** Deletes a run; its requests and outcomes go with it (ON DELETE CASCADE). */
export function deleteRun(conn: Connection, runId: string): boolean {
  forgetRunKey(conn, runId);
  return conn.stmt(SQL.deleteRun).run(runId).changes > 0;
}

/** The widest settled batch of a run (max_seq - min_seq), which bounds outcome page scans. */
export function batchSpan(conn: Connection, run: number): number {
  return (conn.stmt(SQL.batchSpan).pluck().get(run) as number | undefined) ?? 0;
}
