// destination.signing against a loopback HMAC verifier: the server recomputes the signature
// over the bytes it received (and the timestamp header it got) with its own copy of the
// secret, and answers 401 to a wrong one. Runs through the real CLI with the store on; every
// output (stdout, stderr, preview, log, HAR, the db) is grepped for the secret.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cli, tempDir, writeNdjson } from '../helpers/run.js';

const SECRET = 'whsec-L1teral+s3cret/=';
const ENV_SECRET = 'env-s1gning-secr3t!';

interface Received {
  path: string;
  body: string;
  signature: string;
  timestamp: string | undefined;
  valid: boolean;
}

let dir: string;
let server: Server;
let base: string;
const received: Received[] = [];
/** The verifier's own scheme for the current test. */
let scheme: { secret: string; header: string; timestampHeader?: string; payload: (ts: string, body: string) => string; algorithm: string; encoding: 'hex' | 'base64'; prefix: string } = {
  secret: SECRET,
  header: 'x-signature',
  payload: (_ts, body) => body,
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'sha256=',
};
/** Answer the first add request 503 with Retry-After: 1 (the retry then lands in a later second). */
let failFirst = false;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const bytes = await readBody(req);
  const body = bytes.toString('utf8');
  const signature = String(req.headers[scheme.header] ?? '');
  const timestamp = scheme.timestampHeader ? (req.headers[scheme.timestampHeader] as string | undefined) : undefined;
  const expected = scheme.prefix + createHmac(scheme.algorithm, scheme.secret).update(scheme.payload(timestamp ?? '', body)).digest(scheme.encoding);
  const valid = signature === expected;
  received.push({ path: req.url ?? '', body, signature, timestamp, valid });
  if (failFirst) {
    failFirst = false;
    res.writeHead(503, { 'retry-after': '1' });
    res.end('busy');
    return;
  }
  if (!valid) {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end('{"error":"bad signature"}');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(req.url?.startsWith('/lists') ? '{"lists":[{"name":"A","id":"l1"}]}' : '{"ok":true}');
}

beforeAll(async () => {
  dir = tempDir('outbound-signing-');
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  received.length = 0;
  failFirst = false;
});

const configWith = (signing: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  version: 1,
  destination: {
    name: 'Signed webhook',
    maxAttempts: 3,
    concurrency: 1,
    signing,
    getAudience: { enabled: true, url: `${base}/lists?name={{audience_name}}`, filterPath: "lists[?name=='{{audience_name}}']" },
    add: { url: `${base}/add/{{remote_audience.id}}`, bodyTemplate: '{"id": "{{user.id}}", "note": "{timestamp} stays as written"}' },
    ...extra,
  },
  audience: { name: 'A' },
  records: { key: 'id', mapping: { id: 'id' } },
});

