// DESIGN invariant 4 at the CLI, against loopback servers: a record counts as delivered only
// when the answer can be tied to it (successKeyPath, errorsPath), a count that names no
// records is never applied in order (resume and retry-failed send those records again), and
// a disabled step's records are skipped (GrowthLoop), not failed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createStudioService } from '../../src/main/studio/service.js';
import { startCaptureServer, type Answer, type Captured, type CaptureServer } from '../helpers/capture-server.js';
import { cli, tempDir, writeNdjson } from '../helpers/run.js';

let server: CaptureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `u${String(i + from).padStart(2, '0')}`);
const usersSent = (req: Captured): string[] => (JSON.parse(req.body) as { users: Array<{ userId: string }> }).users.map((u) => u.userId);
const BODY = '{"users": [{{#each users}}{"userId": "{{id}}"}{{#unless @last}},{{/unless}}{{/each}}]}';

/** The config every test here runs: one destination, audience "A", records keyed by id (or as given). */
function configOf(destination: Record<string, unknown>, records: Record<string, unknown> = { key: 'id' }) {
  return { version: 1, destination, audience: { name: 'A' }, records };
}

/** A batched add posting `{"users": [...]}` to the capture server's /members, one request at a time, no retries. */
function batchedDestination(add: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'ack', retryOnErrors: false, concurrency: 1, add: { url: `${server!.url}/members`, bodyTemplate: BODY, batchMode: 'batched', batchSize: 10, ...add }, ...extra };
}

/** A fresh folder with the config, the input records and a place for the run store. */
function setupRun(destination: Record<string, unknown>, records: unknown[], recordsConfig?: Record<string, unknown>): { dir: string; cfg: string; input: string; db: string } {
  const dir = tempDir();
  const cfg = join(dir, 'config.json');
  writeFileSync(cfg, JSON.stringify(configOf(destination, recordsConfig)));
  return { dir, cfg, input: writeNdjson(dir, 'in.ndjson', records), db: join(dir, 'runs.db') };
}

function setup(add: Record<string, unknown>, records: unknown[], extra: Record<string, unknown> = {}): { dir: string; cfg: string; input: string; db: string } {
  return setupRun(batchedDestination(add, extra), records);
}

interface FailureJson {
  key: string;
  reason: string;
  unconfirmed: boolean;
}

async function failuresOf(runId: string, db: string): Promise<FailureJson[]> {
  const log = await cli(['log', runId, '--db', db, '--json']);
  expect(log.code).toBe(0);
  return JSON.parse(log.stdout).recordFailures as FailureJson[];
}

describe('successKeyPath', () => {
  it('delivers exactly the records the answer names; retry-failed re-sends exactly the other 8', async () => {
    // First request: the endpoint takes u09 and u10 only. Later: every record it is sent.
    server = await startCaptureServer((req, i): Answer => (i === 0 ? { body: { created: [{ userId: 'u09' }, { userId: 'u10' }] } } : { body: { created: usersSent(req).map((userId) => ({ userId })) } }));
    const { cfg, input, db } = setup({ successPath: 'created', successKeyPath: 'userId' }, ids(10).map((id) => ({ id })));

    const first = await cli(['run', cfg, '--input', input, '--db', db, '--json']);
    expect(first.code).toBe(1);
    const out = JSON.parse(first.stdout);
    expect(out.records).toMatchObject({ total: 10, succeeded: 2, failed: 8, unconfirmed: 0 });
    const failed = await failuresOf(out.runId, db);
    expect(failed.map((f) => f.key)).toEqual(ids(8));
    expect(failed[0]!.reason).toMatch(/not among the records the endpoint acknowledged \(2 named of 10, successPath "created", successKeyPath "userId"\)/);

    const again = await cli(['retry-failed', out.runId, '--db', db, '--json']);
    expect(again.code).toBe(0);
    expect(server.requests).toHaveLength(2);
    expect(usersSent(server.requests[1]!)).toEqual(ids(8)); // counted at the endpoint: u09 and u10 were not sent again
    expect(JSON.parse(again.stdout).records).toMatchObject({ total: 10, succeeded: 10, failed: 0 });
  });
});

