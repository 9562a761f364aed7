// Reading runs back: paged and filtered requests, outcomes, settled seqs at scale,
// destinations with encrypted secrets, sample sets.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/main/engine/types.js';
import { openStore, type Store } from '../../src/main/store/db.js';
import { PlaintextSecretError } from '../../src/main/store/errors.js';
import { createRunRecorder } from '../../src/main/store/recorder.js';
import type { SecretCrypto } from '../../src/main/store/rows.js';
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

/** 250 requests of 4 records each; every 10th answers 500, every 25th times out, the rest 200. */
function bigRun(): string {
  const runId = store.createRun({ destination: 'D', audience: 'A', config: {} });
  const rec = createRunRecorder(store, runId, { maxBatch: 200 });
  for (let i = 0; i < 250; i++) {
    const keys = [0, 1, 2, 3].map((k) => `user-${i * 4 + k}`);
    const step = i < 200 ? 'add' : 'remove';
    const id = `r${i}`;
    const at = T0 + i * 100;
    rec.onEvent({ type: 'request-sent', id, step, attempt: 1, request: { method: 'POST', url: `https://x.test/${step}`, headers: {}, body: '[]' }, recordKeys: keys, at });
    const result =
      i % 25 === 0
        ? ({ ok: false, kind: 'timeout', message: 'slow', timings: { ttfb: 1000, total: 1000 } } as const)
        : okResult(i % 10 === 0 ? 500 : 200, '{}');
    rec.onEvent({ type: 'request-answered', id, step, attempt: 1, result, at: at + 50 });
    const ok = result.ok && result.status === 200;
    rec.onEvent({
      type: 'records-settled',
      requestId: id,
      outcomes: keys.map((key, k) => ({ seq: i * 4 + k, key, action: step === 'add' ? 'add' : 'remove', ok, ...(ok ? {} : { reason: 'rejected' }) })),
      at: at + 51,
    } as RunEvent);
  }
  rec.onEvent({ type: 'run-finished', status: 'partial', records: { total: 1000, succeeded: 0, failed: 0 }, requests: { sent: 250, retried: 0 }, at: T0 + 60_000 });
  return runId;
}

