// `npm run bench`: the engine against the mock endpoint on loopback, beside a raw-undici
// baseline sending the same pre-rendered requests through the same mock. Prints a table.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Agent } from 'undici';
import { resolveConfig } from '../src/main/engine/load.js';
import { previewExport } from '../src/main/engine/preview.js';
import { runExport } from '../src/main/engine/runner.js';
import type { SourceItem } from '../src/main/engine/types.js';
import { generateProfiles, profileToNdjsonLine } from '../src/main/sources/sample.js';
import { startMockProcess } from './mock-process.js';

const CONCURRENCY = 16;
const INDIVIDUAL = Number(process.env.BENCH_INDIVIDUAL ?? 20_000);
const BATCHED = Number(process.env.BENCH_BATCHED ?? 500_000);
const MILLION = Number(process.env.BENCH_MILLION ?? 1_000_000);
const outDir = join(import.meta.dirname, '..', '.bench');
mkdirSync(outDir, { recursive: true });

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
const individualTemplate = '{"id": "{{user.id}}", "email": "{{user.email}}", "ltv": {{user.ltv}}}';
const batchedTemplate = '{"users": [{{#each users}}{"id": "{{id}}", "email": "{{email}}", "ltv": {{ltv}}}{{#unless @last}},{{/unless}}{{/each}}]}';

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

/**
 * The memory run measures the engine as the app and an installed CLI run it: bundled JS,
 * with the CLI's V8 flag (bin/outbound.mjs). Running from TypeScript through tsx adds the
 * transpiler's own ~30 MB on top; `BENCH_TSX=1` measures that way instead.
 */