describe('a partial answer that names no records', () => {
  it('counts as the answer says, stores none as delivered, and retry-failed re-sends all 10', async () => {
    server = await startCaptureServer((req, i): Answer => (i === 0 ? { body: { created: [{ userId: 'u09' }, { userId: 'u10' }] } } : { body: { created: usersSent(req) } }));
    const { cfg, input, db } = setup({ successPath: 'created' }, ids(10).map((id) => ({ id })));

    const first = await cli(['run', cfg, '--input', input, '--db', db, '--json']);
    expect(first.code).toBe(1);
    const out = JSON.parse(first.stdout);
    // The seeds: an array's length is how many succeeded. None of them is taken as delivered.
    expect(out).toMatchObject({ status: 'partial', records: { total: 10, succeeded: 2, failed: 8, unconfirmed: 2 } });
    const failed = await failuresOf(out.runId, db);
    expect(failed.map((f) => f.key)).toEqual(ids(10));
    expect(failed.every((f) => f.unconfirmed)).toBe(true);
    expect(failed[0]!.reason).toBe(
      'endpoint acknowledged 2 of 10 records (successPath "created") without naming which: not taken as delivered; resume and retry-failed send it again (set successKeyPath to name them)',
    );
    const human = await cli(['log', out.runId, '--db', db, '--failed']);
    expect(human.stdout).toMatch(/records 2\/10 succeeded \(2 unconfirmed: .*\), 8 failed/);
    expect(human.stdout.match(/key u\d\d: endpoint acknowledged 2 of 10 records .*without naming which/g)).toHaveLength(10);
    const runs = JSON.parse((await cli(['runs', '--db', db, '--json'])).stdout);
    expect(runs[0].records).toEqual({ total: 10, succeeded: 2, failed: 8, skipped: 0, unconfirmed: 2 });

    const again = await cli(['retry-failed', out.runId, '--db', db, '--json']);
    expect(again.code).toBe(0);
    expect(server.requests).toHaveLength(2);
    expect(usersSent(server.requests[1]!)).toEqual(ids(10));
    expect(JSON.parse(again.stdout).records).toMatchObject({ total: 10, succeeded: 10, failed: 0, unconfirmed: 0 });
    expect(await failuresOf(out.runId, db)).toEqual([]);
  });

  it('resume of an interrupted run sends the unconfirmed records again, and only the delivered ones stay settled', async () => {
    const stop = new AbortController();
    // 20 records, two requests: the first is acknowledged by count (3 of 10), the second is
    // in flight when the run is interrupted. On resume, the endpoint takes everything.
    let resumed = false;
    server = await startCaptureServer((req, i): Answer => {
      if (resumed) return { body: { created: usersSent(req) } };
      if (i === 0) return { body: { created: ['x', 'y', 'z'] } };
      stop.abort('interrupted by the test');
      return { body: { created: usersSent(req) }, delayMs: 200 };
    });
    const { cfg, input, db } = setup({ successPath: 'created' }, ids(20).map((id) => ({ id })));
    let stdout = '';
    const code = await main(['run', cfg, '--input', input, '--db', db, '--json'], { stdout: (s) => (stdout += s), stderr: () => {}, env: {}, isTTY: false, signal: stop.signal });
    expect(code).toBe(3);
    const { runId } = JSON.parse(stdout);
    resumed = true;
    const before = server.requests.length;
    const again = await cli(['resume', runId, '--db', db, '--json']);
    expect(again.code).toBe(0);
    const sentOnResume = server.requests.slice(before).flatMap(usersSent).sort();
    expect(sentOnResume).toEqual(ids(20));
    expect(JSON.parse(again.stdout).records).toMatchObject({ total: 20, succeeded: 20, failed: 0, unconfirmed: 0 });
  });
});

