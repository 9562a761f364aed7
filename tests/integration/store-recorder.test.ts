// The recorder turns a run's events into rows: attempts, retries, outcomes and counters.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore, type Store } from '../../src/main/store/db.js';
import { createRunRecorder } from '../../src/main/store/recorder.js';
import type { RunEvent } from '../../src/main/engine/types.js';
import { okResult, syntheticRun, T0, tempDir } from './store-helpers.js';

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

function newRun(): string {
  return store.createRun({
    destination: 'Acme Audiences API',
    audience: 'High Value',
    config: '{"version":1,"destination":{"headers":{"X-API-Key":"${env:ACME_KEY}"}}}',
    inputPath: '/data/profiles.ndjson',
    inputIdentity: { size: 1234, mtimeMs: T0, prefixHash: 'deadbeef' },
  });
}

describe('createRunRecorder', () => {
  it('takes waiting events in its stride: a run told its waits records exactly as one that was not', () => {
    const plainId = newRun();
    const plain = createRunRecorder(store, plainId);
    for (const e of syntheticRun(plainId)) plain.onEvent(e);
    const toldId = newRun();
    const told = createRunRecorder(store, toldId);
    for (const e of syntheticRun(toldId)) {
      told.onEvent(e);
      // As the engine does: each retry wait is told right after its request-retry.
      if (e.type === 'request-retry') told.onEvent({ type: 'waiting', id: e.id, step: e.step, reason: 'backoff', delayMs: e.delayMs, until: e.at + e.delayMs, cause: e.reason, at: e.at });
    }
    // Everything but the row ids and the creation time, which differ between two runs anyway.
    const rows = (id: string) => {
      const { createdAt: _c, ...run } = store.getRun(id)!;
      const reqs = store.runRequests(id).map(({ id: _i, ...r }) => r);
      return JSON.parse(JSON.stringify({ run, reqs }).replaceAll(id, 'RUN')) as { run: { requests: unknown } };
    };
    expect(rows(toldId).run.requests).toEqual({ sent: 4, retried: 2 });
    expect(rows(toldId)).toEqual(rows(plainId));
  });

  it('records every attempt, retry, outcome and the final counts of a run', () => {
    const runId = newRun();
    const recorder = createRunRecorder(store, runId);
    for (const e of syntheticRun(runId)) recorder.onEvent(e);
    // run-finished is written at once: no flush needed to see the result.

    const run = store.getRun(runId)!;
    expect(run).toMatchObject({
      status: 'partial',
      startedAt: T0,
      finishedAt: T0 + 32400,
      records: { total: 6, succeeded: 3, failed: 3 },
      requests: { sent: 4, retried: 2 },
      inputPath: '/data/profiles.ndjson',
      error: null,
    });
    // The config is kept as the user gave it: the env reference is not resolved.
    expect(JSON.stringify(run.config)).toContain('${env:ACME_KEY}');

    const reqs = store.runRequests(runId);
    expect(reqs.map((r) => [r.requestId.split(':')[1], r.attempt, r.status, r.errorKind, r.failed])).toEqual([
      ['1', 1, 503, null, true],
      ['1', 2, 200, null, false],
      ['2', 1, null, 'network', true],
      ['2', 2, null, 'timeout', true],
    ]);
    const first = reqs[0]!;
    expect(first).toMatchObject({
      step: 'add',
      method: 'POST',
      url: 'https://api.example.com/lists/aud_42/members?mode=add&x=1',
      recordKeys: ['u0', 'u1', 'u2'],
      recordCount: 3,
      startedAt: T0 + 10,
      answeredAt: T0 + 65,
      ttfbMs: 40,
      totalMs: 55,
      responseBody: '{"error":"busy"}',
      retryDelayMs: 1200,
      retryReason: 'HTTP 503',
      session: 1,
    });
    expect(first.requestHeaders.authorization).toBe('Bearer ••••');
    expect(first.responseHeaders?.['x-request-id']).toBe('srv-1');
    expect(reqs[2]!.errorMessage).toBe('connect ECONNREFUSED 127.0.0.1:9');
    expect(reqs[2]!.retryDelayMs).toBe(800);
    expect(reqs[3]!.retryDelayMs).toBeNull();

    expect(store.outcomeCounts(runId)).toEqual({ total: 6, succeeded: 3, failed: 3 });
    const settled = store.settledSeqs(runId);
    expect(settled.size).toBe(3);
    expect([0, 1, 2, 3, 4, 5, 6].map((s) => settled.has(s))).toEqual([true, true, true, false, false, false, false]);
    const failed = store.failedSeqs(runId);
    expect([...failed.values()]).toEqual([3, 4, 5]);

    const failures = store.runOutcomes(runId, { failedOnly: true });
    expect(failures.map((o) => [o.seq, o.key, o.reason, o.line, o.location])).toEqual([
      [3, 'u3', 'ltv: "abc" is not a number', 4, 'input.ndjson:4 field ltv'],
      [4, 'u4', 'timeout after 2 attempts', null, null],
      [5, 'u5', 'timeout after 2 attempts', null, null],
    ]);
    expect(store.runOutcomes(runId).find((o) => o.seq === 0)).toMatchObject({ status: 'succeeded', action: 'add', requestId: `${runId}:1` });
  });

  it('batches writes: nothing is written within the turn, then everything in one commit', async () => {
    const runId = newRun();
    const recorder = createRunRecorder(store, runId, { flushIntervalMs: 0 });
    const events = syntheticRun(runId).slice(0, 7); // up to the first records-settled
    for (const e of events) recorder.onEvent(e);
    expect(store.countRequests(runId)).toBe(0);
    await new Promise((r) => setImmediate(r));
    // The writer thread commits soon after: attempts, outcomes and counters together (the
    // counters are the checkpoint a resume starts from).
    await vi.waitFor(() => expect(store.countRequests(runId)).toBe(2));
    expect(store.settledSeqs(runId).size).toBe(3);
    expect(store.getRun(runId)!.requests).toEqual({ sent: 2, retried: 1 });
  });

  it('flushes every maxBatch events, and on flush()/close()', async () => {
    const runId = newRun();
    const recorder = createRunRecorder(store, runId, { maxBatch: 3, flushIntervalMs: 10_000 });
    const events = syntheticRun(runId);
    events.slice(0, 3).forEach((e) => recorder.onEvent(e));
    await vi.waitFor(() => expect(store.countRequests(runId)).toBe(1));
    recorder.onEvent(events[3]!);
    await new Promise((r) => setTimeout(r, 50));
    expect(store.runRequests(runId)[0]!.retryDelayMs).toBeNull(); // one event queued: not handed over yet
    recorder.flush();
    expect(store.runRequests(runId)[0]!.retryDelayMs).toBe(1200);
    recorder.onEvent(events[4]!);
    recorder.close();
    expect(store.countRequests(runId)).toBe(2);
  });

  it('replaces an earlier outcome when the same record settles again (resume, retry-failed)', () => {
    const runId = newRun();
    const first = createRunRecorder(store, runId);
    for (const e of syntheticRun(runId)) first.onEvent(e);
    first.close();
    expect([...store.failedSeqs(runId).values()]).toEqual([3, 4, 5]);

    // retry-failed: a new session re-sends seqs 4 and 5; its request ids start again at 1.
    store.markRunStatus(runId, 'running');
    expect(store.getRun(runId)).toMatchObject({ status: 'running', finishedAt: null });
    const again = createRunRecorder(store, runId);
    const retry: RunEvent[] = [
      { type: 'run-started', runId, at: T0 + 90_000, config: { destination: 'Acme Audiences API', audience: 'High Value' } },
      {
        type: 'request-sent',
        id: `${runId}:1`,
        step: 'add',
        attempt: 1,
        request: { method: 'POST', url: 'https://api.example.com/m', headers: {}, body: '{"users":[{"id":"u4"},{"id":"u5"}]}' },
        recordKeys: ['u4', 'u5'],
        at: T0 + 90_010,
      },
      { type: 'request-answered', id: `${runId}:1`, step: 'add', attempt: 1, result: okResult(200, '{"records":["u4"]}'), at: T0 + 90_060 },
      {
        type: 'records-settled',
        requestId: `${runId}:1`,
        outcomes: [
          { seq: 4, key: 'u4', action: 'add', ok: true },
          { seq: 5, key: 'u5', action: 'add', ok: false, reason: 'not acknowledged' },
        ],
        at: T0 + 90_061,
      },
      { type: 'run-finished', status: 'partial', records: { total: 6, succeeded: 4, failed: 2 }, requests: { sent: 1, retried: 0 }, at: T0 + 90_100 },
    ];
    for (const e of retry) again.onEvent(e);

    expect(store.outcomeCounts(runId)).toEqual({ total: 6, succeeded: 4, failed: 2 });
    expect([...store.settledSeqs(runId).values()]).toEqual([0, 1, 2, 4]);
    expect([...store.failedSeqs(runId).values()]).toEqual([3, 5]);
    const seq5 = store.runOutcomes(runId).find((o) => o.seq === 5)!;
    expect(seq5).toMatchObject({ status: 'failed', reason: 'not acknowledged', settledAt: T0 + 90_061 });

    // The first session's attempts are kept: the reused request id did not overwrite them.
    const reqs = store.runRequests(runId);
    expect(reqs).toHaveLength(5);
    expect(reqs.map((r) => r.session)).toEqual([1, 1, 1, 1, 2]);
    const run = store.getRun(runId)!;
    expect(run.startedAt).toBe(T0); // the run started when it first started
    expect(run.finishedAt).toBe(T0 + 90_100);
    expect(run.records).toEqual({ total: 6, succeeded: 4, failed: 2, skipped: 0, unconfirmed: 0 });
    expect(run.requests).toEqual({ sent: 5, retried: 2 }); // the whole history
  });

  it('links each outcome to its request\'s latest attempt row, retried or not, answered apart or with its send (the exact-attempt lookup agrees with the latest-attempt scan)', () => {
    const runId = newRun();
    const recorder = createRunRecorder(store, runId);
    const req = (keys: string[]) => ({ method: 'POST', url: 'https://api.example.com/m', headers: {}, body: JSON.stringify(keys) });
    const events: RunEvent[] = [
      { type: 'run-started', runId, at: T0, config: { destination: 'Acme Audiences API', audience: 'High Value' } },
      // Request 1: attempt 1 answered 503 apart from its send, retried, attempt 2 answered 200.
      { type: 'request-sent', id: `${runId}:1`, step: 'add', attempt: 1, request: req(['u0', 'u1']), recordKeys: ['u0', 'u1'], at: T0 + 1 },
      { type: 'request-sent', id: `${runId}:2`, step: 'add', attempt: 1, request: req(['u2']), recordKeys: ['u2'], at: T0 + 2 },
      { type: 'request-answered', id: `${runId}:1`, step: 'add', attempt: 1, result: okResult(503, '{}'), at: T0 + 3 },
      { type: 'request-retry', id: `${runId}:1`, step: 'add', attempt: 1, delayMs: 10, reason: 'HTTP 503', at: T0 + 3 },
      { type: 'request-sent', id: `${runId}:1`, step: 'add', attempt: 2, request: req(['u0', 'u1']), recordKeys: ['u0', 'u1'], at: T0 + 14 },
      { type: 'request-answered', id: `${runId}:1`, step: 'add', attempt: 2, result: okResult(200, '{"records":["u0"]}'), at: T0 + 15 },
      {
        type: 'records-settled',
        requestId: `${runId}:1`,
        outcomes: [
          { seq: 0, key: 'u0', action: 'add', ok: true, line: 1 },
          { seq: 1, key: 'u1', action: 'add', ok: false, reason: 'not acknowledged', line: 2 },
        ],
        at: T0 + 16,
      },
      // Request 2: answered after other events (its sent and answered rows written apart).
      { type: 'request-answered', id: `${runId}:2`, step: 'add', attempt: 1, result: okResult(200, '{}'), at: T0 + 17 },
      { type: 'records-settled', requestId: `${runId}:2`, outcomes: [{ seq: 2, key: 'u2', action: 'add', ok: true, line: 3 }], at: T0 + 18 },
      // A request the recorder never saw sent: its id is kept on the outcome.
      { type: 'records-settled', requestId: `${runId}:9`, outcomes: [{ seq: 3, key: 'u3', action: 'add', ok: true, line: 4 }], at: T0 + 19 },
      { type: 'run-finished', status: 'partial', records: { total: 4, succeeded: 3, failed: 1 }, requests: { sent: 3, retried: 1 }, at: T0 + 20 },
    ];
    for (const e of events) recorder.onEvent(e);
    recorder.close();

    const db = new Database(tmp.file('outbound.db'), { readonly: true });
    try {
      const latest = db.prepare('SELECT n FROM requests WHERE session = 1 AND request_id = ? ORDER BY attempt DESC LIMIT 1').pluck();
      const linked = db
        .prepare(
          `SELECT 'batch' AS kind, request_n, request_id, min_seq AS seq FROM settled_batches
           UNION ALL SELECT 'failure', request_n, request_id, seq FROM record_failures ORDER BY seq`,
        )
        .all() as Array<{ kind: string; request_n: number | null; request_id: string | null; seq: number }>;
      const attempt2 = db.prepare('SELECT n FROM requests WHERE request_id = ? AND attempt = 2').pluck().get(`${runId}:1`);
      expect(attempt2).toBeTypeOf('number');
      expect(linked).toEqual([
        { kind: 'batch', request_n: attempt2, request_id: null, seq: 0 },
        { kind: 'failure', request_n: attempt2, request_id: null, seq: 1 },
        { kind: 'batch', request_n: latest.get(`${runId}:2`), request_id: null, seq: 2 },
        { kind: 'batch', request_n: null, request_id: `${runId}:9`, seq: 3 },
      ]);
    } finally {
      db.close();
    }
    expect(store.runOutcomes(runId).map((o) => [o.seq, o.key, o.status, o.requestId])).toEqual([
      [0, 'u0', 'succeeded', `${runId}:1`],
      [1, 'u1', 'failed', `${runId}:1`],
      [2, 'u2', 'succeeded', `${runId}:2`],
      [3, 'u3', 'succeeded', `${runId}:9`],
    ]);
  });

  it('keeps the size and the cut of a huge response body (the engine capped it)', () => {
    const runId = newRun();
    const recorder = createRunRecorder(store, runId);
    const kept = 'é'.repeat(32 * 1024); // 64 KiB of UTF-8, the engine's cap
    recorder.onEvent({
      type: 'request-sent',
      id: 'r1',
      step: 'add',
      attempt: 1,
      request: { method: 'POST', url: 'https://x.test/m', headers: {}, body: '{}' },
      recordKeys: ['a'],
      at: T0,
    });
    recorder.onEvent({
      type: 'request-answered',
      id: 'r1',
      step: 'add',
      attempt: 1,
      result: okResult(200, kept, { bodyBytes: 50 * 1024 * 1024, truncated: true }),
      at: T0 + 5,
    });
    recorder.flush();
    const row = store.runRequests(runId)[0]!;
    expect(row.truncated).toBe(true);
    expect(row.bodyBytes).toBe(50 * 1024 * 1024);
    expect(row.responseBody).toBe(kept);
  });

  it('applies its own body cap and the redactors it is given', () => {
    const runId = newRun();
    const recorder = createRunRecorder(store, runId, {
      maxStoredBodyBytes: 1001,
      redactHeaders: (h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, /key|auth/i.test(k) ? '••••' : v])),
      redactBody: (b) => b.replaceAll('s3cr3t', '••••'),
    });
    recorder.onEvent({
      type: 'request-sent',
      id: 'r1',
      step: 'getAudience',
      attempt: 1,
      request: { method: 'GET', url: 'https://x.test/lists', headers: { 'X-API-Key': 'k-123', accept: 'application/json' }, body: 'token=s3cr3t' },
      recordKeys: [],
      at: T0,
    });
    recorder.onEvent({ type: 'request-answered', id: 'r1', step: 'getAudience', attempt: 1, result: okResult(200, 'é'.repeat(2000)), at: T0 + 5 });
    recorder.flush();
    const row = store.runRequests(runId)[0]!;
    expect(row.requestHeaders).toEqual({ 'X-API-Key': '••••', accept: 'application/json' });
    expect(row.requestBody).toBe('token=••••');
    expect(row.truncated).toBe(true);
    expect(row.bodyBytes).toBe(4000);
    expect(row.responseBody).toBe('é'.repeat(500)); // cut on a character boundary
  });

  it('records a run whose row the caller did not create', () => {
    const recorder = createRunRecorder(store, 'run-without-row');
    for (const e of syntheticRun('run-without-row')) recorder.onEvent(e);
    expect(store.getRun('run-without-row')).toMatchObject({ destination: 'Acme Audiences API', audience: 'High Value', status: 'partial' });
    expect(store.countRequests('run-without-row')).toBe(4);
  });

  it('keeps events that arrive before run-started and without a run row', () => {
    const recorder = createRunRecorder(store, 'early-run');
    const events = syntheticRun('early-run');
    for (const e of events.slice(1)) recorder.onEvent(e);
    expect(store.getRun('early-run')).toMatchObject({ destination: '', status: 'partial', records: { total: 6 } });
    expect(store.countRequests('early-run')).toBe(4);
    recorder.onEvent(events[0]!);
    recorder.flush();
    expect(store.getRun('early-run')).toMatchObject({ destination: 'Acme Audiences API', audience: 'High Value' });
  });
});
