// Limits instead of crashes, exact numbers, a deep record fails alone (issue 9). The
// blowups run the real CLI in a child process with a 256 MB heap: without the caps it
// would crash (or eat the machine), with them the records fail with a message and the run
// finishes. Every request is checked byte for byte as the loopback endpoint received it.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { cli, tempDir } from '../helpers/run.js';

const bin = join(process.cwd(), 'bin', 'outbound.mjs');

let server: CaptureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Runs `outbound run` in a child with a small heap; a crash shows as a signal or exit 134. */
function runChild(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--max-old-space-size=256', bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function writeConfig(dir: string, destination: object, records: object = { key: 'id' }): string {
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify({ version: 1, destination: { name: 'limits', ...destination }, audience: { name: 'A' }, records }));
  return path;
}

function users(dir: string, n: number): string {
  const path = join(dir, 'users.ndjson');
  writeFileSync(path, Array.from({ length: n }, (_, i) => JSON.stringify({ id: `u${i}`, n: i })).join('\n') + '\n');
  return path;
}

describe('limits instead of crashes', () => {
  it('a nested {{#each}} over a batch of 1000 fails its records at the 10 MiB cap, naming the template; the run finishes (exit 1) in 256 MB', async () => {
    server = await startCaptureServer();
    const dir = tempDir();
    const body = '{"users": [{{#each users}}{{#each ../users}}{{#each ../../users}}{"id": "{{id}}"},{{/each}}{{/each}}{{/each}} null]}';
    const cfg = writeConfig(dir, { add: { url: `${server.url}/members`, method: 'POST', batchMode: 'batched', batchSize: 1000, bodyTemplate: body } });
    const db = join(dir, 'run.db');
    const res = await runChild(['run', cfg, '--input', users(dir, 1000), '--db', db, '--json']);
    expect(res.signal).toBeNull();
    expect(res.code, res.stderr).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ status: 'failed', records: { total: 1000, succeeded: 0, failed: 1000 } });
    expect(server.requests).toHaveLength(0);
    const log = await cli(['log', JSON.parse(res.stdout).runId, '--db', db, '--failed']);
    expect(log.stdout).toContain('destination.add.bodyTemplate: rendered text is larger than the cap of 10 MiB');
  });

  it('chained JMESPath multiselects in records.mapping are refused at check time (exit 2, field named), nothing sent', async () => {
    server = await startCaptureServer();
    const dir = tempDir();
    const blowup = Array.from({ length: 30 }, () => '[@,@][]').join('');
    const cfg = writeConfig(dir, { add: { url: `${server.url}/members`, method: 'POST', batchMode: 'batched', batchSize: 10 } }, { key: 'id', mapping: { id: 'id', x: blowup } });
    const res = await runChild(['run', cfg, '--input', users(dir, 10), '--db', join(dir, 'run.db')]);
    expect(res.signal).toBeNull();
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('records.mapping.x');
    expect(res.stderr).toContain('can multiply its input up to 1073741824 times');
    expect(res.stderr).toContain('the limit is 1024');
    expect(server.requests).toHaveLength(0);
  });

  it('a mapping that grows a big record past the JMESPath result cap fails that record alone, naming the field', async () => {
    server = await startCaptureServer();
    const dir = tempDir();
    const input = join(dir, 'in.ndjson');
    // 4^4 = 256 ≤ 1024: accepted; 256 × a 60 KB string is past 10 MiB.
    const grow = '[a,a,a,a][][@,@,@,@][][@,@,@,@][][@,@,@,@][]';
    writeFileSync(input, [{ id: 'small', a: 'x' }, { id: 'big', a: 'y'.repeat(60_000) }, { id: 'small2', a: 'z' }].map((r) => JSON.stringify(r)).join('\n') + '\n');
    const cfg = writeConfig(dir, { add: { url: `${server.url}/members`, method: 'POST', batchMode: 'batched', batchSize: 10 } }, { key: 'id', mapping: { id: 'id', x: grow } });
    const db = join(dir, 'run.db');
    const res = await runChild(['run', cfg, '--input', input, '--db', db, '--json']);
    expect(res.code, res.stderr).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ records: { total: 3, succeeded: 2, failed: 1 } });
    const sent = JSON.parse(server.requests[0]!.body) as { users: Array<{ id: string; x: string[] }> };
    expect(sent.users.map((u) => u.id)).toEqual(['small', 'small2']);
    expect(sent.users[0]!.x).toHaveLength(256);
    const log = await cli(['log', JSON.parse(res.stdout).runId, '--db', db, '--failed']);
    expect(log.stdout).toContain('in.ndjson:2');
    expect(log.stdout).toContain('records.mapping.x: result is larger than the cap of 10 MiB');
  });
});

