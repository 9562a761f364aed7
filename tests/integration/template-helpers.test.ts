// Issue 11: template helpers and escaping by body type, end to end through the CLI against
// a loopback server that records the exact bytes it received.
import { createHmac, createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { cli, tempDir, writeNdjson } from '../helpers/run.js';

let server: CaptureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const records = [
  { id: 'u1', name: 'Tom & Jerry=1', email: '  Tom@Example.COM ', phone: '+1 (415) 555-0123' },
  { id: 'u2', name: '<a>&', email: 'b@x.io', phone: '' },
];

function setup(destination: object): { cfg: string; input: string; db: string; dir: string } {
  const dir = tempDir();
  const cfg = join(dir, 'config.json');
  writeFileSync(cfg, JSON.stringify({ version: 1, destination: { name: 'helpers', ...destination }, audience: { name: 'A' }, records: { key: 'id' } }));
  return { cfg, input: writeNdjson(dir, 'in.ndjson', records), db: join(dir, 'runs.db'), dir };
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('escaping by body type, the bytes on the wire', () => {
  it('application/x-www-form-urlencoded: each value form-encoded, {{{raw}}} as is', async () => {
    server = await startCaptureServer();
    const { cfg, input, db } = setup({
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      add: { url: `${server.url}/form`, method: 'POST', batchMode: 'individual', bodyTemplate: 'name={{user.name}}&em={{sha256Email user.email}}&raw={{{user.id}}}%2B' },
    });
    const res = await cli(['run', cfg, '--input', input, '--db', db, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const bodies = server.requests.map((r) => r.body).sort();
    expect(bodies).toEqual([`name=%3Ca%3E%26&em=${sha('b@x.io')}&raw=u2%2B`, `name=Tom+%26+Jerry%3D1&em=${sha('tom@example.com')}&raw=u1%2B`]);
    expect(server.requests[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    // What a form parser on the other side reads back.
    const tom = server.requests.find((r) => r.body.includes('Tom'))!;
    expect(new URLSearchParams(tom.body).get('name')).toBe('Tom & Jerry=1');
  });

  it('application/xml: each value XML-escaped', async () => {
    server = await startCaptureServer();
    const { cfg, input, db } = setup({
      headers: { 'Content-Type': 'application/xml; charset=utf-8' },
      add: { url: `${server.url}/xml`, method: 'POST', batchMode: 'batched', batchSize: 10, bodyTemplate: '<users>{{#each users}}<user id="{{id}}" phone="{{sha256Phone phone}}">{{name}}</user>{{/each}}</users>' },
    });
    const res = await cli(['run', cfg, '--input', input, '--db', db, '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body).toBe(`<users><user id="u1" phone="${sha('+14155550123')}">Tom &amp; Jerry=1</user><user id="u2" phone="">&lt;a&gt;&amp;</user></users>`);
  });

  it('outbound preview names the escaping in force', async () => {
    for (const [contentType, escaping] of [['text/xml', 'xml'], ['application/x-www-form-urlencoded;charset=UTF-8', 'form'], [undefined, 'json'], ['text/plain', 'none']] as const) {
      const { cfg, input } = setup({
        ...(contentType ? { headers: { 'Content-Type': contentType } } : {}),
        add: { url: 'http://127.0.0.1:9/x', method: 'POST', batchMode: 'individual', bodyTemplate: contentType === undefined ? '{"n": "{{user.name}}"}' : 'n={{user.name}}' },
      });
      const res = await cli(['preview', cfg, '--input', input, '--limit', '1']);
      expect(res.code, res.stderr).toBe(0);
      const out = JSON.parse(res.stdout) as { escaping: string; requests: Array<{ body: string }> };
      expect(out.escaping).toBe(escaping);
      expect(out.requests[0]!.body).toBe({ xml: 'n=Tom &amp; Jerry=1', form: 'n=Tom+%26+Jerry%3D1', json: '{"n": "Tom & Jerry=1"}', none: 'n=Tom & Jerry=1' }[escaping]);
    }
  });
});

describe('hmac with a key from ${env:…}', () => {
  const KEY = 'whsec-Th1s-is-the-key';
  it('signs what the verifier checks; the key never shows in the preview, the log or the stored config', async () => {
    server = await startCaptureServer((req) => {
      const body = JSON.parse(req.body) as { id: string; sig: string };
      const good = createHmac('sha256', KEY).update(body.id).digest('hex');
      return body.sig === good ? { status: 200 } : { status: 401, body: { error: 'bad signature' } };
    });
    const { cfg, input, db } = setup({
      add: { url: `${server.url}/signed`, method: 'POST', batchMode: 'individual', bodyTemplate: '{"id": "{{user.id}}", "sig": "{{hmac "sha256" "${env:SIGNING_KEY}" user.id}}", "at": {{now "epoch"}}}' },
    });
    const env = { SIGNING_KEY: KEY };
    const res = await cli(['run', cfg, '--input', input, '--db', db, '--json'], env);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(server.requests).toHaveLength(2);
    // now is fixed for the whole run: every request carries the same instant.
    const ats = server.requests.map((r) => (JSON.parse(r.body) as { at: number }).at);
    expect(ats[0]).toBe(ats[1]);
    const runId = (JSON.parse(res.stdout) as { runId: string }).runId;
    const log = await cli(['log', runId, '--db', db, '--json'], env);
    const preview = await cli(['preview', cfg, '--input', input], env);
    expect(preview.code).toBe(0);
    for (const text of [res.stdout, res.stderr, log.stdout, preview.stdout, readFileSync(db).toString('latin1')]) expect(text).not.toContain(KEY);
  });

  it('a wrong key is rejected by the verifier (the test can fail)', async () => {
    server = await startCaptureServer((req) => {
      const body = JSON.parse(req.body) as { id: string; sig: string };
      return body.sig === createHmac('sha256', KEY).update(body.id).digest('hex') ? { status: 200 } : { status: 401, body: { error: 'bad signature' } };
    });
    const { cfg, input, db } = setup({
      add: { url: `${server.url}/signed`, method: 'POST', batchMode: 'individual', bodyTemplate: '{"id": "{{user.id}}", "sig": "{{hmac "sha256" "${env:SIGNING_KEY}" user.id}}"}' },
      retryOnErrors: false,
    });
    const res = await cli(['run', cfg, '--input', input, '--db', db, '--json'], { SIGNING_KEY: 'not-the-key' });
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ records: { failed: 2 } });
  });

  it('a key written literally in a template is a secret: masked in the stored config and everywhere shown', async () => {
    server = await startCaptureServer();
    const LITERAL = 'literal-hmac-key-42';
    const { cfg, input, db } = setup({
      add: { url: `${server.url}/signed`, method: 'POST', batchMode: 'individual', bodyTemplate: `{"id": "{{user.id}}", "sig": "{{hmac "sha256" "${LITERAL}" user.id}}", "echo": "{{user.id}}"}` },
    });
    const res = await cli(['run', cfg, '--input', input, '--db', db, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const sent = JSON.parse(server.requests[0]!.body) as { id: string; sig: string };
    expect(sent.sig).toBe(createHmac('sha256', LITERAL).update(sent.id).digest('hex'));
    const runId = (JSON.parse(res.stdout) as { runId: string }).runId;
    const log = await cli(['log', runId, '--db', db, '--json']);
    const runs = await cli(['runs', '--db', db, '--json']);
    for (const text of [res.stdout, log.stdout, runs.stdout, readFileSync(db).toString('latin1')]) expect(text).not.toContain(LITERAL);
  });
});

describe('now is fixed per run', () => {
  it('retry-failed re-sends the body the run first rendered: the same instant', async () => {
    let failU2 = true;
    server = await startCaptureServer((req) => (failU2 && req.body.includes('"u2"') ? { status: 400, body: { error: 'try later' } } : { status: 200 }));
    const { cfg, input, db } = setup({
      add: { url: `${server.url}/t`, method: 'POST', batchMode: 'individual', bodyTemplate: '{"id": "{{user.id}}", "at": {{now "epoch_ms"}}, "iso": "{{now}}"}' },
      retryOnErrors: false,
    });
    const first = await cli(['run', cfg, '--input', input, '--db', db, '--json']);
    expect(first.code).toBe(1);
    const runId = (JSON.parse(first.stdout) as { runId: string }).runId;
    await new Promise((r) => setTimeout(r, 5)); // let the clock move on, so a new "now" would differ
    failU2 = false;
    const again = await cli(['retry-failed', runId, '--db', db, '--json']);
    expect(again.code, again.stderr).toBe(0);
    const u2 = server.requests.filter((r) => r.body.includes('"u2"')).map((r) => r.body);
    expect(u2).toHaveLength(2);
    expect(u2[1]).toBe(u2[0]);
    const at = (JSON.parse(u2[0]!) as { at: number }).at;
    expect(new Date(at).toISOString()).toBe((JSON.parse(u2[0]!) as { iso: string }).iso);
  });
});

