// PostgreSQL source benchmark (not part of `npm run bench`: it needs Debian's postgresql
// package): starts a throwaway server (tests/helpers/postgres.ts) and the minimal sink, then
// a child process exports N rows of a generate_series query in batched mode through the real
// engine and reports records/s and its own peak RSS.
//   node --import tsx bench/postgres.ts [rows=1000000] [fetchSize=1000]
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { pgUnavailable, startPg } from '../tests/helpers/postgres.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const fetchSize = Number(process.argv[3] ?? 1000);
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
try {
  const query = `select 'u' || i as id, 'u' || i || '@example.com' as email, (i % 1000)::numeric / 10 as ltv from generate_series(1, ${rows}) i order by i`;
  const child = spawn(process.execPath, ['--max-semi-space-size=8', '--import', 'tsx', join(import.meta.dirname, 'postgres-child.ts'), sinkUrl, pgs.url(), query, String(fetchSize)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((r) => child.once('exit', r));
  const result = JSON.parse(out) as { records: number; seconds: number; recordsPerSecond: number; peakRssMb: number };
  const stats = (await (await fetch(`${sinkUrl}/stats`)).json()) as { requests: number };
  process.stdout.write(
    `| PostgreSQL source, ${rows.toLocaleString('en')} rows, batched 100, fetchSize ${fetchSize} | ${result.records.toLocaleString('en')} delivered in ${stats.requests} requests | ${Math.round(result.recordsPerSecond).toLocaleString('en')} rec/s | ${result.seconds.toFixed(1)} s | peak RSS ${Math.round(result.peakRssMb)} MB |\n`,
  );
} finally {
  sink.kill('SIGTERM');
  await pgs.stop();
}
