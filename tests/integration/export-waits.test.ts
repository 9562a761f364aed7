// A run that waits says so: `waiting` events for a server's Retry-After, the retry backoff
// and pacing, shown on the CLI's progress line (stderr) while nothing is sent.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { cli, config, run, tempDir, writeNdjson } from '../helpers/run.js';
import { runExport } from '../../src/main/engine/runner.js';
import type { RunEvent } from '../../src/main/engine/types.js';

let server: CaptureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const people = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `u${i + 1}`, email: `u${i + 1}@example.com` }));
const waits = (events: RunEvent[]) => events.filter((e): e is Extract<RunEvent, { type: 'waiting' }> => e.type === 'waiting');

describe('waiting events', () => {
  it('a 429 with Retry-After: 1 tells the wait, its cause and the request', async () => {
    server = await startCaptureServer((_r, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : {}));
    const events: RunEvent[] = [];
    const summary = await run(config({ version: 1, destination: { name: 'w', add: { url: `${server.url}/m`, batchMode: 'batched', batchSize: 10 } }, audience: { name: 'A' } }), people(3), {
      onEvent: (e) => events.push(e),
    });
    expect(summary.status).toBe('succeeded');
    const [w, ...more] = waits(events);
    expect(more).toEqual([]);
    expect(w).toMatchObject({ type: 'waiting', id: 'test-run:1', step: 'add', reason: 'retry-after', delayMs: 1000, cause: 'HTTP 429' });
    expect(w!.until - w!.at).toBe(1000);
    expect(w!.askedMs).toBeUndefined();
  });

  it('a 503 without Retry-After tells a backoff wait', async () => {
    server = await startCaptureServer((_r, i) => (i === 0 ? { status: 503 } : {}));
    const events: RunEvent[] = [];
    const cfg = config({ version: 1, destination: { name: 'w', add: { url: `${server.url}/m`, batchMode: 'batched', batchSize: 10 } }, audience: { name: 'A' } });
    async function* source() {
      yield { ok: true as const, line: 1, value: people(1)[0] };
    }
    await runExport({ config: cfg, source: source(), file: 't', runId: 'r', retryDelay: { baseMs: 20, random: () => 0 }, onEvent: (e) => events.push(e) });
    expect(waits(events)).toMatchObject([{ reason: 'backoff', cause: 'HTTP 503', delayMs: 10, id: 'r:1' }]);
  });

  it('pacing tells waits of half a second or more', async () => {
    server = await startCaptureServer();
    const events: RunEvent[] = [];
    await run(
      config({ version: 1, destination: { name: 'w', requestsPerHour: 3600, concurrency: 1, add: { url: `${server.url}/m`, batchMode: 'batched', batchSize: 1 } }, audience: { name: 'A' } }),
      people(2),
      { onEvent: (e) => events.push(e) },
    );
    const w = waits(events);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ reason: 'pacing', id: 'test-run:2', step: 'add' });
    expect(w[0]!.delayMs).toBeGreaterThanOrEqual(500);
    expect(w[0]!.delayMs).toBeLessThanOrEqual(1000);
  });
});

describe('the CLI progress line', () => {
  it('shows a Retry-After wait on stderr, naming the cause and the request', async () => {
    server = await startCaptureServer((_r, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : {}));
    const dir = tempDir();
    const cfgPath = join(dir, 'cfg.json');
    writeFileSync(cfgPath, JSON.stringify({ version: 1, destination: { name: 'w', add: { url: `${server.url}/m`, batchMode: 'batched', batchSize: 10 } }, audience: { name: 'A' } }));
    const res = await cli(['run', cfgPath, '--input', writeNdjson(dir, 'in.ndjson', people(3)), '--db', join(dir, 'r.db')]);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('· waiting 1 s: Retry-After from HTTP 429 (add #1)\n');
  });
});
