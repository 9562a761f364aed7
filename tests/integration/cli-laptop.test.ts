// The CLI on a laptop (issue 11): --limit, --only-key, --env-file, --set and export-failed,
// each against a real loopback server, counted at the endpoint; every bad flag refused
// with what and where (exit 2, nothing sent).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCaptureServer, type Captured, type CaptureServer } from '../helpers/capture-server.js';
import { cli, tempDir } from '../helpers/run.js';

let server: CaptureServer;
let dir: string;
/** Keys whose add request the server refuses with 400 (individual mode: one record a request). */
let refuse = new Set<string>();
/** Whether get audience answers (else 500: the run aborts before any record, resumable). */
let audienceUp = true;

beforeAll(async () => {
  server = await startCaptureServer((req) => {
    if (req.url.startsWith('/lists')) return audienceUp ? { body: { lists: [{ name: 'Laptop', id: 'l1' }] } } : { status: 500, body: { error: 'down' } };
    const ids = idsOf(req);
    if (ids.some((id) => refuse.has(id))) return { status: 400, body: { error: `bad record ${ids.join(',')}` } };
    return { body: { ok: true } };
  });
  dir = tempDir('outbound-laptop-');
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  refuse = new Set();
  audienceUp = true;
  server.requests.length = 0;
});

function idsOf(req: Captured): string[] {
  if (!req.body) return [];
  const body = JSON.parse(req.body) as { id?: string; users?: Array<{ id: string }> };
  return body.users ? body.users.map((u) => u.id) : body.id ? [body.id] : [];
}

/** Record ids the endpoint received in add requests, in order. */
function delivered(): string[] {
  return server.requests.filter((r) => r.url.startsWith('/add')).flatMap(idsOf);
}

function addRequests(): Captured[] {
  return server.requests.filter((r) => r.url.startsWith('/add'));
}

let n = 0;
function file(name: string, text: string): string {
  const path = join(dir, `${++n}-${name}`);
  writeFileSync(path, text);
  return path;
}

const rows = Array.from({ length: 10 }, (_, i) => ({ profile: { id: `u${i + 1}` }, email: `u${i + 1}@example.com` }));
const ndjson = () => file('in.ndjson', rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

/** The record key is computed through the mapping (profile.id → id), as a run computes it. */
function configFile(over: { batched?: boolean; headers?: Record<string, string>; getAudience?: boolean; retry?: boolean } = {}): string {
  const add = over.batched
    ? { url: `${server.url}/add`, batchMode: 'batched', batchSize: 10, bodyTemplate: '{"users": [{{#each users}}{"id": "{{id}}"}{{#unless @last}},{{/unless}}{{/each}}]}' }
    : { url: `${server.url}/add`, batchMode: 'individual', bodyTemplate: '{"id": "{{user.id}}"}' };
  return file(
    'config.json',
    JSON.stringify({
      version: 1,
      destination: {
        name: 'laptop',
        retryOnErrors: over.retry ?? false,
        ...(over.headers ? { headers: over.headers } : {}),
        ...(over.getAudience ? { getAudience: { enabled: true, url: `${server.url}/lists`, filterPath: "lists[?name=='{{audience_name}}']" } } : {}),
        add,
      },
      audience: { name: 'Laptop' },
      records: { key: 'id', mapping: { id: 'profile.id', email: 'email' } },
    }),
  );
}

const db = () => join(dir, `${++n}.db`);

describe('--limit', () => {
  it('plans and sends only the first N records, and the run records that it was limited', async () => {
    const dbPath = db();
    const res = await cli(['run', configFile({ batched: true }), '--input', ndjson(), '--db', dbPath, '--json', '--limit', '3']);
    expect(res.code).toBe(0);
    expect(delivered()).toEqual(['u1', 'u2', 'u3']);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({ status: 'succeeded', limit: 3, records: { total: 3, succeeded: 3, failed: 0 } });
    const runs = JSON.parse((await cli(['runs', '--db', dbPath, '--json'])).stdout);
    expect(runs[0]).toMatchObject({ runId: out.runId, limit: 3 });
    const table = (await cli(['runs', '--db', dbPath])).stdout;
    expect(table.split('\n')[0]).toMatch(/OPTIONS$/);
    expect(table).toContain('--limit 3');
    expect((await cli(['log', out.runId, '--db', dbPath])).stdout).toContain('--limit 3');
  });

  it('the dry run plans only the first N records', async () => {
    const res = await cli(['run', configFile(), '--input', ndjson(), '--dry-run', '--json', '--limit', '4']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ dryRun: true, limit: 4, records: { total: 4 }, planned: { add: 4 } });
    expect(server.requests).toHaveLength(0);
  });

  it('a resumed limited run continues within the same limit', async () => {
    const dbPath = db();
    const cfg = configFile({ getAudience: true });
    audienceUp = false;
    const first = await cli(['run', cfg, '--input', ndjson(), '--db', dbPath, '--json', '--limit', '4']);
    expect(first.code).toBe(3);
    expect(delivered()).toEqual([]);
    audienceUp = true;
    const runId = JSON.parse(first.stdout).runId as string;
    const resumed = await cli(['resume', runId, '--db', dbPath, '--json']);
    expect(resumed.code).toBe(0);
    expect(delivered()).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ limit: 4, records: { total: 4, succeeded: 4 } });
  });

  it.each(['0', '-2', '1.5', 'ten', ''])('refuses --limit %j with exit 2, nothing sent', async (value) => {
    // `--limit=-2`: parseArgs reads a separate `-2` as a flag, so the value is given inline.
    const res = await cli(['run', configFile(), '--input', ndjson(), '--db', db(), `--limit=${value}`]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`run: --limit must be a positive whole number (got "${value}")`);
    expect(server.requests).toHaveLength(0);
  });
});

