// A redirect is not followed (records are not replayed to another URL unasked), but the
// failure says where it pointed, with secrets in that URL masked.
import { afterEach, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { config, run } from '../helpers/run.js';
import type { RunEvent } from '../../src/main/engine/types.js';
import { redactUrl } from '../../src/main/engine/redact.js';

let server: CaptureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const people = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `u${i + 1}`, email: `u${i + 1}@example.com` }));

function reasonsOf(events: RunEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'records-settled' ? e.outcomes.map((o) => o.reason ?? 'ok') : []));
}

describe('redirects', () => {
  for (const status of [301, 302, 307, 308]) {
    it(`HTTP ${status} fails the batch naming the Location, resolved and with secrets masked`, async () => {
      server = await startCaptureServer(() => ({
        status,
        headers: { location: `/v2/members?api_key=leaked-key-123&page=2` },
        body: 'moved',
      }));
      const events: RunEvent[] = [];
      const summary = await run(
        config({ version: 1, destination: { name: 'r', add: { url: `${server.url}/v1/members`, batchMode: 'batched', batchSize: 10 } }, audience: { name: 'A' } }),
        people(3),
        { onEvent: (e) => events.push(e) },
      );
      expect(summary.status).toBe('failed');
      expect(server.requests).toHaveLength(1); // not followed
      const reasons = reasonsOf(events);
      expect(reasons).toEqual(Array(3).fill(`HTTP ${status} → ${server.url}/v2/members?api_key=●●●●&page=2 (redirects are not followed)`));
    });
  }

  it('an absolute Location to another host is shown whole, its password masked', async () => {
    server = await startCaptureServer(() => ({ status: 301, headers: { location: 'https://user:hunter22@api.example.com/new' } }));
    const events: RunEvent[] = [];
    await run(
      config({ version: 1, destination: { name: 'r', add: { url: `${server.url}/old`, batchMode: 'batched', batchSize: 10 } }, audience: { name: 'A' } }),
      people(1),
      { onEvent: (e) => events.push(e) },
    );
    expect(reasonsOf(events)).toEqual(['HTTP 301 → https://user:●●●●@api.example.com/new (redirects are not followed)']);
  });

  it('a redirected get audience aborts the run saying where it pointed', async () => {
    server = await startCaptureServer(() => ({ status: 308, headers: { location: '/audiences-v2' } }));
    const summary = await run(
      config({
        version: 1,
        destination: {
          name: 'r',
          getAudience: { enabled: true, url: `${server.url}/audiences?name={{audience_name}}` },
          add: { url: `${server.url}/members`, batchMode: 'batched', batchSize: 10 },
        },
        audience: { name: 'A' },
      }),
      people(1),
    );
    expect(summary.status).toBe('aborted');
    expect(summary.error).toBe(`get audience answered HTTP 308 → ${server.url}/audiences-v2 (redirects are not followed)`);
  });
});

describe('redactUrl', () => {
  it('masks passwords and secret-looking query values, leaves the rest', () => {
    expect(redactUrl('https://a.example/x?token=abc&sig=zz&page=1')).toBe('https://a.example/x?token=●●●●&sig=●●●●&page=1');
    expect(redactUrl('https://u:p@a.example/')).toBe('https://u:●●●●@a.example/');
    expect(redactUrl('https://a.example/x?page=1')).toBe('https://a.example/x?page=1');
    expect(redactUrl('not a url')).toBe('not a url');
  });
});
