// A loopback server that records every request byte for byte, for asserting what an
// endpoint really received. The answer is up to the test.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Captured {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** ms, performance.timeOrigin-based, when the request line arrived. */
  at: number;
}

export type Answer = { status?: number; headers?: Record<string, string>; body?: unknown; delayMs?: number };

export interface CaptureServer {
  url: string;
  requests: Captured[];
  close(): Promise<void>;
}

export async function startCaptureServer(answer: (req: Captured, index: number) => Answer = () => ({})): Promise<CaptureServer> {
  const requests: Captured[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const at = performance.timeOrigin + performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const captured: Captured = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at };
      const index = requests.push(captured) - 1;
      const a = answer(captured, index);
      const send = () => {
        const body = a.body === undefined ? '{"ok":true}' : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
        res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...a.headers });
        res.end(body);
      };
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
