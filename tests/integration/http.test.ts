// The relay against real loopback servers: what a user sees in the request log.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient } from '../../src/main/engine/http.js';
import type { HttpResult } from '../../src/main/engine/types.js';

const FIFTY_MB = 50 * 1024 * 1024;
const received: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }> = [];

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
    switch (new URL(req.url!, 'http://x').pathname) {
      case '/echo':
        res.writeHead(201, { 'Content-Type': 'application/json', 'X-Multi': ['a', 'b'], 'Set-Cookie': ['s=1', 't=2'] });
        res.end(JSON.stringify({ ok: true }));
        return;
      case '/big': {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(256 * 1024, 'x');
        let sent = 0;
        const pump = (): void => {
          while (sent < FIFTY_MB) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
        return;
      }
      case '/latin1':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x21])); // "café!" in Latin-1
        return;
      case '/png':
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(Buffer.from('89504e470d0a1a0a', 'hex'));
        return;
      case '/nul':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(Buffer.from([0x61, 0x00, 0x62]));
        return;
      case '/utf8-cut':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('aé'.repeat(10)); // 3 bytes per pair
        return;
      case '/hang':
        return; // never answers
      case '/slow-body':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
        return; // never ends
      case '/destroy':
        req.socket.destroy();
        return;
      case '/reset':
        req.socket.resetAndDestroy();
        return;
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not here');
    }
  });
}

let server: http.Server;
let garbage: net.Server;
let base: string;
let garbageUrl: string;
let client: HttpClient;

function listen(s: net.Server): Promise<number> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
}

beforeAll(async () => {
  server = http.createServer(handler);
  base = `http://127.0.0.1:${await listen(server)}`;
  garbage = net.createServer((s) => s.once('data', () => s.end('HELLO THIS IS NOT HTTP\r\n\r\n')));
  garbageUrl = `http://127.0.0.1:${await listen(garbage)}/`;
  client = createHttpClient({ timeoutMs: 2000, maxBodyBytes: 64 * 1024 });
});

afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await new Promise((r) => garbage.close(r));
});

function expectOk(r: HttpResult): Extract<HttpResult, { ok: true }> {
  if (!r.ok) throw new Error(`expected a response, got ${r.kind}: ${r.message}`);
  return r;
}
function expectFail(r: HttpResult): Extract<HttpResult, { ok: false }> {
  if (r.ok) throw new Error(`expected a failure, got HTTP ${r.status}`);
  return r;
}

