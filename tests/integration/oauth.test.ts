// OAuth2 client credentials against a real loopback token server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OAuthConfig } from '../../src/shared/config.js';
import { createHttpClient, type HttpClient } from '../../src/main/engine/http.js';
import {
  bearerHooks,
  createTokenProvider,
  fetchTokenOnce,
  formatTokenExchange,
  TokenError,
} from '../../src/main/engine/oauth.js';
import { MASK } from '../../src/main/engine/redact.js';
import { sendWithRetry } from '../../src/main/engine/retry.js';

interface Seen {
  authorization?: string;
  contentType?: string;
  form: Record<string, string>;
}
type Reply = { status: number; body: string; contentType?: string; delayMs?: number } | 'hang';

let seen: Seen[] = [];
let reply: (n: number) => Reply;
let server: http.Server;
let base: string;
let client: HttpClient;

const SECRET = 'p@ss:w0rd+/ secret';

function jwt(claims: object): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.sig`;
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        form: Object.fromEntries(new URLSearchParams(body)),
      });
      const r = reply(seen.length);
      if (r === 'hang') return;
      setTimeout(() => {
        res.writeHead(r.status, { 'content-type': r.contentType ?? 'application/json' });
        res.end(r.body);
      }, r.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = createHttpClient({ timeoutMs: 2000 });
});

afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  seen = [];
  reply = (n) => ({ status: 200, body: JSON.stringify({ access_token: `token-number-${n}`, token_type: 'Bearer', expires_in: 3600 }) });
});

const cfg = (over: Partial<OAuthConfig> = {}): OAuthConfig => ({
  tokenUrl: `${base}/oauth/token`,
  clientId: 'my client',
  clientSecret: SECRET,
  clientAuth: 'basic',
  ...over,
});

describe('token request', () => {
  it('basic client auth: form-encoded id and secret, base64-encoded, in Authorization (RFC 6749 §2.3.1)', async () => {
    await createTokenProvider(cfg({ scope: 'audiences:write', audience: 'https://api.example.com' }), client).getToken();
    const s = seen[0]!;
    expect(s.contentType).toBe('application/x-www-form-urlencoded');
    expect(s.authorization).toBe(`Basic ${Buffer.from('my+client:p%40ss%3Aw0rd%2B%2F+secret').toString('base64')}`);
    expect(s.form).toEqual({ grant_type: 'client_credentials', scope: 'audiences:write', audience: 'https://api.example.com' });
  });

  it('body client auth: client_id and client_secret as form fields, no Authorization', async () => {
    await createTokenProvider(cfg({ clientAuth: 'body' }), client).getToken();
    const s = seen[0]!;
    expect(s.authorization).toBeUndefined();
    expect(s.form).toEqual({ grant_type: 'client_credentials', client_id: 'my client', client_secret: SECRET });
  });
});

describe('createTokenProvider', () => {
  it('caches the token: two calls, one fetch', async () => {
    const p = createTokenProvider(cfg(), client);
    expect(await p.getToken()).toBe('token-number-1');
    expect(await p.getToken()).toBe('token-number-1');
    expect(seen).toHaveLength(1);
  });

  it('20 concurrent callers share one fetch', async () => {
    reply = (n) => ({ status: 200, body: JSON.stringify({ access_token: `token-number-${n}`, expires_in: 3600 }), delayMs: 50 });
    const p = createTokenProvider(cfg(), client);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => p.getToken()));
    expect(new Set(tokens)).toEqual(new Set(['token-number-1']));
    expect(seen).toHaveLength(1);
  });

  it('refetches skewMs before expiry (injected clock)', async () => {
    let now = 1_000_000;
    const p = createTokenProvider(cfg(), client, { now: () => now, skewMs: 60_000 });
    expect(await p.getToken()).toBe('token-number-1');
    now += 3_540_000 - 1; // 1 ms before expires_in - skew
    expect(await p.getToken()).toBe('token-number-1');
    now += 1;
    expect(await p.getToken()).toBe('token-number-2');
    expect(seen).toHaveLength(2);
  });

  it('a token shorter-lived than the skew is still reused for half its life', async () => {
    reply = (n) => ({ status: 200, body: JSON.stringify({ access_token: `token-number-${n}`, expires_in: 30 }) });
    let now = 0;
    const p = createTokenProvider(cfg(), client, { now: () => now });
    await p.getToken();
    now = 14_000;
    expect(await p.getToken()).toBe('token-number-1');
    now = 15_000;
    expect(await p.getToken()).toBe('token-number-2');
  });

  it('without expires_in, keeps the token until it is invalidated', async () => {
    reply = (n) => ({ status: 200, body: JSON.stringify({ access_token: `token-number-${n}` }) });
    let now = 0;
    const p = createTokenProvider(cfg(), client, { now: () => now });
    await p.getToken();
    now = 365 * 24 * 3_600_000;
    expect(await p.getToken()).toBe('token-number-1');
    p.invalidate('token-number-1');
    expect(await p.getToken()).toBe('token-number-2');
  });

  it('50 concurrent 401s for the same token cause exactly one refetch', async () => {
    reply = (n) => ({ status: 200, body: JSON.stringify({ access_token: `token-number-${n}`, expires_in: 3600 }), delayMs: 30 });
    const p = createTokenProvider(cfg(), client);
    const first = await p.getToken();
    const after = await Promise.all(
      Array.from({ length: 50 }, async () => {
        p.invalidate(first);
        return p.getToken();
      }),
    );
    expect(new Set(after)).toEqual(new Set(['token-number-2']));
    p.invalidate(first); // a late 401 for the old token changes nothing
    expect(await p.getToken()).toBe('token-number-2');
    expect(seen).toHaveLength(2);
  });

  it('end to end: concurrent requests hitting 401 share one refetch and then succeed', async () => {
    const p = createTokenProvider(cfg(), client);
    await p.getToken(); // token-number-1, which the API has just revoked
    const api = http.createServer((req, res) => {
      req.resume();
      res.statusCode = req.headers.authorization === 'Bearer token-number-2' ? 200 : 401;
      res.end();
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}/members`;
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () =>
          sendWithRetry(client, { method: 'POST', url, headers: {}, body: '{}' }, { maxAttempts: 1, retryOnErrors: true, ...bearerHooks(p) }),
        ),
      );
      expect(outcomes.map((o) => o.result.ok && o.result.status)).toEqual(Array(10).fill(200));
      expect(seen).toHaveLength(2);
    } finally {
      api.closeAllConnections();
      await new Promise((r) => api.close(r));
    }
  });

  it('reports each exchange and keeps the last one', async () => {
    const exchanges: unknown[] = [];
    const p = createTokenProvider(cfg(), client, { onExchange: (ex) => exchanges.push(ex) });
    await p.getToken();
    expect(exchanges).toHaveLength(1);
    expect(p.lastExchange?.token.accessTokenMasked).toBe(`toke…${MASK}`);
  });

  it('a failed fetch is not cached: the next call tries again', async () => {
    reply = (n) => (n === 1 ? { status: 503, body: 'busy' } : { status: 200, body: '{"access_token":"recovered-token"}' });
    const p = createTokenProvider(cfg(), client);
    await expect(p.getToken()).rejects.toBeInstanceOf(TokenError);
    expect(await p.getToken()).toBe('recovered-token');
  });
});

