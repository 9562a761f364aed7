// Environments in the studio service (issue 13): named sets of variables `${env:…}` resolves
// against in the preview, Send this one and runs; secret values encrypted at rest and never
// handed to the renderer; without OS encryption a secret is kept for the session only.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunProgress } from '../../src/shared/api.js';
import { createStudioService, type SecretCrypto, type StudioService } from '../../src/main/studio/service.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';

/** Stand-in for safeStorage: reversible, and never the clear text. */
const testCrypto: SecretCrypto = {
  encrypt: (plain) => Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)),
  decrypt: (cipher) => Buffer.from(cipher.map((b) => b ^ 0x5a)).toString('utf8'),
};

const SECRET = 'dev-api-key-7f3a9c';
let dir: string;
let server: CaptureServer;
const services: StudioService[] = [];
/** Everything the service handed back, as the renderer would have received it. */
let returned: string[] = [];

function open(opts: { crypto?: SecretCrypto; env?: Record<string, string> } = {}): StudioService {
  const raw = createStudioService({ dbPath: join(dir, 'outbound.db'), startMockOnLaunch: false, seedExample: false, ...opts });
  services.push(raw);
  // Record every answer, to prove no secret crosses to the renderer.
  return new Proxy(raw, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function' || prop === 'close') return v;
      return async (...args: unknown[]) => {
        const out = await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        returned.push(JSON.stringify(out) ?? '');
        return out;
      };
    },
  });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outbound-env-'));
  server = await startCaptureServer();
  returned = [];
});
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const configFor = (url: string) => ({
  version: 1,
  destination: {
    name: 'env test',
    headers: { 'X-API-Key': '${env:API_KEY}', 'X-Tenant': '${env:TENANT}' },
    add: { url: `${url}/members`, method: 'POST', bodyTemplate: '{"id": "{{user.id}}"}' },
  },
  audience: { name: 'A' },
  records: { key: 'id', mapping: { id: 'id' } },
});

async function finished(service: StudioService, runId: string): Promise<RunProgress> {
  for (let i = 0; i < 400; i++) {
    const p = await service.runProgress(runId);
    if (p?.state === 'finished') return p;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('run did not finish');
}

function dbBytes(): string {
  return ['outbound.db', 'outbound.db-wal', 'outbound.db-shm']
    .map((f) => join(dir, f))
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f).toString('latin1'))
    .join('\n');
}

