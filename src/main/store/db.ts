// Opening the database (pragmas, migrations, refusal of foreign/corrupt/newer files) and
// the Store: the one object the service, the CLI and the recorder use.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { RunCounts } from '../engine/types.js';
import { closeWriters } from './writer.js';
import * as destinations from './destinations.js';
import * as outcomes from './outcomes.js';
import { PlaintextSecretError, StoreError, toStoreError } from './errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import {
  toRequestRow,
  toRunRow,
  type CreateRunInput,
  type DestinationInput,
  type DestinationRow,
  type DestinationSummaryRow,
  type OutcomeQuery,
  type OutcomeRow,
  type RequestDbRow,
  type RequestFilter,
  type RequestQuery,
  type RequestRow,
  type RunDbRow,
  type RunRow,
  type SampleSetRow,
  type SecretCrypto,
  type StoredRunStatus,
} from './rows.js';
import * as samples from './samples.js';
import { SeqBitset, type SettledSet } from './settled.js';

export interface OpenStoreOptions {
  readonly?: boolean;
  /** Caps the file size (PRAGMA max_page_count); tests use it to simulate a full disk. */
  maxSizeBytes?: number;
  /** How long to wait for another process's lock before failing with 'locked' (default 2000). */
  busyTimeoutMs?: number;
}

const OUR_TABLES = new Set(['destinations', 'sample_sets', 'samples', 'runs', 'requests', 'settled_batches', 'record_failures']);

export function openStore(file: string, opts: OpenStoreOptions = {}): Store {
  const readonly = opts.readonly ?? false;
  const busyTimeoutMs = opts.busyTimeoutMs ?? 2000;
  let db: Database.Database;
  try {
    if (!readonly && file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    db = new Database(file, { readonly, fileMustExist: readonly, timeout: busyTimeoutMs });
  } catch (err) {
    throw toStoreError(err, file, 'opening the database');
  }
  try {
    // Read before anything writes: a file that is not a database (or a damaged one) fails
    // here, and is left exactly as it was.
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new StoreError(
        'newer-version',
        `${path.basename(file)} was written by a newer Outbound (schema ${version}, this build knows ${SCHEMA_VERSION}): upgrade Outbound or use --db to pick another file (${file})`,
        file,
      );
    }
    if (version === 0 && tables.some((t) => !OUR_TABLES.has(t))) {
      throw new StoreError(
        'corrupt',
        `${file} is a SQLite database from another program (tables: ${tables.slice(0, 5).join(', ')}); Outbound will not change it: use --db to pick another file`,
        file,
      );
    }
    if (readonly) {
      if (version < SCHEMA_VERSION) {
        throw new StoreError(
          'io',
          `${file} uses an older schema (${version}, this build writes ${SCHEMA_VERSION}) and was opened read-only; open it once read-write to upgrade it`,
          file,
        );
      }
    } else {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      if (opts.maxSizeBytes !== undefined) {
        const pageSize = db.pragma('page_size', { simple: true }) as number;
        db.pragma(`max_page_count = ${Math.max(1, Math.floor(opts.maxSizeBytes / pageSize))}`);
      }
      if (version < SCHEMA_VERSION) migrate(db); // no write lock needed when up to date
    }
    db.pragma('foreign_keys = ON');
  } catch (err) {
    try {
      db.close();
    } catch {
      // already failing; the first error is the one to report
    }
    throw toStoreError(err, file, 'opening the database');
  }
  return new Store(db, file);
}

function migrate(db: Database.Database): void {
  for (;;) {
    // IMMEDIATE: two processes opening an old file at once migrate it only once.
    const done = db
      .transaction(() => {
        const current = db.pragma('user_version', { simple: true }) as number;
        if (current >= SCHEMA_VERSION) return true;
        db.exec(MIGRATIONS[current]!);
        db.pragma(`user_version = ${current + 1}`);
        return false;
      })
      .immediate();
    if (done) return;
  }
}