describe('exact integers', () => {
  const BIG = '12345678901234567890';
  const NEG = '-98765432109876543210';

  it('a 20-digit integer reaches the endpoint byte-exact in the body, the URL, a JSON string, {{json}} and the record key', async () => {
    server = await startCaptureServer();
    const dir = tempDir();
    const input = join(dir, 'in.ndjson');
    writeFileSync(input, `{"id": ${BIG}, "n": ${NEG}, "small": 42, "ecid": "${BIG}123"}\n{"id": "plain", "n": 7}\n`);
    const body = '{"id": {{user.id}}, "s": "{{user.id}}", "n": {{user.n}}, "all": {{json user}}}';
    const cfg = writeConfig(dir, { add: { url: `${server.url}/members/{{user.id}}?n={{user.n}}`, method: 'POST', batchMode: 'individual', bodyTemplate: body } });
    const db = join(dir, 'run.db');
    const res = await cli(['run', cfg, '--input', input, '--db', db, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const byUrl = new Map(server.requests.map((r) => [r.url, r.body]));
    expect(byUrl.get(`/members/${BIG}?n=${NEG}`)).toBe(`{"id": ${BIG}, "s": "${BIG}", "n": ${NEG}, "all": {"id":${BIG},"n":${NEG},"small":42,"ecid":"${BIG}123"}}`);
    expect(byUrl.get('/members/plain?n=7')).toBe('{"id": "plain", "s": "plain", "n": 7, "all": {"id":"plain","n":7}}');
    const log = await cli(['log', JSON.parse(res.stdout).runId, '--db', db, '--json']);
    expect(log.stdout).toContain(`"${BIG}"`);
    expect(log.stdout).not.toContain('12345678901234567000');
  });

  it('the default batched body, a JSON array input and a moving JMESPath mapping keep the digits', async () => {
    server = await startCaptureServer();
    const dir = tempDir();
    const input = join(dir, 'in.json');
    writeFileSync(input, `[{"id": "a", "v": {"big": ${BIG}}}, {"id": "b", "v": {"big": 1}}]`);
    const cfg = writeConfig(dir, { add: { url: `${server.url}/members`, method: 'POST', batchMode: 'batched', batchSize: 10 } }, { key: 'id', mapping: { id: 'id', big: 'v.big', both: '[v.big, v.big]', obj: '{b: v.big}' } });
    const res = await cli(['run', cfg, '--input', input, '--db', join(dir, 'run.db')]);
    expect(res.code, res.stderr).toBe(0);
    expect(server.requests[0]!.body).toBe(`{"users":[{"id":"a","big":${BIG},"both":[${BIG},${BIG}],"obj":{"b":${BIG}}},{"id":"b","big":1,"both":[1,1],"obj":{"b":1}}]}`);
  });

  it('a JMESPath function or comparison over such an integer fails the record naming the field; the others are sent', async () => {
    server = await startCaptureServer();
    const dir = tempDir();
    const input = join(dir, 'in.ndjson');
    writeFileSync(input, `{"id": "a", "v": ${BIG}}\n{"id": "b", "v": 5}\n{"id": "c", "v": ${BIG}, "w": 5}\n`);
    const cfg = writeConfig(dir, { add: { url: `${server.url}/members`, method: 'POST', batchMode: 'batched', batchSize: 10 } }, { key: 'id', mapping: { id: 'id', t: 'to_string(v)', w: 'w > `1`' } });
    const db = join(dir, 'run.db');
    const res = await cli(['run', cfg, '--input', input, '--db', db, '--json']);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ records: { total: 3, succeeded: 1, failed: 2 } });
    expect(server.requests[0]!.body).toBe('{"users":[{"id":"b","t":"5","w":false}]}');
    const log = await cli(['log', JSON.parse(res.stdout).runId, '--db', db, '--failed']);
    expect(log.stdout).toContain('in.ndjson:1');
    expect(log.stdout).toContain('records.mapping.t: the record holds an integer beyond 2^53');
    // Record c: its comparison does not touch the big integer, but t does.
    expect(log.stdout).toContain('in.ndjson:3');
  });

  it('CSV digits coerced to integer or number by the output schema are exact', async () => {
    server = await startCaptureServer();
    const dir = tempDir();
    const input = join(dir, 'in.csv');
    writeFileSync(input, `id,n,m,s\nx1,${BIG},+00${BIG},${BIG}\nx2,12,13,14\n`);
    const cfg = writeConfig(dir, {
      add: { url: `${server.url}/members`, method: 'POST', batchMode: 'batched', batchSize: 10 },
      outputSchema: [
        { name: 'id', type: 'string' },
        { name: 'n', type: 'integer' },
        { name: 'm', type: 'number' },
        { name: 's', type: 'string' },
      ],
    });
    const res = await cli(['run', cfg, '--input', input, '--db', join(dir, 'run.db')]);
    expect(res.code, res.stderr).toBe(0);
    expect(server.requests[0]!.body).toBe(`{"users":[{"id":"x1","n":${BIG},"m":${BIG},"s":"${BIG}"},{"id":"x2","n":12,"m":13,"s":"14"}]}`);
  });
});

describe('a deep record fails alone', () => {
  it('a record nested 10,000 levels in a batch of 10 fails with its file:line; the other 9 are sent', async () => {
    server = await startCaptureServer();
    const dir = tempDir();
    const input = join(dir, 'deep.ndjson');
    const lines = Array.from({ length: 10 }, (_, i) => (i === 4 ? `{"id":"deep","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}` : JSON.stringify({ id: `d${i}` })));
    writeFileSync(input, lines.join('\n') + '\n');
    const cfg = writeConfig(dir, { add: { url: `${server.url}/members`, method: 'POST', batchMode: 'batched', batchSize: 10 } });
    const db = join(dir, 'run.db');
    const res = await cli(['run', cfg, '--input', input, '--db', db, '--json']);
    expect(res.code, res.stderr).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ status: 'partial', records: { total: 10, succeeded: 9, failed: 1 } });
    const sent = (JSON.parse(server.requests[0]!.body) as { users: Array<{ id: string }> }).users.map((u) => u.id);
    expect(sent).toEqual(['d0', 'd1', 'd2', 'd3', 'd5', 'd6', 'd7', 'd8', 'd9']);
    const log = await cli(['log', JSON.parse(res.stdout).runId, '--db', db, '--failed']);
    expect(log.stdout).toContain('deep.ndjson:5');
    expect(log.stdout).toContain('nested more than 1000 levels deep');
  });
});
