// `outbound run --input x.parquet` against a real loopback server: every row delivered once
// with the exact bytes the README's type table promises; a record error says "row N"
// (run log, preview, export-failed); a broken file is refused before anything is sent.
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { parquetMetadata } from 'hyparquet';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { TYPED_JSON, writeProfilesParquet, writeTypedParquet } from '../helpers/parquet.js';
import { cli, tempDir } from '../helpers/run.js';

let server: CaptureServer;
let dir: string;
/** Whether get audience answers (else 500: the run aborts before any record, resumable). */
let audienceUp = true;
beforeAll(async () => {
  server = await startCaptureServer((req) => {
    if (req.url.startsWith('/lists')) return audienceUp ? { body: { lists: [{ name: 'Warehouse', id: 'w1' }] } } : { status: 500, body: {} };
    // Only the individual body of row p-3 ({{json user}}: compact): batches are never refused.
    return req.body.startsWith('{"id":"p-3"') ? { status: 400, body: { error: 'refused' } } : {};
  });
  dir = tempDir('outbound-parquet-');
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  audienceUp = true;
});

let n = 0;
const path = (name: string) => join(dir, `${++n}-${name}`);

function configFile(add: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const file = path('config.json');
  writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      destination: { name: 'parquet', retryOnErrors: false, add: { url: `${server.url}/add`, ...add }, ...extra },
      audience: { name: 'Warehouse' },
      records: { key: 'id' },
    }),
  );
  return file;
}

const individual = () => configFile({ batchMode: 'individual', bodyTemplate: '{{json user}}' });
const batched = (extra: Record<string, unknown> = {}) =>
  configFile({ batchMode: 'batched', batchSize: 100, bodyTemplate: '{"users": [{{#each users}}{"id": "{{id}}", "email": "{{email}}", "score": {{score}}}{{#unless @last}},{{/unless}}{{/each}}]}' }, extra);

