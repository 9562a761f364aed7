// Membership diff guards (issue 12, review of the diff): what must never quietly send the
// wrong difference. A second diff run of the same members while one is sending is refused;
// a membership recorded under another records.key is refused; a record without a key of its
// own fails and holds removals; a remove whose stored member lacks what the remove URL names
// is not sent; a member whose request failed after it was sent is put in doubt; `sync reset`
// refuses while a diff is being sent; `sync list` on a missing database says so (exit 2).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { cli, tempDir, writeNdjson } from '../helpers/run.js';

let server: CaptureServer;
let dir: string;
/** Per test: how long the endpoint takes, and which removes it refuses. */
let delayMs = 0;
let failRemove = new Set<string>();

beforeAll(async () => {
  server = await startCaptureServer((req) => {
    const m = /^\/members\/([^/?]*)/.exec(req.url);
    if (req.method === 'DELETE' && m && failRemove.has(decodeURIComponent(m[1]!))) return { status: 500, body: { error: 'try later' } };
    return { body: { ok: true }, ...(delayMs > 0 ? { delayMs } : {}) };
  });
  dir = tempDir('outbound-sync-guards-');
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  delayMs = 0;
  failRemove = new Set();
  server.requests.length = 0;
});

function configFile(
  name: string,
  records: Record<string, unknown> = { key: 'id', mapping: { id: 'uid', email: 'email' } },
  removeUrl = '/members/{{user.id}}',
  addBody = '{"id": "{{user.id}}", "email": "{{user.email}}"}',
): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      version: 1,
      destination: {
        name: 'Guarded API',
        maxAttempts: 1,
        concurrency: 1,
        add: { url: `${server.url}/members`, batchMode: 'individual', bodyTemplate: addBody },
        remove: { enabled: true, url: `${server.url}${removeUrl}`, method: 'DELETE', batchMode: 'individual' },
      },
      audience: { name: `Members of ${name}` },
      records,
      sync: { mode: 'diff' },
    }),
  );
  return path;
}

const member = (uid: string, email = `${uid}@x.io`) => ({ uid, email });
const sent = () => server.requests.map((r) => `${r.method} ${r.url}`);
const json = (stdout: string) => JSON.parse(stdout) as Record<string, any>;

