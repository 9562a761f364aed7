// The store's better-sqlite3 connection: how it is opened (pragmas, migrations, refusal of
// foreign, damaged or newer files), its cache of prepared statements, and its error
// guards. Private to src/main/store: the Store wraps it, the table modules run their SQL
// on it, and the recorder reaches a Store's through `connectionOf`. Code outside the
// store uses the Store's methods instead.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PlaintextSecretError, StoreError, toStoreError } from './errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';


/** What the store refuses to do, and why, in words for the user (not a database failure). */
export class StoreRefusal extends Error {}

export type Stmt = Database.Statement<unknown[], unknown>;

export interface OpenStoreOptions {
  readonly?: boolean;
  /** Caps the file size (PRAGMA max_page_count); tests use it to simulate a full disk. */
  maxSizeBytes?: number;
  /** How long to wait for another process's lock before failing with 'locked' (default 2000). */
  busyTimeoutMs?: number;
}

export class Connection {
  readonly db: Database.Database;
  readonly path: string;
  private readonly statements = new Map<string, Stmt>();
  /** Owners of open writers, closed before the connection (see `closeFirst`). */
  private readonly owners = new Set<() => void>();

  constructor(db: Database.Database, file: string) {
    this.db = db;
    this.path = file;
  }

  get readonly(): boolean {
    return this.db.readonly;
  }

  /** A prepared statement, prepared once per connection (keyed by its SQL). */
  stmt(sql: string): Stmt {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql) as Stmt;
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Runs `fn`, turning SQLite failures into StoreErrors that say what was being done. */
  guard<T>(doing: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      // Programmer and input errors (bad arguments, plaintext secrets) and the store's own refusals keep their own type.
      if (err instanceof PlaintextSecretError || err instanceof StoreRefusal || err instanceof TypeError || err instanceof RangeError) throw err;
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

  /**
   * Has `closeOwner` called when the connection closes first, so a recorder can commit
   * what it holds and stop its writer thread before the file is let go. Returns the
   * deregistration.
   */
  closeFirst(closeOwner: () => void): () => void {
    this.owners.add(closeOwner);
    return () => this.owners.delete(closeOwner);
  }

  close(): void {
    for (const close of [...this.owners]) {
      try {
        close();
      } catch {
        // a failed last commit was reported to its owner; the store closes regardless
      }
    }
    if (this.db.open) this.db.close();
  }
}

/** Each Store's connection: the store's own modules look it up, nothing else can. */
const connections = new WeakMap<object, Connection>();

export function attachConnection(owner: object, conn: Connection): void {
  connections.set(owner, conn);
}

export function connectionOf(owner: object): Connection {
  const conn = connections.get(owner);
  if (!conn) throw new TypeError('not a store opened by openStore');
  return conn;
}

const OUR_TABLES = new Set(['destinations', 'sample_sets', 'samples', 'runs', 'requests', 'settled_batches', 'record_failures']);

export function openConnection(file: string, opts: OpenStoreOptions = {}): Connection {
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
  return new Connection(db, file);
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