describe('--only-key', () => {
  it('sends only the records with those keys (as records.key computes them) and reports keys not in the input', async () => {
    const dbPath = db();
    const res = await cli(['run', configFile(), '--input', ndjson(), '--db', dbPath, '--json', '--only-key', 'u7', '--only-key', 'u2', '--only-key', 'nobody']);
    expect(res.code).toBe(0);
    expect(delivered().sort()).toEqual(['u2', 'u7']);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({ onlyKeys: ['u7', 'u2', 'nobody'], missingKeys: ['nobody'], records: { total: 2, succeeded: 2 } });
    expect(res.stderr).toContain('warning: --only-key: no record of the input has key nobody');
  });

  it('with --limit: keys past the limit are not part of the run', async () => {
    const res = await cli(['run', configFile(), '--input', ndjson(), '--db', db(), '--json', '--limit', '5', '--only-key', 'u2', '--only-key', 'u9']);
    expect(res.code).toBe(0);
    expect(delivered()).toEqual(['u2']);
    expect(JSON.parse(res.stdout).missingKeys).toEqual(['u9']);
  });

  it('retry-failed keeps to the run\'s selection (limit and keys)', async () => {
    const dbPath = db();
    refuse = new Set(['u2']);
    const first = await cli(['run', configFile(), '--input', ndjson(), '--db', dbPath, '--json', '--limit', '6', '--only-key', 'u2', '--only-key', 'u5', '--only-key', 'u8']);
    expect(first.code).toBe(1);
    expect(delivered().sort()).toEqual(['u2', 'u5']);
    refuse = new Set();
    server.requests.length = 0;
    const retried = await cli(['retry-failed', JSON.parse(first.stdout).runId, '--db', dbPath, '--json']);
    expect(retried.code).toBe(0);
    expect(delivered()).toEqual(['u2']);
    expect(JSON.parse(retried.stdout)).toMatchObject({ limit: 6, onlyKeys: ['u2', 'u5', 'u8'], missingKeys: ['u8'], records: { total: 2, succeeded: 2, failed: 0 } });
  });

  it('preview shows only the requests of those records', async () => {
    const res = await cli(['preview', configFile(), '--input', ndjson(), '--only-key', 'u5', '--only-key', 'zz']);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.requests.map((r: { recordKeys: string[] }) => r.recordKeys)).toEqual([['u5']]);
    expect(out.missingKeys).toEqual(['zz']);
    expect(server.requests).toHaveLength(0);
  });
});

