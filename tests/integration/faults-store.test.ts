// Fault injection: 20% failures mixed from 429 (Retry-After), 500, 502, 503, 504, resets and
// timeouts, over 20,000 records in both batch modes. Every record ends delivered or failed
// with a reason, the journal holds every delivered record, and the counts equal the journal's.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/main/engine/load.js';
import { runExport } from '../../src/main/engine/runner.js';
import type { SourceItem } from '../../src/main/engine/types.js';
import { startMock, type MockServer } from '../../src/main/mock/index.js';
import { openStore } from '../../src/main/store/db.js';
import { createRunRecorder } from '../../src/main/store/recorder.js';
import { tempDir } from '../helpers/run.js';

const N = 20_000;
let mock: MockServer | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

async function* source(): AsyncGenerator<SourceItem> {
  for (let i = 0; i < N; i++) yield { ok: true, line: i + 1, value: { id: `f${i}`, email: `f${i}@example.com` } };
}

// Picked at random: hangs are the rarest because each costs a whole timeout. The timeout is
// generous so that no slow 200 on a loaded machine is mistaken for a failure.
const failures = [
  ...[0, 1].flatMap(() => [{ status: 429, headers: { 'Retry-After': '0' } }, { status: 500 }, { status: 502 }, { status: 503 }, { status: 504 }, { reset: true as const }]),
  { hang: true as const },
];

describe.each([
  ['batched', { batchMode: 'batched' as const, batchSize: 100, url: '/api/audiences/aud_1/members', successPath: 'records' }],
  ['individual', { batchMode: 'individual' as const, url: '/api/audiences/aud_1/members/{{user.id}}', method: 'PUT' as const }],
])('20%% faults, %s mode', (_mode, add) => {
  it('settles every record, and the counts equal the journal', async () => {
    mock = await startMock({ requireAuth: false, audiences: ['faults'], journalLimit: 200_000, scenario: { seed: 7, add: { failureRate: 0.2, failures } } });
    const r = resolveConfig(
      { version: 1, destination: { name: 'faults', concurrency: 64, timeoutMs: 2000, maxAttempts: 4, add: { ...add, url: `${mock.url}${add.url}` } }, audience: { name: 'faults' } },
      {},
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const store = openStore(join(tempDir(), 'faults.db'));
    const runId = store.createRun({ destination: 'faults', audience: 'faults', config: {} });
    const recorder = createRunRecorder(store, runId);
    const summary = await runExport({ config: r.config, source: source(), file: 'faults', runId, onEvent: (e) => recorder.onEvent(e), retryDelay: { baseMs: 2, maxMs: 20 } });
    recorder.close();

    expect(summary.records.total).toBe(N);
    expect(summary.records.succeeded + summary.records.failed).toBe(N);
    expect(summary.requests.retried).toBeGreaterThan(0);

    // What the endpoint acknowledged, from its journal.
    const acked = new Set<string>();
    for (const e of mock.journal.entries()) {
      if (e.route !== 'add' || e.status !== 200) continue;
      if (add.batchMode === 'batched') for (const u of (JSON.parse(e.body) as { users: Array<{ id: string }> }).users) acked.add(u.id);
      else acked.add(decodeURIComponent(e.path.split('/').pop()!));
    }
    const outcomes = store.runOutcomes(runId, { limit: N + 1 });
    expect(outcomes).toHaveLength(N);
    const succeeded = outcomes.filter((o) => o.status === 'succeeded');
    expect(succeeded.length).toBe(summary.records.succeeded);
    for (const o of succeeded) expect(acked.has(o.key), o.key).toBe(true);
    expect(acked.size).toBe(summary.records.succeeded);
    for (const o of outcomes.filter((x) => x.status === 'failed')) expect(o.reason).toMatch(/HTTP 5\d\d|HTTP 429|network|timeout/);
    expect(store.outcomeCounts(runId)).toMatchObject({ total: N, succeeded: summary.records.succeeded, failed: summary.records.failed });
    expect(store.getRun(runId)).toMatchObject({ status: summary.status, records: { total: N, succeeded: summary.records.succeeded } });
    store.close();
  });
});
