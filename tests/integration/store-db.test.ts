// Opening the database: migrations, refusal of newer / corrupt / foreign files, locks, a
// full disk, and where the file lives by default.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../src/main/store/db.js';
import { StoreError } from '../../src/main/store/errors.js';
import { SCHEMA_VERSION } from '../../src/main/store/migrations.js';
import { defaultDbPath } from '../../src/main/store/paths.js';
import { createRunRecorder } from '../../src/main/store/recorder.js';
import { syntheticRun, tempDir, withRawDb } from './store-helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function catchStoreError(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    return err as StoreError;
  }
  throw new Error('expected a StoreError, nothing was thrown');
}

const run = { destination: 'Acme', audience: 'High Value', config: { version: 1 } };

describe('openStore', () => {
  it('creates the schema in a new file, in WAL mode, and keeps data across reopen', () => {
    const file = tmp.file('nested/dir/outbound.db');
    const store = openStore(file);
    withRawDb(file, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      expect(tables).toEqual(['destinations', 'environment_variables', 'environments', 'record_failures', 'requests', 'run_environments', 'runs', 'sample_sets', 'samples', 'settled_batches', 'sync_members', 'sync_removals', 'sync_sets', 'sync_staged', 'sync_stagings']);
    });
    // The store's connection enforces foreign keys (PRAGMA foreign_keys = 1): a deleted
    // sample set takes its samples with it (ON DELETE CASCADE).
    const set = store.createSampleSet('fk', [{ id: 1 }, { id: 2 }]);
    expect(store.deleteSampleSet(set.id)).toBe(true);
    withRawDb(file, (db) => expect(db.prepare('SELECT count(*) FROM samples').pluck().get()).toBe(0));
    const id = store.createRun({ ...run, inputPath: '/data/in.ndjson', inputIdentity: { size: 10, mtimeMs: 1.5, prefixHash: 'ab' } });
    store.close();

    const again = openStore(file);
    const row = again.getRun(id);
    expect(row).toMatchObject({ id, destination: 'Acme', audience: 'High Value', status: 'running', config: { version: 1 } });
    expect(row!.inputIdentity).toEqual({ size: 10, mtimeMs: 1.5, prefixHash: 'ab' });
    again.close();
  });

  it('refuses a database written by a newer Outbound, with a message that says what to do', () => {
    const file = tmp.file('outbound.db');
    openStore(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const before = readFileSync(file);
    const err = catchStoreError(() => openStore(file));
    expect(err.code).toBe('newer-version');
    expect(err.message).toContain(
      `outbound.db was written by a newer Outbound (schema ${SCHEMA_VERSION + 1}, this build knows ${SCHEMA_VERSION}): upgrade Outbound or use --db to pick another file`,
    );
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it.each([
    ['a text file', () => Buffer.from('this is not a database, just notes\n'.repeat(50))],
    ['random bytes', () => randomBytes(16384)],
    [
      'a damaged database (valid header, garbage pages)',
      () => {
        const b = randomBytes(16384);
        b.write('SQLite format 3\0', 0, 'latin1');
        b.writeUInt16BE(4096, 16); // page size
        return b;
      },
    ],
  ])('refuses %s as corrupt, naming the path, and leaves it byte-identical', (_name, content) => {
    const file = tmp.file('outbound.db');
    const bytes = content();
    writeFileSync(file, bytes);
    const err = catchStoreError(() => openStore(file));
    expect(err.code).toBe('corrupt');
    expect(err.message).toContain(file);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it("refuses another program's SQLite database instead of adding tables to it", () => {
    const file = tmp.file('other.db');
    const raw = new Database(file);
    raw.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT); INSERT INTO users VALUES (1, 'a@b.c')");
    raw.close();
    const before = readFileSync(file);
    const err = catchStoreError(() => openStore(file));
    expect(err.code).toBe('corrupt');
    expect(err.message).toMatch(/another program.*users/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('reports a database locked by another connection (rollback journal, exclusive lock) as locked', () => {
    const file = tmp.file('outbound.db');
    openStore(file).close();
    const holder = new Database(file);
    holder.pragma('journal_mode = DELETE');
    holder.exec('BEGIN EXCLUSIVE');
    holder.exec("UPDATE runs SET status = 'running' WHERE 0");
    try {
      const err = catchStoreError(() => openStore(file, { busyTimeoutMs: 100 }));
      expect(err.code).toBe('locked');
      expect(err.message).toMatch(/locked by another Outbound process/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('reports a write blocked by another writer (WAL) as locked, and works once the lock is gone', () => {
    const file = tmp.file('outbound.db');
    const store = openStore(file, { busyTimeoutMs: 100 });
    const first = store.createRun(run);
    const holder = new Database(file);
    holder.exec('BEGIN EXCLUSIVE');
    holder.exec("INSERT INTO sample_sets VALUES ('x', 'held', 0, 0)");
    try {
      expect(store.getRun(first)?.id).toBe(first); // readers are not blocked in WAL mode
      const err = catchStoreError(() => store.createRun(run));
      expect(err.code).toBe('locked');
      expect(err.message).toContain('creating a run');
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    store.createRun(run);
    expect(store.listRuns()).toHaveLength(2);
    store.close();
  });

  it('a recorder rides out a brief lock held by another writer, without reporting it', async () => {
    const file = tmp.file('outbound.db');
    const store = openStore(file, { busyTimeoutMs: 50 });
    const runId = store.createRun(run);
    const errors: StoreError[] = [];
    const recorder = createRunRecorder(store, runId, { flushIntervalMs: 10, onError: (e) => errors.push(e) });
    const holder = new Database(file);
    holder.exec('BEGIN EXCLUSIVE');
    holder.exec("INSERT INTO sample_sets VALUES ('x', 'held', 0, 0)");
    for (const e of syntheticRun(runId).slice(0, 7)) recorder.onEvent(e);
    await new Promise((r) => setTimeout(r, 120)); // at least one try has met the lock
    expect(store.countRequests(runId)).toBe(0);
    holder.exec('ROLLBACK');
    holder.close();
    await vi.waitFor(() => expect(store.countRequests(runId)).toBe(2), { timeout: 5000 });
    expect(errors).toEqual([]);
    recorder.close();
    store.close();
  });

  it('reports a full disk as full; what was committed before survives and stays readable', () => {
    const file = tmp.file('outbound.db');
    const store = openStore(file, { maxSizeBytes: 256 * 1024 });
    const big = { blob: 'x'.repeat(30_000) };
    const ids: string[] = [];
    let err: StoreError | undefined;
    for (let i = 0; i < 100 && !err; i++) {
      try {
        ids.push(store.createRun({ ...run, audience: `aud ${i}`, config: big }));
      } catch (e) {
        expect(e).toBeInstanceOf(StoreError);
        err = e as StoreError;
      }
    }
    expect(err?.code).toBe('full');
    expect(err?.message).toMatch(/full/);
    expect(ids.length).toBeGreaterThan(0);
    const listed = store.listRuns().map((r) => r.id);
    expect(listed).toEqual(ids);
    expect(store.getRun(ids[0]!)?.audience).toBe('aud 0');

    // A recorder hitting the full disk reports it and keeps its events for another try.
    const errors: StoreError[] = [];
    const recorder = createRunRecorder(store, ids[0]!, { onError: (e) => errors.push(e) });
    const events = syntheticRun(ids[0]!).map((e) =>
      e.type === 'request-sent' ? { ...e, request: { ...e.request, body: 'y'.repeat(200_000) } } : e,
    );
    for (const e of events) recorder.onEvent(e); // ends with run-finished: written at once
    expect(errors[0]?.code).toBe('full');
    expect(recorder.error?.code).toBe('full');
    expect(() => recorder.flush()).toThrowError(StoreError);
    expect(store.runRequests(ids[0]!)).toEqual([]); // the failed batch was rolled back whole
    expect(store.getRun(ids[0]!)?.status).toBe('running');
    store.close();

    // Reopened with room, the data is all there.
    const again = openStore(file);
    expect(again.listRuns()).toHaveLength(ids.length);
    again.close();
  });

  it('opens read-only without creating anything, and refuses a missing file', () => {
    const file = tmp.file('outbound.db');
    const missing = catchStoreError(() => openStore(tmp.file('missing.db'), { readonly: true }));
    expect(missing.code).toBe('io');
    expect(existsSync(tmp.file('missing.db'))).toBe(false);
    const store = openStore(file);
    const id = store.createRun(run);
    store.close();
    const ro = openStore(file, { readonly: true });
    expect(ro.getRun(id)?.id).toBe(id);
    expect(() => ro.createRun(run)).toThrowError(StoreError);
    ro.close();
  });
});

describe('defaultDbPath', () => {
  it('prefers $OUTBOUND_DB', () => {
    expect(defaultDbPath({ env: { OUTBOUND_DB: tmp.file('x/my.db') }, create: true })).toBe(tmp.file('x/my.db'));
    expect(existsSync(tmp.file('x'))).toBe(true);
  });

  it('uses the platform data folder', () => {
    expect(defaultDbPath({ env: { XDG_DATA_HOME: tmp.file('xdg') }, platform: 'linux', home: '/home/u' })).toBe(
      tmp.file('xdg/outbound/outbound.db'),
    );
    expect(existsSync(tmp.file('xdg/outbound'))).toBe(true);
    expect(defaultDbPath({ env: {}, platform: 'linux', home: '/home/u', create: false })).toBe('/home/u/.local/share/outbound/outbound.db');
    expect(defaultDbPath({ env: {}, platform: 'darwin', home: '/Users/u', create: false })).toBe(
      '/Users/u/Library/Application Support/Outbound/outbound.db',
    );
    expect(defaultDbPath({ env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\u', create: false })).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\Outbound\\outbound.db',
    );
  });
});
