// The studio's runs, through the service as the app creates it: a real store on disk and the
// real mock endpoint on loopback. Dry run, a live run followed by its snapshot, pause and
// cancel, resume, the request log and its detail, cURL, replay and exports.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunProgress } from '../../src/shared/api.js';
import { createStudioService, type StudioService } from '../../src/main/studio/service.js';
import { DEMO_CLIENT_SECRET } from '../../src/main/studio/demo.js';
import { generateProfiles } from '../../src/main/sources/sample.js';

let dir: string;
const services: StudioService[] = [];
function open(): StudioService {
  const s = createStudioService({ dbPath: join(dir, 'outbound.db') });
  services.push(s);
  return s;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outbound-runs-'));
});
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  await rm(dir, { recursive: true, force: true });
});

async function demo(service: StudioService) {
  const [dest] = await service.listDestinations();
  const saved = await service.getDestination(dest!.id);
  const set = await service.generateSamples({ count: 500, seed: 3 });
  return { destId: dest!.id, config: saved!.config as unknown as Record<string, unknown>, set };
}

async function finished(service: StudioService, runId: string): Promise<RunProgress> {
  for (let i = 0; i < 400; i++) {
    const p = await service.runProgress(runId);
    if (p?.state === 'finished') return p;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('run did not finish');
}

describe('studio runs', () => {
  it('dry run counts requests per step and records per action, and sends nothing', async () => {
    const service = open();
    const { config, set } = await demo(service);
    const before = (await service.mockStatus()).journalSize;
    const dry = await service.dryRun({ config: { ...config, destination: { ...(config['destination'] as object), requestsPerHour: 3600 } }, input: { setId: set.id } });
    expect(dry.ok).toBe(true);
    expect(dry.records.add + dry.records.remove + dry.records.skipped + dry.records.failed).toBe(500);
    expect(dry.requests.add).toBe(Math.ceil(dry.records.add / 100));
    expect(dry.requests.remove).toBe(dry.records.remove);
    const planned = Object.values(dry.requests).reduce((a, b) => a + b, 0);
    expect(dry.impliedMs).toBe(planned * 1000);
    expect((await service.mockStatus()).journalSize).toBe(before);
  });

  it('runs a sample set to the end: counts match the mock journal, history and requests agree', async () => {
    const service = open();
    const { config, set, destId } = await demo(service);
    const { runId } = await service.startRun({ config, destinationId: destId, input: { setId: set.id } });
    const p = await finished(service, runId);
    expect(p.status).toBe('succeeded');
    expect(p.records).toMatchObject({ total: 500, done: 500, failed: 0 });
    const journal = await service.mockJournal({ since: 0, limit: 10_000 });
    const sent = journal.entries.filter((e) => e.route !== 'token').length;
    expect(p.requests.sent).toBe(sent);
    expect(p.byStatus['2xx']).toBe(sent);
    const [run] = await service.listRuns();
    expect(run).toMatchObject({ id: runId, status: 'succeeded', live: false, interrupted: false });
    const page = await service.runRequests({ runId, offset: 0, limit: 5 });
    expect(page.total).toBe(sent);
    expect(page.rows).toHaveLength(5);
    const adds = await service.runRequests({ runId, filter: { step: 'add' } });
    const detail = await service.requestDetail({ runId, id: adds.rows[0]!.id });
    expect(detail?.request.method).toBe('POST');
    expect(detail?.request.headers['authorization'] ?? detail?.request.headers['Authorization']).toMatch(/●●●●/);
    expect(detail?.records.length).toBeGreaterThan(0);
    expect(detail?.records.every((r) => r.status === 'succeeded')).toBe(true);
    // Stored run config keeps references, never the client secret.
    expect(await service.exportRun({ runId, format: 'ndjson' })).not.toContain(DEMO_CLIENT_SECRET);
    const har = JSON.parse(await service.exportRun({ runId, format: 'har' })) as { log: { version: string; entries: unknown[] } };
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries).toHaveLength(sent);
  });

  it('copy as cURL masks secrets unless asked; revealed, curl repeats the request at the mock', async () => {
    const service = open();
    const { config, set, destId } = await demo(service);
    const { runId } = await service.startRun({ config, destinationId: destId, input: { setId: set.id } });
    await finished(service, runId);
    const adds = await service.runRequests({ runId, filter: { step: 'add' }, limit: 1 });
    const id = adds.rows[0]!.id;
    const masked = await service.copyAsCurl({ runId, id });
    expect(masked).toContain('●●●●');
    const revealed = await service.copyAsCurl({ runId, id, reveal: true });
    expect(revealed).not.toContain('●●●●');
    if (!existsSync('/usr/bin/curl')) return;
    const before = (await service.mockJournal({ limit: 1 })).latestSeq;
    const { stdout } = await promisify(execFile)('sh', ['-c', `${revealed} -w '\\n%{http_code}'`]);
    expect(stdout.trim().split('\n').pop()).toMatch(/^2\d\d$/);
    const after = await service.mockJournal({ since: before });
    const detail = await service.requestDetail({ runId, id });
    expect(after.entries.map((e) => `${e.method} ${e.path}`)).toContain(`${detail!.request.method} ${new URL(detail!.request.url).pathname}`);
  });

  it('replays a request as logged and re-rendered, and compares the responses', async () => {
    const service = open();
    const { config, set, destId } = await demo(service);
    const { runId } = await service.startRun({ config, destinationId: destId, input: { setId: set.id } });
    await finished(service, runId);
    const adds = await service.runRequests({ runId, filter: { step: 'add' }, limit: 1 });
    const logged = await service.replayRequest({ runId, id: adds.rows[0]!.id, mode: 'logged' });
    expect(logged.replayed.status).toBe(logged.logged.status);
    expect(logged.request.headers['authorization']).toMatch(/●●●●/);
    const rerendered = await service.replayRequest({ runId, id: adds.rows[0]!.id, mode: 'rerendered', config });
    expect(rerendered.replayed.ok).toBe(true);
    expect(rerendered.request.body).toBe((await service.requestDetail({ runId, id: adds.rows[0]!.id }))!.request.body!.text);
  });

  it('pauses, resumes and cancels a run; a cancelled run reads cancelled, is not offered as interrupted, and still resumes to the end', async () => {
    const service = open();
    const { config, destId } = await demo(service);
    const file = join(dir, 'profiles.ndjson');
    await writeFile(file, Array.from(generateProfiles(200, 9), (p) => p).map((p) => JSON.stringify(p)).join('\n') + '\n');
    const slow = { ...config, destination: { ...(config['destination'] as object), concurrency: 1, requestsPerHour: 72_000 } };
    const { runId } = await service.startRun({ config: slow, destinationId: destId, input: { path: file } });
    await new Promise((r) => setTimeout(r, 300));
    const paused = await service.pauseRun(runId);
    expect(paused?.state).toBe('paused');
    await new Promise((r) => setTimeout(r, 300));
    const a = (await service.runProgress(runId))!.requests.sent;
    await new Promise((r) => setTimeout(r, 400));
    expect((await service.runProgress(runId))!.requests.sent).toBe(a);
    expect((await service.resumeRun(runId))?.state).toBe('running');
    const cancelled = await service.cancelRun(runId);
    expect(cancelled).toMatchObject({ state: 'finished', status: 'aborted', cancelled: true, etaMs: null });
    expect(cancelled?.records.total).toBe(200);
    expect(await service.getRun(runId)).toMatchObject({ interrupted: false, cancelled: true, status: 'aborted' });
    // Next launch: the store still says it was cancelled (not offered); resuming it delivers the rest.
    await service.close();
    const again = open();
    const run = await again.getRun(runId);
    expect(run).toMatchObject({ interrupted: false, cancelled: true, status: 'aborted' });
    await again.resumeInterrupted(runId);
    const done = await finished(again, runId);
    expect(done.status).toBe('succeeded');
    expect((await again.getRun(runId))?.records).toMatchObject({ total: 200, failed: 0 });
  }, 20_000);

  it('a run stopped by closing the studio is interrupted (offered at the next launch), not cancelled', async () => {
    const service = open();
    const { config, destId } = await demo(service);
    const file = join(dir, 'profiles-close.ndjson');
    await writeFile(file, Array.from(generateProfiles(200, 9), (p) => JSON.stringify(p)).join('\n') + '\n');
    const slow = { ...config, destination: { ...(config['destination'] as object), concurrency: 1, requestsPerHour: 72_000 } };
    const { runId } = await service.startRun({ config: slow, destinationId: destId, input: { path: file } });
    await new Promise((r) => setTimeout(r, 300));
    await service.close();
    const again = open();
    expect(await again.getRun(runId)).toMatchObject({ interrupted: true, cancelled: false, status: 'aborted' });
    await again.close();
  }, 20_000);

  it('a cancel during the audience step is still a cancel (the engine reports the aborted request)', async () => {
    const service = open();
    const { config, set, destId } = await demo(service);
    await service.startMock({ scenario: JSON.stringify({ name: 'slowish', '*': { latencyMs: 400 } }) });
    const first = await service.startRun({ config, destinationId: destId, input: { setId: set.id } });
    await finished(service, first.runId);
    const { runId } = await service.startRun({ config, destinationId: destId, input: { setId: set.id } });
    await new Promise((r) => setTimeout(r, 500));
    const c = await service.cancelRun(runId);
    expect(c).toMatchObject({ status: 'aborted', cancelled: true });
    expect(await service.getRun(runId)).toMatchObject({ status: 'aborted', cancelled: true, interrupted: false });
  }, 30_000);

  it('retries the failed records of a run', async () => {
    const service = open();
    const { config, set, destId } = await demo(service);
    // Adds fail with a 400 (not retried): their records fail.
    await service.startMock({ scenario: JSON.stringify({ name: 'reject-adds', add: { failureRate: 1, failures: [{ status: 400, body: { error: 'bad batch' } }] } }) });
    expect((await service.mockStatus()).scenario).toBe('reject-adds');
    const { runId } = await service.startRun({ config, destinationId: destId, input: { setId: set.id } });
    const first = await finished(service, runId);
    expect(first.records.failed).toBeGreaterThan(0);
    // Export failed: the failed profiles of the sample set, one a line, with their reasons.
    const exported = await service.exportFailed({ runId });
    const records = exported.records.trim().split('\n').map((l) => JSON.parse(l) as { id: string });
    const reasons = exported.reasons.trim().split('\n').map((l) => JSON.parse(l) as { key: string; reason: string; exported: boolean });
    expect(exported.format).toBe('ndjson');
    expect(records.length).toBe(first.records.failed);
    expect(exported.exported).toBe(first.records.failed);
    expect(reasons.map((r) => r.key).sort()).toEqual(records.map((r) => r.id).sort());
    expect(reasons.every((r) => r.exported && /400/.test(r.reason))).toBe(true);
    await service.startMock({ scenario: 'ok' });
    await service.retryFailed(runId);
    const second = await finished(service, runId);
    expect(second.records.failed).toBe(0);
  });
});
