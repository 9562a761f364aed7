// The studio service as the app creates it, with a real store on disk and the real mock
// endpoint on loopback: what a user sees on first launch, in previews and when sending.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStudioService, type SecretCrypto, type StudioService } from '../../src/main/studio/service.js';
import { DEMO_CLIENT_SECRET } from '../../src/main/studio/demo.js';

/** Stand-in for safeStorage: reversible, and never the clear text. */
const testCrypto: SecretCrypto = {
  encrypt: (plain) => Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)),
  decrypt: (cipher) => Buffer.from(cipher.map((b) => b ^ 0x5a)).toString('utf8'),
};

let dir: string;
const services: StudioService[] = [];
function open(opts: { crypto?: SecretCrypto; env?: Record<string, string> } = {}): StudioService {
  const s = createStudioService({ dbPath: join(dir, 'outbound.db'), ...opts });
  services.push(s);
  return s;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outbound-service-'));
});
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  await rm(dir, { recursive: true, force: true });
});

async function demo(service: StudioService) {
  const [dest] = await service.listDestinations();
  const [set] = await service.listSampleSets();
  const saved = await service.getDestination(dest!.id);
  return { dest: dest!, set: set!, config: saved!.config };
}

describe('studio service', () => {
  it('first launch shows a working example: a destination on the mock and 50 profiles', async () => {
    const service = open({ crypto: testCrypto });
    const { dest, set, config } = await demo(service);
    expect(dest.name).toMatch(/example/i);
    expect(set.count).toBe(50);
    const mock = await service.mockStatus();
    expect(mock.running).toBe(true);
    expect(config.destination.add?.url).toContain(`${mock.url}/api/audiences/`);
    expect(await service.validateConfig(config)).toEqual([]);
    // Second launch: nothing seeded twice.
    await service.close();
    const again = open({ crypto: testCrypto });
    expect(await again.listDestinations()).toHaveLength(1);
    expect(await again.listSampleSets()).toHaveLength(1);
  });

  it('never hands the stored client secret to the renderer, nor writes it in clear', async () => {
    const service = open({ crypto: testCrypto });
    const { dest, config } = await demo(service);
    expect(JSON.stringify(config)).not.toContain(DEMO_CLIENT_SECRET);
    expect(config.destination.oauth?.clientSecret).toBe(`\${stored:${dest.id}:destination.oauth.clientSecret}`);
    await service.close();
    expect((await readFile(join(dir, 'outbound.db'))).includes(Buffer.from(DEMO_CLIENT_SECRET))).toBe(false);
  });

  it('saving the config back unchanged keeps the secret working', async () => {
    const service = open({ crypto: testCrypto });
    const { dest, config } = await demo(service);
    config.destination.name = 'Renamed';
    const saved = await service.saveDestination({ id: dest.id, config });
    expect(saved).toEqual({ id: dest.id, issues: [] });
    expect((await service.listDestinations())[0]!.name).toBe('Renamed');
    const token = await service.testOAuth({ config: (await service.getDestination(dest.id))!.config });
    expect(token.ok).toBe(true);
    expect(JSON.stringify(token)).not.toContain(DEMO_CLIENT_SECRET);
  });

  it('without OS encryption the example refers to the secret through an env reference', async () => {
    const service = open();
    const { config } = await demo(service);
    expect(config.destination.oauth?.clientSecret).toBe('${env:OUTBOUND_DEMO_SECRET}');
    expect((await service.testOAuth({ config })).ok).toBe(true);
    const clear = structuredClone(config);
    clear.destination.oauth!.clientSecret = 'typed-in-clear';
    await expect(service.saveDestination({ config: clear })).rejects.toThrow(/stored in clear/);
  });

  it('previews the exact requests with the token masked and the records the templates saw', async () => {
    const service = open({ crypto: testCrypto });
    const { set, config } = await demo(service);
    const result = await service.preview({ config, setId: set.id });
    expect(result.issues).toEqual([]);
    const steps = result.requests.map((r) => r.step);
    expect(steps[0]).toBe('getAudience');
    const add = result.requests.find((r) => r.step === 'add')!;
    expect(add.method).toBe('POST');
    expect(add.headers['authorization']).toBe('Bearer ●●●●');
    const body = JSON.parse(add.body!) as { users: Array<{ id: string }> };
    expect(body.users.length).toBe(add.recordKeys.length);
    expect(result.records.length).toBeGreaterThan(0);
    expect(JSON.stringify(result)).not.toContain(DEMO_CLIENT_SECRET);
  });

  it('reports a template error with its place instead of requests', async () => {
    const service = open({ crypto: testCrypto });
    const { set, config } = await demo(service);
    config.destination.add!.bodyTemplate = '{"users": [{{#each users}}{"id": "{{id}}"}]}';
    const result = await service.preview({ config, setId: set.id });
    expect(result.requests).toEqual([]);
    expect(result.issues[0]!.path).toContain('destination.add.bodyTemplate');
  });

  it('sends one previewed add to the mock: finds or creates the audience first, and judges the answer', async () => {
    const service = open({ crypto: testCrypto });
    const { set, config } = await demo(service);
    const response = await service.sendPreviewed({ config, setId: set.id, step: 'add', index: 0 });
    expect(response.ok).toBe(true);
    expect(response.status).toBe(200);
    expect(response.verdict).toMatch(/^\d+ of \d+ records succeeded/);
    const mock = await service.mockStatus();
    expect(mock.journalSize).toBeGreaterThanOrEqual(3); // token, get, create, add
  });

  it('does not send the add when the audience is missing and create audience is off, and says why', async () => {
    const service = open({ crypto: testCrypto });
    const { set, config } = await demo(service);
    config.audience.name = 'Never Created Here';
    config.destination.createAudience!.enabled = false;
    const before = (await service.mockStatus()).journalSize;
    const response = await service.sendPreviewed({ config, setId: set.id, step: 'add', index: 0 });
    expect(response.status).toBe(200); // the get audience answer that ended it
    expect(response.verdict).toBe('audience "Never Created Here" not found by get audience, and create audience is not enabled: the add request was not sent');
    expect((await service.mockStatus()).journalSize - before).toBeLessThanOrEqual(2); // token and get only
  });

  it('evaluates JMESPath with the conclusion Outbound would draw', async () => {
    const service = open();
    const data = { records: [{ id: 1 }, { id: 2 }], tables: [] };
    expect(await service.evaluateJmes({ expression: 'records', data, purpose: 'success', recordCount: 3 })).toMatchObject({
      ok: true,
      conclusion: expect.stringMatching(/^2 of 3 records succeeded/),
    });
    expect((await service.evaluateJmes({ expression: 'tables', data, purpose: 'filter' })).conclusion).toMatch(/missing/);
    expect((await service.evaluateJmes({ expression: 'records[', data })).ok).toBe(false);
  });

  it('a failed token exchange comes back whole: the request, status, headers and body, the secret masked', async () => {
    const service = open({ crypto: testCrypto });
    const { config } = await demo(service);
    const scenario = { token: { sequence: [{ status: 503, headers: { 'Retry-After': '30' }, body: { error: 'temporarily_unavailable' } }], then: 'repeat' } };
    await service.startMock({ scenario: JSON.stringify(scenario) });
    const token = await service.testOAuth({ config });
    expect(token).toMatchObject({ ok: false, errorKind: 'http', error: expect.stringContaining('answered 503') });
    expect(token.request).toMatchObject({ method: 'POST', url: expect.stringMatching(/\/oauth\/token$/), body: 'grant_type=client_credentials' });
    expect(token.request!.headers['authorization']).toMatch(/^Basic .*●/);
    expect(token.response).toMatchObject({ status: 503, headers: expect.objectContaining({ 'retry-after': '30' }), body: '{"error":"temporarily_unavailable"}' });
    expect(JSON.stringify(token)).not.toContain(DEMO_CLIENT_SECRET);
    expect(JSON.stringify(token)).not.toContain(Buffer.from(`outbound-demo:${DEMO_CLIENT_SECRET}`).toString('base64'));
  });

  it('a token endpoint that cannot be reached still shows the request that was tried', async () => {
    const service = open({ crypto: testCrypto });
    const { config } = await demo(service);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    // A literal secret: a stored one is bound to the origin it was saved for.
    config.destination.oauth!.tokenUrl = `http://127.0.0.1:${port}/oauth/token`;
    config.destination.oauth!.clientSecret = 'typed-secret-4711';
    const token = await service.testOAuth({ config });
    expect(token).toMatchObject({ ok: false, errorKind: 'unreachable' });
    expect(token.request).toMatchObject({ method: 'POST', url: `http://127.0.0.1:${port}/oauth/token` });
    expect(token.response).toBeUndefined();
    expect(JSON.stringify(token)).not.toContain('typed-secret-4711');
  });

  it('a JMESPath syntax error comes with its column', async () => {
    const service = open();
    expect(await service.evaluateJmes({ expression: 'a | | b', data: {} })).toMatchObject({ ok: false, column: 5 });
  });

  it('the mock status lists its routes and the credentials a destination needs', async () => {
    const service = open();
    const mock = await service.mockStatus();
    expect(mock.credentials).toEqual({ tokenPath: '/oauth/token', clientId: 'outbound-demo', clientSecret: DEMO_CLIENT_SECRET, clientSecretRef: '${env:OUTBOUND_DEMO_SECRET}', apiKey: 'demo-key', apiKeyRef: '${env:OUTBOUND_MOCK_API_KEY}', apiKeyHeader: 'X-API-Key' });
    expect(mock.routes).toContainEqual(expect.objectContaining({ methods: ['POST'], path: '/api/audiences/:id/members', auth: true }));
    // A destination pointed at it with the secret's reference saves without OS encryption, and gets a token.
    const { config } = await demo(service);
    config.destination.oauth!.clientSecret = mock.credentials!.clientSecretRef!;
    config.destination.headers = { 'X-Api-Key': mock.credentials!.apiKeyRef! };
    await expect(service.saveDestination({ config })).resolves.toMatchObject({ issues: [] });
    expect((await service.testOAuth({ config })).ok).toBe(true);
    // The key it lists is the key it takes.
    const res = await fetch(`${mock.url}/api/audiences`, { headers: { 'X-API-Key': mock.credentials!.apiKey } });
    expect(res.status).toBe(200);
  });

  it('switches the mock scenario and stops it', async () => {
    const service = open();
    expect((await service.startMock({ scenario: 'flaky' })).scenario).toBe('flaky');
    await expect(service.startMock({ scenario: 'nonsense' })).rejects.toThrow(/neither a built-in scenario/);
    expect((await service.stopMock()).running).toBe(false);
    expect((await service.startMock({})).running).toBe(true);
  });

  it('imports samples and reports unreadable rows by line', async () => {
    const service = open();
    const { set, issues } = await service.importSamples({ name: 'mine', format: 'ndjson', text: '{"id":"a"}\nnot json\n{"id":"b"}\n' });
    expect(set.count).toBe(2);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.line).toBe(2);
    const csv = await service.importSamples({ name: 'csv', format: 'csv', text: 'id,email\n1,a@example.com\n2,b@example.com\n' });
    expect(csv.set.count).toBe(2);
    expect(await service.getSamples({ setId: csv.set.id, limit: 1 })).toHaveLength(1);
  });
});

