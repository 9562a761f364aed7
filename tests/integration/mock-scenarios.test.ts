// Fault-injection scenarios of the mock endpoint: sequences, seeded failure rates, resets,
// hangs, token revocation, scenario file validation and the `mock` command.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  builtInScenarios,
  loadScenarioFile,
  scenarioSchema,
  startMock,
  type MockServer,
  type Scenario,
} from '../../src/main/mock/index.js';
import { runMockCommand } from '../../src/cli/commands/mock.js';
import { call, getToken } from './mock-helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outbound-mock-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('mock scenarios', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMock({ requireAuth: false, audiences: ['A'] });
  });
  afterEach(() => {
    mock.setScenario(undefined);
    mock.journal.clear();
  });
  afterAll(() => mock.close());

  const add = (timeoutMs?: number) =>
    call('POST', `${mock.url}/api/audiences/aud_1/members`, { body: { users: [{ id: 'u1' }] }, ...(timeoutMs ? { timeoutMs } : {}) });

  it('plays a sequence in order (429 with Retry-After, then normal answers) and journals the injected status', async () => {
    mock.setScenario({
      add: { sequence: [{ status: 429, headers: { 'Retry-After': '2' }, body: { error: 'slow down' } }, { status: 503 }] },
    });
    const first = await add();
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('2');
    expect(first.json).toEqual({ error: 'slow down' });
    const second = await add();
    expect(second.status).toBe(503);
    expect(second.json).toEqual({ error: 'service_unavailable' });
    const third = await add();
    expect(third.status).toBe(200);
    expect(third.json.success).toBe(true);
    // Other routes are untouched by a rule for "add".
    expect((await call('POST', `${mock.url}/hooks/x`, { body: '' })).status).toBe(200);

    const statuses = mock.journal.entries().map((e) => [e.route, e.status, e.injected]);
    expect(statuses).toEqual([
      ['add', 429, true],
      ['add', 503, true],
      ['add', 200, false],
      ['webhook', 200, false],
    ]);
  });

  it('repeats a sequence when then is "repeat"', async () => {
    mock.setScenario({ webhook: { sequence: [{ status: 500 }, { passthrough: true }], then: 'repeat' } });
    const got: number[] = [];
    for (let i = 0; i < 4; i++) got.push((await call('POST', `${mock.url}/hooks/x`, { body: '' })).status);
    expect(got).toEqual([500, 200, 500, 200]);
  });

  it('fails the same requests for the same seed (failureRate is reproducible)', async () => {
    const scenario: Scenario = { seed: 1234, webhook: { failureRate: 0.5, failures: [{ status: 502 }, { status: 504 }] } };
    const runOnce = async (): Promise<number[]> => {
      mock.setScenario(scenario); // restarts the PRNG
      const out: number[] = [];
      for (let i = 0; i < 30; i++) out.push((await call('POST', `${mock.url}/hooks/x`, { body: '' })).status);
      return out;
    };
    const a = await runOnce();
    const b = await runOnce();
    expect(a).toEqual(b);
    expect(a).toContain(200);
    expect(a.some((s) => s === 502 || s === 504)).toBe(true);
    mock.setScenario({ ...scenario, seed: 99 });
    const other: number[] = [];
    for (let i = 0; i < 30; i++) other.push((await call('POST', `${mock.url}/hooks/x`, { body: '' })).status);
    expect(other).not.toEqual(a);
  });

  it('reset destroys the connection: the client sees a socket error and the journal a null status', async () => {
    mock.setScenario({ add: { sequence: [{ reset: true }] } });
    const err = await add().then(
      () => null,
      (e: Error & { cause?: { code?: string } }) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err?.cause?.code ?? err?.message).toMatch(/ECONNRESET|UND_ERR_SOCKET|other side closed/);
    expect(mock.journal.entries()[0]).toMatchObject({ route: 'add', status: null, fault: 'reset', injected: true });
    expect((await add()).status).toBe(200); // sequence used up: back to normal
  });

  it('applies latency and delayMs before answering', async () => {
    mock.setScenario({ '*': { latencyMs: { min: 120, max: 150 } } });
    const t0 = performance.now();
    expect((await add()).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(100);
  });

  it('revokeTokensEvery answers 401 invalid_token and revokes every token', async () => {
    const authMock = await startMock({ scenario: { revokeTokensEvery: 3 }, audiences: ['A'] });
    try {
      const token = await getToken(authMock.url);
      const h = { authorization: `Bearer ${token}` };
      const got: number[] = [];
      for (let i = 0; i < 4; i++) got.push((await call('GET', `${authMock.url}/api/audiences`, { headers: h })).status);
      expect(got).toEqual([200, 200, 401, 401]); // 4th: the token was revoked
      const fresh = await getToken(authMock.url);
      expect((await call('GET', `${authMock.url}/api/audiences`, { headers: { authorization: `Bearer ${fresh}` } })).status).toBe(200);
    } finally {
      await authMock.close();
    }
  });

  it('switches scenario over HTTP with PUT /_mock/scenario (a built-in name or a scenario object)', async () => {
    const set = await call('PUT', `${mock.url}/_mock/scenario`, { body: JSON.stringify('down') });
    expect(set.status).toBe(200);
    expect(mock.scenario?.name).toBe('down');
    expect((await call('GET', `${mock.url}/_mock/health`)).json).toMatchObject({ ok: true, scenario: 'down' });
    const bad = await call('PUT', `${mock.url}/_mock/scenario`, { body: { add: { failureRate: 2, failures: [{ status: 500 }] } } });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toContain('add.failureRate');
    await call('DELETE', `${mock.url}/_mock/scenario`);
    expect(mock.scenario).toBeUndefined();
    expect(mock.journal.size).toBe(0); // admin routes are never journaled
  });

  it('the built-in "down" scenario fails every route', async () => {
    mock.setScenario(builtInScenarios.down);
    for (let i = 0; i < 5; i++) {
      const status = await call('POST', `${mock.url}/hooks/x`, { body: '' }).then(
        (r) => r.status,
        () => 'reset',
      );
      expect([503, 'reset']).toContain(status);
    }
    for (const s of Object.values(builtInScenarios)) expect(scenarioSchema.safeParse(s).success).toBe(true);
  });
});