describe('requests paging and filters', () => {
  it('pages in send order and filters by failure, step, status, error kind and record key', () => {
    const runId = bigRun();
    expect(store.countRequests(runId)).toBe(250);
    const page1 = store.runRequests(runId, { limit: 100 });
    const page3 = store.runRequests(runId, { offset: 200, limit: 100 });
    expect(page1).toHaveLength(100);
    expect(page3).toHaveLength(50);
    expect(page1[0]!.requestId).toBe('r0');
    expect(page3.at(-1)!.requestId).toBe('r249');
    const keyset = store.runRequests(runId, { afterId: page1.at(-1)!.id, limit: 1 });
    expect(keyset[0]!.requestId).toBe('r100');

    // failed: 500s (i%10==0 and not i%25==0 → 20) + timeouts (i%25==0 → 10)
    expect(store.countRequests(runId, { failedOnly: true })).toBe(25 + 10 - 5 + 0);
    const failedPage = store.runRequests(runId, { failedOnly: true, offset: 5, limit: 5 });
    expect(failedPage.map((r) => r.requestId)).toEqual(['r40', 'r50', 'r60', 'r70', 'r75']);
    expect(store.countRequests(runId, { step: 'remove' })).toBe(50);
    expect(store.countRequests(runId, { status: 500 })).toBe(20);
    expect(store.countRequests(runId, { status: '5xx', step: 'add' })).toBe(16);
    expect(store.countRequests(runId, { status: '2xx' })).toBe(220);
    expect(store.countRequests(runId, { status: null })).toBe(10);
    expect(store.countRequests(runId, { errorKind: 'timeout' })).toBe(10);
    expect(store.runRequests(runId, { key: 'user-42' }).map((r) => r.requestId)).toEqual(['r10']);
    expect(store.countRequests(runId, { key: 'user-4' })).toBe(1); // exact, not a prefix
    expect(store.countRequests(runId, { key: 'nobody' })).toBe(0);
    expect(store.runRequests('no-such-run')).toEqual([]);
    expect(store.countRequests('no-such-run')).toBe(0);
  });

  it('pages outcomes and builds settled/failed sets from them', () => {
    const runId = bigRun();
    expect(store.outcomeCounts(runId)).toEqual({ total: 1000, succeeded: 880, failed: 120 });
    const settled = store.settledSeqs(runId);
    expect(settled.size).toBe(880);
    expect(settled.has(0)).toBe(false); // r0 timed out
    expect(settled.has(4)).toBe(true);
    expect(store.failedSeqs(runId).size).toBe(120);
    const failed = store.runOutcomes(runId, { failedOnly: true, offset: 4, limit: 3 });
    expect(failed.map((o) => o.seq)).toEqual([40, 41, 42]);
    expect(store.runOutcomes(runId, { afterSeq: 997 }).map((o) => o.seq)).toEqual([998, 999]);
    expect(store.settledSeqs('no-such-run').size).toBe(0);
  });

  it('lists runs oldest first and resolves a unique id prefix', () => {
    const b = store.createRun({ id: 'bbbb-2', destination: 'D', audience: 'A', config: {}, createdAt: T0 + 10 });
    const a = store.createRun({ id: 'aaaa-1', destination: 'D', audience: 'A', config: {}, createdAt: T0 });
    store.createRun({ id: 'aaaa-3', destination: 'D', audience: 'A', config: {}, createdAt: T0 + 20 });
    expect(store.listRuns().map((r) => r.id)).toEqual([a, b, 'aaaa-3']);
    expect(store.resolveRunId('bbbb')).toBe('bbbb-2');
    expect(store.resolveRunId('aaaa')).toBeNull(); // ambiguous
    expect(store.resolveRunId('aaaa-1')).toBe('aaaa-1');
    expect(store.resolveRunId('bb')).toBeNull(); // too short to guess
    store.markRunStatus(a, 'aborted', { error: 'interrupted' });
    expect(store.getRun(a)).toMatchObject({ status: 'aborted', error: 'interrupted' });
    expect(store.getRun(a)!.finishedAt).toBeGreaterThan(0);
    store.setRemoteAudience(a, { id: 'aud_42', name: 'High Value' });
    expect(store.getRun(a)!.remoteAudience).toEqual({ id: 'aud_42', name: 'High Value' });
    expect(store.deleteRun(a)).toBe(true);
    expect(store.getRun(a)).toBeNull();
  });

  it('builds the settled set of 50,000 records', () => {
    const runId = store.createRun({ destination: 'D', audience: 'A', config: {} });
    const rec = createRunRecorder(store, runId, { maxBatch: 10_000 });
    for (let i = 0; i < 50; i++) {
      rec.onEvent({
        type: 'records-settled',
        requestId: `r${i}`,
        outcomes: Array.from({ length: 1000 }, (_, k) => ({ seq: i * 1000 + k, key: `k${i * 1000 + k}`, action: 'add' as const, ok: k !== 999 })),
        at: T0,
      });
    }
    rec.close();
    const settled = store.settledSeqs(runId);
    expect(settled.size).toBe(49_950);
    expect(settled.has(49_998)).toBe(true);
    expect(settled.has(49_999)).toBe(false);
    expect(store.failedSeqs(runId).size).toBe(50);
  });
});

/** Stands in for Electron safeStorage: reversible, and the plaintext never appears. */
const fakeCrypto: SecretCrypto = {
  encrypt: (s) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)),
  decrypt: (b) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
};

