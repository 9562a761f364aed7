// Pacing seen from the server: request arrivals are spaced, even when sent concurrently.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHttpClient } from '../../src/main/engine/http.js';
import { createPacer } from '../../src/main/engine/pacing.js';
import { sendWithRetry } from '../../src/main/engine/retry.js';

const arrivals: number[] = [];
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    arrivals.push(performance.now());
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

it('36,000 requests/hour spaces 8 concurrent requests about 100 ms apart at the server', async () => {
  const client = createHttpClient({ timeoutMs: 5000, connections: 8 });
  const pacer = createPacer(36_000);
  try {
    // Open the 8 connections first, so arrivals measure pacing, not TCP handshakes.
    await Promise.all(Array.from({ length: 8 }, () => client.execute({ method: 'GET', url, headers: {} })));
    arrivals.length = 0;
    const sends = Array.from({ length: 8 }, () =>
      sendWithRetry(client, { method: 'POST', url, headers: {}, body: 'x' }, { maxAttempts: 1, retryOnErrors: false, before: pacer.acquire }),
    );
    const results = await Promise.all(sends);
    expect(results.every((r) => r.result.ok)).toBe(true);
  } finally {
    await client.close();
  }
  expect(arrivals).toHaveLength(8);
  const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
  // Starts are spaced exactly 100 ms apart; arrival times add a little loopback jitter.
  for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(85);
  expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(7 * 97);
});