describe('hanging requests', () => {
  it('never answers (the client times out) and close() still returns promptly', async () => {
    const mock = await startMock({ requireAuth: false, scenario: { webhook: { failureRate: 1, failures: [{ hang: true }] } } });
    const err = await call('POST', `${mock.url}/hooks/x`, { body: 'x', timeoutMs: 300 }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.name).toBe('TimeoutError');
    // A second hung request left open by the client: close() must destroy it.
    const pending = call('POST', `${mock.url}/hooks/y`, { body: 'y', timeoutMs: 10_000 }).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 50));
    expect(mock.journal.entries().map((e) => e.fault)).toEqual(['hang', 'hang']);
    const t0 = performance.now();
    await mock.close();
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('scenario files', () => {
  it('loads a valid file', async () => {
    const file = join(dir, 'ok.json');
    await writeFile(file, JSON.stringify({ seed: 7, tokenTtlSeconds: 2, add: { latencyMs: 5, then: 'repeat', sequence: [{ status: 429 }] } }));
    const s = await loadScenarioFile(file);
    expect(s.add?.sequence?.[0]?.status).toBe(429);
  });

  it('names the file and the field path of every invalid value', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({ add: { sequence: [{ status: 200 }, { status: 700 }] }, webhook: { failureRate: 0.5 }, addd: {} }),
    );
    const err = await loadScenarioFile(file).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toContain(`${file}: add.sequence[1].status:`);
    expect(msg).toContain(`${file}: webhook.failures: failures is required when failureRate is above 0`);
    expect(msg).toContain(`${file}: addd: unknown field`);
  });

  it('reports a JSON syntax error with its line and column', async () => {
    const file = join(dir, 'syntax.json');
    await writeFile(file, '{\n  "seed": 1,\n  "add": { "latencyMs": 5, }\n}');
    const err = await loadScenarioFile(file).catch((e: Error) => e);
    expect((err as Error).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid JSON: .*line 3`));
  });
});

describe('mock command', () => {
  it('prints the listening line first, then one stderr line per request', async () => {
    const file = join(dir, 'cmd.json');
    await writeFile(file, JSON.stringify({ webhook: { sequence: [{ status: 418 }, { reset: true }] } }));
    const out: string[] = [];
    const errs: string[] = [];
    const mock = await runMockCommand({ scenarioPath: file }, { stdout: (s) => out.push(s), stderr: (s) => errs.push(s) });
    try {
      expect(out[0]).toBe(`listening http://127.0.0.1:${mock.port}\n`);
      await call('POST', `${mock.url}/hooks/a?x=1`, { body: '' });
      await call('POST', `${mock.url}/hooks/a`, { body: '' }).catch(() => undefined);
      expect(errs).toEqual(['POST /hooks/a?x=1 418\n', 'POST /hooks/a reset\n']);
      expect(out).toHaveLength(1);
    } finally {
      await mock.close();
    }
  });
});
