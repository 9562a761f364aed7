// The rows against the mock endpoint (`outbound mock`, in its own process), the engine
// in this process: kept from the first benchmark so the history stays comparable. The
// mock is itself the bottleneck (its raw-undici baseline is a few thousand req/s), which
// is why the CLI rows use the minimal sink.
import { Agent } from 'undici';
import { resolveConfig } from '../src/main/engine/load.js';
import { runExport } from '../src/main/engine/runner.js';
import type { SourceItem } from '../src/main/engine/types.js';
import { BATCHED_TEMPLATE, BATCH_SIZE } from './configs.js';
import { startMockProcess } from './mock-process.js';
import { fmt, type Row } from './table.js';

const CONCURRENCY = 16;
const INDIVIDUAL_TEMPLATE = '{"id": "{{user.id}}", "email": "{{user.email}}", "ltv": {{user.ltv}}}';

const flat = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `u${i}`, email: `user${i}@example.com`, ltv: i % 1000 }));
async function* itemsOf(records: unknown[]): AsyncGenerator<SourceItem> {
  let line = 0;
  for (const value of records) yield { ok: true, line: ++line, value };
}
const config = (destination: Record<string, unknown>) => {
  const r = resolveConfig({ version: 1, destination: { name: 'bench', concurrency: CONCURRENCY, ...destination }, audience: { name: 'bench' } }, {});
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.config;
};

async function rawBaseline(url: string, records: Array<{ id: string; email: string; ltv: number }>): Promise<number> {
  const agent = new Agent({ connections: CONCURRENCY });
  const bodies = records.map((u) => JSON.stringify({ id: u.id, email: u.email, ltv: u.ltv }));
  const target = new URL(`${url}/hooks/bench`);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const res = await agent.request({ origin: target.origin, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await res.body.text();
      }
    }),
  );
  const rate = bodies.length / ((performance.now() - started) / 1000);
  await agent.close();
  return rate;
}

export async function mockRows(individualCount: number, batchedCount: number): Promise<Row[]> {
  const mock = await startMockProcess();
  try {
    const individual = config({ add: { url: `${mock.url}/hooks/bench`, bodyTemplate: INDIVIDUAL_TEMPLATE } });
    // Warm both paths (JIT, connections) before measuring.
    await rawBaseline(mock.url, flat(2000));
    await runExport({ config: individual, source: itemsOf(flat(2000)), file: 'warm', runId: 'warm' });

    const records = flat(individualCount);
    const raw = await rawBaseline(mock.url, records);
    let t = performance.now();
    await runExport({ config: individual, source: itemsOf(records), file: 'bench', runId: 'individual' });
    const engine = individualCount / ((performance.now() - t) / 1000);

    const batched = config({ add: { url: `${mock.url}/hooks/bench`, bodyTemplate: BATCHED_TEMPLATE, batchMode: 'batched', batchSize: BATCH_SIZE } });
    t = performance.now();
    await runExport({ config: batched, source: itemsOf(flat(batchedCount)), file: 'bench', runId: 'batched' });
    const batchedRate = batchedCount / ((performance.now() - t) / 1000);
    return [
      { measure: 'mock endpoint: raw undici baseline', value: raw, unit: 'req/s', target: '—', pass: null, notes: `${fmt(individualCount)} requests, ${CONCURRENCY} connections` },
      { measure: 'mock endpoint: engine, individual (in-process, no store)', value: engine / raw, unit: '×', target: '—', pass: null, notes: `${fmt(engine)} req/s` },
      { measure: `mock endpoint: engine, batched ${BATCH_SIZE} (in-process, no store)`, value: batchedRate, unit: 'records/s', target: '—', pass: null, notes: `${fmt(batchedCount)} records` },
    ];
  } finally {
    await mock.stop();
  }
}
