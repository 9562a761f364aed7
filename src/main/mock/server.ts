// The mock endpoint: a loopback node:http server with the built-in routes (routes.ts),
// a request journal (journal.ts), fault injection (faults.ts) and admin routes (admin.ts).
// Hot path: no URL object, one journal object per request, bodies kept as strings.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { handleAdmin } from './admin.js';
import { AudienceStore } from './audiences.js';
import { INVALID_TOKEN, isAuthorized, type AuthSettings } from './auth.js';
import { ScenarioRuntime } from './faults.js';
import { Journal } from './journal.js';
import { errorResponse, type MockResponse } from './respond.js';
import { matchRoute, type RouteContext } from './routes.js';
import { parseScenario, type Scenario } from './scenario.js';
import { TokenStore } from './tokens.js';

export interface MockOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  scenario?: Scenario;
  /** Journal capacity; the oldest entries are dropped beyond it. */
  journalLimit?: number;
  tokenTtlSeconds?: number;
  clientId?: string;
  clientSecret?: string;
  /** Whether /api routes need a bearer token (or the API key). Default true. */
  requireAuth?: boolean;
  /** Value of X-API-Key accepted instead of a token. Default 'demo-key'. */
  apiKey?: string;
  /** Audience names to create at start (ids aud_1, aud_2... in this order). */
  audiences?: string[];
  /** Largest request body accepted, in UTF-16 code units. Default 32 MiB. */
  maxBodyChars?: number;
}

export interface MockStats {
  requests: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  injected: number;
  resets: number;
  hangs: number;
  tokensIssued: number;
  activeTokens: number;
  openConnections: number;
  audiences: number;
  journalSize: number;
  scenario: string | null;
  uptimeMs: number;
}

