// A real forward proxy on loopback for the network tests: CONNECT tunnels (https targets) and
// absolute-form forwarding (http targets), counting both, optionally demanding Basic credentials.
// It alone resolves `*.outbound.test` (to 127.0.0.1): a request to such a name that arrives went
// through it, since the test process cannot resolve the name itself.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface TestProxy {
  url: string;
  /** `host:port` of every CONNECT the proxy accepted (one per tunnelled connection). */
  tunnels: string[];
  /** Absolute-form request targets it forwarded (`http://host:port/path`). */
  forwarded: string[];
  /** Proxy-Authorization values it saw (decoded `user:password`). */
  credentials: string[];
  close(): Promise<void>;
}

/** Where the proxy connects for `host`: `*.outbound.test` is loopback, only here. */
const resolveHost = (host: string): string => (host.endsWith('.outbound.test') ? '127.0.0.1' : host);

export async function startProxy(opts: { auth?: string } = {}): Promise<TestProxy> {
  const tunnels: string[] = [];
  const forwarded: string[] = [];
  const credentials: string[] = [];
  const sockets = new Set<Socket>();
  const allowed = (req: IncomingMessage): boolean => {
    const header = req.headers['proxy-authorization'];
    const decoded = typeof header === 'string' && header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString() : '';
    if (decoded) credentials.push(decoded);
    return opts.auth === undefined || decoded === opts.auth;
  };
  const server: Server = createServer((req, res) => {
    if (!allowed(req)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    forwarded.push(req.url ?? '');
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const out = httpRequest({ host: resolveHost(target.hostname), port: target.port, path: target.pathname + target.search, method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    if (!allowed(req)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    tunnels.push(req.url ?? '');
    const upstream = connect(Number(port), resolveHost(host!), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    forwarded,
    credentials,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