describe('errorsPath', () => {
  it('an index, a key and objects (index or key) fail their records with the endpoint reason, in log --failed and --json', async () => {
    server = await startCaptureServer(() => ({
      body: { errors: [0, 'u03', { index: 4, message: 'bad email' }, { userId: 'u06', reason: 'opted out' }, { ref: { id: 'u08' }, error: 'unknown user' }] },
    }));
    const { cfg, input, db } = setup({ errorsPath: 'errors' }, ids(8).map((id) => ({ id })));
    const res = await cli(['run', cfg, '--input', input, '--db', db, '--json']);
    expect(res.code).toBe(1);
    const out = JSON.parse(res.stdout);
    // u08's object has its key under ref.id, which the default fields do not read: delivered.
    expect(out.records).toMatchObject({ total: 8, succeeded: 4, failed: 4 });
    const failed = await failuresOf(out.runId, db);
    expect(failed.map((f) => [f.key, f.reason])).toEqual([
      ['u01', 'rejected by the endpoint (errorsPath "errors")'],
      ['u03', 'rejected by the endpoint (errorsPath "errors")'],
      ['u05', 'rejected by the endpoint: bad email (errorsPath "errors")'],
      ['u06', 'rejected by the endpoint: opted out (errorsPath "errors")'],
    ]);
    const log = await cli(['log', out.runId, '--db', db, '--failed']);
    expect(log.stdout).toMatch(/key u05: rejected by the endpoint: bad email/);
    expect(log.stdout).toMatch(/key u06: rejected by the endpoint: opted out/);
  });

  it('errorKeyPath reads the key of an object element', async () => {
    server = await startCaptureServer(() => ({ body: { errors: [{ ref: { id: 'u02' }, error: 'unknown user' }] } }));
    const { cfg, input, db } = setup({ errorsPath: 'errors', errorKeyPath: 'ref.id' }, ids(3).map((id) => ({ id })));
    const res = await cli(['run', cfg, '--input', input, '--db', db, '--json']);
    expect(res.code).toBe(1);
    const failed = await failuresOf(JSON.parse(res.stdout).runId, db);
    expect(failed.map((f) => [f.key, f.reason])).toEqual([['u02', 'rejected by the endpoint: unknown user (errorsPath "errors")']]);
  });

  it('a key path without its path, or one that does not parse, is refused at check time (exit 2, nothing sent)', async () => {
    server = await startCaptureServer();
    for (const [add, field] of [
      [{ successKeyPath: 'userId' }, 'destination.add.successKeyPath'],
      [{ errorKeyPath: 'id' }, 'destination.add.errorKeyPath'],
      [{ successPath: 'created', successKeyPath: 'user[' }, 'destination.add.successKeyPath'],
      [{ errorsPath: 'errors[?' }, 'destination.add.errorsPath'],
    ] as const) {
      const { cfg, input, db } = setup(add, [{ id: 'u01' }]);
      const res = await cli(['run', cfg, '--input', input, '--db', db]);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(field);
    }
    expect(server.requests).toHaveLength(0);
  });
});