describe('run --input x.parquet', () => {
  it('delivers every typed row with the exact bytes of the type mapping', async () => {
    const input = writeTypedParquet(path('typed.parquet'));
    const res = await cli(['run', individual(), '--input', input, '--db', path('run.db'), '--json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ status: 'succeeded', records: { total: 3, succeeded: 3, failed: 0 }, inputPath: input });
    const bodies = server.requests.map((r) => r.body).sort();
    expect(bodies).toEqual([...TYPED_JSON].sort());
  });

  it('delivers each of 5,000 rows in 4 row groups exactly once, in batches', async () => {
    const input = writeProfilesParquet(path('profiles.parquet'), { rows: 5000, rowGroupSize: 1500, pageSize: 8192 });
    const res = await cli(['run', batched(), '--input', input, '--db', path('run.db'), '--json']);
    expect(res.code).toBe(0);
    const users = server.requests.flatMap((r) => (JSON.parse(r.body) as { users: Array<{ id: string; email: string; score: number }> }).users);
    expect(users).toHaveLength(5000);
    expect(new Set(users.map((u) => u.id)).size).toBe(5000);
    const u = users.find((x) => x.id === 'p-4321')!;
    expect(u).toEqual({ id: 'p-4321', email: 'p4321@example.com', score: 4320000 });
  });

  it('names the row of a failed record in the run log, the preview and export-failed', async () => {
    const input = writeProfilesParquet(path('missing.parquet'), { rows: 6, withoutEmail: new Set([4]) });
    const cfg = batched({ outputSchema: [{ name: 'id' }, { name: 'email', required: true }, { name: 'score', type: 'integer' }] });
    const dbPath = path('run.db');
    const res = await cli(['run', cfg, '--input', input, '--db', dbPath, '--json']);
    expect(res.code).toBe(1);
    const out = JSON.parse(res.stdout) as { runId: string; records: unknown };
    expect(out.records).toMatchObject({ total: 6, succeeded: 5, failed: 1 });
    const log = (await cli(['log', out.runId, '--failed', '--db', dbPath])).stdout;
    expect(log).toContain(`${input} row 5 key p-5: field "email" is required by the output schema but missing`);

    const preview = await cli(['preview', cfg, '--input', input]);
    const errors = (JSON.parse(preview.stdout) as { errors: Array<{ where: string; message: string }> }).errors;
    expect(errors).toEqual([expect.objectContaining({ where: `${input} row 5`, message: 'field "email" is required by the output schema but missing' })]);

    const failedOut = path('failed.ndjson');
    const exported = await cli(['export-failed', out.runId, '--out', failedOut, '--db', dbPath]);
    expect(exported.code).toBe(0);
    expect(readFileSync(failedOut, 'utf8')).toBe('{"id":"p-5","email":null,"score":4000}\n');
    expect(readFileSync(`${failedOut}.reasons.ndjson`, 'utf8')).toContain('"line":5');
  });

  it('names the row of a record the endpoint refused in the run log', async () => {
    const input = writeProfilesParquet(path('refused.parquet'), { rows: 4 });
    const dbPath = path('run.db');
    const res = await cli(['run', individual(), '--input', input, '--db', dbPath, '--json']);
    expect(res.code).toBe(1);
    const log = (await cli(['log', (JSON.parse(res.stdout) as { runId: string }).runId, '--failed', '--db', dbPath])).stdout;
    expect(log).toMatch(/^ {2}row 3 key p-3: HTTP 400/m);
  });

  it('refuses a truncated file before anything is sent (exit 2, the file named)', async () => {
    const whole = writeProfilesParquet(path('whole.parquet'), { rows: 100 });
    const cut = path('cut.parquet');
    writeFileSync(cut, readFileSync(whole).subarray(0, 700));
    const dbPath = path('run.db');
    const res = await cli(['run', batched(), '--input', cut, '--db', dbPath]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`${cut}: not a readable Parquet file: it does not end with the Parquet marker "PAR1" (truncated, or not a Parquet file?)`);
    expect(server.requests).toHaveLength(0);
    const dry = await cli(['run', batched(), '--input', cut, '--dry-run']);
    expect(dry.code).toBe(2);
    expect(dry.stderr).toContain(cut);
  });

  it('refuses a text file named .parquet (exit 2, the file named)', async () => {
    const fake = path('export.parquet');
    writeFileSync(fake, '{"id":"u1"}\n');
    const res = await cli(['run', batched(), '--input', fake, '--db', path('run.db')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`${fake}: not a readable Parquet file`);
    expect(server.requests).toHaveLength(0);
  });

  it('a page that cannot be decoded mid-run stops the run naming row group and column; the rows before it keep their outcomes', async () => {
    const input = writeProfilesParquet(path('bad-page.parquet'), { rows: 300, rowGroupSize: 100, codec: 'UNCOMPRESSED' });
    const md = parquetMetadata(readFileSync(input));
    const email = md.row_groups[2]!.columns.find((c) => c.meta_data?.path_in_schema[0] === 'email')!.meta_data!;
    const fd = openSync(input, 'r+');
    writeSync(fd, Buffer.alloc(12, 0xff), 0, 12, Number(email.data_page_offset));
    closeSync(fd);
    const dbPath = path('run.db');
    const res = await cli(['run', batched(), '--input', input, '--db', dbPath, '--json']);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain(`${input}: row group 3 (rows 201–300), column "email" cannot be decoded: `);
    const users = server.requests.flatMap((r) => (JSON.parse(r.body) as { users: Array<{ id: string }> }).users.map((u) => u.id));
    expect(users).toEqual(Array.from({ length: 200 }, (_, i) => `p-${i + 1}`));
    const runs = JSON.parse((await cli(['runs', '--db', dbPath, '--json'])).stdout) as Array<{ status: string; records: { succeeded: number } }>;
    expect(runs[0]).toMatchObject({ status: 'aborted', records: { total: 200, succeeded: 200, failed: 0 } });
  });

  it('resumes a Parquet run from the same file, and refuses one whose file changed', async () => {
    const input = writeProfilesParquet(path('resume.parquet'), { rows: 250, rowGroupSize: 100 });
    const cfg = batched({ getAudience: { enabled: true, url: `${server.url}/lists`, filterPath: "lists[?name=='{{audience_name}}']" } });
    const dbPath = path('run.db');
    audienceUp = false;
    const first = await cli(['run', cfg, '--input', input, '--db', dbPath, '--json']);
    expect(first.code).toBe(3);
    const runId = (JSON.parse(first.stdout) as { runId: string }).runId;
    audienceUp = true;
    const resumed = await cli(['resume', runId, '--db', dbPath, '--json']);
    expect(resumed.code).toBe(0);
    const adds = server.requests.filter((r) => r.url.startsWith('/add'));
    expect(adds.flatMap((r) => (JSON.parse(r.body) as { users: unknown[] }).users)).toHaveLength(250);

    const second = path('changed.parquet');
    writeProfilesParquet(second, { rows: 250, rowGroupSize: 100 });
    audienceUp = false;
    const again = await cli(['run', cfg, '--input', second, '--db', dbPath, '--json']);
    const againId = (JSON.parse(again.stdout) as { runId: string }).runId;
    writeProfilesParquet(second, { rows: 251, rowGroupSize: 100 });
    audienceUp = true;
    const refused = await cli(['resume', againId, '--db', dbPath]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/changed/);
  });
});