describe('destinations', () => {
  const config = { version: 1, destination: { name: 'Acme', oauth: { clientSecret: '${env:ACME_SECRET}' } } };

  it('encrypts secrets at rest: the plaintext is nowhere in the database files', () => {
    const secret = 'sk_live_SUPER-SECRET-9f8e7d';
    const { id } = store.saveDestination({ name: 'Acme', config, secrets: { clientSecret: secret } }, fakeCrypto);
    withRawDb(tmp.file('outbound.db'), (db) => db.pragma('wal_checkpoint(TRUNCATE)'));
    store.close();
    for (const suffix of ['', '-wal']) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(tmp.file('outbound.db') + suffix);
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
    store = openStore(tmp.file('outbound.db'));
    expect(store.getDestination(id, fakeCrypto)).toMatchObject({ name: 'Acme', config, secrets: { clientSecret: secret }, secretsLocked: false });
    // Without the crypto the secrets stay sealed.
    const locked = store.getDestination(id)!;
    expect(locked.secrets).toBeUndefined();
    expect(locked.secretsLocked).toBe(true);
  });

  it('refuses plaintext secrets without crypto, but keeps ${env:} references', () => {
    expect(() => store.saveDestination({ name: 'Acme', config, secrets: { clientSecret: 'hunter2' } })).toThrowError(PlaintextSecretError);
    expect(() => store.saveDestination({ name: 'Acme', config, secrets: { clientSecret: 'hunter2' } })).toThrowError(/clientSecret.*\$\{env:NAME\}/);
    expect(store.listDestinations()).toEqual([]);
    const { id } = store.saveDestination({ name: 'Acme', config, secrets: { clientSecret: '${env:ACME_SECRET}' } });
    expect(store.getDestination(id)!.secrets).toEqual({ clientSecret: '${env:ACME_SECRET}' });
  });

  it('updates in place, keeps secrets when none are given, lists and deletes', () => {
    const { id } = store.saveDestination({ name: 'Zeta', config: { a: 1 }, secrets: { k: 'v' } }, fakeCrypto);
    store.saveDestination({ name: 'alpha', config: { b: 2 } });
    store.saveDestination({ id, name: 'Zeta 2', config: { a: 2 } });
    const row = store.getDestination(id, fakeCrypto)!;
    expect(row).toMatchObject({ name: 'Zeta 2', config: { a: 2 }, secrets: { k: 'v' } });
    expect(row.updatedAt).toBeGreaterThanOrEqual(row.createdAt);
    expect(store.listDestinations().map((d) => d.name)).toEqual(['alpha', 'Zeta 2']);
    store.saveDestination({ id, name: 'Zeta 2', config: { a: 2 }, secrets: {} });
    expect(store.getDestination(id, fakeCrypto)!.secrets).toBeUndefined();
    expect(store.deleteDestination(id)).toBe(true);
    expect(store.getDestination(id)).toBeNull();
    expect(store.deleteDestination(id)).toBe(false);
  });
});

describe('sample sets', () => {
  it('stores a set in one go and pages it back', () => {
    function* profiles() {
      for (let i = 0; i < 250; i++) yield { id: `p${i}`, person: { email: `p${i}@example.com` } };
    }
    const set = store.createSampleSet('generated', profiles());
    expect(set).toMatchObject({ name: 'generated', count: 250 });
    expect(store.listSampleSets()).toMatchObject([{ id: set.id, name: 'generated', count: 250 }]);
    const page = store.getSamples(set.id, 100, 3);
    expect(page).toEqual([
      { id: 'p100', person: { email: 'p100@example.com' } },
      { id: 'p101', person: { email: 'p101@example.com' } },
      { id: 'p102', person: { email: 'p102@example.com' } },
    ]);
    expect(store.getSamples(set.id, 249, 100)).toHaveLength(1);
    expect(store.deleteSampleSet(set.id)).toBe(true);
    expect(store.listSampleSets()).toEqual([]);
    expect(withRawDb(tmp.file('outbound.db'), (db) => db.prepare('SELECT count(*) FROM samples').pluck().get())).toBe(0);
  });

  it('stores nothing when reading the records fails midway', () => {
    function* broken() {
      yield { id: 1 };
      throw new Error('bad line 2');
    }
    expect(() => store.createSampleSet('broken', broken())).toThrowError(/bad line 2/);
    expect(store.listSampleSets()).toEqual([]);
  });
});
