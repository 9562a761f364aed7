// Kill and resume: a child process exports against a slow endpoint, is killed with SIGKILL
// mid-run and resumed. Every record must reach the endpoint, duplicates are bounded by what
// was in flight, and the final counts are exact.
import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/main/mock/index.js';
import { cli, tempDir } from '../helpers/run.js';

const bin = join(process.cwd(), 'bin', 'outbound.mjs');
const RECORDS = 400;
const BATCH = 10;
const CONCURRENCY = 4;

let mock: MockServer;
let dir: string;
let input: string;
let configPath: string;

beforeAll(async () => {
  mock = await startMock({ requireAuth: false, scenario: { webhook: { latencyMs: 40 } } });
  dir = tempDir('outbound-resume-');
  input = join(dir, 'in.ndjson');
  writeFileSync(input, Array.from({ length: RECORDS }, (_, i) => JSON.stringify({ id: `r${i}`, n: i })).join('\n') + '\n');
  configPath = join(dir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      version: 1,
      destination: { name: 'slow', concurrency: CONCURRENCY, add: { url: `${mock.url}/hooks/slow`, batchMode: 'batched', batchSize: BATCH } },
      audience: { name: 'resume' },
    }),
  );
});
afterAll(async () => {
  await mock.close();
});

function delivered(): Map<string, number> {
  const seen = new Map<string, number>();
  for (const e of mock.journal.entries()) {
    if (e.path !== '/hooks/slow' || e.status !== 200) continue;
    for (const u of (JSON.parse(e.body) as { users: Array<{ id: string }> }).users) seen.set(u.id, (seen.get(u.id) ?? 0) + 1);
  }
  return seen;
}

/** Starts `outbound run` and SIGKILLs it once the endpoint has received `killAfter` requests. */
function runAndKill(db: string, killAfter: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'run', configPath, '--input', input, '--db', db], { stdio: 'ignore' });
    let received = 0;
    const off = mock.journal.onEntry((e) => {
      if (e.path === '/hooks/slow' && ++received === killAfter) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      off();
      expect(signal).toBe('SIGKILL');
      resolve();
    });
  });
}

describe('kill -9 and resume', () => {
  it.each([3, 15, 30])('killed after %i requests, resume delivers every record exactly as counted', async (killAfter) => {
    mock.journal.clear();
    const db = join(dir, `kill-${killAfter}.db`);
    await runAndKill(db, killAfter);
    const runs = JSON.parse((await cli(['runs', '--db', db, '--json'])).stdout) as Array<{ runId: string; status: string }>;
    expect(runs).toHaveLength(1);
    // Died without finishing: its process is gone, so it reads as interrupted, resumable.
    expect(runs[0]).toMatchObject({ status: 'aborted', error: expect.stringMatching(/^interrupted: /) });
    const before = delivered();
    expect(before.size).toBeLessThan(RECORDS);

    const res = await cli(['resume', runs[0]!.runId, '--db', db, '--json']);
    expect(res.code).toBe(0);
    const summary = JSON.parse(res.stdout);
    expect(summary).toMatchObject({ runId: runs[0]!.runId, status: 'succeeded', records: { total: RECORDS, succeeded: RECORDS, failed: 0 } });
    // The summary counts the whole run: the killed session's requests too.
    expect(summary.requests.sent).toBeGreaterThanOrEqual(RECORDS / BATCH);

    const after = delivered();
    expect(after.size).toBe(RECORDS); // none missed
    const duplicates = [...after.values()].reduce((n, c) => n + c - 1, 0);
    // Only requests in flight (or acknowledged but not yet committed) at the kill can repeat.
    expect(duplicates).toBeLessThanOrEqual(2 * CONCURRENCY * BATCH);
    const history = JSON.parse((await cli(['runs', '--db', db, '--json'])).stdout);
    expect(history[0]).toMatchObject({ status: 'succeeded', records: { total: RECORDS, succeeded: RECORDS, failed: 0 } });
  });

  it('refuses to resume when the input changed, and says why', async () => {
    const db = join(dir, 'changed.db');
    await runAndKill(db, 5);
    const runId = JSON.parse((await cli(['runs', '--db', db, '--json'])).stdout)[0].runId as string;
    const changed = join(dir, 'in.ndjson');
    appendFileSync(changed, JSON.stringify({ id: 'extra' }) + '\n');
    const res = await cli(['resume', runId, '--db', db]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/changed since run .* started \(its size changed/);
    writeFileSync(input, Array.from({ length: RECORDS }, (_, i) => JSON.stringify({ id: `r${i}`, n: i })).join('\n') + '\n');
  });

  it('an unknown run id is a clear usage error', async () => {
    const res = await cli(['resume', 'no-such-run', '--db', join(dir, 'kill-3.db')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/no run no-such-run/);
  });
});
