// Runs a recorder's writes on a worker thread with its own connection, so SQLite's work
// (inserts, commits, WAL checkpoints) happens on the other core instead of the export's.
// The caller prepares the rows; the writer executes them in order as prepared statements
// (each prepared once), one transaction for all that is queued. A failed transaction rolls
// back and keeps its rows, retried first by the next one, so the order of writes never
// changes.
// A store on ':memory:' or read-only, a worker that cannot start, or a thread that may not
// block writes on the caller's thread with the same semantics.
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Connection, Stmt } from './connection.js';
import { StoreError, toStoreError } from './errors.js';

/** Statement names and the parameters each takes, in order (a table module declares its own). */
export type Statements = Record<string, unknown[]>;

/** The SQL of each named statement. */
export type StatementSql<S extends Statements> = { readonly [K in keyof S]: string };

/**
 * How an op names its statement on the way to the writer thread: a small integer, the
 * name's position in the writer's StatementSql, given out by `statementIds` (never written
 * by hand). Not the name itself: a string per op, cloned to the thread, costs a run of a
 * million rows measurably more. Typed by the name, so each op's parameters are checked
 * against its statement's.
 */
export type StatementId<K> = number & { readonly statement: K };

export type StatementIds<S extends Statements> = { readonly [K in keyof S]: StatementId<K> };

/**
 * One write: its statement, then the parameters. A flat array, not an object: a run hands
 * over about a million of them, each cloned to the writer thread.
 */
export type WriteOp<S extends Statements> = { [K in keyof S & string]: [StatementId<K>, ...S[K]] }[keyof S & string];

/** The ids of the statements in `sql`, for the ops a writer opened on that same `sql` runs. */
export function statementIds<S extends Statements>(sql: StatementSql<S>): StatementIds<S> {
  const ids: Record<string, number> = {};
  Object.keys(sql).forEach((name, i) => (ids[name] = i));
  return ids as unknown as StatementIds<S>;
}

/** The SQL in id order (the order of `Object.keys`, as in `statementIds`). */
function sqlById<S extends Statements>(sql: StatementSql<S>): string[] {
  return Object.keys(sql).map((name) => sql[name as keyof S]);
}

export interface StoreWriter<S extends Statements> {
  /** Queues rows for the next transaction (never blocks, unless the worker is far behind). */
  write(ops: WriteOp<S>[]): void;
  /** Commits everything written so far; returns the failure, if the commit failed. */
  flush(): StoreError | null;
  /** A commit failure reported since the last call, without waiting. */
  poll(): StoreError | null;
  /** Flushes, then stops the worker and closes its connection. */
  close(): StoreError | null;
}

// Shared state slots.
const HANDLED = 0; // messages the worker has finished with (committed or failed)
const CLOSED = 1; // 1 once the worker's connection is closed
const READY = 2; // 1 when the worker opened the database, 2 when it could not

/** Messages the caller may be ahead of the worker before `write` waits (bounds memory). */
const MAX_BACKLOG = 64;
const START_WAIT_MS = 10_000;
const FLUSH_WAIT_MS = 60_000;
/** A write that finds the file locked by another process is tried this many times. */
const LOCKED_TRIES = 5;

