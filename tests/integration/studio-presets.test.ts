// The presets against the studio service on a first launch (its example sample set, no
// environment variables set): each plans its add requests in the preview. A `${env:…}`
// that is not set is listed as a problem and shown as its reference, but does not empty
// the preview; Send this one still refuses it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStudioService, type StudioService } from '../../src/main/studio/service.js';
import { PRESETS, aepPreset, growthLoopPreset } from '../../src/renderer/presets.js';

let dir: string;
let service: StudioService;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outbound-presets-'));
  service = createStudioService({ dbPath: join(dir, 'outbound.db'), env: {} });
});
afterEach(async () => {
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

async function firstLaunchSet(): Promise<string> {
  const [set] = await service.listSampleSets();
  return set!.id;
}

describe('presets on first launch', () => {
  it.each(PRESETS.map((p) => [p.label, p] as const))('%s plans add requests against the example profiles', async (_label, preset) => {
    const result = await service.preview({ config: structuredClone(preset.config), setId: await firstLaunchSet() });
    expect(result.requests.filter((r) => r.step === 'add').length).toBeGreaterThan(0);
    if (preset.config.destination.remove?.enabled) expect(result.requests.filter((r) => r.step === 'remove').length).toBeGreaterThan(0);
    // Only the unset variables are problems: no record failed, none was refused.
    for (const issue of result.issues) expect(issue.message).toMatch(/^environment variable \w+ is not set$/);
  });

  it('names each unset variable and shows it as its reference in the planned request', async () => {
    const result = await service.preview({ config: structuredClone(growthLoopPreset.config), setId: await firstLaunchSet() });
    expect(result.issues).toEqual([{ path: 'destination.headers.X-API-Key', message: 'environment variable LISTS_API_KEY is not set' }]);
    const add = result.requests.find((r) => r.step === 'add')!;
    expect(add.headers['x-api-key'] ?? add.headers['X-API-Key']).toBe('${env:LISTS_API_KEY}');
  });

  it('Send this one still refuses while a variable is not set', async () => {
    const response = await service.sendPreviewed({ config: structuredClone(aepPreset.config), setId: await firstLaunchSet(), step: 'add', index: 0 });
    expect(response.ok).toBe(false);
    expect(response.error).toContain('AEP_API_KEY is not set');
  });
});
