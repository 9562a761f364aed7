// The disk fills up mid-run: the run stops (resumable) with the store's message instead of
// sending records nobody could account for, and a resume with room delivers every record.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/main/mock/index.js';
import { loadConfig } from '../../src/main/app/config.js';
import { executeRun } from '../../src/main/app/run/execute.js';
import { checkRun, prepareStart } from '../../src/main/app/run/prepare.js';
import { openStore } from '../../src/main/store/db.js';
import { cli, tempDir, writeNdjson } from '../helpers/run.js';

let mock: MockServer;
let dir: string;
beforeAll(async () => {
  mock = await startMock({ requireAuth: false });
  dir = tempDir();
});
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

it('stops a run whose log cannot be written, and resumes it to the end once there is room', async () => {
  const N = 1500;
  const input = writeNdjson(dir, 'in.ndjson', Array.from({ length: N }, (_, i) => ({ id: `u${i}`, bio: `${i} `.padEnd(400, 'x') })));
  const raw = {
    version: 1,
    destination: {
      name: 'full disk',
      concurrency: 2,
      add: { url: `${mock.url}/hooks/full`, bodyTemplate: '{"users": [{{#each users}}{"id": "{{id}}", "bio": "{{bio}}"}{{#unless @last}},{{/unless}}{{/each}}]}', batchMode: 'batched', batchSize: 10 },
    },
    audience: { name: 'Full' },
    records: { key: 'id', mapping: { id: 'id', bio: 'bio' } },
  };
  const db = join(dir, 'outbound.db');
  // Room for the run's first few dozen requests (bodies are stored), not for 150.
  const store = openStore(db, { maxSizeBytes: 320 * 1024 });
  const loaded = loadConfig(raw, {});
  if (!loaded.ok) throw new Error('config');
  const checked = await checkRun(store, loaded, { kind: 'file', path: input });
  if (!checked.ok) throw new Error(checked.message);
  const plan = await prepareStart(store, checked.run, { storedConfig: raw });
  const runId = plan.runId;
  const { summary, warning } = await executeRun(store, plan);
  store.close();

  expect(summary.status).toBe('aborted');
  expect(summary.error).toMatch(/^the run log could not be written, so the run stopped \(resumable\): .*full/);
  expect(warning).toMatch(/full/);
  const sent = () => mock.journal.entries().filter((e) => e.path === '/hooks/full');
  expect(sent().length).toBeLessThan(N / 10 / 2); // stopped early, not after sending everything

  // With room again (the limit was this connection's), resume delivers every record.
  const resumed = await cli(['resume', runId, '--db', db, '--json']);
  expect(resumed.code).toBe(0);
  expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'succeeded', records: { total: N, succeeded: N, failed: 0 } });
  const delivered = new Set(sent().flatMap((e) => (JSON.parse(e.body) as { users: Array<{ id: string }> }).users.map((u) => u.id)));
  expect(delivered.size).toBe(N);
});