describe('TokenError', () => {
  const fails = async (c: OAuthConfig, httpClient = client): Promise<TokenError> => {
    try {
      await createTokenProvider(c, httpClient).getToken();
    } catch (err) {
      expect(err).toBeInstanceOf(TokenError);
      return err as TokenError;
    }
    throw new Error('expected a TokenError');
  };

  it('http: names the URL, the status and the body', async () => {
    reply = () => ({ status: 401, body: '{"error":"invalid_client"}' });
    const err = await fails(cfg());
    expect(err.kind).toBe('http');
    expect(err.status).toBe(401);
    // This id and secret have characters Basic form-encodes (space, `@`, `:`, `+`, `/`): the message says so.
    expect(err.message).toBe(
      `token endpoint ${base}/oauth/token answered 401: {"error":"invalid_client"} (the client id and client secret hold characters that HTTP Basic form-encodes first, as RFC 6749 §2.3.1 asks; many servers compare credentials as written: try clientAuth "basic-raw")`,
    );
  });

  it('http: a secret echoed back is redacted and a long body is truncated', async () => {
    reply = () => ({ status: 400, body: `bad secret ${SECRET} ${'x'.repeat(5000)}` });
    const err = await fails(cfg());
    expect(err.message).not.toContain(SECRET);
    expect(err.message).toContain(MASK);
    expect(err.message.length).toBeLessThan(700);
  });

  it('not-json', async () => {
    reply = () => ({ status: 200, body: '<html>login</html>', contentType: 'text/html' });
    const err = await fails(cfg());
    expect(err.kind).toBe('not-json');
    expect(err.message).toContain('not JSON');
    expect(err.message).toContain('<html>login</html>');
  });

  it('no-access-token', async () => {
    reply = () => ({ status: 200, body: '{"token_type":"Bearer"}' });
    const err = await fails(cfg());
    expect(err.kind).toBe('no-access-token');
    expect(err.message).toContain('without an access_token');
  });

  it('unreachable', async () => {
    const err = await fails(cfg({ tokenUrl: 'http://127.0.0.1:1/oauth/token' }));
    expect(err.kind).toBe('unreachable');
    expect(err.message).toContain('token endpoint http://127.0.0.1:1/oauth/token is unreachable');
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('timeout', async () => {
    reply = () => 'hang';
    const quick = createHttpClient({ timeoutMs: 150 });
    try {
      const err = await fails(cfg(), quick);
      expect(err.kind).toBe('timeout');
      expect(err.message).toContain(`token endpoint ${base}/oauth/token did not answer in time`);
    } finally {
      await quick.close();
    }
  });
});

describe('fetchTokenOnce', () => {
  it('returns the exchange with secrets and tokens masked, and the JWT claims', async () => {
    const token = jwt({ sub: 'client-42', scope: 'audiences', exp: 2_000_000_000 });
    reply = () => ({
      status: 200,
      body: JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600, scope: 'audiences', refresh_token: 'refresh-me-please' }),
    });
    const ex = await fetchTokenOnce(cfg({ clientAuth: 'body', scope: 'audiences' }), client, { now: () => 1_700_000_000_000 });
    expect(ex.request.method).toBe('POST');
    expect(ex.request.url).toBe(`${base}/oauth/token`);
    expect(ex.request.body).toBe(`grant_type=client_credentials&scope=audiences&client_id=my+client&client_secret=${MASK}`);
    expect(ex.response.status).toBe(200);
    expect(ex.response.body).not.toContain(token);
    expect(ex.response.body).not.toContain('refresh-me-please');
    expect(ex.token).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 3600,
      scope: 'audiences',
      obtainedAt: 1_700_000_000_000,
      expiresAt: 1_700_003_600_000,
      accessTokenMasked: `${token.slice(0, 4)}…${MASK}`,
      jwtClaims: { sub: 'client-42', scope: 'audiences', exp: 2_000_000_000 },
    });
    expect(ex.timings.total).toBeGreaterThan(0);

    const text = formatTokenExchange(ex);
    expect(text).toContain(`> POST ${base}/oauth/token`);
    expect(text).toContain('< 200');
    expect(text).toContain('"sub": "client-42"');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(token);
  });

  it('masks the Basic credentials in the shown request', async () => {
    const ex = await fetchTokenOnce(cfg(), client);
    expect(ex.request.headers.authorization).toBe(`Basic ${MASK}`);
    expect(JSON.stringify(ex)).not.toContain(Buffer.from('my+client:p%40ss%3Aw0rd%2B%2F+secret').toString('base64'));
    expect(ex.token.jwtClaims).toBeUndefined();
  });
});
