// `npm run bench`: what users get. The CLI as `npm run -s outbound` runs it (store on, its own
// process, timed whole, peak RSS from the kernel) against a minimal sink in its own process,
// beside a raw undici loop sending the same bodies to the same sink in the same run; the
// rows against the mock endpoint; the preview of 100 profiles; keystroke to preview in the
// studio (when a Chromium is found). Prints a table with the issue-10 targets.
//
//   npm run bench [-- --big] [-- --no-studio] [-- --no-mock] [-- --json <file>]
//   --big        adds the 10M-record batched row (input written to a temp file, streaming)
//   --studio     fails when no Chromium is found (default: the studio row runs if one is)
//   --json FILE  also writes the rows as JSON (always: .bench/results.json and .md)
// Counts scale by env for quick runs: BENCH_INDIVIDUAL (100000), BENCH_BATCHED (1000000),
// BENCH_BIG (10000000), BENCH_MOCK_INDIVIDUAL (20000), BENCH_MOCK_BATCHED (500000),
// BENCH_KEYSTROKES (50), BENCH_PARQUET (the batched count: the same records from a .parquet
// file; 0 skips the row).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliRows } from './cli-rows.js';
import { mockRows } from './mock-rows.js';
import { previewRow } from './preview-row.js';
import { chromiumFound, studioRow } from './studio.js';
import { fmt, markdown, type Row } from './table.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const jsonAt = args.indexOf('--json');
const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
if (jsonAt >= 0 && !jsonFile) throw new Error('--json needs a file');
const count = (name: string, fallback: number) => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};

const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
const outDir = join(import.meta.dirname, '..', '.bench');
mkdirSync(outDir, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'outbound-bench-'));
const started = performance.now();
const loadBefore = loadavg()[0]!;
const rows: Row[] = [];
let boot = 'unknown';
try {
  const cli = await cliRows(work, { individual: count('BENCH_INDIVIDUAL', 100_000), batched: count('BENCH_BATCHED', 1_000_000), big: flag('--big') ? count('BENCH_BIG', 10_000_000) : 0, parquet: process.env['BENCH_PARQUET'] === '0' ? 0 : count('BENCH_PARQUET', count('BENCH_BATCHED', 1_000_000)) }, log);
  rows.push(...cli.rows);
  boot = cli.boot;
  if (!flag('--no-mock')) {
    log('mock endpoint rows');
    rows.push(...(await mockRows(count('BENCH_MOCK_INDIVIDUAL', 20_000), count('BENCH_MOCK_BATCHED', 500_000))));
  }
  log('preview of 100 profiles');
  rows.push(await previewRow());
  if (flag('--no-studio')) log('studio row skipped (--no-studio)');
  else if (chromiumFound()) rows.push(await studioRow(work, count('BENCH_KEYSTROKES', 50), log));
  else if (flag('--studio')) throw new Error('--studio: no Chromium found (install Debian chromium or set OUTBOUND_CHROMIUM)');
  else log('studio row skipped: no Chromium found (set OUTBOUND_CHROMIUM)');
} finally {
  rmSync(work, { recursive: true, force: true });
}

const meta = {
  date: new Date().toISOString(),
  node: process.version,
  cores: availableParallelism(),
  loadAverage: { before: Number(loadBefore.toFixed(2)), after: Number(loadavg()[0]!.toFixed(2)) },
  cliBoot: boot,
  seconds: Math.round((performance.now() - started) / 1000),
};
const header = `${meta.date.slice(0, 10)} · Node ${meta.node.slice(1)} · ${meta.cores} cores · load average ${meta.loadAverage.before} → ${meta.loadAverage.after} · CLI booted: ${meta.cliBoot} · ${fmt(meta.seconds)} s`;
const table = `${header}\n\n${markdown(rows)}\n`;
process.stdout.write(table);
if (!boot.startsWith('bundle')) log(`the CLI did not run the bundle users get (boot: ${boot}); \`npm run prepare\` builds it`);
const json = JSON.stringify({ meta, rows }, null, 2) + '\n';
writeFileSync(join(outDir, 'results.md'), table);
writeFileSync(join(outDir, 'results.json'), json);
if (jsonFile) writeFileSync(jsonFile, json);
