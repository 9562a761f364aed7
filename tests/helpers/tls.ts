// Loopback origins for the network tests: an https server with the test CA's certificate
// (tests/fixtures/tls), optionally requiring a client certificate, and a plain http one.
// Each records what reached it.
import { readFileSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

export const TLS_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'tls');
export const fixture = (name: string): string => readFileSync(join(TLS_FIXTURES, name), 'utf8');

export interface TestOrigin {
  url: string;
  port: number;
  /** `METHOD /path` of every request, with the client certificate's CN when one was shown. */
  seen: { line: string; clientCn?: string }[];
  close(): Promise<void>;
}

type Answer = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const defaultAnswer: Answer = (req, res) => {
  res.setHeader('content-type', 'application/json');
  if (req.url?.startsWith('/token')) return void res.end('{"access_token":"tok-123","token_type":"Bearer","expires_in":3600}');
  if (req.url?.startsWith('/lists')) return void res.end('[{"name":"Net","id":"aud-1"}]');
  res.end('{"ok":true}');
};

export async function startOrigin(opts: { tls?: boolean; requireClientCert?: boolean; answer?: Answer } = {}): Promise<TestOrigin> {
  const seen: TestOrigin['seen'] = [];
  const sockets = new Set<Socket>();
  const answer = opts.answer ?? defaultAnswer;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const cn = opts.tls ? String((req.socket as TLSSocket).getPeerCertificate()?.subject?.CN ?? '') : '';
      seen.push({ line: `${req.method} ${req.url}`, ...(cn ? { clientCn: cn } : {}) });
      answer(req, res, body);
    });
  };
  const server = opts.tls
    ? createHttps({ key: fixture('server.key'), cert: fixture('server.pem'), ca: fixture('ca.pem'), requestCert: !!opts.requireClientCert, rejectUnauthorized: !!opts.requireClientCert }, handler)
    : createHttp(handler);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => {}); // a refused client certificate is the test's point
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
