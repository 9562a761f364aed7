// A recorder writes through its own thread and connection; once the store is closed,
// nothing may touch the folder any more (a caller deletes or moves it at once), and what the
// recorder held is committed, whether it was closed first or the store closed under it.
import { readdirSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it, vi } from 'vitest';
import { openStore } from '../../src/main/store/db.js';
import type { StoreError } from '../../src/main/store/errors.js';
import { createRunRecorder } from '../../src/main/store/recorder.js';
import { syntheticRun, tempDir } from './store-helpers.js';

let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => {
  tmp?.cleanup();
  tmp = undefined;
});

for (const how of ['closed', 'still open when the store closes'] as const) {
  it(`commits everything and leaves no file behind when the store closes with its recorder ${how}`, async () => {
    const dir = (tmp = tempDir());
    const file = dir.file('outbound.db');
    const store = openStore(file);
    const runId = store.createRun({ destination: 'D', audience: 'A', config: {} });
    const recorder = createRunRecorder(store, runId);
    for (const e of syntheticRun(runId).slice(0, -1)) recorder.onEvent(e); // no run-finished
    if (how === 'closed') recorder.close();
    store.close();

    const again = openStore(file, { readonly: true });
    expect(again.countRequests(runId)).toBe(4); // attempts
    expect(again.getRun(runId)?.records).toEqual({ total: 4, succeeded: 3, failed: 1, skipped: 0, unconfirmed: 0 });
    again.close();

    for (const name of readdirSync(dir.dir)) rmSync(dir.file(name));
    // A writer thread still starting or committing would recreate the database file here.
    await sleep(300);
    expect(readdirSync(dir.dir)).toEqual([]);
    recorder.close(); // closing again after the store is harmless
  });
}

it('tells the host of a failed background commit while the run goes on, and keeps the rows for another try', async () => {
  const dir = (tmp = tempDir());
  const store = openStore(dir.file('outbound.db'), { maxSizeBytes: 192 * 1024 });
  const runId = store.createRun({ destination: 'D', audience: 'A', config: {} });
  const errors: StoreError[] = [];
  const recorder = createRunRecorder(store, runId, { onError: (e) => errors.push(e) });
  const events = syntheticRun(runId);
  // Too big for the file's size limit: the writer thread's commit fails.
  for (const e of events.slice(0, 3)) recorder.onEvent(e.type === 'request-sent' ? { ...e, request: { ...e.request, body: 'y'.repeat(400_000) } } : e);
  // The failure is reported with a later hand-over, without waiting for the run to end.
  await vi.waitFor(async () => {
    recorder.onEvent(events[8]!); // a progress event
    await new Promise((r) => setImmediate(r));
    expect(errors.map((e) => e.code)).toContain('full');
  });
  expect(store.countRequests(runId)).toBe(0);
  expect(() => recorder.flush()).toThrowError(/full/);
  store.close();
});

it('records on an in-memory store the same way, on the caller thread', async () => {
  const store = openStore(':memory:');
  const runId = store.createRun({ destination: 'D', audience: 'A', config: {} });
  const recorder = createRunRecorder(store, runId);
  const events = syntheticRun(runId);
  for (const e of events.slice(0, 7)) recorder.onEvent(e);
  await new Promise((r) => setImmediate(r));
  expect(store.countRequests(runId)).toBe(2); // committed with the turn's hand-over
  for (const e of events.slice(7)) recorder.onEvent(e);
  expect(store.countRequests(runId)).toBe(4);
  expect(store.getRun(runId)).toMatchObject({ status: 'partial', records: { total: 6, succeeded: 3, failed: 3 }, requests: { sent: 4, retried: 2 } });
  recorder.close();
  store.close();
});