export interface MockServer {
  url: string;
  port: number;
  journal: Journal;
  audiences: AudienceStore;
  /** The active scenario, undefined when answering normally. */
  readonly scenario: Scenario | undefined;
  /** Validates and activates a scenario (sequences and PRNG start over); undefined turns it off. */
  setScenario(s: Scenario | undefined): void;
  stats(): MockStats;
  /** Stops listening and destroys every socket (keep-alive, delayed, hung). */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 32 * 1024 * 1024;
const PAYLOAD_TOO_LARGE = errorResponse(413, 'payload_too_large');
const NOT_FOUND = errorResponse(404, 'not_found');

export async function startMock(options: MockOptions = {}): Promise<MockServer> {
  const host = options.host ?? '127.0.0.1';
  const journal = new Journal(options.journalLimit ?? 100_000);
  const audiences = new AudienceStore();
  for (const name of options.audiences ?? []) audiences.create(name);
  const tokens = new TokenStore();
  const maxBody = options.maxBodyChars ?? DEFAULT_MAX_BODY;
  const baseTtl = options.tokenTtlSeconds ?? 3600;
  if (!(baseTtl > 0)) throw new RangeError(`tokenTtlSeconds must be above 0, got ${baseTtl}`);

  let scenario: Scenario | undefined;
  let runtime: ScenarioRuntime | undefined;
  let protectedCount = 0;
  const setScenario = (s: Scenario | undefined): void => {
    scenario = s === undefined ? undefined : parseScenario(s);
    runtime = scenario ? new ScenarioRuntime(scenario) : undefined;
    protectedCount = 0;
  };
  setScenario(options.scenario);

  const auth: AuthSettings = {
    clientId: options.clientId ?? 'outbound-demo',
    clientSecret: options.clientSecret ?? 'demo-secret',
    requireAuth: options.requireAuth ?? true,
    apiKey: options.apiKey ?? 'demo-key',
    tokens,
    tokenTtlSeconds: () => scenario?.tokenTtlSeconds ?? baseTtl,
  };
  const ctx: RouteContext = { audiences, auth };

  const counters = { requests: 0, injected: 0, resets: 0, hangs: 0 };
  const byRoute: Record<string, number> = Object.create(null) as Record<string, number>;
  const byStatus: Record<string, number> = Object.create(null) as Record<string, number>;
  const startedAt = Date.now();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let closed = false;

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const send = (res: ServerResponse, r: MockResponse): void => {
    if (res.destroyed) return;
    res.writeHead(r.status, r.headers);
    res.end(r.body);
  };

  const record = (
    req: IncomingMessage,
    time: number,
    body: string,
    route: string | null,
    status: number | null,
    injected: boolean,
    fault?: 'reset' | 'hang',
  ): void => {
    counters.requests++;
    const rk = route ?? 'unknown';
    byRoute[rk] = (byRoute[rk] ?? 0) + 1;
    const sk = status === null ? (fault ?? 'none') : String(status);
    byStatus[sk] = (byStatus[sk] ?? 0) + 1;
    if (injected) counters.injected++;
    const entry = { time, method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, status, route, injected };
    journal.append(fault ? { ...entry, fault } : entry);
  };

  const dispatch = (req: IncomingMessage, res: ServerResponse, time: number, body: string): void => {
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    const pathname = qi < 0 ? url : url.slice(0, qi);
    const query = qi < 0 ? '' : url.slice(qi + 1);
    const method = req.method ?? 'GET';

    if (pathname === '/_mock' || pathname.startsWith('/_mock/')) {
      send(res, handleAdmin(method, pathname, query, body, admin));
      return;
    }

    const m = matchRoute(method, pathname);
    if (m === null) {
      record(req, time, body, null, 404, false);
      send(res, NOT_FOUND);
      return;
    }
    if ('allow' in m) {
      record(req, time, body, null, 405, false);
      send(res, { status: 405, headers: { 'content-type': 'application/json', allow: m.allow }, body: '{"error":"method_not_allowed"}' });
      return;
    }

    const decision = runtime?.decide(m.key) ?? null;
    const a = decision?.answer;
    const delay = decision?.delayMs ?? 0;
    if (a && a.kind === 'hang') {
      counters.hangs++;
      record(req, time, body, m.key, null, true, 'hang');
      return; // the socket stays open until the client gives up or close() destroys it
    }
    if (a && a.kind === 'reset') {
      counters.resets++;
      record(req, time, body, m.key, null, true, 'reset');
      const reset = (): void => {
        // RST rather than FIN, so the client sees ECONNRESET as with a real dropped connection.
        req.socket.resetAndDestroy();
      };
      if (delay > 0) later(delay, reset);
      else reset();
      return;
    }

    let r: MockResponse;
    let injected = false;
    if (a && a.kind === 'answer') {
      r = a;
      injected = true;
    } else if (m.protected && scenario?.revokeTokensEvery && ++protectedCount % scenario.revokeTokensEvery === 0) {
      tokens.revokeAll();
      r = INVALID_TOKEN;
      injected = true;
    } else if (m.protected && !isAuthorized(req.headers, auth)) {
      r = INVALID_TOKEN;
    } else {
      r = m.handler({ method, query, headers: req.headers, body }, m.params, ctx);
    }
    record(req, time, body, m.key, r.status, injected);
    if (delay > 0) later(delay, () => send(res, r));
    else send(res, r);
  };

  const server = createServer({ keepAlive: true }, (req, res) => {
    const time = performance.timeOrigin + performance.now();
    let body = '';
    let tooLarge = false;
    req.setEncoding('utf8');
    req.on('error', () => {
      /* client went away mid-body: nothing to answer */
    });
    req.on('data', (chunk: string) => {
      if (tooLarge) return;
      body += chunk;
      if (body.length > maxBody) {
        tooLarge = true;
        body = '';
        res.setHeader('connection', 'close');
        send(res, PAYLOAD_TOO_LARGE);
      }
    });
    req.on('end', () => {
      if (!tooLarge && !closed) dispatch(req, res, time, body);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const stats = (): MockStats => ({
    requests: counters.requests,
    byRoute: { ...byRoute },
    byStatus: { ...byStatus },
    injected: counters.injected,
    resets: counters.resets,
    hangs: counters.hangs,
    tokensIssued: tokens.issued,
    activeTokens: tokens.active,
    openConnections: sockets.size,
    audiences: audiences.list().length,
    journalSize: journal.size,
    scenario: scenario ? (scenario.name ?? 'custom') : null,
    uptimeMs: Date.now() - startedAt,
  });

  const admin = { journal, audiences, startedAt, stats, getScenario: () => scenario, setScenario };

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('mock server: no TCP address after listen');
  const port = address.port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.close(() => resolve());
      // Keep-alive, delayed and hung sockets would otherwise hold close() open.
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
    });
    return closing;
  };

  return {
    url: `http://${urlHost}:${port}`,
    port,
    journal,
    audiences,
    get scenario() {
      return scenario;
    },
    setScenario,
    stats,
    close,
  };
}
