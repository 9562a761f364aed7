// sendWithRetry against a real loopback server whose answers are scripted per test.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient } from '../../src/main/engine/http.js';
import { sendWithRetry } from '../../src/main/engine/retry.js';
import type { HttpRequestSpec, HttpResult } from '../../src/main/engine/types.js';

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}
let script: Answer[] = [];
let hits: Array<{ authorization?: string }> = [];

let server: http.Server;
let client: HttpClient;
let req: HttpRequestSpec;

beforeAll(async () => {
  server = http.createServer((q, res) => {
    q.resume();
    q.on('end', () => {
      hits.push({ authorization: q.headers.authorization });
      const a = script.shift() ?? { status: 200, body: '{"ok":true}' };
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  req = { method: 'POST', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/members`, headers: {}, body: '{}' };
  client = createHttpClient({ timeoutMs: 2000 });
});

afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  script = [];
  hits = [];
});

/** Records requested delays instead of waiting. */
function sleepRecorder() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

const statusOf = (r: HttpResult) => (r.ok ? r.status : r.kind);

describe('sendWithRetry', () => {
  it('503, 503, 200 succeeds on attempt 3 after increasing delays', async () => {
    script = [{ status: 503 }, { status: 503 }, { status: 200, body: 'done' }];
    const { delays, sleep } = sleepRecorder();
    const retries: Array<[number, number, string]> = [];
    const attempts: number[] = [];
    const out = await sendWithRetry(client, req, {
      maxAttempts: 6,
      retryOnErrors: true,
      sleep,
      delay: { baseMs: 100, random: () => 0.5 },
      onAttempt: (n) => attempts.push(n),
      onRetry: (n, ms, reason) => retries.push([n, ms, reason]),
    });
    expect(statusOf(out.result)).toBe(200);
    expect(out.attempts).toBe(3);
    expect(hits).toHaveLength(3);
    expect(attempts).toEqual([1, 2, 3]);
    expect(delays).toEqual([75, 150]);
    expect(retries).toEqual([
      [1, 75, 'HTTP 503'],
      [2, 150, 'HTTP 503'],
    ]);
  });

  it('honours Retry-After in seconds on a 429', async () => {
    script = [{ status: 429, headers: { 'Retry-After': '3' } }, { status: 200 }];
    const { delays, sleep } = sleepRecorder();
    const out = await sendWithRetry(client, req, { maxAttempts: 3, retryOnErrors: true, sleep });
    expect(statusOf(out.result)).toBe(200);
    expect(delays).toEqual([3000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const now = Date.now();
    script = [{ status: 429, headers: { 'Retry-After': new Date(now + 20_000).toUTCString() } }, { status: 200 }];
    const { delays, sleep } = sleepRecorder();
    await sendWithRetry(client, req, { maxAttempts: 3, retryOnErrors: true, sleep, delay: { now: () => now } });
    // HTTP dates have one-second resolution.
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(18_900);
    expect(delays[0]).toBeLessThanOrEqual(20_000);
  });

  it('returns the last result when attempts run out', async () => {
    script = [{ status: 500 }, { status: 502 }, { status: 504, body: 'gateway timeout' }, { status: 200 }];
    const { delays, sleep } = sleepRecorder();
    const out = await sendWithRetry(client, req, { maxAttempts: 3, retryOnErrors: true, sleep });
    expect(statusOf(out.result)).toBe(504);
    expect(out.result.ok && out.result.body).toBe('gateway timeout');
    expect(out.attempts).toBe(3);
    expect(delays).toHaveLength(2);
  });

  it('does not retry a 400', async () => {
    script = [{ status: 400, body: 'bad' }];
    const { delays, sleep } = sleepRecorder();
    const out = await sendWithRetry(client, req, { maxAttempts: 5, retryOnErrors: true, sleep });
    expect(statusOf(out.result)).toBe(400);
    expect(out.attempts).toBe(1);
    expect(delays).toEqual([]);
  });

  it('does not retry when retryOnErrors is off', async () => {
    script = [{ status: 503 }];
    const out = await sendWithRetry(client, req, { maxAttempts: 5, retryOnErrors: false, sleep: sleepRecorder().sleep });
    expect(statusOf(out.result)).toBe(503);
    expect(hits).toHaveLength(1);
  });

  it('retries connection failures', async () => {
    const dead = { ...req, url: 'http://127.0.0.1:1/members' };
    const { delays, sleep } = sleepRecorder();
    const out = await sendWithRetry(client, dead, { maxAttempts: 3, retryOnErrors: true, sleep });
    expect(statusOf(out.result)).toBe('network');
    expect(out.attempts).toBe(3);
    expect(delays).toHaveLength(2);
  });

  it('a 401 refetches the token once and resends without using up an attempt', async () => {
    script = [{ status: 401 }, { status: 200 }];
    const tokens = ['old-token', 'new-token'];
    let current = tokens[0]!;
    let refetches = 0;
    const out = await sendWithRetry(client, req, {
      maxAttempts: 1,
      retryOnErrors: true,
      sleep: sleepRecorder().sleep,
      authorize: async (r) => ({ ...r, headers: { ...r.headers, authorization: `Bearer ${current}` } }),
      onUnauthorized: async () => {
        refetches++;
        current = tokens[1]!;
        return true;
      },
    });
    expect(statusOf(out.result)).toBe(200);
    expect(refetches).toBe(1);
    expect(out.attempts).toBe(2);
    expect(hits.map((h) => h.authorization)).toEqual(['Bearer old-token', 'Bearer new-token']);
  });

  it('a second 401 is returned, not refetched again', async () => {
    script = [{ status: 401 }, { status: 401 }, { status: 200 }];
    let refetches = 0;
    const out = await sendWithRetry(client, req, {
      maxAttempts: 5,
      retryOnErrors: true,
      sleep: sleepRecorder().sleep,
      onUnauthorized: async () => (refetches++, true),
    });
    expect(statusOf(out.result)).toBe(401);
    expect(refetches).toBe(1);
    expect(hits).toHaveLength(2);
  });

  it('calls before() ahead of every attempt (the pacer hook)', async () => {
    script = [{ status: 503 }, { status: 200 }];
    let calls = 0;
    await sendWithRetry(client, req, { maxAttempts: 3, retryOnErrors: true, sleep: sleepRecorder().sleep, before: async () => void calls++ });
    expect(calls).toBe(2);
  });

  it('an abort during the backoff sleep stops at once with an abort result', async () => {
    script = [{ status: 503 }, { status: 200 }];
    const ac = new AbortController();
    const started = performance.now();
    const pending = sendWithRetry(client, req, {
      maxAttempts: 3,
      retryOnErrors: true,
      signal: ac.signal,
      delay: { baseMs: 60_000, random: () => 0 }, // real, abortable sleep of 30 s
      onRetry: () => ac.abort(),
    });
    const out = await pending;
    expect(statusOf(out.result)).toBe('abort');
    expect(out.attempts).toBe(1);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('errors from authorize (e.g. a token failure) propagate', async () => {
    await expect(
      sendWithRetry(client, req, {
        maxAttempts: 3,
        retryOnErrors: true,
        authorize: async () => {
          throw new Error('token endpoint down');
        },
      }),
    ).rejects.toThrow('token endpoint down');
    expect(hits).toHaveLength(0);
  });
});
