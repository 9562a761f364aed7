// The retry policy (destination.retry, overridable per step) against a loopback fault
// server: which statuses are retried, ranges, a cap on total time, a cap on Retry-After, and
// "until-stopped" (GrowthLoop) ended promptly by a stop, with nothing lost.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startCaptureServer, type Answer, type CaptureServer } from '../helpers/capture-server.js';
import { cli, config, items, tempDir, writeNdjson } from '../helpers/run.js';
import { runExport, type RunSummary } from '../../src/main/engine/runner.js';
import type { RunEvent } from '../../src/main/engine/types.js';
import type { ExportConfigInput } from '../../src/shared/config.js';

let server: CaptureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Answers each request with the next status of `statuses`, then 200 for good. */
function sequence(statuses: Array<number | Answer>): (req: unknown, i: number) => Answer {
  return (_req, i) => {
    const a = statuses[i];
    return a === undefined ? { status: 200 } : typeof a === 'number' ? { status: a } : a;
  };
}

function input(url: string, destination: Record<string, unknown> = {}, add: Record<string, unknown> = {}): ExportConfigInput {
  return { version: 1, destination: { name: 'faulty', concurrency: 1, add: { url: `${url}/m`, ...add }, ...destination }, audience: { name: 'A' } } as ExportConfigInput;
}

async function send(cfg: ExportConfigInput, extra: { signal?: AbortSignal; onEvent?: (e: RunEvent) => void } = {}): Promise<RunSummary> {
  async function* source() {
    yield* items([{ id: 'u1' }]);
  }
  return runExport({ config: config(cfg), source: source(), file: 't.ndjson', runId: 'r', retryDelay: { baseMs: 2, maxMs: 10 }, ...extra });
}

function failures(events: RunEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'records-settled' ? e.outcomes.filter((r) => !r.ok).map((r) => r.reason ?? '') : []));
}

it('408 is not retried by default (today\'s statuses), and is when the policy lists it', async () => {
  server = await startCaptureServer(sequence([408]));
  const before = await send(input(server.url));
  expect(before.records).toMatchObject({ succeeded: 0, failed: 1 });
  expect(server.requests).toHaveLength(1);

  await server.close();
  server = await startCaptureServer(sequence([408]));
  const after = await send(input(server.url, { retry: { statuses: [408, 429, '500-504'] } }));
  expect(after.records).toMatchObject({ succeeded: 1, failed: 0 });
  expect(server.requests).toHaveLength(2);
});

it('ranges: "500-502" retries 501 but not 503; a step\'s policy overrides the destination\'s', async () => {
  server = await startCaptureServer(sequence([501, 503]));
  const narrow = await send(input(server.url, { retry: { statuses: ['500-502'] } }));
  expect(narrow.records.failed).toBe(1);
  expect(server.requests).toHaveLength(2); // 501 retried, 503 not

  await server.close();
  server = await startCaptureServer(sequence([501, 503]));
  const wide = await send(input(server.url, { retry: { statuses: ['500-502'] } }, { retry: { statuses: ['500-599'] } }));
  expect(wide.records.succeeded).toBe(1);
  expect(server.requests).toHaveLength(3);
});

it('maxElapsedMs stops retrying "until-stopped" with a reason saying so', async () => {
  server = await startCaptureServer(() => ({ status: 503 }));
  const events: RunEvent[] = [];
  const summary = await send(input(server.url, { retry: { maxAttempts: 'until-stopped', maxElapsedMs: 30 } }), { onEvent: (e) => events.push(e) });
  expect(summary.records).toMatchObject({ succeeded: 0, failed: 1 });
  const [reason] = failures(events);
  expect(reason).toMatch(/^HTTP 503.*\(retries stopped after \d+ attempts?: the next wait \(\d+ ms\) would pass retry\.maxElapsedMs \(30 ms since the first attempt\)\)$/);
});

