// The rows that measure what users get: the CLI in its own process, store on, against the
// minimal sink in its own process, beside the raw undici loop in its own process, each
// process timed whole (start-up included) and its peak RSS read from the kernel.
import { join } from 'node:path';
import { runCli, type CliRun } from './cli.js';
import { writeConfigs } from './configs.js';
import { writeFlatNdjson, writeFlatParquet } from './inputs.js';
import { startListening, timed } from './processes.js';
import { atLeast, atMost, fmt, type Row } from './table.js';

const HERE = import.meta.dirname;
/** The sink and the raw loop run as TypeScript without tsx: Node strips the types (a flag before 22.18). */
const STRIP = (process.features as { typescript?: string }).typescript ? [] : ['--experimental-strip-types'];

export interface CliCounts {
  individual: number;
  batched: number;
  /** 0: the 10M row is not run (it is opt-in: --big). */
  big: number;
  /** Records of the Parquet row (the batched row's records, as Parquet); 0: not run. */
  parquet?: number;
}

/** Requests and body bytes the sink received since the last ask. */
async function sinkStats(url: string): Promise<{ requests: number; bytes: number }> {
  return (await (await fetch(`${url}/stats`)).json()) as { requests: number; bytes: number };
}

function checkRun(run: CliRun, records: number): void {
  if (run.summary.status !== 'succeeded' || run.summary.records.succeeded !== records) {
    throw new Error(`the CLI run did not send all ${records} records: ${JSON.stringify(run.summary)}`);
  }
}

export async function cliRows(dir: string, counts: CliCounts, log: (s: string) => void): Promise<{ rows: Row[]; boot: string }> {
  const sink = await startListening(process.execPath, [...STRIP, join(HERE, 'sink.ts')]);
  const rows: Row[] = [];
  let boot = 'unknown';
  try {
    const configs = writeConfigs(dir, sink.url);
    const db = join(dir, 'bench.db');

    log(`individual: ${fmt(counts.individual)} requests, raw undici then the CLI`);
    const individualInput = join(dir, `individual-${counts.individual}.ndjson`);
    await writeFlatNdjson(individualInput, counts.individual);
    // A short warm-up of the sink's process (its JIT) so the first measured process does not pay it.
    await timed(process.execPath, [...STRIP, join(HERE, 'raw-undici.ts'), `${sink.url}/members`, individualInput]);
    await sinkStats(sink.url);
    const raw = await timed(process.execPath, [...STRIP, join(HERE, 'raw-undici.ts'), `${sink.url}/members`, individualInput]);
    if (raw.code !== 0) throw new Error(`raw undici loop exited ${raw.code}: ${raw.stderr}`);
    const rawSink = await sinkStats(sink.url);
    const rawLoop = JSON.parse(raw.stdout) as { requests: number; seconds: number };
    const cli = await runCli(configs.individual, individualInput, db);
    boot = cli.boot;
    checkRun(cli, counts.individual);
    const cliSink = await sinkStats(sink.url);
    if (cliSink.requests !== counts.individual || cliSink.bytes !== rawSink.bytes) {
      throw new Error(`the CLI and the raw loop did not send the same: raw ${JSON.stringify(rawSink)}, CLI ${JSON.stringify(cliSink)}`);
    }
    const rawRate = counts.individual / raw.seconds;
    const cliRate = counts.individual / cli.seconds;
    rows.push({
      measure: `raw undici loop, ${fmt(counts.individual)} requests (process timed whole)`,
      value: rawRate,
      unit: 'req/s',
      target: '—',
      pass: null,
      notes: `Pool of 32 connections; the send loop alone ${fmt(rawLoop.requests / rawLoop.seconds)} req/s; ${fmt(raw.peakRssMb ?? 0)} MB peak RSS`,
    });
    rows.push({
      measure: `CLI, individual mode, ${fmt(counts.individual)} requests, store on`,
      value: cliRate / rawRate,
      unit: '×',
      target: '≥ 0.8× raw',
      pass: atLeast(cliRate / rawRate, 0.8),
      notes: `${fmt(cliRate)} req/s, ${fmt(cli.seconds, 1)} s whole, concurrency 32; ${fmt(cli.peakRssMb ?? 0)} MB peak RSS`,
    });

    const rates = new Map<string, { rate: number; rss: number | null }>();
    const batched = async (count: number, rssTarget: number, format: 'ndjson' | 'parquet' = 'ndjson') => {
      log(`batched: ${fmt(count)} records (writing the ${format} input)`);
      const input = join(dir, `batched-${count}.${format}`);
      if (format === 'parquet') await writeFlatParquet(input, count);
      else await writeFlatNdjson(input, count);
      log(`batched: ${fmt(count)} records through the CLI`);
      const run = await runCli(configs.batched, input, db);
      checkRun(run, count);
      const sent = await sinkStats(sink.url);
      if (sent.requests !== Math.ceil(count / 100)) throw new Error(`the sink received ${sent.requests} requests for ${count} records`);
      const rate = count / run.seconds;
      const rss = run.peakRssMb;
      const label = `${count >= 1_000_000 ? `${fmt(count / 1_000_000)}M` : fmt(count)}${format === 'parquet' ? ' Parquet' : ''}`;
      rates.set(`${format}:${count}`, { rate, rss });
      // The Parquet row is read against the same records as NDJSON, when that row ran.
      const ndjson = format === 'parquet' ? rates.get(`ndjson:${count}`) : undefined;
      const versus = ndjson ? `; NDJSON: ${fmt(ndjson.rate)} records/s, ${fmt(ndjson.rss ?? 0)} MB` : '';
      rows.push({
        measure: `CLI, batched 100, ${label} records, store on: throughput`,
        value: rate,
        unit: 'records/s',
        target: '≥ 400,000 records/s',
        pass: atLeast(rate, 400_000),
        notes: `${fmt(run.seconds, 1)} s whole, concurrency 8${format === 'parquet' ? `; 100,000-row groups, 1 MB pages${versus}` : ''}`,
      });
      rows.push({
        measure: `CLI, batched 100, ${label} records, store on: peak RSS`,
        value: rss ?? NaN,
        unit: 'MB',
        target: `≤ ${rssTarget} MB`,
        pass: rss === null ? null : atMost(rss, rssTarget),
        notes: rss === null ? 'no /proc here: not measured' : 'VmHWM of the CLI process (its threads included)',
      });
    };
    await batched(counts.batched, 150);
    if (counts.parquet) await batched(counts.parquet, 150, 'parquet');
    if (counts.big > 0) await batched(counts.big, 160);
  } finally {
    await sink.stop();
  }
  return { rows, boot };
}
