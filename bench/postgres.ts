// PostgreSQL source benchmark (not part of `npm run bench`: it needs Debian's postgresql
// package): starts a throwaway server (tests/helpers/postgres.ts) and the minimal sink, then
// a child process exports N rows of a generate_series query in batched mode through the real
// engine and reports records/s and its own peak RSS.
// With --compare, the same records from an NDJSON file through the same child and sink.
//   node --import tsx bench/postgres.ts [rows=1000000] [fetchSize=1000] [--compare]
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { pgUnavailable, startPg } from '../tests/helpers/postgres.js';

const args = process.argv.slice(2).filter((a) => a !== '--compare');
const compare = process.argv.includes('--compare');
const rows = Number(args[0] ?? 1_000_000);
const fetchSize = Number(args[1] ?? 1000);
const why = pgUnavailable();
if (why) {
  process.stdout.write(`postgres bench skipped: ${why}\n`);
  process.exit(0);
}
const pgs = await startPg();
const sink = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'sink.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
const sinkUrl = await new Promise<string>((resolve) => {
  createInterface({ input: sink.stdout! }).once('line', (l) => resolve(l.replace('listening ', '')));
});
/** Runs the child over `input` (a postgres URL or an .ndjson path); its result and the requests the sink saw. */
async function measure(input: string, query: string): Promise<{ records: number; seconds: number; recordsPerSecond: number; peakRssMb: number; requests: number }> {
  const child = spawn(process.execPath, ['--max-semi-space-size=8', '--import', 'tsx', join(import.meta.dirname, 'postgres-child.ts'), sinkUrl, input, query, String(fetchSize)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((r) => child.once('exit', r));
  const stats = (await (await fetch(`${sinkUrl}/stats`)).json()) as { requests: number };
  return { ...(JSON.parse(out) as { records: number; seconds: number; recordsPerSecond: number; peakRssMb: number }), requests: stats.requests };
}

function row(what: string, r: Awaited<ReturnType<typeof measure>>): string {
  return `| ${what} | ${r.records.toLocaleString('en')} delivered in ${r.requests} requests | ${Math.round(r.recordsPerSecond).toLocaleString('en')} rec/s | ${r.seconds.toFixed(1)} s | peak RSS ${Math.round(r.peakRssMb)} MB |\n`;
}

const tmp = mkdtempSync(join(tmpdir(), 'outbound-bench-pg-'));
try {
  const query = `select 'u' || i as id, 'u' || i || '@example.com' as email, (i % 1000)::numeric / 10 as ltv from generate_series(1, ${rows}) i order by i`;
  process.stdout.write(row(`PostgreSQL source, ${rows.toLocaleString('en')} rows, batched 100, fetchSize ${fetchSize}`, await measure(pgs.url(), query)));
  if (compare) {
    const file = join(tmp, 'same.ndjson');
    const w = createWriteStream(file);
    for (let i = 1; i <= rows; i++) {
      if (!w.write(`${JSON.stringify({ id: `u${i}`, email: `u${i}@example.com`, ltv: (i % 1000) / 10 })}\n`)) await new Promise<void>((r) => w.once('drain', () => r()));
    }
    await new Promise<void>((r) => w.end(() => r()));
    process.stdout.write(row(`NDJSON file of the same records, batched 100`, await measure(file, '')));
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
  sink.kill('SIGTERM');
  await pgs.stop();
}
