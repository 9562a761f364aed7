// A private measuring tool for the engine's hot path (issue 10): the CLI as users run it
// (store on) against a minimal sink in its own process, beside a raw undici Pool(32) loop
// sending the same bodies in the same run. Reports wall time per process (startup
// included), rate, the ratio to the raw loop, and peak RSS (VmHWM polled from /proc).
//
//   node --import tsx bench/perf/profile-sink.ts [individual|batched|big|all] [--cpu-prof]
//   PERF_INDIVIDUAL=100000 PERF_BATCHED=1000000 PERF_BIG=10000000 PERF_REPEAT=1
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { generateProfiles, profileToNdjsonLine } from '../../src/main/sources/sample.js';

const root = join(import.meta.dirname, '..', '..');
const dir = join(root, '.bench', 'perf');
mkdirSync(dir, { recursive: true });
const mode = process.argv[2] ?? 'all';
const cpuProf = process.argv.includes('--cpu-prof');
const INDIVIDUAL = Number(process.env.PERF_INDIVIDUAL ?? 100_000);
const BATCHED = Number(process.env.PERF_BATCHED ?? 1_000_000);
const BIG = Number(process.env.PERF_BIG ?? 10_000_000);
const REPEAT = Number(process.env.PERF_REPEAT ?? 1);

async function input(count: number): Promise<string> {
  const path = join(dir, `profiles-${count}.ndjson`);
  if (existsSync(path)) return path;
  const out = createWriteStream(`${path}.tmp`);
  for (const p of generateProfiles(count, 7)) if (!out.write(profileToNdjsonLine(p))) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  rmSync(path, { force: true });
  (await import('node:fs')).renameSync(`${path}.tmp`, path);
  return path;
}

function configFile(url: string, batch: number): string {
  const add =
    batch === 1
      ? { url: `${url}/hooks/cli`, bodyTemplate: '{"id": "{{user.id}}", "email": "{{user.email}}", "ltv": {{user.ltv}}}' }
      : { url: `${url}/hooks/cli`, bodyTemplate: '{"users": [{{#each users}}{"id": "{{id}}", "email": "{{email}}", "ltv": {{ltv}}}{{#unless @last}},{{/unless}}{{/each}}]}', batchMode: 'batched', batchSize: batch };
  const cfg = { version: 1, destination: { name: 'perf sink', concurrency: 32, add }, audience: { name: 'perf' }, records: { key: 'id', mapping: { id: 'id', email: 'person.email', ltv: 'ltv' } } };
  const path = join(dir, `config-${batch}.json`);
  writeFileSync(path, JSON.stringify(cfg, null, 2));
  return path;
}

interface Measured {
  seconds: number;
  peakRssMb: number;
  code: number | null;
  stdout: string;
}

/** Runs a process to its end, polling its peak RSS (VmHWM). */
function measure(args: string[]): Promise<Measured> {
  return new Promise((resolve) => {
    const started = performance.now();
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], cwd: root });
    let stdout = '';
    let peak = 0;
    p.stdout.on('data', (d: Buffer) => (stdout += d));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) / 1024);
      } catch {
        /* exited */
      }
    }, 50);
    p.on('exit', (code) => {
      clearInterval(poll);
      resolve({ seconds: (performance.now() - started) / 1000, peakRssMb: peak, code, stdout });
    });
  });
}

async function startSink(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'sink.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d;
      const m = /listening (\S+)/.exec(buf);
      if (m) resolve(m[1]!);
    });
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function row(label: string, url: string, count: number, batch: number, withRaw: boolean): Promise<void> {
  const file = await input(count);
  const cfg = configFile(url, batch);
  const db = join(dir, `run-${process.pid}.db`);
  for (let r = 0; r < REPEAT; r++) {
    const raw = withRaw ? await measure([join(import.meta.dirname, 'raw.mjs'), url, file, String(batch)]) : null;
    for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
    const prof = cpuProf ? ['--cpu-prof', '--cpu-prof-dir', join(dir, 'prof'), '--cpu-prof-name', `${label}-${Date.now()}.cpuprofile`] : [];
    const cli = await measure(['--max-semi-space-size=8', ...prof, join(root, 'bin', 'outbound.mjs'), 'run', cfg, '--input', file, '--db', db, '--json']);
    const summary = (() => {
      try {
        return JSON.parse(cli.stdout) as { status: string; records: { succeeded: number } };
      } catch {
        return null;
      }
    })();
    const ok = cli.code === 0 && summary?.records.succeeded === count;
    const parts = [
      `${label} ${fmt(count)}${batch > 1 ? ` batch ${batch}` : ''}:`,
      `cli ${cli.seconds.toFixed(2)} s = ${fmt(count / cli.seconds)} rec/s, peak RSS ${fmt(cli.peakRssMb)} MB${ok ? '' : ` (exit ${cli.code}, ${summary?.records.succeeded ?? '?'} ok)`}`,
    ];
    if (raw) parts.push(`raw ${raw.seconds.toFixed(2)} s = ${fmt(count / raw.seconds)} rec/s; ratio ${(raw.seconds / cli.seconds).toFixed(2)}×`);
    process.stdout.write(parts.join(' · ') + '\n');
  }
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
}

const sink = await startSink();
try {
  if (mode === 'individual' || mode === 'all') await row('individual', sink.url, INDIVIDUAL, 1, true);
  if (mode === 'batched' || mode === 'all') await row('batched', sink.url, BATCHED, 100, true);
  if (mode === 'big') await row('big', sink.url, BIG, 100, false);
} finally {
  sink.stop();
}