it('a Retry-After above retryAfterCapMs is capped, and the retry is logged as capped', async () => {
  server = await startCaptureServer(sequence([{ status: 429, headers: { 'retry-after': '3600' } }]));
  const events: RunEvent[] = [];
  const summary = await send(input(server.url, { retry: { retryAfterCapMs: 20 } }), { onEvent: (e) => events.push(e) });
  expect(summary.records.succeeded).toBe(1);
  const retry = events.find((e) => e.type === 'request-retry');
  expect(retry).toMatchObject({ delayMs: 20, reason: 'HTTP 429; Retry-After asked 1 h 00 min, capped at 20 ms' });
  expect(events.find((e) => e.type === 'waiting')).toMatchObject({ reason: 'retry-after', askedMs: 3_600_000, capMs: 20 });
});

it('until-stopped: retries past maxAttempts; a cancel ends it at once and the record is not counted as delivered or failed', async () => {
  server = await startCaptureServer(() => ({ status: 503 }));
  const stop = new AbortController();
  const running = send(input(server.url, { maxAttempts: 2, retry: { maxAttempts: 'until-stopped' } }), {
    signal: stop.signal,
    onEvent: (e) => {
      if (e.type === 'request-answered' && e.attempt === 5) stop.abort('cancelled by the user');
    },
  });
  const summary = await running;
  expect(summary.status).toBe('aborted');
  expect(summary.error).toBe('cancelled by the user');
  expect(summary.records).toMatchObject({ succeeded: 0, failed: 0 });
  expect(server.requests).toHaveLength(5);
});

it('until-stopped, Ctrl-C in a real process, then resume: the record is sent, nothing lost', async () => {
  let failing = true;
  server = await startCaptureServer(() => ({ status: failing ? 503 : 200 }));
  const dir = tempDir();
  const file = join(dir, 'c.json');
  writeFileSync(file, JSON.stringify(input(server.url, { retry: { maxAttempts: 'until-stopped' } })));
  const db = join(dir, 'r.db');
  const inputFile = writeNdjson(dir, 'in.ndjson', [{ id: 'u1' }]);
  const bin = join(process.cwd(), 'bin', 'outbound.mjs');
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [bin, 'run', file, '--input', inputFile, '--db', db], { stdio: 'ignore' });
    const timer = setInterval(() => {
      if (server!.requests.length >= 3) {
        clearInterval(timer);
        child.kill('SIGINT');
      }
    }, 20);
    child.on('exit', (c) => resolve(c));
  });
  expect(code).toBe(3);
  const runs = JSON.parse((await cli(['runs', '--db', db, '--json'])).stdout) as Array<{ runId: string; status: string; records: { failed: number } }>;
  expect(runs[0]).toMatchObject({ status: 'aborted', records: { failed: 0 } });
  failing = false;
  const before = server.requests.length;
  const res = await cli(['resume', runs[0]!.runId, '--db', db, '--json']);
  expect(res.code).toBe(0);
  expect(JSON.parse(res.stdout)).toMatchObject({ status: 'succeeded', records: { succeeded: 1, failed: 0 } });
  expect(server.requests.slice(before).map((r) => JSON.parse(r.body) as unknown)).toEqual([{ id: 'u1' }]);
});

it('the config refuses a status that is not one, a backwards range and an unknown key', () => {
  expect(() => config(input('http://h', { retry: { statuses: ['5xx'] } }))).toThrow(/"5xx" is not a status or a range/);
  expect(() => config(input('http://h', { retry: { statuses: ['504-500'] } }))).toThrow(/ends before it starts/);
  expect(() => config(input('http://h', { retry: { maxAttempt: 3 } }))).toThrow(/did you mean "maxAttempts"/);
});

it('run --dry-run states the worst case per step', async () => {
  const dir = tempDir();
  const file = join(dir, 'c.json');
  writeFileSync(file, JSON.stringify(input('http://127.0.0.1:9', { retry: { maxAttempts: 'until-stopped' } }, { retry: { maxAttempts: 2 } })));
  const res = await cli(['run', file, '--input', writeNdjson(dir, 'in.ndjson', [{ id: 'u1' }]), '--dry-run']);
  expect(res.code).toBe(0);
  expect(res.stdout).toContain('  retries   add: retries 429, 500-504, failed connections and timeouts: up to 2 attempts a request, at most 11 min 00 s (2 × 30.0 s timeout + 1 wait of up to 10 min 00 s)');
});
