// Retries, Retry-After, pacing and tokens, measured where it counts: at the server.
import { afterEach, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/main/mock/index.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { config, run } from '../helpers/run.js';
import type { ExportConfigInput } from '../../src/shared/config.js';

let mock: MockServer | undefined;
let server: CaptureServer | undefined;
afterEach(async () => {
  await mock?.close();
  await server?.close();
  mock = undefined;
  server = undefined;
});

const people = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `u${i + 1}`, email: `u${i + 1}@example.com` }));

function mockDestination(url: string, over: Partial<ExportConfigInput['destination']> = {}): ExportConfigInput {
  return {
    version: 1,
    destination: {
      name: 'mock',
      oauth: { tokenUrl: `${url}/oauth/token`, clientId: 'outbound-demo', clientSecret: 'demo-secret' },
      getAudience: { enabled: true, url: `${url}/api/audiences?name={{audience_name}}`, filterPath: "tables[?name=='{{audience_name}}']" },
      createAudience: { enabled: true, url: `${url}/api/audiences`, bodyTemplate: '{"name": "{{audience_name}}"}' },
      add: { url: `${url}/api/audiences/{{remote_audience.id}}/members`, batchMode: 'batched', batchSize: 10, successPath: 'records' },
      ...over,
    },
    audience: { name: 'Faulty' },
  };
}

describe('retries', () => {
  it('429 with Retry-After is honoured, then 503s, then success delivers every record', async () => {
    mock = await startMock({
      scenario: {
        add: {
          sequence: [{ status: 429, headers: { 'Retry-After': '1' } }, { status: 503 }, { status: 503 }],
          then: 'passthrough',
        },
      },
    });
    const summary = await run(config(mockDestination(mock.url, { concurrency: 1 })), people(10));
    expect(summary.status).toBe('succeeded');
    expect(summary.records.succeeded).toBe(10);
    const adds = mock.journal.entries().filter((e) => e.route === 'add');
    expect(adds.map((e) => e.status)).toEqual([429, 503, 503, 200]);
    // Retry-After: 1 ⇒ the second attempt came at least a second after the first.
    expect(adds[1]!.time - adds[0]!.time).toBeGreaterThanOrEqual(950);
    expect(summary.requests.retried).toBe(3);
  });

  it('gives up after maxAttempts and fails the records with the last answer as the reason', async () => {
    mock = await startMock({ scenario: { add: { sequence: [{ status: 503, body: { error: 'down for maintenance' } }], then: 'repeat' } } });
    const summary = await run(config(mockDestination(mock.url, { maxAttempts: 3, concurrency: 1 })), people(4));
    expect(summary.status).toBe('failed');
    expect(summary.records.failed).toBe(4);
    expect(mock.journal.entries().filter((e) => e.route === 'add')).toHaveLength(3);
  });

  it('does not retry a 400, and not at all with retryOnErrors off', async () => {
    mock = await startMock({ scenario: { add: { sequence: [{ status: 400 }, { status: 503 }], then: 'passthrough' } } });
    const a = await run(config(mockDestination(mock.url, { concurrency: 1, add: { url: `${mock.url}/api/audiences/{{remote_audience.id}}/members`, batchMode: 'batched', batchSize: 5 } })), people(10));
    // The first batch met the 400 and failed at once; the second met a 503, retried, succeeded.
    expect(a.records).toMatchObject({ succeeded: 5, failed: 5 });
    expect(mock.journal.entries().filter((e) => e.route === 'add').map((e) => e.status)).toEqual([400, 503, 200]);
    mock.setScenario({ add: { sequence: [{ status: 503 }], then: 'passthrough' } });
    mock.journal.clear();
    const b = await run(config(mockDestination(mock.url, { retryOnErrors: false, concurrency: 1 })), people(10));
    expect(b.records.failed).toBe(10);
    expect(mock.journal.entries().filter((e) => e.route === 'add')).toHaveLength(1);
  });

  it('retries connection resets and timeouts', async () => {
    mock = await startMock({ scenario: { add: { sequence: [{ reset: true }, { hang: true }], then: 'passthrough' } } });
    const summary = await run(config(mockDestination(mock.url, { timeoutMs: 300, concurrency: 1 })), people(10));
    expect(summary.status).toBe('succeeded');
    expect(summary.requests.retried).toBe(2);
  });
});

