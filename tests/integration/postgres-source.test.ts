// The PostgreSQL source against a real server (tests/helpers/postgres.ts starts a throwaway
// one; skipped, saying why, where no server binary is installed) and a loopback endpoint:
// streaming through a cursor, what a record holds per column type (checked in the body
// bytes), errors before and during a run, row numbers in record errors, resume after kill -9,
// and a password that no byte written anywhere carries.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { pgUnavailable, startPg, type PgServer } from '../helpers/postgres.js';
import { cli, tempDir } from '../helpers/run.js';
import { probePostgres, readPostgres } from '../../src/main/sources/postgres.js';
import { inputIdentity, openRunInput, type RunInput } from '../../src/main/app/run/input.js';

const unavailable = pgUnavailable();
if (unavailable) console.warn(`postgres-source tests skipped: ${unavailable}`);
const bin = join(process.cwd(), 'bin', 'outbound.mjs');

let pgs: PgServer;
let sink: CaptureServer;
let slow: CaptureServer;
let dir: string;

beforeAll(async () => {
  if (unavailable) return;
  pgs = await startPg();
  sink = await startCaptureServer();
  slow = await startCaptureServer(() => ({ delayMs: 30 }));
  dir = tempDir('outbound-pgsrc-');
  await pgs.sql(`CREATE TABLE people (id int PRIMARY KEY, name text, d int NOT NULL)`);
  await pgs.sql(`INSERT INTO people SELECT i, 'p' || i, 1 FROM generate_series(1, 3000) i`);
}, 60_000);
afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await sink?.close();
  await slow?.close();
  await pgs?.stop();
});

function writeConfig(name: string, url: string, extra: Record<string, unknown> = {}, destination: Record<string, unknown> = {}): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      version: 1,
      destination: { name: 'pg-sink', concurrency: 4, add: { url, batchMode: 'batched', batchSize: 100 }, ...destination },
      audience: { name: 'pg' },
      ...extra,
    }),
  );
  return path;
}

function idsAt(server: CaptureServer, path: string): Map<string, number> {
  const seen = new Map<string, number>();
  for (const r of server.requests) {
    if (!r.url.startsWith(path)) continue;
    for (const u of (JSON.parse(r.body) as { users: Array<{ id: unknown }> }).users) seen.set(String(u.id), (seen.get(String(u.id)) ?? 0) + 1);
  }
  return seen;
}