describe('execute', () => {
  it('sends method, headers and body, and returns status, lowercased headers and body', async () => {
    const r = expectOk(
      await client.execute({ method: 'POST', url: `${base}/echo?x=1`, headers: { 'Content-Type': 'application/json', 'X-Key': 'v' }, body: '{"a":1}' }),
    );
    expect(r.status).toBe(201);
    expect(r.body).toBe('{"ok":true}');
    expect(r.bodyBytes).toBe(11);
    expect(r.truncated).toBe(false);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['x-multi']).toBe('a, b');
    expect(r.headers['set-cookie']).toBe('s=1, t=2');
    expect(r.timings.ttfb).toBeGreaterThan(0);
    expect(r.timings.total).toBeGreaterThanOrEqual(r.timings.ttfb);
    const got = received.at(-1)!;
    expect(got).toMatchObject({ method: 'POST', url: '/echo?x=1', body: '{"a":1}' });
    expect(got.headers['x-key']).toBe('v');
  });

  it('returns non-2xx answers as responses, not errors', async () => {
    const r = expectOk(await client.execute({ method: 'GET', url: `${base}/nope`, headers: {} }));
    expect(r.status).toBe(404);
    expect(r.body).toBe('not here');
  });

  it('caps a 50 MB streamed body, hanging up soon after the cap (bodyBytes = bytes read)', async () => {
    const r = expectOk(await client.execute({ method: 'GET', url: `${base}/big`, headers: {} }));
    expect(r.truncated).toBe(true);
    expect(r.bodyBytes).toBeGreaterThan(64 * 1024);
    expect(r.bodyBytes).toBeLessThan(FIFTY_MB);
    expect(r.body.length).toBe(64 * 1024);
  });

  it('decodes invalid UTF-8 with replacement characters', async () => {
    const r = expectOk(await client.execute({ method: 'GET', url: `${base}/latin1`, headers: {} }));
    expect(r.body).toBe('caf\uFFFD!');
  });

  it('does not cut a multi-byte character in half at the cap', async () => {
    const small = createHttpClient({ timeoutMs: 2000, maxBodyBytes: 5 });
    try {
      const r = expectOk(await small.execute({ method: 'GET', url: `${base}/utf8-cut`, headers: {} }));
      expect(r.body).toBe('aéa'); // 4 bytes; the 5th would be half an "é"
      expect(r.bodyBytes).toBe(30);
      expect(r.truncated).toBe(true);
    } finally {
      await small.close();
    }
  });

  it('shows binary bodies as a placeholder', async () => {
    const png = expectOk(await client.execute({ method: 'GET', url: `${base}/png`, headers: {} }));
    expect(png.body).toBe('<binary, 8 bytes>');
    const nul = expectOk(await client.execute({ method: 'GET', url: `${base}/nul`, headers: {} }));
    expect(nul.body).toBe('<binary, 3 bytes>');
  });

  it('times out on a server that never answers', async () => {
    const quick = createHttpClient({ timeoutMs: 150 });
    try {
      const r = expectFail(await quick.execute({ method: 'GET', url: `${base}/hang`, headers: {} }));
      expect(r.kind).toBe('timeout');
      expect(r.message).toContain('timed out after 150 ms');
      expect(r.message).toContain('/hang');
    } finally {
      await quick.close();
    }
  });

  it('the timeout covers the body too', async () => {
    const quick = createHttpClient({ timeoutMs: 150 });
    try {
      const r = expectFail(await quick.execute({ method: 'GET', url: `${base}/slow-body`, headers: {} }));
      expect(r.kind).toBe('timeout');
      expect(r.message).toContain('body did not finish');
    } finally {
      await quick.close();
    }
  });

  it('reports a reset connection with the host and code', async () => {
    const r = expectFail(await client.execute({ method: 'GET', url: `${base}/reset`, headers: {} }));
    expect(r.kind).toBe('network');
    expect(r.message).toBe(`connection reset by ${new URL(base).host} (ECONNRESET)`);
  });

  it('reports a connection the server closed without answering', async () => {
    const r = expectFail(await client.execute({ method: 'GET', url: `${base}/destroy`, headers: {} }));
    expect(r.kind).toBe('network');
    expect(r.message).toContain(`connection closed by ${new URL(base).host}`);
  });

  it('reports a refused connection', async () => {
    const closed = net.createServer();
    const port = await listen(closed);
    await new Promise((r) => closed.close(r));
    const r = expectFail(await client.execute({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {} }));
    expect(r.kind).toBe('network');
    expect(r.message).toBe(`connection refused by 127.0.0.1:${port} (ECONNREFUSED)`);
  });

  it('reports a TLS failure (https to a plain HTTP server)', async () => {
    const r = expectFail(await client.execute({ method: 'GET', url: base.replace('http:', 'https:') + '/echo', headers: {} }));
    expect(r.kind).toBe('tls');
    expect(r.message).toContain('TLS handshake with 127.0.0.1');
  });

  it('reports a malformed HTTP answer as a protocol error', async () => {
    const r = expectFail(await client.execute({ method: 'GET', url: garbageUrl, headers: {} }));
    expect(r.kind).toBe('protocol');
    expect(r.message).toContain('malformed HTTP response');
  });

  it('refuses a header value with CR/LF without sending', async () => {
    const before = received.length;
    const r = expectFail(await client.execute({ method: 'GET', url: `${base}/echo`, headers: { 'x-evil': 'a\r\nb: c' } }));
    expect(r.kind).toBe('protocol');
    expect(received.length).toBe(before);
  });

  it('reports an invalid or non-HTTP URL', async () => {
    expect(expectFail(await client.execute({ method: 'GET', url: 'not a url', headers: {} })).message).toContain('invalid URL');
    expect(expectFail(await client.execute({ method: 'GET', url: 'ftp://x/y', headers: {} })).message).toContain('unsupported URL scheme');
  });

  it('aborts an in-flight request when the signal fires', async () => {
    const ac = new AbortController();
    const pending = client.execute({ method: 'GET', url: `${base}/hang`, headers: {} }, ac.signal);
    setTimeout(() => ac.abort(), 50);
    const r = expectFail(await pending);
    expect(r.kind).toBe('abort');
  });

  it('does not send when the signal is already aborted', async () => {
    const before = received.length;
    const ac = new AbortController();
    ac.abort();
    const r = expectFail(await client.execute({ method: 'GET', url: `${base}/echo`, headers: {} }, ac.signal));
    expect(r.kind).toBe('abort');
    expect(received.length).toBe(before);
  });

  it('reuses connections (keep-alive), at most `connections` per origin', async () => {
    const sockets = new Set<unknown>();
    const s = http.createServer((req, res) => {
      sockets.add(req.socket);
      res.end('ok');
    });
    const port = await listen(s);
    const c = createHttpClient({ timeoutMs: 2000, connections: 2 });
    try {
      for (let i = 0; i < 10; i++) expectOk(await c.execute({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {} }));
      const wave = Array.from({ length: 20 }, () => c.execute({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {} }));
      for (const r of await Promise.all(wave)) expectOk(r);
      expect(sockets.size).toBeLessThanOrEqual(2);
    } finally {
      await c.close();
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });
});
