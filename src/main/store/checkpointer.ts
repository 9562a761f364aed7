// WAL checkpoints off the export's thread. SQLite's automatic checkpoint runs inside the
// commit that crosses 1000 WAL pages: it copies the pages into the database file and
// fsyncs both, on the thread that committed, and that was most of what logging a large
// export cost. While a recorder writes, its connection stops checkpointing and a worker
// thread with its own connection runs PASSIVE checkpoints (which never block writers) a few
// times a second, on the other core; the WAL still restarts from its start after each
// complete checkpoint, so it stays small. Commits are as durable as before (WAL,
// synchronous = NORMAL): a checkpoint only moves committed pages.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Store } from './db.js';

const INTERVAL_MS = 100;

// Plain CommonJS run with `eval`, so it needs no build step or loader in dev, tests or the
// packaged app; better-sqlite3 comes from the path this module resolves.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const closed = new Int32Array(workerData.closed);
function signalClosed() {
  Atomics.store(closed, 0, 1);
  Atomics.notify(closed, 0);
}
let db = null;
try {
  db = new Database(workerData.file, { timeout: 0 });
  db.pragma('wal_autocheckpoint = 0');
} catch (err) {
  db = null;
  signalClosed();
  parentPort.postMessage({ error: String(err && err.message || err) });
}
function checkpoint() {
  try {
    if (db) db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // busy or failing: the next tick (or the writer's own checkpoint afterwards) retries
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  try { if (db) db.close(); } catch {}
  signalClosed();
  parentPort.close();
});
`;

/** Longest a release waits for the worker's last checkpoint and close. */
const STOP_WAIT_MS = 5000;

interface Running {
  users: number;
  worker: Worker | null;
  /** Set to 1 by the worker once its connection is closed (or never opened). */
  closed: Int32Array;
}

const running = new WeakMap<Store, Running>();

function restoreAutoCheckpoint(store: Store): void {
  try {
    if (store.db.open) store.db.pragma('wal_autocheckpoint = 1000');
  } catch {
    // the connection is failing; nothing to restore on it
  }
}

/**
 * Moves the store's WAL checkpoints to a worker while the caller writes; returns the
 * release function. Nested calls share one worker. A store on ':memory:' or read-only, or a
 * worker that cannot start, keeps SQLite's own checkpoints.
 */
export function acquireCheckpointer(store: Store): () => void {
  if (store.readonly || store.path === ':memory:' || store.path === '') return () => {};
  let state = running.get(store);
  if (!state) {
    let worker: Worker | null = null;
    const closed = new Int32Array(new SharedArrayBuffer(4));
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        execArgv: [],
        workerData: {
          file: store.path,
          sqlite: createRequire(import.meta.url).resolve('better-sqlite3'),
          intervalMs: INTERVAL_MS,
          closed: closed.buffer,
        },
      });
      worker.unref();
      const w = worker;
      const fallBack = () => {
        const s = running.get(store);
        if (s?.worker === w) {
          s.worker = null;
          restoreAutoCheckpoint(store);
        }
      };
      worker.on('message', (m: { error?: string }) => {
        if (m.error) fallBack();
      });
      worker.on('error', fallBack);
      worker.on('exit', fallBack);
      store.db.pragma('wal_autocheckpoint = 0');
    } catch {
      worker = null;
    }
    state = { users: 0, worker, closed };
    running.set(store, state);
  }
  state.users++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const s = running.get(store);
    if (!s || --s.users > 0) return;
    stop(store, s);
  };
}

/**
 * Stops the store's checkpoint worker, whoever holds it; the store calls this before it
 * closes. Waits (bounded) until the worker's connection is closed, so once the store is
 * closed no other thread touches its files: a caller may delete or move them at once.
 */
export function stopCheckpointer(store: Store): void {
  const s = running.get(store);
  if (s) stop(store, s);
}

function stop(store: Store, s: Running): void {
  running.delete(store);
  if (s.worker) {
    s.worker.postMessage('stop'); // a last checkpoint, then it closes and exits
    s.worker = null;
    // Blocking is brief: a PASSIVE checkpoint of a WAL kept small, then a close.
    Atomics.wait(s.closed, 0, 0, STOP_WAIT_MS);
  }
  restoreAutoCheckpoint(store);
}