describe('the mock endpoint across launches', () => {
  it('keeps the example destination pointing at the mock when its port changes', async () => {
    const first = open({ crypto: testCrypto });
    const { dest } = await demo(first);
    const firstPort = (await first.mockStatus()).port!;
    await first.close();
    // Something else takes the port while the studio is closed.
    const { createServer } = await import('node:net');
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(firstPort, '127.0.0.1', () => r()));
    try {
      const second = open({ crypto: testCrypto });
      const status = await second.mockStatus();
      expect(status.port).not.toBe(firstPort);
      const config = (await second.getDestination(dest.id))!.config;
      expect(config.destination.add?.url).toContain(`${status.url}/api/audiences/`);
      expect(JSON.stringify(config)).not.toContain(`:${firstPort}/`);
      expect((await second.testOAuth({ config })).ok).toBe(true);
    } finally {
      await new Promise<void>((r) => squatter.close(() => r()));
    }
  });

  it('reuses the same port on the next launch when it is free', async () => {
    const first = open();
    const port = (await first.mockStatus()).port;
    await first.close();
    const second = open();
    expect((await second.mockStatus()).port).toBe(port);
  });
});

describe('stored secrets', () => {
  it('are not sent to another origin than the one they were saved for', async () => {
    const service = open({ crypto: testCrypto });
    const { set, config } = await demo(service);
    const stolen = structuredClone(config);
    stolen.destination.oauth!.tokenUrl = 'http://127.0.0.1:9/collect';
    const token = await service.testOAuth({ config: stolen });
    expect(token.ok).toBe(false);
    expect(token.error).toMatch(/destination\.oauth\.clientSecret: the saved secret was saved for http:\/\/127\.0\.0\.1:\d+, not http:\/\/127\.0\.0\.1:9/);
    const preview = await service.preview({ config: stolen, setId: set.id });
    expect(preview.requests).toEqual([]);
    expect(preview.issues[0]!.message).toMatch(/enter the secret again/);
  });

  it('are not sent through a proxy, CA or unverified TLS the saved destination did not have', async () => {
    const service = open({ crypto: testCrypto });
    const { config } = await demo(service);
    for (const network of [{ proxy: 'http://127.0.0.1:9' }, { insecureSkipVerify: true }]) {
      const rerouted = structuredClone(config) as typeof config & { destination: { network?: unknown } };
      rerouted.destination.network = network;
      const token = await service.testOAuth({ config: rerouted });
      expect(token.ok, JSON.stringify(network)).toBe(false);
      expect(token.error).toMatch(/destination\.oauth\.clientSecret: the saved secret was saved with another network route/);
    }
    // The same route as saved still resolves.
    expect((await service.testOAuth({ config })).ok).toBe(true);
  });
});