describe('membership diff guards', () => {
  it('a second diff run of the same members is refused while the first is sending; afterwards it runs', async () => {
    const cfg = configFile('busy.json');
    const db = join(dir, 'busy.db');
    const input = writeNdjson(dir, 'busy.ndjson', Array.from({ length: 8 }, (_, i) => member(`m${i}`)));
    delayMs = 150;
    const first = cli(['run', cfg, '--input', input, '--db', db, '--json']);
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 20));
    const second = await cli(['run', cfg, '--input', input, '--db', db, '--json']);
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/another membership diff of this destination and audience is being sent: run \S+ \(pid \d+/);
    const done = await first;
    expect(done.code).toBe(0);
    // Every member once, by the first run alone; the refused one sent nothing.
    expect(sent().sort()).toEqual(Array.from({ length: 8 }, (_, i) => 'POST /members').sort());
    delayMs = 0;
    server.requests.length = 0;
    const again = await cli(['run', cfg, '--input', input, '--db', db, '--json']);
    expect(again.code).toBe(0);
    expect(json(again.stdout).sync).toMatchObject({ added: 0, unchanged: 8 });
    expect(server.requests).toHaveLength(0);
  });

  it('a membership recorded under another records.key is refused, naming both and sync reset; after the reset every member is added', async () => {
    const db = join(dir, 'key.db');
    const input = writeNdjson(dir, 'key.ndjson', [member('a'), member('b')]);
    expect((await cli(['run', configFile('key-id.json'), '--input', input, '--db', db])).code).toBe(0);
    server.requests.length = 0;
    // The same destination and audience (same name) keyed by email.
    const byEmail = configFile('key-id.json', { key: 'email', mapping: { id: 'uid', email: 'email' } });
    const refused = await cli(['run', byEmail, '--input', input, '--db', db]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/recorded with records.key "id" over 1 shard; this run has records.key "email"/);
    expect(refused.stderr).toContain('outbound sync reset');
    expect(server.requests).toHaveLength(0);
    expect((await cli(['sync', 'reset', byEmail, '--db', db])).code).toBe(0);
    const after = await cli(['run', byEmail, '--input', input, '--db', db, '--json']);
    expect(after.code).toBe(0);
    expect(json(after.stdout).sync).toMatchObject({ added: 2, removed: 0 });
    expect(sent()).toEqual(['POST /members', 'POST /members']);
  });

  it('a record without a key of its own fails, and no member is removed that run', async () => {
    const cfg = configFile('keyless.json');
    const db = join(dir, 'keyless.db');
    expect((await cli(['run', cfg, '--input', writeNdjson(dir, 'kl1.ndjson', [member('a'), member('b')]), '--db', db])).code).toBe(0);
    server.requests.length = 0;
    // b left; a record with no uid stands where it was.
    const r = await cli(['run', cfg, '--input', writeNdjson(dir, 'kl2.ndjson', [member('a'), { email: 'nokey@x.io' }]), '--db', db, '--json']);
    expect(r.code).toBe(1);
    expect(json(r.stdout).sync.removalsHeld).toMatch(/could not be read or given a key/);
    expect(json(r.stdout).sync.removed).toBe(0);
    expect(server.requests).toHaveLength(0);
    const log = await cli(['log', json(r.stdout).runId as string, '--failed', '--db', db]);
    expect(log.stdout).toMatch(/no key of its own/);
  });

  it('a remove whose stored member lacks what the remove URL names is not sent, and the member is kept', async () => {
    const db = join(dir, 'url.db');
    expect((await cli(['run', configFile('url.json'), '--input', writeNdjson(dir, 'u1.ndjson', [member('a'), member('b')]), '--db', db])).code).toBe(0);
    server.requests.length = 0;
    // The mapping renamed email to mail, and the remove URL now names it: stored members have no mail.
    const renamed = configFile('url.json', { key: 'id', mapping: { id: 'uid', mail: 'email' } }, '/members/{{user.mail}}', '{"id": "{{user.id}}", "mail": "{{user.mail}}"}');
    const r = await cli(['run', renamed, '--input', writeNdjson(dir, 'u2.ndjson', [member('a')]), '--db', db, '--json']);
    expect(r.code).toBe(1);
    // a changed (its mapped fields differ) is sent; b's remove is not: it would go to /members/.
    expect(sent()).toEqual(['POST /members']);
    const log = await cli(['log', json(r.stdout).runId as string, '--failed', '--db', db]);
    expect(log.stdout).toMatch(/member b.*has no user\.mail, which destination\.remove\.url names/);
    const list = await cli(['sync', 'list', '--db', db, '--json']);
    expect((JSON.parse(list.stdout) as Array<{ members: number }>)[0]!.members).toBe(2);
  });

  it('a member whose remove failed after it was sent is in doubt: back with the same data, it is sent again', async () => {
    const cfg = configFile('doubt.json');
    const db = join(dir, 'doubt.db');
    expect((await cli(['run', cfg, '--input', writeNdjson(dir, 'd1.ndjson', [member('a'), member('b')]), '--db', db])).code).toBe(0);
    failRemove = new Set(['b']); // the endpoint may have removed b all the same
    expect((await cli(['run', cfg, '--input', writeNdjson(dir, 'd2.ndjson', [member('a')]), '--db', db])).code).toBe(1);
    failRemove = new Set();
    server.requests.length = 0;
    const back = await cli(['run', cfg, '--input', writeNdjson(dir, 'd3.ndjson', [member('a'), member('b')]), '--db', db, '--json']);
    expect(back.code).toBe(0);
    expect(json(back.stdout).sync).toMatchObject({ changed: 1, unchanged: 1 });
    expect(server.requests.map((r) => `${r.method} ${r.body}`)).toEqual(['POST {"id": "b", "email": "b@x.io"}']);
  });

  it('sync reset refuses while a diff is being sent; sync list on a missing database says so with exit 2', async () => {
    const cfg = configFile('reset-busy.json');
    const db = join(dir, 'reset-busy.db');
    delayMs = 150;
    const running = cli(['run', cfg, '--input', writeNdjson(dir, 'rb.ndjson', Array.from({ length: 5 }, (_, i) => member(`r${i}`))), '--db', db]);
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 20));
    const reset = await cli(['sync', 'reset', cfg, '--db', db]);
    expect(reset.code).toBe(2);
    expect(reset.stderr).toMatch(/a membership diff is being sent \(run \S+ \(pid \d+/);
    expect((await running).code).toBe(0);
    expect((await cli(['sync', 'reset', cfg, '--db', db])).code).toBe(0);
    const missing = await cli(['sync', 'list', '--db', join(dir, 'no-such.db')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no database at/);
  });
});
