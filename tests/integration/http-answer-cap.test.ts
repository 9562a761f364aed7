// An answer larger than the stored-body cap: the client hangs up at the cap instead of
// reading gigabytes it throws away, and a run judges such an answer without parsing a cut body.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/main/engine/http.js';
import { config, run } from '../helpers/run.js';

const CAP = 64 * 1024;
/** What the server offers per answer: far more than any buffer between it and the client. */
const OFFERED = 512 * 1024 * 1024;
/** Generous room for the kernel's socket buffers on loopback (several MB each way). */
const SLACK = 32 * 1024 * 1024;

interface Endless {
  url: string;
  /** Per answer: bytes of body the server wrote before the client closed the socket. */
  written: number[];
  connections: number;
  close(): Promise<void>;
}

/** Streams OFFERED bytes of JSON-ish text per request, counting what it wrote until the socket closed. */
async function startEndless(status = 200): Promise<Endless> {
  const written: number[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, ' ');
      let sent = 0;
      let open = true;
      const index = written.push(0) - 1;
      res.on('close', () => {
        open = false;
      });
      const pump = (): void => {
        while (open && sent < OFFERED) {
          sent += chunk.length;
          written[index] = sent;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (open) res.end();
      };
      res.write('{"ok":true, "pad":"');
      pump();
    });
  });
  server.on('connection', (s: Socket) => {
    connections++;
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    written,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let server: Endless | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('an answer larger than the cap', () => {
  it('is cut at the cap: the client hangs up, per request, and says how much it read', async () => {
    server = await startEndless();
    const client = createHttpClient({ timeoutMs: 60_000, maxBodyBytes: CAP });
    try {
      for (let i = 0; i < 3; i++) {
        const r = await client.execute({ method: 'GET', url: `${server.url}/big`, headers: {} });
        if (!r.ok) throw new Error(`expected a response, got ${r.kind}: ${r.message}`);
        expect(r.status).toBe(200);
        expect(r.truncated).toBe(true);
        expect(Buffer.byteLength(r.body)).toBe(CAP);
        expect(r.bodyBytes).toBeGreaterThan(CAP);
        expect(r.bodyBytes).toBeLessThan(SLACK);
      }
      // The server saw each socket closed after roughly the cap, not after 512 MB.
      await new Promise((r) => setTimeout(r, 50)); // let the last close reach the server
      expect(server.written).toHaveLength(3);
      for (const w of server.written) expect(w).toBeLessThan(SLACK);
      // A cut answer's connection is never reused: each request came on a fresh one.
      expect(server.connections).toBe(3);
    } finally {
      await client.close();
    }
  });

  it('an answer exactly at the cap is whole, not truncated', async () => {
    const small = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('x'.repeat(CAP));
    });
    await new Promise<void>((r) => small.listen(0, '127.0.0.1', r));
    const client = createHttpClient({ timeoutMs: 5000, maxBodyBytes: CAP });
    try {
      const r = await client.execute({ method: 'GET', url: `http://127.0.0.1:${(small.address() as AddressInfo).port}/`, headers: {} });
      if (!r.ok) throw new Error(r.message);
      expect(r.truncated).toBe(false);
      expect(r.bodyBytes).toBe(CAP);
    } finally {
      await client.close();
      small.closeAllConnections();
      await new Promise((r) => small.close(r));
    }
  });

  it('a run fails the records of a 2xx answer too large for its successPath, saying so, and hangs up', async () => {
    server = await startEndless();
    const cfg = config({
      version: 1,
      destination: { name: 'big', concurrency: 1, add: { url: `${server.url}/members`, batchMode: 'batched', batchSize: 5, successPath: 'ok' } },
      audience: { name: 'A' },
    });
    const summary = await run(cfg, Array.from({ length: 10 }, (_, i) => ({ id: `u${i}`, email: `u${i}@x.io` })), {
      onEvent: (e) => {
        if (e.type === 'records-settled') reasons.push(...e.outcomes.map((o) => o.reason ?? 'ok'));
      },
    });
    expect(summary.status).toBe('failed');
    expect(summary.records.failed).toBe(10);
    expect(new Set(reasons)).toEqual(new Set(['answer larger than 1 MiB (the stored-answer cap); successPath "ok" cannot be read']));
    expect(server.written).toHaveLength(2);
    for (const w of server.written) expect(w).toBeLessThan(SLACK);
  });

  it('without a successPath, a 2xx answer too large to store still delivers its records', async () => {
    server = await startEndless();
    const cfg = config({
      version: 1,
      destination: { name: 'big', concurrency: 1, add: { url: `${server.url}/members`, batchMode: 'batched', batchSize: 5 } },
      audience: { name: 'A' },
    });
    const summary = await run(cfg, Array.from({ length: 10 }, (_, i) => ({ id: `u${i}`, email: `u${i}@x.io` })));
    expect(summary.status).toBe('succeeded');
    for (const w of server.written) expect(w).toBeLessThan(SLACK);
  });
});

const reasons: string[] = [];
