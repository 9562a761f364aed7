// A run stopped from outside (Ctrl-C, the studio's Cancel, a store that cannot be written)
// reports why it was stopped, whatever the stop interrupted: an audience lookup cut short by
// the stop is not an audience failure.
import { afterEach, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { config, items } from '../helpers/run.js';
import { runExport } from '../../src/main/engine/runner.js';

let server: CaptureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

it('a stop during the get-audience request is reported with the stop reason, not as an audience failure', async () => {
  server = await startCaptureServer(() => ({ delayMs: 2_000, body: { lists: [] } }));
  const cfg = config({
    version: 1,
    destination: {
      name: 's',
      retryOnErrors: false,
      getAudience: { enabled: true, url: `${server.url}/lists`, filterPath: 'lists' },
      add: { url: `${server.url}/m` },
    },
    audience: { name: 'A' },
  });
  const stop = new AbortController();
  async function* source() {
    yield* items([{ id: 'u1' }]);
  }
  const running = runExport({ config: cfg, source: source(), file: 't.ndjson', runId: 'r', signal: stop.signal });
  while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
  stop.abort('cancelled by the user');
  const summary = await running;
  expect(summary.status).toBe('aborted');
  expect(summary.error).toBe('cancelled by the user');
});