// Plain CommonJS run with `eval`, so it needs no build step or loader in dev, tests, the
// bundled CLI or the packaged app; better-sqlite3 comes from the path this module resolves.
const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const state = new Int32Array(workerData.state);
const port = workerData.port;
function signal(slot, value) { Atomics.store(state, slot, value); Atomics.notify(state, slot); }
function errorOf(err) { return { code: err && typeof err.code === 'string' ? err.code : undefined, message: String(err && err.message || err) }; }
let db = null;
let stmts = [];
try {
  const Database = require(workerData.sqlite);
  db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  if (workerData.maxPageCount > 0) db.pragma('max_page_count = ' + workerData.maxPageCount);
  stmts = workerData.sql.map((s) => db.prepare(s));
} catch (err) {
  try { if (db) db.close(); } catch {}
  db = null;
  port.postMessage({ error: errorOf(err) });
  signal(${CLOSED}, 1);
  signal(${READY}, 2);
  port.close();
}
let pending = [];
let handled = 0;
let failing = false;
const commit = db && db.transaction((batches) => {
  for (const ops of batches) for (const op of ops) stmts[op[0]].run(...op.slice(1));
});
function drain() {
  if (!db || pending.length === 0) return;
  for (let tries = 1; ; tries++) {
    try {
      commit(pending);
      pending = [];
      if (failing) port.postMessage({ ok: true });
      failing = false;
      return;
    } catch (err) {
      const e = errorOf(err);
      // Another process writing briefly is not a failure: each try already waited the busy timeout.
      if (/^SQLITE_(BUSY|LOCKED)/.test(e.code || '') && tries < ${LOCKED_TRIES}) continue;
      failing = true;
      port.postMessage({ error: e });
      return;
    }
  }
}
function stop() {
  drain();
  try { if (db) db.close(); } catch {}
  db = null;
  signal(${CLOSED}, 1);
  port.close();
}
if (db) {
  port.on('message', (first) => {
    let m = first;
    let stopping = false;
    // Everything queued meanwhile goes into the same transaction.
    while (m) {
      handled++;
      if (m.stop) stopping = true;
      else if (m.ops.length > 0) pending.push(m.ops);
      const next = receiveMessageOnPort(port);
      m = next && next.message;
    }
    drain();
    signal(${HANDLED}, handled);
    if (stopping) stop();
  });
  signal(${READY}, 1);
}
`;

type WorkerReply = { ok: true } | { error: { code?: string; message: string } };

/**
 * A writer for the statements in `sql` on `conn`'s file; its ops name them by
 * `statementIds(sql)`. `closeOwner` is called if the store closes first, so the owner can
 * hand over what it holds and close the writer.
 */
export function openWriter<S extends Statements>(conn: Connection, sql: StatementSql<S>, doing: string, closeOwner: () => void): StoreWriter<S> {
  const threaded = !conn.readonly && conn.path !== ':memory:' && conn.path !== '' && canBlock();
  const writer = (threaded && workerWriter<S>(conn, sql, doing)) || inlineWriter<S>(conn, sql, doing);
  const release = conn.closeFirst(closeOwner);
  const close = writer.close;
  writer.close = () => {
    release();
    return close();
  };
  return writer;
}

let blockingAllowed: boolean | undefined;
/**
 * Whether this thread may block in Atomics.wait (flush waits for the worker). Node's main
 * thread may; a host that forbids it (as browsers do on their main thread) writes inline.
 */
function canBlock(): boolean {
  if (blockingAllowed === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0); // 'not-equal' at once
      blockingAllowed = true;
    } catch {
      blockingAllowed = false;
    }
  }
  return blockingAllowed;
}

/** Writes on the caller's thread, at once. */
function inlineWriter<S extends Statements>(conn: Connection, sql: StatementSql<S>, doing: string): StoreWriter<S> {
  let stmts: Stmt[] | null = null;
  let pending: WriteOp<S>[][] = [];
  let unreported: StoreError | null = null;
  const commit = conn.db.transaction((batches: WriteOp<S>[][]) => {
    stmts ??= sqlById(sql).map((text) => conn.stmt(text));
    for (const ops of batches) for (const op of ops) stmts[op[0]]!.run(...op.slice(1));
  });
  const flush = (): StoreError | null => {
    unreported = null;
    if (pending.length === 0) return null;
    try {
      commit(pending);
      pending = [];
      return null;
    } catch (err) {
      return toStoreError(err, conn.path, doing);
    }
  };
  return {
    write(ops) {
      if (ops.length === 0) return;
      pending.push(ops);
      unreported = flush();
    },
    flush,
    poll: () => unreported,
    close: flush,
  };
}

/** Null when the worker cannot start (the caller then writes inline). */
function workerWriter<S extends Statements>(conn: Connection, sql: StatementSql<S>, doing: string): StoreWriter<S> | null {
  const state = new Int32Array(new SharedArrayBuffer(4 * 3));
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      // Rows arrive as short-lived copies: a small young generation keeps the thread's memory small.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
      workerData: {
        file: conn.path,
        sqlite: createRequire(import.meta.url).resolve('better-sqlite3'),
        busyTimeoutMs: conn.db.pragma('busy_timeout', { simple: true }) as number,
        maxPageCount: conn.db.pragma('max_page_count', { simple: true }) as number,
        sql: sqlById(sql),
        state: state.buffer,
        port: port2,
      },
      transferList: [port2],
    });
  } catch {
    return null;
  }
  worker.unref();
  port1.unref();
  Atomics.wait(state, READY, 0, START_WAIT_MS);
  if (Atomics.load(state, READY) !== 1) {
    void worker.terminate();
    port1.close();
    return null;
  }

  let posted = 0;
  let lastError: StoreError | null = null;
  let dead: StoreError | null = null;
  let closed = false;
  worker.on('error', (err) => {
    dead = toStoreError(err, conn.path, doing);
  });
  worker.on('exit', () => {
    dead ??= new StoreError('io', `${conn.path}: the store's writer thread stopped (while ${doing})`, conn.path);
    Atomics.store(state, CLOSED, 1);
  });

  /** Takes the worker's replies so far (the latest says whether the last commit failed); true when one was a failure. */
  const readReplies = (): boolean => {
    let failed = false;
    for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) {
      const reply = m.message as WorkerReply;
      failed ||= 'error' in reply;
      lastError = 'error' in reply ? toStoreError(Object.assign(new Error(reply.error.message), { code: reply.error.code }), conn.path, doing) : null;
    }
    return failed;
  };
  const waitHandled = (upTo: number, ms: number): boolean => {
    const deadline = Date.now() + ms;
    for (;;) {
      const handled = Atomics.load(state, HANDLED);
      if (handled >= upTo) return true;
      const left = deadline - Date.now();
      if (left <= 0 || dead) return false;
      Atomics.wait(state, HANDLED, handled, Math.min(left, 1000));
    }
  };
  const post = (message: { ops: WriteOp<S>[] } | { stop: true }): void => {
    port1.postMessage(message);
    posted++;
  };

  const flush = (): StoreError | null => {
    if (closed) return lastError;
    if (dead) return dead;
    post({ ops: [] });
    if (!waitHandled(posted, FLUSH_WAIT_MS)) {
      return dead ?? new StoreError('io', `${conn.path}: the store did not finish writing within ${FLUSH_WAIT_MS / 1000} s (while ${doing})`, conn.path);
    }
    readReplies();
    return lastError;
  };

  return {
    write(ops) {
      if (closed || ops.length === 0) return;
      post({ ops });
      // The worker being far behind means a slow disk: wait rather than queue without bound.
      if (posted - Atomics.load(state, HANDLED) > MAX_BACKLOG) waitHandled(posted - MAX_BACKLOG / 2, FLUSH_WAIT_MS);
    },
    flush,
    poll() {
      if (dead) return dead;
      return readReplies() ? lastError : null;
    },
    close() {
      if (closed) return lastError;
      const err = flush();
      closed = true;
      if (!dead) {
        post({ stop: true });
        // Once the store is closed no other thread may touch its files.
        Atomics.wait(state, CLOSED, 0, FLUSH_WAIT_MS);
      }
      port1.close();
      return err;
    },
  };
}
