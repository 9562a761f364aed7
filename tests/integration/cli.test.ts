// The CLI contract of DESIGN.md: commands, outputs and exit codes, including every kind of
// bad input, each with an error that says what and where.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/main/mock/index.js';
import { cli, tempDir } from '../helpers/run.js';

let mock: MockServer;
let dir: string;
let input: string;
const rows = Array.from({ length: 25 }, (_, i) => ({ id: `u${i + 1}`, person: { email: `u${i + 1}@example.com` }, ltv: String(i * 10) }));

beforeAll(async () => {
  mock = await startMock({ requireAuth: false });
  dir = tempDir();
  input = join(dir, 'in.ndjson');
  writeFileSync(input, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
});
afterAll(async () => {
  await mock.close();
});

function writeConfig(name: string, cfg: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof cfg === 'string' ? cfg : JSON.stringify(cfg, null, 2));
  return path;
}

const good = () => ({
  version: 1,
  destination: {
    name: 'cli',
    add: { url: `${mock.url}/hooks/cli`, bodyTemplate: '{"users": [{{#each users}}{"id": "{{id}}", "email": "{{email}}", "ltv": {{ltv}}}{{#unless @last}},{{/unless}}{{/each}}]}', batchMode: 'batched', batchSize: 10 },
    outputSchema: [{ name: 'id' }, { name: 'email' }, { name: 'ltv', type: 'number' }],
  },
  audience: { name: 'CLI' },
  records: { key: 'id', mapping: { id: 'id', email: 'person.email', ltv: 'ltv' } },
});

describe('outbound run', () => {
  it('exits 0 with the --json summary when every record succeeded, and records the run', async () => {
    const db = join(dir, 'ok.db');
    const res = await cli(['run', writeConfig('ok.json', good()), '--input', input, '--db', db, '--json']);
    expect(res.stderr).not.toMatch(/error/i);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({ status: 'succeeded', records: { total: 25, succeeded: 25, failed: 0 }, requests: { sent: 3, retried: 0 } });
    expect(typeof out.runId).toBe('string');
    const bodies = mock.journal.entries().filter((e) => e.path === '/hooks/cli').map((e) => JSON.parse(e.body));
    expect(bodies.flatMap((b) => b.users).find((u: { id: string }) => u.id === 'u3')).toEqual({ id: 'u3', email: 'u3@example.com', ltv: 20 });
    const runs = await cli(['runs', '--db', db, '--json']);
    expect(runs.code).toBe(0);
    expect(JSON.parse(runs.stdout)).toEqual([expect.objectContaining({ runId: out.runId, status: 'succeeded', records: expect.objectContaining({ total: 25, succeeded: 25 }) })]);
  });

  it('--dry-run plans and sends nothing', async () => {
    const before = mock.journal.size;
    const res = await cli(['run', writeConfig('dry.json', good()), '--input', input, '--dry-run', '--json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ dryRun: true, planned: { add: 3 } });
    expect(mock.journal.size).toBe(before);
  });

  it('bad rows fail alone with file and line; the rest is delivered; exit 1', async () => {
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, ['{"id":"a","person":{"email":"a@x"},"ltv":1}', '{"id":"b", oops}', '{"id":"c","person":{"email":"c@x"},"ltv":"not a number"}', '{"id":"d","person":{"email":"d@x"},"ltv":4}'].join('\n'));
    const db = join(dir, 'bad.db');
    const res = await cli(['run', writeConfig('bad-rows.json', good()), '--input', bad, '--db', db, '--json']);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ status: 'partial', records: { total: 4, succeeded: 2, failed: 2 } });
    expect(res.stderr).toContain(`outbound log ${JSON.parse(res.stdout).runId} --failed --db ${db}`);
    const log = await cli(['log', JSON.parse(res.stdout).runId, '--db', db, '--failed']);
    expect(log.stdout).toMatch(/bad\.ndjson:2/);
    expect(log.stdout).toMatch(/ltv.*cannot coerce "not a number" to number/);
  });

  it('retry-failed re-sends only the failed records and counts the whole run', async () => {
    const cfg = good();
    Object.assign(cfg.destination, { retryOnErrors: false, concurrency: 1 });
    mock.setScenario({ webhook: { sequence: [{ passthrough: true }, { status: 500 }], then: 'passthrough' } });
    const db = join(dir, 'retry.db');
    const first = await cli(['run', writeConfig('retry.json', cfg), '--input', input, '--db', db, '--json']);
    mock.setScenario(undefined);
    expect(first.code).toBe(1);
    const { runId } = JSON.parse(first.stdout);
    expect(JSON.parse(first.stdout).records).toMatchObject({ total: 25, succeeded: 15, failed: 10 });
    const before = mock.journal.size;
    const again = await cli(['retry-failed', runId, '--db', db, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ runId, status: 'succeeded', records: { total: 25, succeeded: 25, failed: 0 } });
    const resent = mock.journal.entries().slice(-(mock.journal.size - before));
    expect(resent).toHaveLength(1);
    expect(JSON.parse(resent[0]!.body).users.map((u: { id: string }) => u.id)).toEqual(['u11', 'u12', 'u13', 'u14', 'u15', 'u16', 'u17', 'u18', 'u19', 'u20']);
  });

  it('an aborted run exits 3 and says how to resume', async () => {
    const cfg = good();
    Object.assign(cfg.destination, { getAudience: { enabled: true, url: `${mock.url}/hooks/none`, filterPath: "tables[?name=='{{audience_name}}']" } });
    const res = await cli(['run', writeConfig('abort.json', cfg), '--input', input, '--db', join(dir, 'abort.db')]);
    expect(res.code).toBe(3);
    expect(res.stdout).toMatch(/aborted/);
    expect(res.stderr).toMatch(/outbound resume /);
  });
});