type Stmt = Database.Statement<unknown[], unknown>;

export class Store {
  /** The connection, for the store's own modules (recorder, har). */
  readonly db: Database.Database;
  readonly path: string;
  private readonly runKeys = new Map<string, number>();
  private readonly statements = new Map<string, Stmt>();

  constructor(db: Database.Database, file: string) {
    this.db = db;
    this.path = file;
  }

  get readonly(): boolean {
    return this.db.readonly;
  }

  close(): void {
    closeWriters(this); // a recorder still open commits what it holds, then its thread lets go of the file
    if (this.db.open) this.db.close();
  }

  /** Runs `fn`, turning SQLite failures into StoreErrors that say what was being done. */
  guard<T>(doing: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      // Programmer and input errors (bad arguments, plaintext secrets) keep their own type.
      if (err instanceof PlaintextSecretError || err instanceof TypeError || err instanceof RangeError) throw err;
      throw toStoreError(err, this.path, doing);
    }
  }

  /**
   * Runs a read of several queries in one transaction, so all of them see the same
   * snapshot while a run's writer thread commits (in WAL mode each statement would
   * otherwise see the latest commit).
   */
  snapshot<T>(doing: string, fn: () => T): T {
    return this.guard(doing, () => (this.db.inTransaction ? fn() : this.db.transaction(fn).deferred()));
  }

  /** `stmt` as a function value, for the store's read modules. */
  readonly prepare = (sql: string): Stmt => this.stmt(sql);

  /** A cached prepared statement. */
  stmt(sql: string): Stmt {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql) as Stmt;
      this.statements.set(sql, s);
    }
    return s;
  }

  /** The integer key of a run (child tables use it), or undefined for an unknown run. */
  runKey(runId: string): number | undefined {
    const cached = this.runKeys.get(runId);
    if (cached !== undefined) return cached;
    const n = this.stmt('SELECT n FROM runs WHERE id = ?').pluck().get(runId) as number | undefined;
    if (n !== undefined) this.runKeys.set(runId, n);
    return n;
  }

  /** Drops a cached run key (after a rolled-back transaction that may have created the run). */
  forgetRunKey(runId: string): void {
    this.runKeys.delete(runId);
  }

  // ---- runs ---------------------------------------------------------------------------

  /** Creates the run row before anything is sent, so config and input identity are on record. */
  createRun(input: CreateRunInput): string {
    return this.guard('creating a run', () => {
      const id = input.id ?? randomUUID();
      const config = typeof input.config === 'string' ? input.config : JSON.stringify(input.config ?? null);
      const ident = input.inputIdentity ?? null;
      this.stmt(
        `INSERT INTO runs (id, created_at, destination, audience, config, input_path, input_size, input_mtime_ms, input_prefix_hash, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')`,
      ).run(
        id,
        input.createdAt ?? Date.now(),
        input.destination,
        input.audience,
        config,
        input.inputPath ?? null,
        ident?.size ?? null,
        ident?.mtimeMs ?? null,
        ident?.prefixHash ?? null,
      );
      return id;
    });
  }

  getRun(runId: string): RunRow | null {
    return this.guard('reading a run', () => {
      const r = this.stmt('SELECT * FROM runs WHERE id = ?').get(runId) as RunDbRow | undefined;
      return r ? toRunRow(r) : null;
    });
  }

  /** Every run, oldest first. */
  listRuns(): RunRow[] {
    return this.guard('listing runs', () =>
      (this.stmt('SELECT * FROM runs ORDER BY created_at, n').all() as RunDbRow[]).map(toRunRow),
    );
  }

  /** A full run id from an id or a unique prefix of at least 4 characters; null if none or ambiguous. */
  resolveRunId(idOrPrefix: string): string | null {
    return this.guard('looking up a run', () => {
      if (this.runKey(idOrPrefix) !== undefined) return idOrPrefix;
      if (idOrPrefix.length < 4) return null;
      const ids = this.stmt("SELECT id FROM runs WHERE substr(id, 1, length(?)) = ? LIMIT 2")
        .pluck()
        .all(idOrPrefix, idOrPrefix) as string[];
      return ids.length === 1 ? ids[0]! : null;
    });
  }

  markRunStatus(runId: string, status: StoredRunStatus, opts: { error?: string | null; finishedAt?: number | null } = {}): void {
    this.guard('updating a run', () => {
      const finishedAt = opts.finishedAt !== undefined ? opts.finishedAt : status === 'running' ? null : Date.now();
      this.stmt('UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE id = ?').run(
        status,
        finishedAt,
        opts.error ?? null,
        runId,
      );
    });
  }

  /** The audience found or created at the endpoint (shown in history, reused on resume). */
  setRemoteAudience(runId: string, value: unknown): void {
    this.guard('updating a run', () => {
      this.stmt('UPDATE runs SET remote_audience = ? WHERE id = ?').run(JSON.stringify(value ?? null), runId);
    });
  }

  deleteRun(runId: string): boolean {
    return this.guard('deleting a run', () => {
      this.runKeys.delete(runId);
      return this.stmt('DELETE FROM runs WHERE id = ?').run(runId).changes > 0;
    });
  }

  // ---- requests -----------------------------------------------------------------------

  private requestWhere(run: number, f: RequestFilter): { sql: string; params: unknown[] } {
    const where = ['run = ?'];
    const params: unknown[] = [run];
    if (f.failedOnly) where.push('failed = 1');
    if (f.step !== undefined) {
      where.push('step = ?');
      params.push(f.step);
    }
    if (f.status === null) {
      where.push('status IS NULL');
    } else if (typeof f.status === 'number') {
      where.push('status = ?');
      params.push(f.status);
    } else if (typeof f.status === 'string') {
      const cls = Number(f.status[0]) * 100;
      where.push('status BETWEEN ? AND ?');
      params.push(cls, cls + 99);
    }
    if (f.errorKind !== undefined) {
      where.push('error_kind = ?');
      params.push(f.errorKind);
    }
    if (f.key !== undefined) {
      // instr() cheaply skips most rows; json_each makes the match exact.
      where.push('instr(record_keys, ?) > 0 AND EXISTS (SELECT 1 FROM json_each(record_keys) WHERE value = ?)');
      params.push(JSON.stringify(String(f.key)), String(f.key));
    }
    return { sql: where.join(' AND '), params };
  }

  /** One page of a run's attempts, in the order they were sent. */
  runRequests(runId: string, q: RequestQuery = {}): RequestRow[] {
    return this.guard('reading requests', () => {
      const run = this.runKey(runId);
      if (run === undefined) return [];
      const { sql, params } = this.requestWhere(run, q);
      const after = q.afterId !== undefined ? ' AND n > ?' : '';
      if (q.afterId !== undefined) params.push(q.afterId);
      params.push(Math.max(0, Math.floor(q.limit ?? 1000)), Math.max(0, Math.floor(q.offset ?? 0)));
      const rows = this.stmt(`SELECT * FROM requests WHERE ${sql}${after} ORDER BY n LIMIT ? OFFSET ?`).all(...params) as RequestDbRow[];
      return rows.map(toRequestRow);
    });
  }

  countRequests(runId: string, filter: RequestFilter = {}): number {
    return this.guard('counting requests', () => {
      const run = this.runKey(runId);
      if (run === undefined) return 0;
      const { sql, params } = this.requestWhere(run, filter);
      return this.stmt(`SELECT count(*) FROM requests WHERE ${sql}`).pluck().get(...params) as number;
    });
  }

  /**
   * Streams a run's attempts (for HAR and log output) without holding them all: pages of
   * rows by key, so the connection is free between pages (and `.all()` pages are much
   * faster than a row-by-row cursor).
   */
  *iterateRequests(runId: string, filter: RequestFilter = {}, pageSize = 500): IterableIterator<RequestRow> {
    let after = 0;
    for (;;) {
      const page = this.runRequests(runId, { ...filter, afterId: after, limit: pageSize, offset: 0 });
      for (const r of page) yield r;
      if (page.length < pageSize) return;
      after = page[page.length - 1]!.id;
    }
  }

  // ---- record outcomes ----------------------------------------------------------------

  /** One page of a run's record outcomes in seq order (failures and successes merged). */
  runOutcomes(runId: string, q: OutcomeQuery = {}): OutcomeRow[] {
    return this.snapshot('reading record outcomes', () => {
      const run = this.runKey(runId);
      if (run === undefined) return [];
      return outcomes.outcomePage(this.prepare, run, q);
    });
  }

  *iterateOutcomes(runId: string, q: { failedOnly?: boolean } = {}, pageSize = 5000): IterableIterator<OutcomeRow> {
    let after = -1;
    for (;;) {
      const page = this.runOutcomes(runId, { failedOnly: q.failedOnly ?? false, afterSeq: after, limit: pageSize });
      for (const o of page) yield o;
      if (page.length < pageSize) return;
      after = page[page.length - 1]!.seq;
    }
  }

  /** Seqs whose records were delivered: a resume skips them. */
  settledSeqs(runId: string): SettledSet {
    return this.snapshot('reading record outcomes', () => {
      const run = this.runKey(runId);
      return run === undefined ? new SeqBitset(0) : outcomes.succeededSet(this.prepare, run);
    });
  }

  /** Seqs whose latest outcome is a failure: retry-failed sends them again. */
  failedSeqs(runId: string): SettledSet {
    return this.snapshot('reading record outcomes', () => {
      const run = this.runKey(runId);
      return run === undefined ? new SeqBitset(0) : outcomes.failedSet(this.prepare, run);
    });
  }

  outcomeCounts(runId: string): RunCounts {
    return this.snapshot('counting record outcomes', () => {
      const run = this.runKey(runId);
      return run === undefined ? { total: 0, succeeded: 0, failed: 0 } : outcomes.outcomeCounts(this.prepare, run);
    });
  }

  /**
   * How the records with these keys ended (their latest outcome; keys never settled are
   * absent): what a request's detail view shows for the records it carried.
   */
  outcomesByKey(runId: string, keys: readonly string[]): Map<string, { status: 'succeeded' | 'failed'; reason: string | null }> {
    return this.snapshot('reading record outcomes', () => {
      const run = this.runKey(runId);
      return run === undefined ? new Map() : outcomes.outcomesByKey(this.prepare, run, keys);
    });
  }

  // ---- destinations -------------------------------------------------------------------

  saveDestination(input: DestinationInput, crypto?: SecretCrypto): { id: string } {
    return this.guard('saving a destination', () => destinations.saveDestination(this.db, input, crypto));
  }

  getDestination(id: string, crypto?: SecretCrypto): DestinationRow | null {
    return this.guard('reading a destination', () => destinations.getDestination(this.db, id, crypto));
  }

  listDestinations(): DestinationSummaryRow[] {
    return this.guard('listing destinations', () => destinations.listDestinations(this.db));
  }

  deleteDestination(id: string): boolean {
    return this.guard('deleting a destination', () => destinations.deleteDestination(this.db, id));
  }

  // ---- sample sets --------------------------------------------------------------------

  createSampleSet(name: string, records: Iterable<unknown>): SampleSetRow {
    return this.guard('saving a sample set', () => samples.createSampleSet(this.db, name, records));
  }

  listSampleSets(): SampleSetRow[] {
    return this.guard('listing sample sets', () => samples.listSampleSets(this.db));
  }

  getSamples(setId: string, offset = 0, limit = 100): unknown[] {
    return this.guard('reading samples', () => samples.getSamples(this.db, setId, offset, limit));
  }

  deleteSampleSet(setId: string): boolean {
    return this.guard('deleting a sample set', () => samples.deleteSampleSet(this.db, setId));
  }
}
