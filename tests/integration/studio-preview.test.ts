// The studio's preview explains itself against the real service and the built-in mock:
// records planned / skipped / invalid with reasons and examples, run-time values as
// ‹placeholders›, a body that is not JSON returned broken (never sent), and Resolve now
// reading the audience without creating it; once resolved, the preview equals what is sent.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStudioService, type StudioService } from '../../src/main/studio/service.js';

const crypto = {
  encrypt: (plain: string) => Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)),
  decrypt: (cipher: Buffer) => Buffer.from(cipher.map((b) => b ^ 0x5a)).toString('utf8'),
};

let dir: string;
let service: StudioService;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outbound-preview-'));
  service = createStudioService({ dbPath: join(dir, 'outbound.db'), crypto });
});
afterEach(async () => {
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

async function example() {
  const [dest] = await service.listDestinations();
  const [set] = await service.listSampleSets();
  const config = structuredClone((await service.getDestination(dest!.id))!.config) as any;
  return { config, setId: set!.id };
}

describe('studio preview', () => {
  it('counts skipped records with their reason and examples (key, line)', async () => {
    const { config, setId } = await example();
    config.records.action = 'segmentMembership.ups."seg-nobody".status';
    const p = await service.preview({ config, setId });
    expect(p.explanation).toMatchObject({ read: 50, planned: 0, skipped: 50, invalid: 0 });
    expect(p.explanation!.reasons).toEqual([
      {
        kind: 'skipped',
        reason: 'records.action "segmentMembership.ups."seg-nobody".status" is empty for this record',
        count: 50,
        examples: [
          { key: 'p-000001', line: 1 },
          { key: 'p-000002', line: 2 },
          { key: 'p-000003', line: 3 },
        ],
      },
    ]);
    expect(p.requests.filter((r) => r.step === 'add' || r.step === 'remove')).toEqual([]);
  });

  it('shows remote_audience.id as a placeholder, not as an empty path segment', async () => {
    const { config, setId } = await example();
    const p = await service.preview({ config, setId });
    const add = p.requests.find((r) => r.step === 'add')!;
    expect(add.url).toMatch(/\/api\/audiences\/‹remote_audience\.id›\/members$/);
    expect(p.requests.some((r) => r.url.includes('//members'))).toBe(false);
    expect(p.placeholders).toEqual(['remote_audience.id']);
  });

  it('returns a body that renders to invalid JSON broken and refused, with the position', async () => {
    const { config, setId } = await example();
    config.destination.add.bodyTemplate = '{"users": [{{#each users}}{"id": "{{id}}"}{{/each}}]}';
    const p = await service.preview({ config, setId });
    const add = p.requests.find((r) => r.step === 'add')!;
    expect(add.refused).toMatch(/rendered body is not valid JSON at line 1, column 30/);
    expect(add.body).toContain('{"id": "p-000001"}{"id": "p-000003"}');
    expect(p.explanation!.invalid).toBeGreaterThan(0);
  });

  it('Resolve now reads the audience without creating it; resolved, the preview is the request Send this one sends', async () => {
    const { config, setId } = await example();
    const mock = await service.mockStatus();
    const audiences = async () => ((await (await fetch(`${mock.url}/_mock/audiences`)).json()) as { audiences: unknown[] }).audiences;

    const missing = await service.resolveAudience({ config });
    expect(missing).toMatchObject({ found: false, status: 200, message: expect.stringMatching(/not found by get audience/) });
    expect(await audiences()).toEqual([]);

    const addIndex = 0;
    const sent = await service.sendPreviewed({ config, setId, step: 'add', index: addIndex });
    expect(sent.ok).toBe(true);
    const found = await service.resolveAudience({ config });
    expect(found).toMatchObject({ found: true, value: { id: 'aud_1', name: 'High Value' } });

    const p = await service.preview({ config, setId, remoteAudience: found.value });
    const add = p.requests.find((r) => r.step === 'add')!;
    expect(add.url).toBe(`${mock.url}/api/audiences/aud_1/members`);
    expect(p.placeholders).toEqual([]);
    // The mock saw exactly this request from Send this one.
    const journal = await service.mockJournal({});
    const members = journal.entries.filter((e) => e.method === 'POST' && e.path.endsWith('/members'));
    expect(members.at(-1)?.path).toBe(new URL(add.url).pathname);
    expect(JSON.parse(members.at(-1)!.body)).toEqual(JSON.parse(add.body!));
  });
});
