// Membership diff (issue 12): consecutive runs over snapshot files send exactly the
// difference, counted at a real loopback endpoint: adds for new and changed members, removes
// for members gone (their body rendered from the stored record), nothing for unchanged ones;
// a failed remove is retried by the next run; a dry run shows the diff and moves nothing.
import { writeFileSync } from 'node:fs';
import { parquetWriteFile } from 'hyparquet-writer';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCaptureServer, type Captured, type CaptureServer } from '../helpers/capture-server.js';
import { cli, tempDir, writeNdjson } from '../helpers/run.js';

let server: CaptureServer;
let dir: string;
/** Keys whose remove the endpoint answers 500. */
let failRemove = new Set<string>();

beforeAll(async () => {
  server = await startCaptureServer((req) => {
    const m = /^\/members\/([^/?]+)/.exec(req.url);
    if (req.method === 'DELETE' && m && failRemove.has(decodeURIComponent(m[1]!))) return { status: 500, body: { error: 'try later' } };
    return { body: { ok: true } };
  });
  dir = tempDir('outbound-sync-');
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  failRemove = new Set();
  server.requests.length = 0;
});

function configFile(name: string, extra: Record<string, unknown> = {}, remove = true): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      version: 1,
      destination: {
        name: 'Sync API',
        maxAttempts: 1,
        add: { url: `${server.url}/members`, batchMode: 'batched', batchSize: 2, bodyTemplate: '{"users": [{{#each users}}{"id": "{{id}}", "email": "{{email}}"}{{#unless @last}},{{/unless}}{{/each}}]}' },
        remove: { enabled: remove, url: `${server.url}/members/{{user.id}}`, method: 'DELETE', batchMode: 'individual', bodyTemplate: '{"id": "{{user.id}}", "email": "{{user.email}}"}' },
      },
      audience: { name: 'Members' },
      records: { key: 'id', mapping: { id: 'uid', email: 'contact.email' } },
      ...extra,
    }),
  );
  return path;
}

const member = (uid: string, email: string) => ({ uid, contact: { email }, ignored: Math.random() });

function adds(): string[] {
  return server.requests.filter((r) => r.method === 'POST').flatMap((r) => (JSON.parse(r.body) as { users: Array<{ id: string }> }).users.map((u) => u.id)).sort();
}
function removes(): Captured[] {
  return server.requests.filter((r) => r.method === 'DELETE');
}

async function runJson(args: string[]) {
  const res = await cli(['run', ...args, '--json']);
  return { ...res, out: res.stdout ? (JSON.parse(res.stdout) as Record<string, any>) : null };
}