describe('a disabled step (GrowthLoop: it ignores its action)', () => {
  it('skips remove records when remove is disabled: counted skipped everywhere, exit 0 when every add succeeded', async () => {
    server = await startCaptureServer();
    const records = [
      { id: 'u01', status: 'realized' },
      { id: 'u02', status: 'exited' },
      { id: 'u03', status: 'existing' },
      { id: 'u04', status: 'exited' },
      { id: 'u05', status: 'realized' },
    ];
    const destination = { name: 'skip', add: { url: `${server.url}/members/{{user.id}}` }, remove: { enabled: false, url: `${server.url}/gone/{{user.id}}` } };
    const { cfg, input, db } = setupRun(destination, records, { key: 'id', action: 'status' });

    const res = await cli(['run', cfg, '--input', input, '--db', db, '--json']);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({ status: 'succeeded', records: { total: 5, succeeded: 3, failed: 0, skipped: 2 } });
    expect(out.skippedReasons).toEqual([{ reason: 'record action is remove and the remove step is disabled', count: 2 }]);
    expect(server.requests.map((r) => r.url).sort()).toEqual(['/members/u01', '/members/u03', '/members/u05']);

    const human = await cli(['run', cfg, '--input', input, '--db', db]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/5 total · 3 succeeded · 0 failed · 2 skipped/);
    expect(human.stdout).toMatch(/skipped +2: record action is remove and the remove step is disabled/);

    const runs = await cli(['runs', '--db', db, '--json']);
    expect(JSON.parse(runs.stdout)[0].records).toEqual({ total: 5, succeeded: 3, failed: 0, skipped: 2, unconfirmed: 0 });
    expect((await cli(['runs', '--db', db])).stdout).toMatch(/SKIPPED/);
    const log = await cli(['log', out.runId, '--db', db, '--failed']);
    expect(log.stdout).toMatch(/records 3\/5 succeeded, 0 failed, 2 skipped/);
    expect(log.stdout).toMatch(/no failed records/);
  });

  it('skips add records when add is disabled', async () => {
    server = await startCaptureServer();
    const destination = { name: 'skip', add: { enabled: false, url: `${server.url}/members/{{user.id}}` }, remove: { enabled: true, url: `${server.url}/gone/{{user.id}}` } };
    const { cfg, input, db } = setupRun(destination, [{ id: 'u01', status: 'realized' }, { id: 'u02', status: 'exited' }], { key: 'id', action: 'status' });
    const res = await cli(['run', cfg, '--input', input, '--db', db, '--json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).records).toMatchObject({ total: 2, succeeded: 1, failed: 0, skipped: 1 });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['DELETE /gone/u02']);
  });

  it('retry-failed keeps counting the skipped records', async () => {
    let fail = true;
    server = await startCaptureServer(() => (fail ? { status: 400 } : {}));
    const destination = { name: 'skip', retryOnErrors: false, add: { url: `${server.url}/members/{{user.id}}` } };
    const { cfg, input, db } = setupRun(destination, [{ id: 'u01', status: 'realized' }, { id: 'u02', status: 'exited' }], { key: 'id', action: 'status' });
    const first = await cli(['run', cfg, '--input', input, '--db', db, '--json']);
    expect(JSON.parse(first.stdout).records).toMatchObject({ total: 2, succeeded: 0, failed: 1, skipped: 1 });
    fail = false;
    const again = await cli(['retry-failed', JSON.parse(first.stdout).runId, '--db', db, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).records).toMatchObject({ total: 2, succeeded: 1, failed: 0, skipped: 1 });
  });
});

describe('the studio', () => {
  it("shows the endpoint's reason beside each rejected record, unconfirmed ones as such, and the skipped count", async () => {
    let call = 0;
    server = await startCaptureServer(() =>
      call++ === 0 ? { body: { imported: 3, errors: [{ index: 1, message: 'bad email' }] } } : { body: { imported: 1 } },
    );
    const dir = tempDir();
    const service = createStudioService({ dbPath: join(dir, 'outbound.db') });
    try {
      const records = [...ids(5).map((id) => ({ id, status: 'realized' })), { id: 'u06', status: 'exited' }, ...ids(3, 7).map((id) => ({ id, status: 'realized' }))];
      const { set } = await service.importSamples({ name: 'ack', format: 'ndjson', text: records.map((r) => JSON.stringify(r)).join('\n') });
      const config = configOf(batchedDestination({ batchSize: 5, successPath: 'imported', errorsPath: 'errors' }), { key: 'id', action: 'status' });
      const { runId } = await service.startRun({ config, input: { setId: set.id } });
      let p = await service.runProgress(runId);
      for (let i = 0; i < 400 && p?.state !== 'finished'; i++) {
        await new Promise((r) => setTimeout(r, 25));
        p = await service.runProgress(runId);
      }
      // First request (u01..u05): u02 rejected; 3 imported cannot cover the other 4, so they are
      // unconfirmed. Second (u07..u09): 1 of 3, unconfirmed. u06 (exited): remove is disabled, skipped.
      expect(p?.records).toMatchObject({ total: 9, done: 9, succeeded: 4, failed: 4, skipped: 1 });
      expect((await service.getRun(runId))?.records).toEqual({ total: 9, succeeded: 4, failed: 4, skipped: 1, unconfirmed: 4 });
      const adds = await service.runRequests({ runId, filter: { step: 'add' } });
      const first = await service.requestDetail({ runId, id: adds.rows[0]!.id });
      expect(first?.records.map((r) => [r.key, r.status, r.reason?.slice(0, 40) ?? null])).toEqual([
        ['u01', 'unconfirmed', 'endpoint acknowledged 3 of 5 records (su'],
        ['u02', 'failed', 'rejected by the endpoint: bad email (err'],
        ['u03', 'unconfirmed', 'endpoint acknowledged 3 of 5 records (su'],
        ['u04', 'unconfirmed', 'endpoint acknowledged 3 of 5 records (su'],
        ['u05', 'unconfirmed', 'endpoint acknowledged 3 of 5 records (su'],
      ]);
    } finally {
      await service.close();
    }
  });
});
