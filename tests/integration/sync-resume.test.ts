// Membership diff, killed and resumed: a child `outbound run --sync diff` is SIGKILLed while
// it sends the difference (in its adds, then in its removes) and resumed. The resume sends
// the same classification (not one recomputed against a membership it has partly moved):
// every added, changed and removed key reaches the endpoint, unchanged ones never do,
// repeats are bounded by what was in flight, and a further run finds nothing to send.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { cli, tempDir, writeNdjson } from '../helpers/run.js';

const bin = join(process.cwd(), 'bin', 'outbound.mjs');
const BATCH = 5;
const CONCURRENCY = 4;

let server: CaptureServer;
let dir: string;
let cfg: string;
let killAt = Infinity;
let onCount: (() => void) | null = null;

beforeAll(async () => {
  server = await startCaptureServer(() => {
    if (server.requests.length >= killAt) onCount?.();
    return { delayMs: 25, body: { ok: true } };
  });
  dir = tempDir('outbound-sync-kill-');
  cfg = join(dir, 'config.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      version: 1,
      destination: {
        name: 'Kill API',
        concurrency: CONCURRENCY,
        add: { url: `${server.url}/members`, batchMode: 'batched', batchSize: BATCH },
        remove: { enabled: true, url: `${server.url}/members/{{user.id}}`, method: 'DELETE', batchMode: 'individual' },
      },
      audience: { name: 'Kill' },
      records: { key: 'id', mapping: { id: 'id', v: 'v' } },
      sync: { mode: 'diff' },
    }),
  );
});
afterAll(async () => {
  await server.close();
});

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `r${from + i}`);

/** Keys the endpoint acknowledged, with how often: adds by their body, removes by their URL. */
function delivered(): { adds: Map<string, number>; removes: Map<string, number> } {
  const adds = new Map<string, number>();
  const removes = new Map<string, number>();
  for (const r of server.requests) {
    if (r.method === 'POST') for (const u of (JSON.parse(r.body) as { users: Array<{ id: string }> }).users) adds.set(u.id, (adds.get(u.id) ?? 0) + 1);
    else if (r.method === 'DELETE') {
      const key = r.url.split('/').pop()!;
      removes.set(key, (removes.get(key) ?? 0) + 1);
    }
  }
  return { adds, removes };
}

function runAndKill(db: string, input: string, after: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'run', cfg, '--input', input, '--db', db], { stdio: 'ignore' });
    killAt = after;
    onCount = () => {
      onCount = null;
      child.kill('SIGKILL');
    };
    child.on('exit', (_code, signal) => {
      onCount = null;
      killAt = Infinity;
      expect(signal).toBe('SIGKILL');
      resolve();
    });
  });
}

describe('membership diff: kill -9 and resume', () => {
  // 200 adds in batches of 5 are 40 requests: 12 kills in the adds, 55 in the removes.
  it.each([12, 55])('killed after %i requests, the resume sends the rest of the same difference once', async (after) => {
    const db = join(dir, `kill-${after}.db`);
    const snap1 = writeNdjson(dir, `snap1-${after}.ndjson`, ids(0, 300).map((id) => ({ id, v: 1 })));
    expect((await cli(['run', cfg, '--input', snap1, '--db', db])).code).toBe(0);
    // r0..r99 unchanged, r100..r199 changed, r200..r299 gone, r300..r399 new.
    const snap2 = writeNdjson(dir, `snap2-${after}.ndjson`, [
      ...ids(0, 100).map((id) => ({ id, v: 1 })),
      ...ids(100, 200).map((id) => ({ id, v: 2 })),
      ...ids(300, 400).map((id) => ({ id, v: 1 })),
    ]);
    server.requests.length = 0;
    await runAndKill(db, snap2, after);
    const runs = JSON.parse((await cli(['runs', '--db', db, '--json'])).stdout) as Array<{ runId: string; status: string }>;
    const killed = runs[runs.length - 1]!;
    expect(killed.status).toBe('aborted');

    const res = await cli(['resume', killed.runId, '--db', db, '--json']);
    expect(res.code).toBe(0);
    const summary = JSON.parse(res.stdout);
    expect(summary.sync).toMatchObject({ added: 100, changed: 100, removed: 100, unchanged: 100 });
    expect(summary.records).toMatchObject({ total: 400, succeeded: 300, failed: 0, skipped: 100 });

    const { adds, removes } = delivered();
    expect([...adds.keys()].sort()).toEqual([...ids(100, 200), ...ids(300, 400)].sort());
    expect([...removes.keys()].sort()).toEqual(ids(200, 300).sort());
    const repeats = [...adds.values(), ...removes.values()].reduce((n, c) => n + c - 1, 0);
    expect(repeats).toBeLessThanOrEqual(2 * CONCURRENCY * BATCH); // only what was in flight at the kill

    // The membership moved with every acknowledged record: nothing is left to send.
    server.requests.length = 0;
    const again = JSON.parse((await cli(['run', cfg, '--input', snap2, '--db', db, '--json'])).stdout);
    expect(again.sync).toMatchObject({ added: 0, changed: 0, removed: 0, unchanged: 300 });
    expect(server.requests).toHaveLength(0);
  });
});