describe('--env-file', () => {
  const envConfig = () => configFile({ headers: { 'X-API-Key': '${env:LAPTOP_KEY}' } });

  it('resolves ${env:…} from the file (dotenv syntax); the value is a secret, masked in the log', async () => {
    const env = file('.env', '# keys for the laptop\nexport LAPTOP_KEY="from-file-s3cr3t" # inline comment\n\nOTHER=1\n');
    const dbPath = db();
    const res = await cli(['run', envConfig(), '--input', ndjson(), '--db', dbPath, '--json', '--limit', '1', '--env-file', env]);
    expect(res.code).toBe(0);
    expect(addRequests()[0]!.headers['x-api-key']).toBe('from-file-s3cr3t');
    const log = await cli(['log', JSON.parse(res.stdout).runId, '--db', dbPath, '--json']);
    expect(log.stdout).not.toContain('from-file-s3cr3t');
    expect(log.stdout).toContain('${env:LAPTOP_KEY}');
  });

  it('the real environment wins over the file; a later file wins over an earlier one', async () => {
    const a = file('a.env', 'LAPTOP_KEY=first\n');
    const b = file('b.env', 'LAPTOP_KEY=second\n');
    expect((await cli(['run', envConfig(), '--input', ndjson(), '--db', db(), '--limit', '1', '--env-file', a, '--env-file', b])).code).toBe(0);
    expect((await cli(['run', envConfig(), '--input', ndjson(), '--db', db(), '--limit', '1', '--env-file', a], { LAPTOP_KEY: 'real' })).code).toBe(0);
    expect(addRequests().map((r) => r.headers['x-api-key'])).toEqual(['second', 'real']);
  });

  it('a resume reads the run\'s env files again (their values are never stored)', async () => {
    const env = file('.env', 'LAPTOP_KEY=again\n');
    const dbPath = db();
    const cfg = configFile({ headers: { 'X-API-Key': '${env:LAPTOP_KEY}' }, getAudience: true });
    audienceUp = false;
    const first = await cli(['run', cfg, '--input', ndjson(), '--db', dbPath, '--json', '--limit', '2', '--env-file', env]);
    expect(first.code).toBe(3);
    audienceUp = true;
    const resumed = await cli(['resume', JSON.parse(first.stdout).runId, '--db', dbPath]);
    expect(resumed.code).toBe(0);
    expect(addRequests().map((r) => r.headers['x-api-key'])).toEqual(['again', 'again']);
  });

  it('a missing file and a line that is not KEY=VALUE are refused naming the file and line, never echoing the line', async () => {
    const missing = join(dir, 'nope.env');
    const res = await cli(['run', envConfig(), '--input', ndjson(), '--db', db(), '--env-file', missing]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`--env-file ${missing}: env file not found`);
    const bad = file('bad.env', 'A=1\nMULTI="one\ntwo"\npasted-secret-value\n');
    const res2 = await cli(['run', envConfig(), '--input', ndjson(), '--db', db(), '--env-file', bad]);
    expect(res2.code).toBe(2);
    expect(res2.stderr).toContain(`--env-file ${bad}:4: expected KEY=VALUE`);
    expect(res2.stderr).not.toContain('pasted-secret-value');
    expect(server.requests).toHaveLength(0);
  });
});

