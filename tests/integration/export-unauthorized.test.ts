// An endpoint that refuses every request with 401 (even after a fresh OAuth token, or with a
// static API key it never accepts) aborts the run after a few in a row, resumable, exit 3:
// it does not go on for the whole input. A 2xx in between resets the count.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCaptureServer, type Answer, type CaptureServer } from '../helpers/capture-server.js';
import { cli, tempDir, writeNdjson } from '../helpers/run.js';

let server: CaptureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const people = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `u${i + 1}`, email: `u${i + 1}@example.com` }));

async function runCli(destination: Record<string, unknown>, records = 500) {
  const dir = tempDir();
  const cfgPath = join(dir, 'cfg.json');
  writeFileSync(cfgPath, JSON.stringify({ version: 1, destination: { name: 'auth', ...destination }, audience: { name: 'A' } }));
  const input = writeNdjson(dir, 'in.ndjson', people(records));
  return cli(['run', cfgPath, '--input', input, '--db', join(dir, 'runs.db'), '--json'], { OUTBOUND_TEST_KEY: 'static-key-never-valid' });
}

/** Token endpoint that always grants a new token; members endpoint answers by `members`. */
function tokenAndMembers(members: (index: number) => Answer): (req: { url: string }, i: number) => Answer {
  let tokens = 0;
  let calls = 0;
  return (req) => {
    if (req.url.startsWith('/oauth/token')) return { body: { access_token: `token-number-${++tokens}`, token_type: 'Bearer', expires_in: 3600 } };
    return members(calls++);
  };
}

const memberCalls = (s: CaptureServer) => s.requests.filter((r) => r.url.startsWith('/members')).length;

describe('repeated 401s', () => {
  it('with OAuth: every request refused even after a token refetch aborts the run after 3 in a row (exit 3, resumable)', async () => {
    server = await startCaptureServer(tokenAndMembers(() => ({ status: 401, body: { error: 'invalid_token' } })));
    const res = await runCli({
      concurrency: 2,
      oauth: { tokenUrl: `${server.url}/oauth/token`, clientId: 'id', clientSecret: 'secret-value' },
      add: { url: `${server.url}/members`, batchMode: 'batched', batchSize: 10 },
    });
    expect(res.code).toBe(3);
    const out = JSON.parse(res.stdout) as { status: string; error: string };
    expect(out.status).toBe('aborted');
    expect(out.error).toBe(
      'the endpoint answered HTTP 401 Unauthorized to 3 requests in a row, even with a freshly fetched OAuth token: check the OAuth clientId, clientSecret, scope and audience, and that the token is accepted by this endpoint',
    );
    expect(res.stderr).toMatch(/outbound resume /);
    // 50 batches in the input; each refused request is sent twice (before and after its refetch),
    // and at most `concurrency` were in flight when the third came back.
    expect(memberCalls(server)).toBeLessThanOrEqual(2 * (3 + 2));
  });

  it('with a static API key the endpoint refuses: aborts after 3 in a row naming the headers', async () => {
    server = await startCaptureServer(() => ({ status: 401, body: { error: 'bad key' } }));
    const res = await runCli({
      concurrency: 1,
      headers: { 'X-API-Key': '${env:OUTBOUND_TEST_KEY}' },
      add: { url: `${server.url}/members`, batchMode: 'batched', batchSize: 10 },
    });
    expect(res.code).toBe(3);
    const out = JSON.parse(res.stdout) as { status: string; error: string };
    expect(out.status).toBe('aborted');
    expect(out.error).toBe(
      'the endpoint answered HTTP 401 Unauthorized to 3 requests in a row: check the credentials the requests carry (destination.headers: an API key or a token) and that they are valid for this endpoint',
    );
    expect(memberCalls(server)).toBe(3);
  });

  it('a 401 now and then, with 2xx between, does not abort: every batch is sent', async () => {
    // 401, 401, 200, 401, 401, 200, …: never three in a row.
    server = await startCaptureServer((_req, i) => (i % 3 === 2 ? { status: 200 } : { status: 401 }));
    const res = await runCli({ concurrency: 1, add: { url: `${server.url}/members`, batchMode: 'batched', batchSize: 10 } }, 90);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout).status).toBe('partial');
    expect(memberCalls(server)).toBe(9);
  });

  it('with OAuth: a 401 once, then 2xx after the refetch, goes on', async () => {
    server = await startCaptureServer(tokenAndMembers((i) => (i === 0 ? { status: 401 } : { status: 200 })));
    const res = await runCli({
      concurrency: 1,
      oauth: { tokenUrl: `${server.url}/oauth/token`, clientId: 'id', clientSecret: 'secret-value' },
      add: { url: `${server.url}/members`, batchMode: 'batched', batchSize: 10 },
    });
    expect(res.code).toBe(0);
    expect(memberCalls(server)).toBe(51);
  });
});