describe('idempotency keys', () => {
  it('are off by default; when on, one key per request, the same on every retry', async () => {
    mock = await startMock({ scenario: { add: { sequence: [{ status: 503 }, { status: 429, headers: { 'Retry-After': '0' } }], then: 'passthrough' } } });
    await run(config(mockDestination(mock.url, { concurrency: 1 })), people(10));
    expect(mock.journal.entries().some((e) => 'idempotency-key' in e.headers)).toBe(false);

    mock.setScenario({ add: { sequence: [{ status: 503 }, { status: 429, headers: { 'Retry-After': '0' } }], then: 'passthrough' } });
    mock.journal.clear();
    await run(config(mockDestination(mock.url, { concurrency: 1, idempotencyKey: 'X-Request-Key' })), people(20));
    const adds = mock.journal.entries().filter((e) => e.route === 'add');
    expect(adds.map((e) => e.status)).toEqual([503, 429, 200, 200]);
    const keys = adds.map((e) => e.headers['x-request-key']);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).toBe(keys[0]);
    expect(keys[3]).not.toBe(keys[0]);
  });
});

describe('pacing', () => {
  it('requestsPerHour spaces request starts evenly across steps, measured at the server', async () => {
    server = await startCaptureServer();
    const cfg = config({
      version: 1,
      destination: { name: 'paced', requestsPerHour: 36_000, concurrency: 8, add: { url: `${server.url}/m/{{user.id}}` } },
      audience: { name: 'A' },
    });
    await run(cfg, people(8));
    const times = server.requests.map((r) => r.at).sort((a, b) => a - b);
    expect(times).toHaveLength(8);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // 36,000/h ⇒ one start every 100 ms; no burst even though 8 slots were free. A burst
    // shows as gaps near 0; arrival jitter on a loaded machine moves a gap by tens of ms.
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(50);
    expect(times[7]! - times[0]!).toBeGreaterThanOrEqual(680);
  });
});

describe('OAuth tokens', () => {
  it('one token is fetched, shared by concurrent requests and reused', async () => {
    mock = await startMock();
    const summary = await run(config(mockDestination(mock.url, { concurrency: 8 })), people(200));
    expect(summary.status).toBe('succeeded');
    const tokenCalls = mock.journal.entries().filter((e) => e.route === 'token');
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]!.headers['authorization']).toMatch(/^Basic /);
    const adds = mock.journal.entries().filter((e) => e.route === 'add');
    expect(adds).toHaveLength(20);
    expect(new Set(adds.map((e) => e.headers['authorization'])).size).toBe(1);
  });

  it('a 401 refetches the token once and the request goes through', async () => {
    mock = await startMock({ scenario: { revokeTokensEvery: 5 } });
    const summary = await run(config(mockDestination(mock.url, { concurrency: 2 })), people(100));
    expect(summary.status).toBe('succeeded');
    expect(summary.records.succeeded).toBe(100);
    const entries = mock.journal.entries();
    const revoked = entries.filter((e) => e.status === 401).length;
    expect(revoked).toBeGreaterThan(0);
    expect(entries.filter((e) => e.route === 'token').length).toBeLessThanOrEqual(revoked + 1);
  });

  it('client auth in the body sends client_id and client_secret as form fields', async () => {
    mock = await startMock();
    const cfg = mockDestination(mock.url);
    cfg.destination.oauth = { ...cfg.destination.oauth!, clientAuth: 'body', scope: 'audiences:write' };
    await run(config(cfg), people(3));
    const token = mock.journal.entries().find((e) => e.route === 'token')!;
    const form = new URLSearchParams(token.body);
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('client_id')).toBe('outbound-demo');
    expect(form.get('client_secret')).toBe('demo-secret');
    expect(form.get('scope')).toBe('audiences:write');
    expect(token.headers['authorization']).toBeUndefined();
  });

  it('a token endpoint that answers 503 twice is retried like any request', async () => {
    mock = await startMock({ scenario: { token: { sequence: [{ status: 503 }, { reset: true }], then: 'passthrough' } } });
    const summary = await run(config(mockDestination(mock.url)), people(3));
    expect(summary.status).toBe('succeeded');
    expect(mock.journal.entries().filter((e) => e.route === 'token').map((e) => e.status)).toEqual([503, null, 200]);
  });

  it('a token endpoint that refuses aborts the run before any member is sent', async () => {
    mock = await startMock({ clientSecret: 'another-secret' });
    const summary = await run(config(mockDestination(mock.url)), people(3));
    expect(summary.status).toBe('aborted');
    expect(summary.error).toMatch(/401/);
    expect(summary.error).not.toContain('demo-secret');
    expect(mock.journal.entries().filter((e) => e.route === 'add')).toHaveLength(0);
  });
});
