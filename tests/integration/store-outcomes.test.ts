// Record outcomes are stored compactly (a row per settling event for successes, a row per
// failure): reading them back must look exactly like one outcome per record.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/main/store/db.js';
import { createRunRecorder } from '../../src/main/store/recorder.js';
import type { Action, RunEvent } from '../../src/main/engine/types.js';
import { okResult, T0, tempDir, withRawDb } from './store-helpers.js';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
beforeEach(() => {
  tmp = tempDir();
  store = openStore(tmp.file('outbound.db'));
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

type Outcome = { seq: number; key: string; action: Action; ok: boolean; reason?: string; line?: number };

/** One request carrying `outcomes`' records, answered 200, then their settlement. */
function request(id: string, outcomes: Outcome[], at: number): RunEvent[] {
  return [
    {
      type: 'request-sent',
      id,
      step: 'add',
      attempt: 1,
      request: { method: 'POST', url: 'https://api.example.com/m', headers: {}, body: '{}' },
      recordKeys: outcomes.map((o) => o.key),
      at,
    },
    { type: 'request-answered', id, step: 'add', attempt: 1, result: okResult(200, '{}'), at: at + 5 },
    { type: 'records-settled', requestId: id, outcomes, at: at + 6 },
  ];
}

const ok = (seq: number, extra: Partial<Outcome> = {}): Outcome => ({ seq, key: `u${seq}`, action: 'add', ok: true, line: seq + 1, ...extra });
const bad = (seq: number, reason = 'rejected'): Outcome => ({ seq, key: `u${seq}`, action: 'add', ok: false, reason, line: seq + 1 });

describe('record outcomes in compact form', () => {
  it('reads back key, action, line, request and time of every succeeded record', () => {
    const runId = store.createRun({ destination: 'D', audience: 'A', config: {} });
    const rec = createRunRecorder(store, runId);
    const events = [
      ...request('r1', [ok(0), ok(1), ok(2)], T0),
      // mixed actions, irregular lines, a failure among them: keys are stored with the batch
      ...request('r2', [ok(3, { action: 'remove', line: 40 }), bad(4), ok(5, { line: 77 })], T0 + 100),
      { type: 'record-failed', failure: { seq: 6, line: 7, key: 'u6', where: 'in.ndjson:7, field email', reason: 'not an email' }, at: T0 + 200 },
    ] satisfies RunEvent[];
    for (const e of events) rec.onEvent(e);
    rec.close();

    expect(store.runOutcomes(runId)).toEqual([
      { seq: 0, key: 'u0', action: 'add', status: 'succeeded', reason: null, unconfirmed: false, location: null, requestId: 'r1', line: 1, settledAt: T0 + 6 },
      { seq: 1, key: 'u1', action: 'add', status: 'succeeded', reason: null, unconfirmed: false, location: null, requestId: 'r1', line: 2, settledAt: T0 + 6 },
      { seq: 2, key: 'u2', action: 'add', status: 'succeeded', reason: null, unconfirmed: false, location: null, requestId: 'r1', line: 3, settledAt: T0 + 6 },
      { seq: 3, key: 'u3', action: 'remove', status: 'succeeded', reason: null, unconfirmed: false, location: null, requestId: 'r2', line: 40, settledAt: T0 + 106 },
      { seq: 4, key: 'u4', action: 'add', status: 'failed', reason: 'rejected', unconfirmed: false, location: null, requestId: 'r2', line: 5, settledAt: T0 + 106 },
      { seq: 5, key: 'u5', action: 'add', status: 'succeeded', reason: null, unconfirmed: false, location: null, requestId: 'r2', line: 77, settledAt: T0 + 106 },
      { seq: 6, key: 'u6', action: null, status: 'failed', reason: 'not an email', unconfirmed: false, location: 'in.ndjson:7, field email', requestId: null, line: 7, settledAt: T0 + 200 },
    ]);
    // r1's keys are the request's own (not stored twice); r2's are stored with its batch.
    expect(withRawDb(tmp.file('outbound.db'), (db) => db.prepare('SELECT keys IS NULL FROM settled_batches ORDER BY n').pluck().all())).toEqual([1, 0]);
    expect(store.runOutcomes(runId, { offset: 2, limit: 3 }).map((o) => o.seq)).toEqual([2, 3, 4]);
    expect(store.runOutcomes(runId, { afterSeq: 3, limit: 2 }).map((o) => o.seq)).toEqual([4, 5]);
    expect(store.outcomeCounts(runId)).toEqual({ total: 7, succeeded: 5, failed: 2 });
    const byKey = store.outcomesByKey(runId, ['u1', 'u4', 'u5', 'nobody']);
    expect(Object.fromEntries(byKey)).toEqual({
      u1: { status: 'succeeded', reason: null },
      u4: { status: 'failed', reason: 'rejected' },
      u5: { status: 'succeeded', reason: null },
    });
  });

  it('lets the latest outcome of a record win across sessions, either way', () => {
    const runId = store.createRun({ destination: 'D', audience: 'A', config: {} });
    const first = createRunRecorder(store, runId);
    for (const e of request('r1', [ok(0), bad(1), bad(2), ok(3)], T0)) first.onEvent(e);
    first.close();
    expect([...store.failedSeqs(runId).values()]).toEqual([1, 2]);

    // retry-failed: seq 1 now succeeds; seq 3 (delivered before) is reported failed.
    const second = createRunRecorder(store, runId);
    for (const e of request('r1', [ok(1), bad(3, 'gone')], T0 + 1000)) second.onEvent(e);
    second.close();

    expect([...store.settledSeqs(runId).values()]).toEqual([0, 1]);
    expect([...store.failedSeqs(runId).values()]).toEqual([2, 3]);
    expect(store.outcomeCounts(runId)).toEqual({ total: 4, succeeded: 2, failed: 2 });
    expect(store.runOutcomes(runId).map((o) => [o.seq, o.status, o.reason, o.settledAt])).toEqual([
      [0, 'succeeded', null, T0 + 6],
      [1, 'succeeded', null, T0 + 1006],
      [2, 'failed', 'rejected', T0 + 6],
      [3, 'failed', 'gone', T0 + 1006],
    ]);
    expect(store.runOutcomes(runId, { failedOnly: true }).map((o) => o.seq)).toEqual([2, 3]);
  });

  it('pages through 20,000 outcomes in seq order, however the batches interleave', () => {
    const runId = store.createRun({ destination: 'D', audience: 'A', config: {} });
    const rec = createRunRecorder(store, runId, { maxBatch: 10_000 });
    // Two interleaved halves (evens, then odds) plus every 97th record failing.
    for (const parity of [0, 1]) {
      for (let b = 0; b < 100; b++) {
        const outcomes: Outcome[] = [];
        for (let k = 0; k < 100; k++) {
          const seq = (b * 100 + k) * 2 + parity;
          outcomes.push(seq % 97 === 0 ? bad(seq) : ok(seq));
        }
        for (const e of request(`p${parity}-${b}`, outcomes, T0 + b)) rec.onEvent(e);
      }
    }
    rec.close();
    const seqs: number[] = [];
    let failed = 0;
    for (const o of store.iterateOutcomes(runId, {}, 777)) {
      seqs.push(o.seq);
      if (o.status === 'failed') failed++;
      else expect(o.key).toBe(`u${o.seq}`);
    }
    expect(seqs).toEqual(Array.from({ length: 20_000 }, (_, i) => i));
    expect(failed).toBe(Math.floor(19_999 / 97) + 1);
    expect(store.settledSeqs(runId).size).toBe(20_000 - failed);
  });

  it('keeps every outcome readable from another connection while the writer thread commits', async () => {
    const file = tmp.file('outbound.db');
    const runId = store.createRun({ destination: 'D', audience: 'A', config: {} });
    const rec = createRunRecorder(store, runId);
    const reader = openStore(file, { readonly: true });
    let seen = 0;
    for (let b = 0; b < 50; b++) {
      for (const e of request(`r${b}`, Array.from({ length: 100 }, (_, k) => ok(b * 100 + k)), T0 + b)) rec.onEvent(e);
      await new Promise((r) => setImmediate(r)); // handed to the writer each turn, as in a run
      // Mid-run reads see whole commits: outcomes only ever grow, in whole requests.
      const now = reader.settledSeqs(runId).size;
      expect(now % 100).toBe(0);
      expect(now).toBeGreaterThanOrEqual(seen);
      seen = now;
    }
    rec.close();
    try {
      expect(reader.settledSeqs(runId).size).toBe(5000);
      expect(reader.runOutcomes(runId, { afterSeq: 4997 }).map((o) => o.key)).toEqual(['u4998', 'u4999']);
    } finally {
      reader.close();
    }
  });
});