describe('membership diff', () => {
  it('two consecutive runs over two snapshots send exactly the difference; removes render the stored record', async () => {
    const db = join(dir, 'two.db');
    const cfg = configFile('two.json', { sync: { mode: 'diff' } });
    const first = writeNdjson(dir, 'snap1.ndjson', [member('a', 'a@x.io'), member('b', 'b@x.io'), member('c', 'c@x.io'), member('d', 'd@x.io')]);
    const r1 = await runJson([cfg, '--input', first, '--db', db]);
    expect(r1.code).toBe(0);
    expect(r1.out!.sync).toMatchObject({ mode: 'diff', added: 4, changed: 0, removed: 0, unchanged: 0 });
    expect(adds()).toEqual(['a', 'b', 'c', 'd']);
    expect(removes()).toHaveLength(0);

    server.requests.length = 0;
    // a unchanged (other unmapped fields differ), b changed, c and d gone, e new.
    const second = writeNdjson(dir, 'snap2.ndjson', [member('a', 'a@x.io'), member('b', 'b2@x.io'), member('e', 'e@x.io')]);
    const r2 = await runJson([cfg, '--input', second, '--db', db]);
    expect(r2.code).toBe(0);
    expect(r2.out!.sync).toMatchObject({ added: 1, changed: 1, removed: 2, unchanged: 1, examples: { added: ['e'], changed: ['b'], removed: ['c', 'd'], unchanged: ['a'] } });
    expect(r2.out!.records).toMatchObject({ total: 5, succeeded: 4, failed: 0, skipped: 1 });
    expect(adds()).toEqual(['b', 'e']);
    const gone = removes();
    expect(gone.map((r) => r.url).sort()).toEqual(['/members/c', '/members/d']);
    // The remove body comes from the record stored when c was delivered: c's email is nowhere in snap2.
    expect(gone.map((r) => JSON.parse(r.body)).sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      { id: 'c', email: 'c@x.io' },
      { id: 'd', email: 'd@x.io' },
    ]);

    server.requests.length = 0;
    const r3 = await runJson([cfg, '--input', second, '--db', db]);
    expect(r3.code).toBe(0);
    expect(r3.out!.sync).toMatchObject({ added: 0, changed: 0, removed: 0, unchanged: 3 });
    expect(server.requests).toHaveLength(0); // unchanged members send nothing
  });

  it('a remove the endpoint failed stays in the membership and is retried by the next run', async () => {
    const db = join(dir, 'retry.db');
    const cfg = configFile('retry.json', { sync: { mode: 'diff' } });
    await runJson([cfg, '--input', writeNdjson(dir, 'r1.ndjson', [member('a', 'a@x.io'), member('b', 'b@x.io'), member('c', 'c@x.io')]), '--db', db]);
    const onlyA = writeNdjson(dir, 'r2.ndjson', [member('a', 'a@x.io')]);
    failRemove = new Set(['c']);
    server.requests.length = 0;
    const r2 = await runJson([cfg, '--input', onlyA, '--db', db]);
    expect(r2.code).toBe(1);
    expect(r2.out!.records).toMatchObject({ succeeded: 1, failed: 1 });
    expect(removes().map((r) => r.url).sort()).toEqual(['/members/b', '/members/c']);

    failRemove = new Set();
    server.requests.length = 0;
    const r3 = await runJson([cfg, '--input', onlyA, '--db', db]);
    expect(r3.code).toBe(0);
    expect(r3.out!.sync).toMatchObject({ added: 0, changed: 0, removed: 1, unchanged: 1, examples: { removed: ['c'] } });
    expect(removes().map((r) => r.url)).toEqual(['/members/c']);
    expect(JSON.parse(removes()[0]!.body)).toEqual({ id: 'c', email: 'c@x.io' });
    expect(adds()).toEqual([]);
  });

  it('run --sync diff overrides a config without sync; --sync full sends everything again', async () => {
    const db = join(dir, 'flag.db');
    const cfg = configFile('flag.json');
    const input = writeNdjson(dir, 'flag.ndjson', [member('a', 'a@x.io'), member('b', 'b@x.io')]);
    expect((await runJson([cfg, '--input', input, '--db', db, '--sync', 'diff'])).out!.sync).toMatchObject({ added: 2 });
    server.requests.length = 0;
    const again = await runJson([cfg, '--input', input, '--db', db, '--sync', 'diff']);
    expect(again.out!.sync).toMatchObject({ unchanged: 2 });
    expect(server.requests).toHaveLength(0);
    const full = await runJson([cfg, '--input', input, '--db', db, '--sync', 'full']);
    expect(full.out!.sync).toBeUndefined();
    expect(adds()).toEqual(['a', 'b']);
    const bad = await cli(['run', cfg, '--input', input, '--db', db, '--sync', 'delta']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--sync is full or diff \(got "delta"\)/);
  });

  it('the dry run shows the diff with examples and moves nothing', async () => {
    const db = join(dir, 'dry.db');
    const cfg = configFile('dry.json', { sync: { mode: 'diff' } });
    await runJson([cfg, '--input', writeNdjson(dir, 'd1.ndjson', [member('a', 'a@x.io'), member('b', 'b@x.io')]), '--db', db]);
    server.requests.length = 0;
    const next = writeNdjson(dir, 'd2.ndjson', [member('a', 'a@x.io'), member('b', 'b9@x.io'), member('c', 'c@x.io')]);
    const dry = await runJson([cfg, '--input', next, '--db', db, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out!.dryRun).toBe(true);
    expect(dry.out!.sync).toMatchObject({ added: 1, changed: 1, removed: 0, unchanged: 1, examples: { added: ['c'], changed: ['b'], unchanged: ['a'] } });
    expect(dry.out!.planned).toMatchObject({ add: 1 }); // b and c in one batch of two
    expect(server.requests).toHaveLength(0);
    const human = await cli(['run', cfg, '--input', next, '--db', db, '--dry-run']);
    expect(human.stdout).toMatch(/diff {6}1 added · 1 changed \(sent as adds\) · 0 removed · 1 unchanged/);
    expect(human.stdout).toMatch(/changed {3}b/);
    // Nothing moved: the real run sends the same difference.
    const real = await runJson([cfg, '--input', next, '--db', db]);
    expect(real.out!.sync).toMatchObject({ added: 1, changed: 1, unchanged: 1 });
    expect(adds()).toEqual(['b', 'c']);
  });

  it('a duplicate key of a Parquet input is placed as a row (x.parquet row 3), as every other record error', async () => {
    const db = join(dir, 'dup-parquet.db');
    const cfg = configFile('dup-parquet.json', { sync: { mode: 'diff' } });
    const file = join(dir, 'dup.parquet');
    parquetWriteFile({ filename: file, columnData: [{ name: 'uid', data: ['a', 'b', 'a'], type: 'STRING' }] });
    const res = await runJson([cfg, '--input', file, '--db', db]);
    expect(res.code).toBe(1);
    const log = await cli(['log', res.out!.runId, '--failed', '--db', db]);
    expect(log.stdout).toContain(`${file} row 3`);
    expect(log.stdout).not.toContain(`${file}:3`);
  });

  it('a later duplicate key fails with where the first one is (first wins); the first is sent once', async () => {
    const db = join(dir, 'dup.db');
    const cfg = configFile('dup.json', { sync: { mode: 'diff' } });
    const res = await runJson([cfg, '--input', writeNdjson(dir, 'dup.ndjson', [member('a', 'a@x.io'), member('b', 'b@x.io'), member('a', 'other@x.io')]), '--db', db]);
    expect(res.code).toBe(1);
    expect(res.out!.sync).toMatchObject({ added: 2, duplicates: 1 });
    expect(adds()).toEqual(['a', 'b']);
    const log = await cli(['log', res.out!.runId, '--failed', '--db', db]);
    expect(log.stdout).toMatch(/dup\.ndjson:3/);
    expect(log.stdout).toMatch(/duplicate key "a": the first record with it \(line 1\) is the member \(first wins\)/);
  });

  it('refuses diff mode without the remove step, naming the field (exit 2, nothing sent)', async () => {
    const cfg = configFile('noremove.json', { sync: { mode: 'diff' } }, false);
    const res = await cli(['run', cfg, '--input', writeNdjson(dir, 'x.ndjson', [member('a', 'a@x.io')]), '--db', join(dir, 'x.db')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/destination\.remove\.enabled: sync\.mode "diff" sends removes .* enable the remove step/);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses --limit with diff mode: the members outside the selection would be removed', async () => {
    const cfg = configFile('limit.json', { sync: { mode: 'diff' } });
    const res = await cli(['run', cfg, '--input', writeNdjson(dir, 'l.ndjson', [member('a', 'a@x.io')]), '--db', join(dir, 'l.db'), '--limit', '1']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--limit and --only-key cannot be used with sync mode "diff"/);
  });

  it('sync list shows the delivered membership; sync reset forgets it, so the next diff run adds every member again', async () => {
    const db = join(dir, 'reset.db');
    const cfg = configFile('reset.json', { sync: { mode: 'diff' } });
    const input = writeNdjson(dir, 'reset.ndjson', [member('a', 'a@x.io'), member('b', 'b@x.io'), member('c', 'c@x.io')]);
    await runJson([cfg, '--input', input, '--db', db]);
    const list = await cli(['sync', 'list', '--db', db, '--json']);
    expect(JSON.parse(list.stdout)).toEqual([{ destination: 'Sync API', audience: 'Members', members: 3 }]);
    const reset = await cli(['sync', 'reset', cfg, '--db', db]);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/forgot 3 delivered members of Sync API · Members: the next diff run sends every member as an add/);
    expect((await cli(['sync', 'list', '--db', db])).stdout).toMatch(/no delivered membership/);
    server.requests.length = 0;
    const again = await runJson([cfg, '--input', input, '--db', db]);
    expect(again.out!.sync).toMatchObject({ added: 3, unchanged: 0 });
    expect(adds()).toEqual(['a', 'b', 'c']);
    expect((await cli(['sync', 'reset', '--db', db])).code).toBe(2); // a config or --all
  });

  it('preview shows the diff and plans only its requests: adds of new and changed, removes from the stored record', async () => {
    const db = join(dir, 'preview.db');
    const cfg = configFile('preview.json', { sync: { mode: 'diff' } });
    await runJson([cfg, '--input', writeNdjson(dir, 'p1.ndjson', [member('a', 'a@x.io'), member('b', 'b@x.io'), member('c', 'c@x.io')]), '--db', db]);
    server.requests.length = 0;
    const next = writeNdjson(dir, 'p2.ndjson', [member('a', 'a@x.io'), member('b', 'b7@x.io'), member('d', 'd@x.io')]);
    const res = await cli(['preview', cfg, '--input', next, '--db', db]);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.sync).toMatchObject({ mode: 'diff', added: 1, changed: 1, removed: 1, unchanged: 1, examples: { added: ['d'], changed: ['b'], removed: ['c'], unchanged: ['a'] } });
    expect(out.requests.map((r: { step: string; recordKeys: string[] }) => [r.step, r.recordKeys])).toEqual([
      ['add', ['b', 'd']],
      ['remove', ['c']],
    ]);
    expect(JSON.parse(out.requests[1].body)).toEqual({ id: 'c', email: 'c@x.io' });
    expect(server.requests).toHaveLength(0);
  });

  it('retry-failed of a diff run re-sends only its failed remove, rendered from the stored record', async () => {
    const db = join(dir, 'retry-failed.db');
    const cfg = configFile('retry-failed.json', { sync: { mode: 'diff' } });
    await runJson([cfg, '--input', writeNdjson(dir, 'rf1.ndjson', [member('a', 'a@x.io'), member('b', 'b@x.io'), member('c', 'c@x.io')]), '--db', db]);
    failRemove = new Set(['c']);
    const r2 = await runJson([cfg, '--input', writeNdjson(dir, 'rf2.ndjson', [member('a', 'a@x.io'), member('d', 'd@x.io')]), '--db', db]);
    expect(r2.code).toBe(1);
    failRemove = new Set();
    server.requests.length = 0;
    const retried = await cli(['retry-failed', r2.out!.runId, '--db', db, '--json']);
    expect(retried.code).toBe(0);
    expect(JSON.parse(retried.stdout).sync).toMatchObject({ added: 1, removed: 2, unchanged: 1 }); // the run's own classification
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['DELETE /members/c']);
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ id: 'c', email: 'c@x.io' });
    // And the membership moved with it: a later run over the same input finds nothing to send.
    server.requests.length = 0;
    const again = await runJson([cfg, '--input', join(dir, 'rf2.ndjson'), '--db', db]);
    expect(again.out!.sync).toMatchObject({ added: 0, changed: 0, removed: 0, unchanged: 2 });
    expect(server.requests).toHaveLength(0);
  });

  it('retry-failed of a run started with --sync diff stays a diff (the flag is recorded with the run)', async () => {
    const db = join(dir, 'flag-retry.db');
    const cfg = configFile('flag-retry.json');
    await runJson([cfg, '--input', writeNdjson(dir, 'fr1.ndjson', [member('a', 'a@x.io'), member('b', 'b@x.io')]), '--db', db, '--sync', 'diff']);
    failRemove = new Set(['b']);
    const r2 = await runJson([cfg, '--input', writeNdjson(dir, 'fr2.ndjson', [member('a', 'a@x.io')]), '--db', db, '--sync', 'diff']);
    expect(r2.code).toBe(1);
    failRemove = new Set();
    server.requests.length = 0;
    const retried = await cli(['retry-failed', r2.out!.runId, '--db', db, '--json']);
    expect(retried.code).toBe(0);
    expect(JSON.parse(retried.stdout).sync).toMatchObject({ removed: 1, unchanged: 1 });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['DELETE /members/b']);
  });

  it('shards of a diff send each difference once between them, sharing one store or each with its own', async () => {
    const cfg = configFile('shards.json', { sync: { mode: 'diff' } });
    const keys = Array.from({ length: 24 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    const first = writeNdjson(dir, 'shard1.ndjson', keys.map((k) => member(k, `${k}@x.io`)));
    // k00-k07 leave, k08-k11 change, n0-n3 arrive; the rest stay as they were.
    const second = writeNdjson(dir, 'shard2.ndjson', [
      ...keys.slice(8, 12).map((k) => member(k, `${k}@new.io`)),
      ...keys.slice(12).map((k) => member(k, `${k}@x.io`)),
      ...['n0', 'n1', 'n2', 'n3'].map((k) => member(k, `${k}@x.io`)),
    ]);
    for (const layout of ['one store', 'a store each'] as const) {
      const db = (i: number) => join(dir, layout === 'one store' ? 'shards-shared.db' : `shards-own-${i}.db`);
      server.requests.length = 0;
      for (let i = 0; i < 3; i++) expect((await runJson([cfg, '--input', first, '--db', db(i), '--shard', `${i}/3`])).code).toBe(0);
      expect(adds()).toEqual(keys);
      server.requests.length = 0;
      const runs: Array<Awaited<ReturnType<typeof runJson>>> = [];
      for (let i = 0; i < 3; i++) runs.push(await runJson([cfg, '--input', second, '--db', db(i), '--shard', `${i}/3`]));
      expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
      // Every removal once (not once per shard), every add and change once.
      expect(removes().map((r) => r.url).sort()).toEqual(keys.slice(0, 8).map((k) => `/members/${k}`));
      expect(adds()).toEqual([...keys.slice(8, 12), 'n0', 'n1', 'n2', 'n3'].sort());
      const total = (f: string) => runs.reduce((n, r) => n + (r.out!.sync[f] as number), 0);
      expect([total('added'), total('changed'), total('removed'), total('unchanged')]).toEqual([4, 4, 8, 12]);
    }
  });
});
