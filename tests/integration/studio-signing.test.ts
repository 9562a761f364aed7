// destination.signing through the studio service: a literal signing secret saved with a
// destination goes to the vault (the saved config holds a reference), a run signs every
// request, copy as cURL carries the signature as sent (masked copy) or signs again at copy
// time (revealed), and no view, export or cURL holds the secret.
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStudioService, type SecretCrypto, type StudioService } from '../../src/main/studio/service.js';

const SECRET = 'studio-s1gning+secret/=';
/** A stand-in for safeStorage (without one the vault refuses to keep a literal secret, as it should). */
const xorCrypto: SecretCrypto = {
  encrypt: (plain) => Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)),
  decrypt: (cipher) => Buffer.from(cipher.map((b) => b ^ 0x5a)).toString('utf8'),
};
let dir: string;
let service: StudioService;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outbound-studio-signing-'));
  service = createStudioService({ dbPath: join(dir, 'outbound.db'), crypto: xorCrypto });
});
afterEach(async () => {
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

const sign = (ts: string, body: string) => `sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`;

/** `-H 'Name: value'` of a cURL command line. */
const curlHeader = (curl: string, name: string) => new RegExp(`-H '${name}: ([^']*)'`).exec(curl)?.[1];

describe('studio: request signing', () => {
  it('vaults the secret, signs the run, and copy as cURL keeps the signature without the secret', async () => {
    const [dest] = await service.listDestinations();
    const demo = (await service.getDestination(dest!.id))!.config as unknown as { destination: Record<string, unknown> };
    const signing = { header: 'X-Signature', secret: SECRET, prefix: 'sha256=', payload: '{timestamp}.{body}', timestampHeader: 'X-Timestamp' };
    const config = { ...demo, destination: { ...demo.destination, name: 'Signed demo', signing } };
    const { id, issues } = await service.saveDestination({ config: config as never });
    expect(issues).toEqual([]);
    const saved = (await service.getDestination(id))!;
    expect(JSON.stringify(saved.config)).not.toContain(SECRET);

    const set = await service.generateSamples({ count: 20, seed: 3 });
    const { runId } = await service.startRun({ config: saved.config, destinationId: id, input: { setId: set.id } });
    for (let i = 0; i < 400 && (await service.runProgress(runId))?.state !== 'finished'; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await service.runProgress(runId))?.status).toBe('succeeded');

    const adds = await service.runRequests({ runId, filter: { step: 'add' }, limit: 1 });
    const detail = (await service.requestDetail({ runId, id: adds.rows[0]!.id }))!;
    const sentTs = detail.request.headers['X-Timestamp']!;
    expect(detail.request.body?.cut).toBe(false);
    const body = detail.request.body?.text ?? '';
    // The logged signature is the one that verifies over the logged body with its timestamp.
    expect(detail.request.headers['X-Signature']).toBe(sign(sentTs, body));

    const masked = await service.copyAsCurl({ runId, id: adds.rows[0]!.id });
    expect(curlHeader(masked, 'X-Signature')).toBe(detail.request.headers['X-Signature']);
    const revealed = await service.copyAsCurl({ runId, id: adds.rows[0]!.id, reveal: true });
    const ts = curlHeader(revealed, 'X-Timestamp')!;
    expect(Number(ts)).toBeGreaterThanOrEqual(Number(sentTs));
    expect(curlHeader(revealed, 'X-Signature')).toBe(sign(ts, body));

    const db = readFileSync(join(dir, 'outbound.db'));
    expect(db.includes(Buffer.from(SECRET))).toBe(false);
    const outputs = [masked, revealed, JSON.stringify(detail), await service.exportRun({ runId, format: 'har' }), await service.exportRun({ runId, format: 'ndjson' }), JSON.stringify(await service.getRun(runId))];
    for (const out of outputs) expect(out).not.toContain(SECRET);
  });
});

describe('studio: the client key passphrase', () => {
  it('is vaulted like other secrets: the saved config holds a reference, the db never the passphrase, and the key still opens', async () => {
    const PASS = 'test-passphrase';
    const tls = join(process.cwd(), 'tests', 'fixtures', 'tls');
    const [dest] = await service.listDestinations();
    const demo = (await service.getDestination(dest!.id))!.config as unknown as { destination: Record<string, unknown> };
    const network = { clientCert: join(tls, 'client.pem'), clientKey: join(tls, 'client-encrypted.key'), clientKeyPassphrase: PASS };
    const config = { ...demo, destination: { ...demo.destination, name: 'mTLS demo', network } };
    const { id, issues } = await service.saveDestination({ config: config as never });
    expect(issues).toEqual([]);
    const saved = (await service.getDestination(id))!;
    expect(JSON.stringify(saved.config)).not.toContain(PASS);
    expect(JSON.stringify(saved.config)).toContain('${stored:');
    // The reference resolves to the passphrase: the encrypted key opens (a wrong one is a config issue).
    const set = await service.generateSamples({ count: 3, seed: 1 });
    const preview = await service.preview({ config: saved.config, setId: set.id });
    expect(JSON.stringify(preview)).not.toMatch(/clientKeyPassphrase|clientKey:/);
    expect(preview.requests.length).toBeGreaterThan(0);
    // Every byte the store wrote: the db and its write-ahead log (read raw, the service open).
    for (const file of ['outbound.db', 'outbound.db-wal']) {
      if (!existsSync(join(dir, file))) continue;
      const bytes = readFileSync(join(dir, file));
      for (const form of [PASS, Buffer.from(PASS).toString('base64'), encodeURIComponent(PASS)]) expect(bytes.includes(Buffer.from(form)), `${file}: ${form}`).toBe(false);
    }
  });
});