describe('--set', () => {
  it('overrides fields (shorthand under destination, headers by name), validated like the file', async () => {
    const res = await cli(['run', configFile({ batched: true }), '--input', ndjson(), '--db', db(), '--json', '--set', 'add.batchSize=4', '--set', 'destination.headers.X-Foo=bar baz']);
    expect(res.code).toBe(0);
    expect(addRequests().map((r) => idsOf(r).length)).toEqual([4, 4, 2]);
    expect(addRequests()[0]!.headers['x-foo']).toBe('bar baz');
    expect(JSON.parse(res.stdout).overrides).toEqual([
      { path: 'destination.add.batchSize', value: 4 },
      { path: 'destination.headers.X-Foo', value: 'bar baz' },
    ]);
  });

  it('a bad value or path is named after the flag, exit 2, nothing sent', async () => {
    const cfg = configFile({ batched: true });
    const bad = await cli(['run', cfg, '--input', ndjson(), '--db', db(), '--set', 'add.batchSize=lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^--set add\.batchSize: .*expected number/m);
    const unknown = await cli(['run', cfg, '--input', ndjson(), '--db', db(), '--set', 'add.batchSzie=3']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^--set add\.batchSzie: unknown key; did you mean "batchSize"\?/m);
    const noEq = await cli(['run', cfg, '--input', ndjson(), '--db', db(), '--set', 'add.batchSize']);
    expect(noEq.code).toBe(2);
    expect(noEq.stderr).toContain('--set add.batchSize: expected path=value');
    const through = await cli(['run', cfg, '--input', ndjson(), '--db', db(), '--set', 'destination.name.x=1']);
    expect(through.code).toBe(2);
    expect(through.stderr).toContain('--set destination.name.x: destination.name is a string, not an object');
    expect(server.requests).toHaveLength(0);
  });

  it('resume applies the overrides again, also when the config file is re-read for its literal secrets', async () => {
    const dbPath = db();
    // A literal secret header: the stored config masks it, so a resume re-reads the file.
    const cfg = configFile({ batched: true, getAudience: true, headers: { 'X-API-Key': 'literal-s3cret' } });
    audienceUp = false;
    const first = await cli(['run', cfg, '--input', ndjson(), '--db', dbPath, '--json', '--set', 'add.batchSize=3']);
    expect(first.code).toBe(3);
    audienceUp = true;
    const resumed = await cli(['resume', JSON.parse(first.stdout).runId, '--db', dbPath]);
    expect(resumed.code).toBe(0);
    expect(addRequests().map((r) => idsOf(r).length)).toEqual([3, 3, 3, 1]);
    expect(addRequests()[0]!.headers['x-api-key']).toBe('literal-s3cret');
  });

  it('an override holding a literal secret is stored masked: a resume that must re-read the file refuses, saying why', async () => {
    const dbPath = db();
    const cfg = configFile({ getAudience: true });
    audienceUp = false;
    const first = await cli(['run', cfg, '--input', ndjson(), '--db', dbPath, '--json', '--set', 'destination.headers.Authorization=Bearer tok-s3cret']);
    expect(first.code).toBe(3);
    const runs = await cli(['runs', '--db', dbPath, '--json']);
    expect(runs.stdout).not.toContain('tok-s3cret');
    audienceUp = true;
    const resumed = await cli(['resume', JSON.parse(first.stdout).runId, '--db', dbPath]);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toContain('--set destination.headers.Authorization');
    expect(resumed.stderr).toContain('literal secret');
    expect(addRequests()).toHaveLength(0);
  });
});

describe('export-failed', () => {
  it('writes the failed NDJSON lines byte for byte, reasons beside them; re-run against a fixed server delivers exactly those', async () => {
    // Odd spacing, a CRLF line and a blank line: the export must keep every byte.
    const lines = rows.map((r, i) => (i === 2 ? `{ "profile": {"id":"u3"},   "email": "u3@example.com" }\r` : JSON.stringify(r)));
    lines.splice(6, 0, '');
    const input = file('in.ndjson', lines.join('\n') + '\n');
    const dbPath = db();
    const cfg = configFile();
    refuse = new Set(['u3', 'u8']);
    const run = await cli(['run', cfg, '--input', input, '--db', dbPath, '--json']);
    expect(run.code).toBe(1);
    const runId = JSON.parse(run.stdout).runId as string;
    const out = join(dir, 'failed.ndjson');
    const exported = await cli(['export-failed', runId, '--out', out, '--db', dbPath, '--json']);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ exported: 2, format: 'ndjson', reasonsPath: `${out}.reasons.ndjson` });
    expect(readFileSync(out, 'utf8')).toBe(`${lines[2]}\n${JSON.stringify(rows[7])}\n`);
    const reasons = readFileSync(`${out}.reasons.ndjson`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(reasons.map((r) => [r.key, r.line])).toEqual([['u3', 3], ['u8', 9]]);
    expect(reasons[0].reason).toContain('400');

    refuse = new Set();
    server.requests.length = 0;
    const again = await cli(['run', cfg, '--input', out, '--db', dbPath, '--json']);
    expect(again.code).toBe(0);
    expect(delivered()).toEqual(['u3', 'u8']);
  });

  it('CSV: the header and the failed rows as they were (a quoted multi-line row whole)', async () => {
    const csv = 'id,email\r\nu1,u1@example.com\r\n"u2","two\r\nlines@example.com"\r\nu3,u3@example.com\r\nu4,u4@example.com\r\n';
    const input = file('in.csv', csv);
    const cfg = file(
      'csv.json',
      JSON.stringify({ version: 1, destination: { name: 'csv', retryOnErrors: false, add: { url: `${server.url}/add`, bodyTemplate: '{"id": "{{user.id}}"}' } }, audience: { name: 'Laptop' }, records: { key: 'id' } }),
    );
    const dbPath = db();
    refuse = new Set(['u2', 'u4']);
    const run = await cli(['run', cfg, '--input', input, '--db', dbPath, '--json']);
    expect(run.code).toBe(1);
    const out = join(dir, 'failed.csv');
    expect((await cli(['export-failed', JSON.parse(run.stdout).runId, '--out', out, '--db', dbPath])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('id,email\r\n"u2","two\r\nlines@example.com"\r\nu4,u4@example.com\r\n');
  });

  it('CSV: a line of spaces is a row the reader counts, so the failed rows after it stay the right ones; a stray quote refuses (exit 2) instead of exporting other records', async () => {
    const cfgOf = () =>
      file('csv2.json', JSON.stringify({ version: 1, destination: { name: 'csv', retryOnErrors: false, add: { url: `${server.url}/add`, bodyTemplate: '{"id": "{{user.id}}"}' } }, audience: { name: 'Laptop' }, records: { key: 'id' } }));
    const exportOf = async (csv: string) => {
      const dbPath = db();
      const run = await cli(['run', cfgOf(), '--input', file('in2.csv', csv), '--db', dbPath, '--json']);
      const out = join(dir, 'failed2.csv');
      const res = await cli(['export-failed', JSON.parse(run.stdout).runId, '--out', out, '--db', dbPath]);
      return { res, text: () => readFileSync(out, 'utf8') };
    };
    refuse = new Set(['u2', 'u3']);
    const spaced = await exportOf('id,email\nu1,a@x\n  \nu2,b@x\nu3,c@x\n');
    expect(spaced.res.code).toBe(0);
    // The line of spaces is a failed record too (an invalid row): it is exported to be fixed.
    expect(spaced.text()).toBe('id,email\n  \nu2,b@x\nu3,c@x\n');
    const stray = await exportOf('id,email\nu1,5" screen\nu2,b@x\nu3,c@x\n');
    expect(stray.res.code).toBe(2);
    expect(stray.res.stderr).toMatch(/do not match the \d+ records the reader found/);
  });

  it('JSON array: an array of the failed elements (same values, re-serialised)', async () => {
    const input = file('in.json', `[\n${rows.slice(0, 4).map((r) => JSON.stringify(r, null, 2)).join(',\n')}\n]\n`);
    const dbPath = db();
    refuse = new Set(['u2', 'u4']);
    const run = await cli(['run', configFile(), '--input', input, '--db', dbPath, '--json']);
    expect(run.code).toBe(1);
    const out = join(dir, 'failed.json');
    expect((await cli(['export-failed', JSON.parse(run.stdout).runId, '--out', out, '--db', dbPath])).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual([rows[1], rows[3]]);
  });

  it('refuses an input that changed since the run (exit 2, naming the file), and an unknown run', async () => {
    const input = ndjson();
    const dbPath = db();
    refuse = new Set(['u1']);
    const run = await cli(['run', configFile(), '--input', input, '--db', dbPath, '--json']);
    expect(run.code).toBe(1);
    writeFileSync(input, readFileSync(input, 'utf8') + JSON.stringify({ profile: { id: 'u11' } }) + '\n');
    const out = join(dir, 'changed.ndjson');
    const res = await cli(['export-failed', JSON.parse(run.stdout).runId, '--out', out, '--db', dbPath]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`input ${input} changed since run`);
    const unknown = await cli(['export-failed', 'no-such-run', '--out', out, '--db', dbPath]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no run no-such-run');
    const noOut = await cli(['export-failed', 'no-such-run', '--db', dbPath]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain('--out <file> is required');
  });
});

describe('help', () => {
  it('outbound --help and `<command> --help` list the new flags and export-failed from the one help text', async () => {
    const all = await cli(['--help']);
    for (const flag of ['--limit N', '--only-key K', '--env-file <path>', '--set path=value', 'export-failed <runId> --out <file>']) expect(all.stdout).toContain(flag);
    const run = await cli(['run', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: outbound run <config> --input <file>/);
    expect(run.stdout).toContain('--set path=value');
    expect(run.stdout).not.toContain('preview');
    const exp = await cli(['export-failed', '-h']);
    expect(exp.stdout).toContain('--reasons <file>');
  });
});