function writeConfig(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

describe('destination.signing against an HMAC verifier', () => {
  it('body-only signature: the right secret succeeds, a wrong one is refused (401), the preview shows the header sent', async () => {
    scheme = { secret: SECRET, header: 'x-signature', payload: (_ts, body) => body, algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' };
    const input = writeNdjson(dir, 'in.ndjson', [{ id: 'u1' }, { id: 'u2' }]);
    const file = writeConfig('body.json', configWith({ header: 'X-Signature', secret: SECRET, prefix: 'sha256=' }));
    const db = join(dir, 'body.db');
    const ok = await cli(['run', file, '--input', input, '--db', db, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(received.filter((r) => r.path.startsWith('/add'))).toHaveLength(2);
    // Every request was signed, get audience included, and each verified.
    expect(received.every((r) => r.valid && r.signature.startsWith('sha256='))).toBe(true);
    const runId = (JSON.parse(ok.stdout) as { runId: string }).runId;

    // Not time-dependent: the preview's header is byte for byte the one the verifier got.
    const preview = await cli(['preview', file, '--input', input]);
    expect(preview.code, preview.stderr).toBe(0);
    const planned = (JSON.parse(preview.stdout) as { requests: Array<{ step: string; headers: Record<string, string>; notes?: string[] }> }).requests.filter((r) => r.step === 'add');
    const sentU1 = received.find((r) => r.body.includes('"u1"'))!;
    expect(planned[0]!.headers['X-Signature']).toBe(sentU1.signature);
    expect(planned[0]!.notes?.[0]).toMatch(/HMAC-SHA256 \(hex\) of \{body\}/);

    // The same config with another secret: the verifier refuses every request.
    received.length = 0;
    const wrong = writeConfig('wrong.json', configWith({ header: 'X-Signature', secret: 'not-the-secret', prefix: 'sha256=' }));
    const bad = await cli(['run', wrong, '--input', input, '--json']);
    expect(bad.code).not.toBe(0);
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((r) => !r.valid)).toBe(true);

    // The secret is in none of the outputs, nor the store.
    const log = await cli(['log', runId, '--db', db, '--json']);
    const har = join(dir, 'body.har');
    const exported = await cli(['export-log', runId, '--har', har, '--db', db]);
    const runs = await cli(['runs', '--db', db, '--json']);
    const outputs = [ok.stdout, ok.stderr, preview.stdout, preview.stderr, log.stdout, log.stderr, exported.stdout, exported.stderr, runs.stdout, readFileSync(har, 'utf8')];
    for (const out of outputs) expect(out).not.toContain(SECRET);
    expect(log.stdout).toContain('X-Signature'); // the signature itself is logged (it is not the secret)
    for (const f of [db, `${db}-wal`]) if (existsSync(f)) expect(readFileSync(f).includes(Buffer.from(SECRET))).toBe(false);
  });

  it('timestamp.body (Stripe/Slack style): retries re-sign with a fresh timestamp, each attempt verifies; an env secret stays a reference', async () => {
    scheme = { secret: ENV_SECRET, header: 'x-hook-signature', timestampHeader: 'x-hook-timestamp', payload: (ts, body) => `${ts}.${body}`, algorithm: 'sha512', encoding: 'base64', prefix: '' };
    const input = writeNdjson(dir, 'one.ndjson', [{ id: 'u1' }]);
    const file = writeConfig(
      'timed.json',
      configWith(
        { header: 'X-Hook-Signature', secret: '${env:HOOK_SECRET}', algorithm: 'sha512', encoding: 'base64', payload: '{timestamp}.{body}', timestampHeader: 'X-Hook-Timestamp' },
        { getAudience: { enabled: false }, add: { url: `${base}/add`, bodyTemplate: '{"id": "{{user.id}}"}' } },
      ),
    );
    failFirst = true;
    const res = await cli(['run', file, '--input', input, '--json'], { HOOK_SECRET: ENV_SECRET });
    expect(res.code, res.stderr).toBe(0);
    expect(received).toHaveLength(2);
    // The retry waited Retry-After: 1 s, so it was signed in a later second, and verified.
    expect(received[1]!.valid).toBe(true);
    expect(received[0]!.timestamp).toMatch(/^\d+$/);
    expect(received[1]!.timestamp).not.toBe(received[0]!.timestamp);
    expect(received[1]!.signature).not.toBe(received[0]!.signature);
    expect(res.stdout + res.stderr).not.toContain(ENV_SECRET);

    const preview = await cli(['preview', file, '--input', input], { HOOK_SECRET: ENV_SECRET });
    expect(preview.stdout).not.toContain(ENV_SECRET);
    const req = (JSON.parse(preview.stdout) as { requests: Array<{ headers: Record<string, string>; notes?: string[] }> }).requests[0]!;
    expect(req.headers['X-Hook-Timestamp']).toMatch(/^\d+$/);
    expect(req.notes?.[0]).toMatch(/signed for this preview's time/);
  });

  it('a literal secret is masked in the config a run stores', async () => {
    const { literalSecrets } = await import('../../src/main/engine/load.js');
    const { stored, literals } = literalSecrets(configWith({ secret: SECRET }));
    expect(literals).toContain(SECRET);
    expect(JSON.stringify(stored)).not.toContain(SECRET);
  });

  it('refuses a payload placeholder it does not know, and {timestamp} with no way to tell it', async () => {
    const { parseExportConfig } = await import('../../src/shared/config.js');
    const typo = parseExportConfig(configWith({ secret: 'x', payload: '{timestmp}.{body}', timestampHeader: 'X-T' }));
    expect(typo.ok ? [] : typo.issues).toEqual([{ path: 'destination.signing.payload', message: 'unknown placeholder {timestmp}; did you mean {timestamp}?' }]);
    const untold = parseExportConfig(configWith({ secret: 'x', payload: '{timestamp}.{body}' }));
    expect(untold.ok ? '' : untold.issues[0]!.path).toBe('destination.signing.timestampHeader');
    expect(parseExportConfig(configWith({ secret: 'x', payload: '{timestamp}.{body}', prefix: 't={timestamp},v1=' })).ok).toBe(true);
  });
});