describe.skipIf(unavailable)('PostgreSQL source', () => {
  it('streams 12,000 rows of a generate_series query, each delivered once, and records the input without password', async () => {
    const cfg = writeConfig('stream.json', `${sink.url}/stream`);
    const db = join(dir, 'stream.db');
    const res = await cli(['run', cfg, '--input', pgs.url(), '--query', 'select i as id, i * 2 as n from generate_series(1, 12000) i order by i', '--db', db, '--json']);
    expect(res.stderr).not.toMatch(/ORDER BY/);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ status: 'succeeded', records: { total: 12000, succeeded: 12000, failed: 0 } });
    const seen = idsAt(sink, '/stream');
    expect(seen.size).toBe(12000);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    const runs = JSON.parse((await cli(['runs', '--db', db, '--json'])).stdout) as Array<{ inputPath: string }>;
    expect(runs[0]!.inputPath).toBe(`postgres://outbound@127.0.0.1:${pgs.port}/postgres#select i as id, i * 2 as n from generate_series(1, 12000) i order by i`);
  }, 120_000);

  it('holds exact numbers, ISO timestamps, JSON values, base64 bytes and arrays, as the body bytes show', async () => {
    const cfg = writeConfig('types.json', `${sink.url}/types`, {}, { add: { url: `${sink.url}/types`, batchMode: 'individual' } });
    const query = `select 1 as id,
      9223372036854775807::int8 as big, 42::int8 as small,
      123.450::numeric as dec, 12345678901234567890123::numeric as bignum, 0.1234567890123456789::numeric as fine,
      '2024-05-01 12:34:56.123456+02'::timestamptz as tstz, '2024-05-01 12:34:56'::timestamp as ts, '2024-05-01'::date as day,
      '{"a":[1,true,null],"n":12345678901234567890}'::jsonb as doc, '{"x":1}'::json as j,
      '\\x48656c6c6f'::bytea as bytes, true as flag, null::text as nothing, 1.5::float8 as f,
      array[1,2,3]::int4[] as ints, array['a','b c']::text[] as words, array[9007199254740993]::int8[] as bigs,
      '6ecd8c99-4036-403d-bf84-cf8400f67836'::uuid as uid,
      'NaN'::numeric as nan, '-0.50'::numeric as neg, 100::numeric as hundred, 'Infinity'::float8 as inf,
      'infinity'::timestamptz as forever, '1 day 2 hours'::interval as span`;
    const res = await cli(['run', cfg, '--input', pgs.url(), '--query', query, '--db', join(dir, 'types.db')]);
    expect(res.stderr).toMatch(/warning: the query has no ORDER BY/);
    expect(res.code).toBe(0);
    const body = sink.requests.filter((r) => r.url === '/types').map((r) => r.body);
    expect(body).toHaveLength(1);
    expect(body[0]).toBe(
      '{"id":1,"big":9223372036854775807,"small":42,"dec":123.45,"bignum":12345678901234567890123,"fine":0.1234567890123456789,' +
        '"tstz":"2024-05-01T10:34:56.123456Z","ts":"2024-05-01T12:34:56","day":"2024-05-01",' +
        '"doc":{"a":[1,true,null],"n":12345678901234567890},"j":{"x":1},"bytes":"SGVsbG8=","flag":true,"nothing":null,"f":1.5,' +
        '"ints":[1,2,3],"words":["a","b c"],"bigs":[9007199254740993],"uid":"6ecd8c99-4036-403d-bf84-cf8400f67836",' +
        '"nan":"NaN","neg":-0.5,"hundred":100,"inf":"Infinity","forever":"infinity","span":"P1DT2H"}',
    );
  }, 60_000);

  it('a record error names the row: postgres … row N', async () => {
    const cfg = writeConfig('rows.json', `${sink.url}/rows`, {}, { outputSchema: [{ name: 'id', type: 'integer' }, { name: 'n', type: 'integer' }] });
    const db = join(dir, 'rows.db');
    const query = "select i as id, case when i = 7 then 'seven' else i::text end as n from generate_series(1, 10) i order by i";
    const res = await cli(['run', cfg, '--input', pgs.url(), '--query', query, '--db', db, '--json']);
    expect(res.code).toBe(1);
    const runId = JSON.parse(res.stdout).runId as string;
    const log = await cli(['log', runId, '--failed', '--db', db]);
    expect(log.stdout).toContain(`postgres://outbound@127.0.0.1:${pgs.port}/postgres row 7`);
    const preview = await cli(['preview', cfg, '--input', pgs.url(), '--query', query]);
    expect(JSON.parse(preview.stdout).errors[0]).toMatchObject({ where: `postgres://outbound@127.0.0.1:${pgs.port}/postgres row 7` });
    // The run recorded its URL without the password: without PGPASSWORD, retry-failed says so.
    const noPassword = await cli(['retry-failed', runId, '--db', db]);
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toMatch(/asks for a password and none was given: set PGPASSWORD/);
    // pg reads PGPASSWORD from the process environment (the CLI's own, in a real process).
    process.env.PGPASSWORD = pgs.password;
    try {
      const out = join(dir, 'rows-failed.ndjson');
      const exported = await cli(['export-failed', runId, '--out', out, '--db', db]);
      expect(exported.code).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe('{"id":7,"n":"seven"}\n');
      const retried = await cli(['retry-failed', runId, '--db', db, '--json']);
      expect(retried.code).toBe(1); // row 7 fails again, alone
      expect(JSON.parse(retried.stdout)).toMatchObject({ records: { total: 10, succeeded: 9, failed: 1 } });
    } finally {
      delete process.env.PGPASSWORD;
    }
  }, 60_000);

  it('refuses before sending, exit 2: connection refused, bad password, unknown database, SQL syntax error with line and column', async () => {
    const cfg = writeConfig('errors.json', `${sink.url}/errors`);
    const db = join(dir, 'errors.db');
    const before = sink.requests.length;
    const refused = await cli(['run', cfg, '--input', 'postgres://outbound:x@127.0.0.1:1/postgres', '--query', 'select 1 as id', '--db', db]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/postgres: cannot connect to postgres:\/\/outbound@127\.0\.0\.1:1\/postgres \(ECONNREFUSED/);
    const badPassword = await cli(['run', cfg, '--input', pgs.url({ password: 'wrong-password' }), '--query', 'select 1 as id', '--db', db]);
    expect(badPassword.code).toBe(2);
    expect(badPassword.stderr).toMatch(/password authentication failed for user "outbound"/);
    expect(badPassword.stderr).not.toContain('wrong-password');
    const noDb = await cli(['run', cfg, '--input', pgs.url({ database: 'nope' }), '--query', 'select 1 as id', '--db', db]);
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toMatch(/database "nope" does not exist/);
    const syntax = await cli(['run', cfg, '--input', pgs.url(), '--query', 'select id,\n  nmae from people order by id', '--db', db]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toContain('postgres: query line 2, column 3: column "nmae" does not exist\n    nmae from people order by id\n    ^');
    const writes = await cli(['run', cfg, '--input', pgs.url(), '--query', 'update people set d = d returning id', '--db', db]);
    expect(writes.code).toBe(2);
    expect(writes.stderr).toMatch(/^postgres: /);
    expect((await pgs.sql('select count(*)::int as n from people where d <> 1')).rows[0]).toEqual({ n: 0 });
    const dry = await cli(['run', cfg, '--input', pgs.url(), '--query', 'select id from people', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/warning: the query has no ORDER BY/);
    const missingQuery = await cli(['run', cfg, '--input', pgs.url(), '--db', db]);
    expect(missingQuery.code).toBe(2);
    expect(missingQuery.stderr).toMatch(/--query "select …" is required/);
    expect(sink.requests.length).toBe(before);
    expect(existsSync(db)).toBe(false); // refused before the store was opened
  }, 60_000);

  it('a query that fails mid-stream stops the run resumable (exit 3), nothing lost; resume delivers the rest', async () => {
    await pgs.sql('UPDATE people SET d = 0 WHERE id = 2500');
    const url = `${sink.url}/midway`;
    const cfg = writeConfig('midway.json', url, { source: { postgres: { url: pgs.url(), query: 'select id, 10 / d as q from people order by id', fetchSize: 500 } } });
    const db = join(dir, 'midway.db');
    const res = await cli(['run', cfg, '--db', db, '--json']);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/run failed: postgres: division by zero/);
    const runs = JSON.parse((await cli(['runs', '--db', db, '--json'])).stdout) as Array<{ runId: string; status: string; error: string; records: { succeeded: number } }>;
    expect(runs[0]).toMatchObject({ status: 'aborted', error: expect.stringMatching(/division by zero/) });
    const delivered = idsAt(sink, '/midway');
    // Rows of the reads before the failing one went out and are recorded as delivered.
    expect(delivered.size).toBeGreaterThanOrEqual(2000);
    expect(delivered.size).toBeLessThan(2500);
    await pgs.sql('UPDATE people SET d = 1 WHERE id = 2500'); // the data fixed, same row count
    const resumed = await cli(['resume', runs[0]!.runId, '--db', db, '--json']);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'succeeded', records: { total: 3000, succeeded: 3000, failed: 0 } });
    const after = idsAt(sink, '/midway');
    expect(after.size).toBe(3000);
    expect([...after.values()].every((n) => n === 1)).toBe(true);
  }, 120_000);

  it('resume refuses a query whose row count changed', async () => {
    const cfg = writeConfig('count.json', `${sink.url}/count`, { source: { postgres: { url: pgs.url(), query: 'select id, 10 / d as q from people order by id' } } });
    const db = join(dir, 'count.db');
    await pgs.sql('UPDATE people SET d = 0 WHERE id = 2999');
    expect((await cli(['run', cfg, '--db', db])).code).toBe(3);
    await pgs.sql('UPDATE people SET d = 1 WHERE id = 2999');
    await pgs.sql(`INSERT INTO people VALUES (3001, 'new', 1)`);
    const runId = (JSON.parse((await cli(['runs', '--db', db, '--json'])).stdout) as Array<{ runId: string }>)[0]!.runId;
    const res = await cli(['resume', runId, '--db', db]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/changed since run .* started \(the query now returns 3001 rows, not 3000\)/);
    await pgs.sql('DELETE FROM people WHERE id = 3001');
  }, 60_000);

  it('killed with SIGKILL mid-run, resume (password from ${env:…} in the source block) delivers the rest', async () => {
    const cfg = join(dir, 'kill.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        version: 1,
        destination: { name: 'pg-slow', concurrency: 2, add: { url: `${slow.url}/kill`, batchMode: 'batched', batchSize: 50 } },
        audience: { name: 'pg' },
        source: { postgres: { url: `postgres://outbound:\${env:PG_TEST_PASSWORD}@127.0.0.1:${pgs.port}/postgres`, query: 'select id, name from people order by id', fetchSize: 200 } },
      }),
    );
    const db = join(dir, 'kill.db');
    const env = { ...process.env, PG_TEST_PASSWORD: pgs.password };
    await new Promise<void>((resolve) => {
      const child = spawn(process.execPath, [bin, 'run', cfg, '--db', db], { stdio: 'ignore', env });
      const timer = setInterval(() => {
        if (slow.requests.filter((r) => r.url === '/kill').length >= 10) child.kill('SIGKILL');
      }, 5);
      child.on('exit', (_c, signal) => {
        clearInterval(timer);
        expect(signal).toBe('SIGKILL');
        resolve();
      });
    });
    const before = idsAt(slow, '/kill');
    expect(before.size).toBeLessThan(3000);
    const runId = (JSON.parse((await cli(['runs', '--db', db, '--json'])).stdout) as Array<{ runId: string }>)[0]!.runId;
    const res = await cli(['resume', runId, '--db', db, '--json'], { PG_TEST_PASSWORD: pgs.password });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ status: 'succeeded', records: { total: 3000, succeeded: 3000 } });
    const after = idsAt(slow, '/kill');
    expect(after.size).toBe(3000);
    const duplicates = [...after.values()].reduce((n, c) => n + c - 1, 0);
    expect(duplicates).toBeLessThanOrEqual(2 * 2 * 50); // only what was in flight at the kill
  }, 180_000);

  it('a literal password (in --input and in a source block) is in no byte written: db, -wal, stdout, stderr', async () => {
    const forms = [pgs.password, encodeURIComponent(pgs.password), Buffer.from(pgs.password).toString('base64')];
    const home = tempDir('outbound-pg-mask-');
    const db = join(home, 'outbound.db');
    const echo = await startCaptureServer(() => ({ status: 400, body: { error: 'bad', echo: pgs.url() } }));
    const outputs: string[] = [];
    const run = (args: string[]) =>
      new Promise<void>((resolve) => {
        const child = spawn(process.execPath, [bin, ...args, '--db', db], { env: { ...process.env } });
        child.stdout.on('data', (d: Buffer) => outputs.push(d.toString()));
        child.stderr.on('data', (d: Buffer) => outputs.push(d.toString()));
        child.on('exit', () => resolve());
      });
    try {
      const cfg = writeConfig('mask.json', `${echo.url}/mask`);
      const srcCfg = writeConfig('mask-src.json', `${echo.url}/mask`, { source: { postgres: { url: pgs.url(), query: 'select id from people where id <= 20 order by id' } } });
      await run(['run', cfg, '--input', pgs.url(), '--query', 'select id from people where id <= 20 order by id', '--json']);
      await run(['run', cfg, '--input', pgs.url(), '--query', 'select id from people where id <= 20 order by id']);
      await run(['run', srcCfg, '--json']);
      await run(['run', cfg, '--input', pgs.url(), '--query', 'selec 1']); // an error message
      await run(['run', cfg, '--input', pgs.url(), '--query', 'select id from people order by id', '--dry-run', '--json']);
      await run(['preview', cfg, '--input', pgs.url(), '--query', 'select id from people where id <= 2 order by id']);
      const runs = JSON.parse(outputs.find((o) => o.startsWith('{'))!) as { runId: string };
      await run(['runs', '--json']);
      await run(['log', runs.runId]);
      await run(['retry-failed', runs.runId, '--json']);
      const all = outputs.join('');
      expect(all).toContain('postgres://outbound@127.0.0.1'); // the input is shown, without its password
      expect(all).toMatch(/syntax error/);
      for (const form of forms) expect(all.includes(form), `stdout/stderr: ${form}`).toBe(false);
      const written: Buffer[] = [];
      for (const file of ['outbound.db', 'outbound.db-wal']) {
        if (!existsSync(join(home, file))) continue;
        const bytes = readFileSync(join(home, file));
        written.push(bytes);
        for (const form of forms) expect(bytes.includes(Buffer.from(form)), `${file}: ${form}`).toBe(false);
      }
      // The stored config kept the source block, its password masked.
      expect(written.some((b) => b.includes(Buffer.from('outbound:●●●●@127.0.0.1')))).toBe(true);
    } finally {
      await echo.close();
      rmSync(home, { recursive: true, force: true });
    }
  }, 180_000);

  it('the unix-socket URL form with ?password= (which the URL parser refuses and pg takes) leaks the password nowhere: db, -wal, stdout, stderr', async () => {
    const secret = pgs.password;
    const forms = [secret, encodeURIComponent(secret)];
    const home = tempDir('outbound-pg-socket-');
    const db = join(home, 'outbound.db');
    const input = `postgres://outbound@/postgres?host=${pgs.socketDir}&port=${pgs.port}&password=${encodeURIComponent(secret)}`;
    const outputs: string[] = [];
    const run = (args: string[]) =>
      new Promise<number>((resolve) => {
        const child = spawn(process.execPath, [bin, ...args, '--db', db], { env: { ...process.env } });
        child.stdout.on('data', (d: Buffer) => outputs.push(d.toString()));
        child.stderr.on('data', (d: Buffer) => outputs.push(d.toString()));
        child.on('exit', (code) => resolve(code ?? -1));
      });
    try {
      const cfg = writeConfig('socket.json', `${sink.url}/socket`, {}, { outputSchema: [{ name: 'id', type: 'integer' }, { name: 'n', type: 'integer' }] });
      const query = "select i as id, case when i = 3 then 'x' else i::text end as n from generate_series(1, 5) i order by i";
      expect(await run(['run', cfg, '--input', input, '--query', query, '--json'])).toBe(1);
      expect(await run(['run', cfg, '--input', input, '--query', 'selec 1'])).toBe(2);
      const runs = await cli(['runs', '--db', db, '--json']);
      const recorded = JSON.parse(runs.stdout) as Array<{ runId: string; inputPath: string }>;
      expect(recorded[0]!.inputPath).toBe(`postgres://outbound@/postgres?host=${pgs.socketDir}&port=${pgs.port}#${query}`);
      await run(['log', recorded[0]!.runId]);
      await run(['runs', '--json']);
      const all = outputs.join('') + runs.stdout;
      expect(all).toContain(`postgres://outbound@/postgres?host=${pgs.socketDir}&port=${pgs.port} row 3`);
      for (const form of forms) expect(all.includes(form), `stdout/stderr: ${form}`).toBe(false);
      for (const file of ['outbound.db', 'outbound.db-wal']) {
        if (!existsSync(join(home, file))) continue;
        const bytes = readFileSync(join(home, file));
        for (const form of forms) expect(bytes.includes(Buffer.from(form)), `${file}: ${form}`).toBe(false);
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);

  it('export-failed reopens a query through the run\'s source block (${env:…} password), refuses when its row count changed, and calls a read failure no write failure', async () => {
    await pgs.sql(`CREATE TABLE ef (id int PRIMARY KEY, n text)`);
    await pgs.sql(`INSERT INTO ef SELECT i, CASE WHEN i = 4 THEN 'four' ELSE i::text END FROM generate_series(1, 6) i`);
    const cfg = join(dir, 'ef.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        version: 1,
        destination: { name: 'pg-ef', add: { url: `${sink.url}/ef`, batchMode: 'individual' }, outputSchema: [{ name: 'id', type: 'integer' }, { name: 'n', type: 'integer' }] },
        audience: { name: 'pg' },
        source: { postgres: { url: `postgres://outbound:\${env:PG_EF_PASSWORD}@127.0.0.1:${pgs.port}/postgres`, query: 'select id, n from ef order by id' } },
      }),
    );
    const db = join(dir, 'ef.db');
    const env = { PG_EF_PASSWORD: pgs.password };
    const res = await cli(['run', cfg, '--db', db, '--json'], env);
    expect(res.code).toBe(1);
    const runId = JSON.parse(res.stdout).runId as string;
    const out = join(dir, 'ef-failed.ndjson');
    const exported = await cli(['export-failed', runId, '--out', out, '--db', db], env);
    expect(exported.stderr).toMatch(/wrote 1 failed record/);
    expect(exported.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('{"id":4,"n":"four"}\n');
    // No password anywhere: a read problem, said as one (not "cannot write").
    const noPassword = await cli(['export-failed', runId, '--out', join(dir, 'ef-2.ndjson'), '--db', db]);
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).not.toMatch(/cannot write/);
    expect(noPassword.stderr).toMatch(/password/);
    await pgs.sql(`INSERT INTO ef VALUES (0, 'zero')`);
    const changed = await cli(['export-failed', runId, '--out', join(dir, 'ef-3.ndjson'), '--db', db], env);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/changed since run .*\(the query now returns 7 rows, not 6\); refusing to export/);
    expect(existsSync(join(dir, 'ef-3.ndjson'))).toBe(false);
  }, 60_000);

  it('a ${env:…} password holding / # ? % @ : and a space reaches pg (encoded in the user info); PGPASSWORD from --env-file is used; a URL pg cannot read says what to encode', async () => {
    const weird = 'a/b#c?d%e@f:g h';
    await pgs.sql(`CREATE ROLE weird LOGIN PASSWORD '${weird}'`);
    const cfg = writeConfig('weird.json', `${sink.url}/weird`, {
      source: { postgres: { url: `postgres://weird:\${env:PG_WEIRD}@127.0.0.1:${pgs.port}/postgres`, query: 'select 1 as id' } },
    });
    const db = join(dir, 'weird.db');
    const res = await cli(['run', cfg, '--db', db, '--json'], { PG_WEIRD: weird });
    expect(res.stderr).not.toMatch(/^postgres:/m);
    expect(res.code).toBe(0);
    const envFile = join(dir, 'pg.env');
    writeFileSync(envFile, `PGPASSWORD=${pgs.password}\n`);
    const plain = writeConfig('envfile.json', `${sink.url}/envfile`);
    const fromFile = await cli(['run', plain, '--input', `postgres://outbound@127.0.0.1:${pgs.port}/postgres`, '--query', 'select 1 as id', '--env-file', envFile, '--db', db]);
    expect(fromFile.stderr).not.toMatch(/asks for a password/);
    expect(fromFile.code).toBe(0);
    const broken = await cli(['run', plain, '--input', `postgres://outbound:pa/ss#w?rd@127.0.0.1:${pgs.port}/postgres`, '--query', 'select 1 as id', '--db', db]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`postgres: postgres://outbound@127.0.0.1:${pgs.port}/postgres is not a URL pg can read: a user name or password holding / # ? % @ : or a space must be percent-encoded`);
    expect(broken.stderr).not.toContain('pa/ss');
  }, 60_000);

  it('SIGINT stops a query the server is still running, in the pre-run count and in a cursor read: exit 3, the backend no longer runs it', async () => {
    const running = async (): Promise<number> => Number((await pgs.sql(`select count(*)::int as n from pg_stat_activity where application_name = 'outbound' and state = 'active' and query like '%pg_sleep%'`)).rows[0].n);
    const interrupt = (query: string, seq: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const cfg = writeConfig(`sleep-${seq}.json`, `${sink.url}/sleep`);
        const child = spawn(process.execPath, [bin, 'run', cfg, '--input', pgs.url(), '--query', query, '--db', join(dir, `sleep-${seq}.db`)], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        let signalled = false;
        const poll = setInterval(() => {
          if (signalled) return;
          void running().then((n) => {
            if (n > 0 && !signalled) {
              signalled = true;
              child.kill('SIGINT');
            }
          });
        }, 50);
        child.on('exit', (code) => {
          clearInterval(poll);
          resolve({ code, stderr });
        });
      });
    // The count before the run sleeps.
    const counting = await interrupt('select i as id from generate_series(1, 3) i where pg_sleep(60) is not null order by i', 'count');
    expect(counting.code).toBe(3);
    expect(counting.stderr).toMatch(/stopped before it started/);
    expect(await running()).toBe(0);
    // The count is quick (current_query() is the count's text), the cursor's read sleeps.
    const reading = await interrupt("select i as id from generate_series(1, 3) i where left(current_query(), 12) = 'SELECT count' or pg_sleep(60) is not null order by i", 'read');
    expect(reading.code).toBe(3);
    expect(reading.stderr).toMatch(/SIGINT: stopping/);
    expect(await running()).toBe(0);
  }, 120_000);

  it('the row count a run records is of the snapshot it reads: rows committed after the count are not read', async () => {
    await pgs.sql('CREATE TABLE snap (id int PRIMARY KEY)');
    await pgs.sql('INSERT INTO snap SELECT generate_series(1, 5)');
    const input: RunInput = { kind: 'postgres', url: pgs.url(), query: 'select id from snap order by id', fetchSize: 2 };
    const identity = await inputIdentity(null, input);
    expect(identity!.size).toBe(5);
    await pgs.sql('INSERT INTO snap SELECT generate_series(6, 9)'); // committed between the count and the read
    const ids: unknown[] = [];
    for await (const item of openRunInput(null, input)) if (item.ok) ids.push((item.value as { id: number }).id);
    expect(ids).toEqual([1, 2, 3, 4, 5]);
    // Straight from the source module: the probe's session is the reader's transaction.
    const probed = await probePostgres({ url: pgs.url(), query: 'select id from snap order by id' });
    if (!probed.ok) throw new Error(probed.message);
    await pgs.sql('DELETE FROM snap WHERE id > 2');
    let n = 0;
    for await (const item of readPostgres({ url: pgs.url(), query: 'select id from snap order by id' }, { session: Promise.resolve(probed.session) })) if (item.ok) n++;
    expect(n).toBe(probed.rows);
    expect(n).toBe(9);
  }, 60_000);
});