const bundle = join(outDir, 'million.bundle.mjs');
await build({
  entryPoints: [join(import.meta.dirname, 'million.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  outfile: bundle,
  external: ['better-sqlite3'],
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
const CLI_V8_FLAGS = ['--max-semi-space-size=8'];
const PAIRS = 3;

/** The run whose `field` is the median of `runs` (an odd count). */
function median(runs: Array<Record<string, number | string>>, field: string): Record<string, number | string> {
  return [...runs].sort((a, b) => Number(a[field]) - Number(b[field]))[Math.floor(runs.length / 2)]!;
}

function child(args: string[]): Promise<Record<string, number | string>> {
  return new Promise((resolve, reject) => {
    const entry = process.env.BENCH_TSX ? ['--import', 'tsx', join(import.meta.dirname, 'million.ts')] : [bundle];
    const p = spawn(process.execPath, [...CLI_V8_FLAGS, ...entry, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`million.ts exited ${code}`))));
  });
}

const mock = await startMockProcess();
const rows: Array<[string, string, string, string]> = [];
try {
  // Warm both paths (JIT, connections) before measuring.
  await rawBaseline(mock.url, flat(2000));
  await runExport({ config: config({ add: { url: `${mock.url}/hooks/bench`, bodyTemplate: individualTemplate } }), source: itemsOf(flat(2000)), file: 'warm', runId: 'warm' });

  const records = flat(INDIVIDUAL);
  const raw = await rawBaseline(mock.url, records);
  let t = performance.now();
  await runExport({ config: config({ add: { url: `${mock.url}/hooks/bench`, bodyTemplate: individualTemplate } }), source: itemsOf(records), file: 'bench', runId: 'individual' });
  const individual = INDIVIDUAL / ((performance.now() - t) / 1000);
  rows.push(['raw undici baseline (individual)', `${Math.round(raw).toLocaleString('en-US')} req/s`, '—', `${INDIVIDUAL.toLocaleString('en-US')} requests`]);
  rows.push(['engine, individual mode', `${Math.round(individual).toLocaleString('en-US')} req/s`, `≥ 0.7 × baseline: ${(individual / raw).toFixed(2)}×`, `concurrency ${CONCURRENCY}`]);

  const batchedRecords = flat(BATCHED);
  t = performance.now();
  await runExport({ config: config({ add: { url: `${mock.url}/hooks/bench`, bodyTemplate: batchedTemplate, batchMode: 'batched', batchSize: 100 } }), source: itemsOf(batchedRecords), file: 'bench', runId: 'batched' });
  const batched = BATCHED / ((performance.now() - t) / 1000);
  rows.push(['engine, batched mode (batch 100)', `${Math.round(batched).toLocaleString('en-US')} records/s`, '≥ 200,000 records/s', `${BATCHED.toLocaleString('en-US')} records`]);

  const profiles = [...generateProfiles(100, 1)];
  const previewCfg = config({
    add: { url: `${mock.url}/api/audiences/{{remote_audience.id}}/members`, bodyTemplate: '{"users": [{{#each users}}{"id": "{{id}}", "email": "{{person.email}}", "name": "{{person.name.firstName}} {{person.name.lastName}}", "ltv": {{ltv}}}{{#unless @last}},{{/unless}}{{/each}}]}', batchMode: 'batched', batchSize: 100 },
  });
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const s = performance.now();
    await previewExport(previewCfg, profiles.map((value, n) => ({ ok: true as const, line: n + 1, value })));
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  rows.push(['preview of 100 profiles', `${times[Math.floor(times.length / 2)]!.toFixed(2)} ms median`, '< 20 ms', `p90 ${times[Math.floor(times.length * 0.9)]!.toFixed(2)} ms`]);

  const input = join(outDir, `profiles-${MILLION}.ndjson`);
  const out = createWriteStream(input);
  for (const p of generateProfiles(MILLION, 11)) if (!out.write(profileToNdjsonLine(p))) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  // The same export on a tenth of the input: peak memory must not follow input size.
  const small = join(outDir, `profiles-${MILLION / 10}.ndjson`);
  const smallOut = createWriteStream(small);
  for (const p of generateProfiles(MILLION / 10, 11)) if (!smallOut.write(profileToNdjsonLine(p))) await once(smallOut, 'drain');
  smallOut.end();
  await once(smallOut, 'finish');
  const tenth = await child([mock.url, small, 'none']);
  // With and without the store, interleaved and repeated: one pair alone varies by ±5% here
  // (two cores shared with the mock), more than the difference being measured.
  const plainRuns: Array<Record<string, number | string>> = [];
  const loggedRuns: Array<Record<string, number | string>> = [];
  for (let i = 0; i < PAIRS; i++) {
    plainRuns.push(await child([mock.url, input, 'none']));
    loggedRuns.push(await child([mock.url, input, 'store']));
  }
  const plain = median(plainRuns, 'recordsPerSecond');
  const logged = median(loggedRuns, 'recordsPerSecond');
  const overheads = plainRuns.map((p, i) => (Number(p.recordsPerSecond) / Number(loggedRuns[i]!.recordsPerSecond) - 1) * 100).sort((a, b) => a - b);
  const overhead = (Number(plain.recordsPerSecond) / Number(logged.recordsPerSecond) - 1) * 100;
  const plainRss = Math.max(...plainRuns.map((r) => Number(r.peakRssMb)));
  const loggedRss = Math.max(...loggedRuns.map((r) => Number(r.peakRssMb)));
  rows.push([`export of ${MILLION.toLocaleString('en-US')} NDJSON profiles, no store${process.env.BENCH_TSX ? ' (tsx)' : ''}`, `${Math.round(plainRss)} MB peak RSS`, '< 200 MB', `${Math.round(Number(plain.recordsPerSecond)).toLocaleString('en-US')} records/s (median of ${PAIRS}); RSS is the highest run`]);
  rows.push([`same export of ${(MILLION / 10).toLocaleString('en-US')} profiles`, `${Math.round(Number(tenth.peakRssMb))} MB peak RSS`, 'flat with input size', `${Math.round(plainRss - Number(tenth.peakRssMb))} MB more for 10× the records`]);
  rows.push([
    `1,000,000 profiles, logged to the SQLite store`,
    `${Math.round(Number(logged.recordsPerSecond)).toLocaleString('en-US')} records/s`,
    '≤ 10% slower',
    `${overhead.toFixed(1)}% slower (medians; pairs ${overheads.map((o) => o.toFixed(1)).join(', ')}%) · ${Math.round(loggedRss)} MB peak RSS`,
  ]);
} finally {
  await mock.stop();
}

const table = ['| measure | result | target | notes |', '|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
process.stdout.write(`${table}\n`);
writeFileSync(join(outDir, 'results.md'), `${table}\n`);