describe('bad input: exit 2, nothing sent, the error says what and where', () => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['a schema error names the field path', () => ({ ...good(), destination: { ...good().destination, add: { ...good().destination.add, batchSize: 0 } } }), /destination\.add\.batchSize: .*>=1/],
    ['a missing env variable names it', () => ({ ...good(), destination: { ...good().destination, headers: { 'X-Key': '${env:OUTBOUND_TEST_UNSET_VAR}' } } }), /destination\.headers\.X-Key: environment variable OUTBOUND_TEST_UNSET_VAR is not set/],
    ['a template syntax error gives line and column', () => ({ ...good(), destination: { ...good().destination, add: { ...good().destination.add, bodyTemplate: '{"users": [\n{{#each users}}{"id": "{{id}}"}\n]}' } } }), /destination\.add\.bodyTemplate.*line \d+/],
    ['an unknown field in a template is named', () => ({ ...good(), destination: { ...good().destination, add: { ...good().destination.add, bodyTemplate: '{"users": [{{#each users}}"{{emial}}"{{/each}}]}' } } }), /emial/],
    ['a bad JMESPath mapping names the field', () => ({ ...good(), records: { key: 'id', mapping: { id: 'id', email: 'person.[email', ltv: 'ltv' } } }), /records\.mapping\.email/],
    ['create without get is refused', () => ({ ...good(), destination: { ...good().destination, createAudience: { enabled: true, url: 'http://x/' } } }), /destination\.createAudience\.enabled: create audience needs get audience/],
    ['invalid JSON gives line and column', () => '{\n  "version": 1,\n  "destination": {,\n}', /bad-input-6\.json:3:\d+: invalid JSON/],
  ];
  cases.forEach(([title, cfg, pattern], i) => {
    it(title, async () => {
      const before = mock.journal.size;
      const res = await cli(['run', writeConfig(`bad-input-${i}.json`, cfg()), '--input', input, '--db', join(dir, 'bad-input.db')]);
      expect(res.stderr).toMatch(pattern);
      expect(res.code).toBe(2);
      expect(mock.journal.size).toBe(before);
    });
  });

  it('a missing input file, an unknown extension, an unknown command and a bad flag', async () => {
    const cfg = writeConfig('fine.json', good());
    const noConfig = await cli(['run', join(dir, 'nope.json'), '--input', input]);
    expect([noConfig.code, noConfig.stderr]).toEqual([2, `${join(dir, 'nope.json')}: config file not found\n`]);
    const missing = await cli(['run', cfg, '--input', join(dir, 'nope.ndjson')]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/input file not found: .*nope\.ndjson/)]);
    const ext = await cli(['run', cfg, '--input', join(dir, 'in.txt')]);
    expect([ext.code, ext.stderr]).toEqual([2, expect.stringMatching(/\.txt/)]);
    expect((await cli(['frobnicate'])).code).toBe(2);
    const flag = await cli(['run', cfg, '--input', input, '--bogus']);
    expect([flag.code, flag.stderr]).toEqual([2, expect.stringMatching(/bogus/)]);
    expect((await cli(['run', cfg])).stderr).toMatch(/--input/);
  });

  it('a corrupt database is refused with its path, nothing is sent, and the file is left as it was', async () => {
    const db = join(dir, 'corrupt.db');
    const garbage = Buffer.from('this is not a database, but it is somebody\'s file\n'.repeat(100));
    writeFileSync(db, garbage);
    const before = mock.journal.size;
    const res = await cli(['run', writeConfig('corrupt-db.json', good()), '--input', input, '--db', db]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(db);
    expect(res.stderr).toMatch(/not an Outbound database|corrupt|not a database/i);
    expect(mock.journal.size).toBe(before);
    expect(readFileSync(db).equals(garbage)).toBe(true);
  });

  it('preview reports a bad template with exit 2 and an error naming it', async () => {
    const cfg = good();
    cfg.destination.add.bodyTemplate = '{"users": [{{#each users}}{"id": "{{id}}"}]}';
    const res = await cli(['preview', writeConfig('preview-bad.json', cfg), '--input', input]);
    expect(res.code).toBe(2);
    expect(JSON.parse(res.stdout).errors[0]).toMatchObject({ where: 'destination.add.bodyTemplate', line: expect.any(Number) });
  });
});

describe('outbound schema', () => {
  it('prints a JSON Schema that knows every top-level section', async () => {
    const res = await cli(['schema']);
    expect(res.code).toBe(0);
    const schema = JSON.parse(res.stdout);
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['version', 'destination', 'audience', 'records']));
  });
});

describe('the installed entry point', () => {
  const bin = join(process.cwd(), 'bin', 'outbound.mjs');
  function spawnCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('sample writes deterministic NDJSON profiles', async () => {
    const a = await spawnCli(['sample', '--count', '5', '--seed', '9']);
    const b = await spawnCli(['sample', '--count', '5', '--seed', '9']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const lines = a.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toHaveProperty('segmentMembership.ups');
    expect(lines[0]).toHaveProperty('identityMap.ecid');
  });

  it('mock prints "listening http://127.0.0.1:PORT" first and serves the journal', async () => {
    const child = spawn(process.execPath, [bin, 'mock', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const first = await new Promise<string>((resolve) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d;
        if (buf.includes('\n')) resolve(buf.split('\n')[0]!);
      });
    });
    expect(first).toMatch(/^listening http:\/\/127\.0\.0\.1:\d+$/);
    const url = first.replace('listening ', '');
    const health = await fetch(`${url}/_mock/health`);
    expect(health.status).toBe(200);
    child.kill('SIGINT');
    await new Promise((r) => child.on('close', r));
  });
});