describe('studio environments', () => {
  it('the selected environment resolves ${env:…} in the preview and in a run, which records it; secrets never in clear', async () => {
    const service = open({ crypto: testCrypto });
    const set = await service.generateSamples({ count: 3, seed: 1 });
    const config = configFor(server.url);

    // No environment: the references are not set, and the preview says so (it still plans,
    // each unset variable standing as its reference, so a preset shows its requests).
    const before = await service.preview({ config, setId: set.id });
    expect(before.requests).toHaveLength(3);
    expect(before.issues.map((i) => i.message).join('\n')).toMatch(/API_KEY is not set/);

    const saved = await service.saveEnvironment({
      name: 'dev',
      variables: [
        { name: 'TENANT', secret: false, value: 'acme-dev' },
        { name: 'API_KEY', secret: true, value: SECRET },
      ],
    });
    expect(saved.issues).toEqual([]);
    const prod = await service.saveEnvironment({ name: 'prod', variables: [{ name: 'TENANT', secret: false, value: 'acme-prod' }] });
    // An environment that sets some variables: the preview takes them from it and names only
    // the one still unset (TENANT came from the environment, not the process env).
    await service.selectEnvironment(prod.id!);
    const partial = await service.preview({ config, setId: set.id });
    expect(partial.requests).toHaveLength(3);
    expect(partial.issues.map((i) => i.message)).toEqual(['environment variable API_KEY is not set']);
    const state = await service.selectEnvironment(saved.id!);
    expect(state.selectedId).toBe(saved.id);
    expect(state.environments.map((e) => e.name)).toEqual(['dev', 'prod']);
    const dev = state.environments.find((e) => e.name === 'dev')!;
    expect(dev.variables).toEqual([
      { name: 'TENANT', secret: false, value: 'acme-dev', set: true, sessionOnly: false },
      { name: 'API_KEY', secret: true, set: true, sessionOnly: false },
    ]);

    // The preview now plans; env values show as their references (issue 9 redaction).
    const after = await service.preview({ config, setId: set.id });
    expect(after.issues).toEqual([]);
    expect(after.requests).toHaveLength(3);
    expect(after.requests[0]!.headers['X-API-Key']).toBe('●●●●');
    expect(after.requests[0]!.headers['X-Tenant']).toBe('${env:TENANT}');

    // A run sends the environment's values and records which environment it used.
    const { runId } = await service.startRun({ config, input: { setId: set.id } });
    expect((await finished(service, runId)).status).toBe('succeeded');
    expect(server.requests).toHaveLength(3);
    for (const r of server.requests) expect([r.headers['x-api-key'], r.headers['x-tenant']]).toEqual([SECRET, 'acme-dev']);

    // Export keeps references: the config never held the values.
    expect(JSON.stringify(config)).not.toContain(SECRET);
    // Nowhere in clear: not in the database or its WAL, not in anything returned.
    expect(dbBytes()).not.toContain(SECRET);
    for (const r of returned) expect(r).not.toContain(SECRET);

    // Retry-failed / resume go on against the run's environment (by name): gone → refused, clearly.
    await service.selectEnvironment(null);
    await service.deleteEnvironment(saved.id!);
    await expect(service.retryFailed(runId)).rejects.toThrow(/environment "dev", which no longer exists/);
  });

  it('Send this one, the OAuth tester and a replay resolve against the environment (a replay: the run\'s own)', async () => {
    await server.close();
    server = await startCaptureServer((req) => (req.url === '/token' ? { body: { access_token: 'tok-1', token_type: 'Bearer', expires_in: 3600 } } : {}));
    const service = open({ crypto: testCrypto });
    const set = await service.generateSamples({ count: 1, seed: 1 });
    const dev = await service.saveEnvironment({ name: 'dev', variables: [{ name: 'TENANT', secret: false, value: 'acme-dev' }, { name: 'API_KEY', secret: true, value: SECRET }, { name: 'CLIENT_SECRET', secret: true, value: 'oauth-secret-dev' }] });
    const prod = await service.saveEnvironment({ name: 'prod', variables: [{ name: 'TENANT', secret: false, value: 'acme-prod' }, { name: 'API_KEY', secret: true, value: 'prod-key' }] });
    await service.selectEnvironment(dev.id!);
    const config = configFor(server.url);

    const sent = await service.sendPreviewed({ config, setId: set.id, step: 'add', index: 0 });
    expect(sent.ok).toBe(true);
    expect(server.requests.at(-1)!.headers['x-api-key']).toBe(SECRET);

    const withOAuth = { ...config, destination: { ...config.destination, oauth: { tokenUrl: `${server.url}/token`, clientId: 'cid', clientSecret: '${env:CLIENT_SECRET}' } } };
    const token = await service.testOAuth({ config: withOAuth });
    expect(token.ok).toBe(true);
    const tokenCall = server.requests.find((r) => r.url === '/token')!;
    const basic = Buffer.from(String(tokenCall.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
    expect(`${basic} ${decodeURIComponent(tokenCall.body)}`).toContain('oauth-secret-dev');

    const { runId } = await service.startRun({ config, input: { setId: set.id } });
    expect((await finished(service, runId)).status).toBe('succeeded');
    await service.selectEnvironment(prod.id!);
    const [logged] = (await service.runRequests({ runId })).rows;
    await service.replayRequest({ runId, id: logged!.id, mode: 'logged' });
    expect(server.requests.at(-1)!.headers['x-api-key']).toBe(SECRET);
    for (const r of returned) expect(r).not.toContain(SECRET);
  });

  it('a resumed run uses the environment it started with, not the one selected now', async () => {
    let fail = true;
    await server.close();
    server = await startCaptureServer(() => (fail ? { status: 400, body: { error: 'no' } } : {}));
    const service = open({ crypto: testCrypto });
    const set = await service.generateSamples({ count: 2, seed: 1 });
    const config = configFor(server.url);
    const dev = await service.saveEnvironment({ name: 'dev', variables: [{ name: 'TENANT', secret: false, value: 'acme-dev' }, { name: 'API_KEY', secret: true, value: SECRET }] });
    const prod = await service.saveEnvironment({ name: 'prod', variables: [{ name: 'TENANT', secret: false, value: 'acme-prod' }, { name: 'API_KEY', secret: true, value: 'prod-key' }] });
    await service.selectEnvironment(dev.id!);
    const { runId } = await service.startRun({ config, input: { setId: set.id } });
    expect((await finished(service, runId)).status).not.toBe('succeeded');
    fail = false;
    await service.selectEnvironment(prod.id!);
    const sentBefore = server.requests.length;
    const retry = await service.retryFailed(runId);
    expect((await finished(service, retry.runId)).status).toBe('succeeded');
    const resent = server.requests.slice(sentBefore);
    expect(resent.length).toBeGreaterThan(0);
    for (const r of resent) expect(r.headers['x-tenant']).toBe('acme-dev');
  });

  it('a secret left unchanged keeps its stored value; the renderer only sees that it is set', async () => {
    const service = open({ crypto: testCrypto });
    const set = await service.generateSamples({ count: 1, seed: 1 });
    const saved = await service.saveEnvironment({ name: 'dev', variables: [{ name: 'API_KEY', secret: true, value: SECRET }, { name: 'TENANT', secret: false, value: 't' }] });
    // The editor sends the secret back without a value: kept.
    const again = await service.saveEnvironment({ id: saved.id!, name: 'dev', variables: [{ name: 'API_KEY', secret: true }, { name: 'TENANT', secret: false, value: 't2' }] });
    expect(again.issues).toEqual([]);
    await service.selectEnvironment(saved.id!);
    const { runId } = await service.startRun({ config: configFor(server.url), input: { setId: set.id } });
    await finished(service, runId);
    expect(server.requests[0]!.headers['x-api-key']).toBe(SECRET);
    expect(server.requests[0]!.headers['x-tenant']).toBe('t2');
    for (const r of returned) expect(r).not.toContain(SECRET);
  });

  it('without OS encryption a secret is refused beside its field, and can be kept for this session only', async () => {
    const service = open(); // no crypto: safeStorage unavailable
    const set = await service.generateSamples({ count: 1, seed: 1 });
    const vars = [
      { name: 'TENANT', secret: false, value: 'acme' },
      { name: 'API_KEY', secret: true, value: SECRET },
    ];
    const refused = await service.saveEnvironment({ name: 'dev', variables: vars });
    expect(refused.id).toBeUndefined();
    expect(refused.state.canEncrypt).toBe(false);
    expect(refused.issues).toHaveLength(1);
    expect(refused.issues[0]!.path).toBe('variables[1].value');
    expect(refused.issues[0]!.message).toMatch(/cannot encrypt.*session only/s);
    expect(refused.state.environments).toEqual([]);

    const kept = await service.saveEnvironment({ name: 'dev', variables: [vars[0]!, { ...vars[1]!, sessionOnly: true }] });
    expect(kept.issues).toEqual([]);
    const dev = kept.state.environments[0]!;
    expect(dev.variables[1]).toEqual({ name: 'API_KEY', secret: true, set: true, sessionOnly: true });
    await service.selectEnvironment(kept.id!);
    const preview = await service.preview({ config: configFor(server.url), setId: set.id });
    expect(preview.issues).toEqual([]);
    const { runId } = await service.startRun({ config: configFor(server.url), input: { setId: set.id } });
    await finished(service, runId);
    expect(server.requests[0]!.headers['x-api-key']).toBe(SECRET);
    expect(dbBytes()).not.toContain(SECRET);
    for (const r of returned) expect(r).not.toContain(SECRET);

    // Next session: the variable exists, its value is gone, and the preview says it is not set.
    for (const s of services.splice(0)) await s.close();
    const next = open();
    const state = await next.listEnvironments();
    expect(state.environments[0]!.variables[1]).toEqual({ name: 'API_KEY', secret: true, set: false, sessionOnly: true });
    expect(state.selectedId).toBe(kept.id);
    const later = await next.preview({ config: configFor(server.url), setId: (await next.listSampleSets())[0]!.id });
    expect(later.issues.map((i) => i.message).join('\n')).toMatch(/API_KEY/);
  });
});
