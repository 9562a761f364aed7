// Invariant 6, tried as an attacker: secrets by taint, not by name. A CLI run with the store
// on, against a loopback endpoint that echoes every request's URL, headers and body back,
// with an env secret in a URL query, another in a body template, a literal X-API-Key header
// and a literal client secret whose token server echoes what it got. Every byte the CLI
// writes (stdout, stderr, the db and its -wal read raw during and after the run, the HAR)
// is grepped for every secret in every encoding it could take.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/db.js';
import { MIGRATIONS } from '../../src/main/store/migrations.js';
import { formEncode } from '../../src/main/engine/redact.js';
import { createStudioService, type SecretCrypto } from '../../src/main/studio/service.js';
import { cli, tempDir, writeNdjson } from '../helpers/run.js';

const URL_KEY = 'AKq7-url+key/9=';
const BODY_KEY = 'b0dy-s3cr3t/+x=é';
const LITERAL_HEADER = 'hdr-Lit3ral"k\\ey+/=';
const CLIENT_SECRET = 'cl1ent s3cret+/=';
const TOKEN = 'tok-9f8e7d6c5b4a+/=x';
/** Written literally in a URL template as a secret-named query parameter (`&sig=…`). */
const LITERAL_SIG = 'urlSig-5ecr3t-Qz9';
const SECRETS = { URL_KEY, BODY_KEY, LITERAL_HEADER, CLIENT_SECRET, TOKEN, LITERAL_SIG };
const env = { SECRETS_URL_KEY: URL_KEY, SECRETS_BODY_KEY: BODY_KEY };

/** Every form a secret could take in text: as is, URL, form, base64(url), JSON string, JSON \u-escaped. */
function encodings(secret: string): Record<string, string> {
  const json = JSON.stringify(secret).slice(1, -1);
  return {
    raw: secret,
    percent: encodeURIComponent(secret),
    form: formEncode(secret),
    base64: Buffer.from(secret).toString('base64'),
    base64url: Buffer.from(secret).toString('base64url'),
    json,
    jsonAscii: json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    jsonTwice: JSON.stringify(json).slice(1, -1),
    // A secret cut short (an excerpt) must not show its start either.
    start: secret.slice(0, 8),
  };
}

/** The leaks in `bytes`: `what: SECRET as encoding`. */
function leaks(what: string, bytes: Buffer | string): string[] {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const found: string[] = [];
  for (const [name, secret] of Object.entries(SECRETS)) {
    for (const [enc, form] of Object.entries(encodings(secret))) {
      // latin1 too: a -wal page split cannot hide an ASCII form, and UTF-8 is checked as bytes.
      if (buf.includes(Buffer.from(form, 'utf8'))) found.push(`${what}: ${name} as ${enc}`);
    }
  }
  return found;
}

const asciiEscaped = (v: unknown) => JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

let dir: string;
let server: Server;
let base: string;
let dbPath = '';
const walSnapshots: Buffer[] = [];
/** X-API-Key values the endpoint received, to prove a resume re-read the literal secret. */
const receivedKeys: string[] = [];
const receivedUrls: string[] = [];
let tokenDown = false;
let failU3 = true;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  // Read the store's -wal while the run is writing it.
  if (dbPath && existsSync(`${dbPath}-wal`)) walSnapshots.push(readFileSync(`${dbPath}-wal`));
  const echo = { method: req.method, url: req.url, headers: req.headers, body };
  if (req.url === '/token') {
    if (tokenDown) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_client', echo }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'x-echo-auth': String(req.headers.authorization ?? '') });
    res.end(JSON.stringify({ access_token: TOKEN, token_type: 'Bearer', expires_in: 3600, echo }));
    return;
  }
  if (req.url?.startsWith('/lists')) {
    // The audience found is kept with the run (runs.remote_audience, `runs --json`): it echoes too.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ lists: [{ name: 'A', id: 'l1', echo }] }));
    return;
  }
  receivedKeys.push(String(req.headers['x-api-key']));
  receivedUrls.push(req.url ?? '');
  const fail = failU3 && body.includes('"u3"');
  res.writeHead(fail ? 400 : 200, { 'content-type': 'application/json', 'x-echo-key': String(req.headers['x-api-key'] ?? ''), 'x-echo-url': req.url ?? '' });
  // A failure's reason keeps a 300-character excerpt of the answer: this one puts the
  // literal header at character 290, so a cut made before masking would keep its start.
  const pad = fail ? `"pad":"${'x'.repeat(273)}","key":${JSON.stringify(req.headers['x-api-key'])},` : '';
  // Twice: as JSON does it (UTF-8) and \u-escaped, as other encoders do.
  res.end(`{${pad}"ok":${!fail},"echo":${JSON.stringify(echo)},"ascii":${asciiEscaped(echo)}}`);
}

/**
 * The config under test. `sig`: a literal secret query parameter in the add URL. The CLI knows
 * it (masked everywhere, and at rest); the studio and stores of earlier versions do not keep
 * it encrypted (README, Secrets: a saved destination keeps its URLs as typed), so their tests
 * leave it out.
 */
const configFor = ({ sig = true } = {}) => ({
  version: 1,
  destination: {
    name: 'Echo',
    headers: { 'X-API-Key': LITERAL_HEADER },
    oauth: { tokenUrl: `${base}/token`, clientId: 'cid', clientSecret: CLIENT_SECRET, clientAuth: 'body' },
    maxAttempts: 1,
    concurrency: 1,
    getAudience: { enabled: true, url: `${base}/lists?api_key=\${env:SECRETS_URL_KEY}`, filterPath: "lists[?name=='{{audience_name}}']" },
    add: {
      url: `${base}/add?api_key=\${env:SECRETS_URL_KEY}${sig ? `&sig=${LITERAL_SIG}` : ''}&list={{remote_audience.id}}`,
      batchMode: 'batched',
      batchSize: 2,
      bodyTemplate: '{"auth": "${env:SECRETS_BODY_KEY}", "users": [{{#each users}}{"id": "{{id}}"}{{#unless @last}},{{/unless}}{{/each}}]}',
    },
  },
  audience: { name: 'A' },
  records: { key: 'id', mapping: { id: 'id' } },
});

beforeAll(async () => {
  dir = tempDir('outbound-secrets-');
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('no secret in clear in anything the CLI writes (invariant 6)', () => {
  it('a run, its log, HAR, preview, oauth, resume and retry-failed, and the store files', async () => {
    const file = join(dir, 'echo.json');
    writeFileSync(file, JSON.stringify(configFor(), null, 2));
    const input = writeNdjson(dir, 'in.ndjson', [{ id: 'u1' }, { id: 'u2' }, { id: 'u3' }, { id: 'u4' }]);
    dbPath = join(dir, 'out.db');
    const db = ['--db', dbPath];
    const outputs: Array<[string, string]> = [];
    const run = async (argv: string[], expected: number): Promise<{ stdout: string; stderr: string }> => {
      const res = await cli(argv, env);
      outputs.push([argv.slice(0, 2).join(' '), res.stdout + res.stderr]);
      expect.soft(res.code, `${argv.join(' ')}: ${res.stderr}`).toBe(expected);
      return res;
    };

    const first = await run(['run', file, '--input', input, ...db, '--json'], 1);
    const runId = (JSON.parse(first.stdout) as { runId: string }).runId;
    expect(receivedKeys).toContain(LITERAL_HEADER); // the secrets did go to the endpoint
    await run(['log', runId, ...db], 0);
    const logJson = await run(['log', runId, ...db, '--json'], 0);
    await run(['log', runId, ...db, '--failed'], 0);
    await run(['log', runId, ...db, '--failed', '--json'], 0);
    const runs = await run(['runs', ...db, '--json'], 0);
    expect(runs.stdout).toMatch(/"id": ?"l1"/);
    await run(['runs', ...db], 0);
    const har = join(dir, 'run.har');
    await run(['export-log', runId, '--har', har, ...db], 0);
    const preview = await run(['preview', file, '--input', input], 0);
    await run(['oauth', file], 0);
    await run(['oauth', file, '--json'], 0);

    // Readable, not dots: an env value shows as its reference.
    expect.soft(preview.stdout).toContain('api_key=${env:SECRETS_URL_KEY}');
    expect.soft(preview.stdout).toContain('${env:SECRETS_BODY_KEY}');
    expect.soft(logJson.stdout).toContain('${env:SECRETS_URL_KEY}');

    // retry-failed re-reads the literal secrets from the unchanged config file.
    failU3 = false;
    receivedKeys.length = 0;
    receivedUrls.length = 0;
    await run(['retry-failed', runId, ...db], 0);
    expect(receivedKeys).toEqual([LITERAL_HEADER]);
    expect(receivedUrls[0]).toContain(`&sig=${LITERAL_SIG}&`); // the literal in the URL re-read too

    // An aborted run (token endpoint refusing) resumes from the same file, and only from it.
    tokenDown = true;
    const second = await run(['run', file, '--input', input, ...db, '--json'], 3);
    const secondId = (JSON.parse(second.stdout) as { runId: string }).runId;
    tokenDown = false;
    const original = readFileSync(file);
    writeFileSync(file, `${original.toString()}\n`);
    const changed = await run(['resume', secondId, ...db], 2);
    expect(changed.stderr).toMatch(/config file changed since run .* started/);
    unlinkSync(file);
    const gone = await run(['resume', secondId, ...db], 2);
    expect(gone.stderr).toMatch(/config file not found/);
    writeFileSync(file, original);
    receivedKeys.length = 0;
    await run(['resume', secondId, ...db], 0);
    expect(receivedKeys).toEqual([LITERAL_HEADER, LITERAL_HEADER]);

    const found: string[] = [];
    for (const [what, text] of outputs) found.push(...leaks(what, text));
    found.push(...leaks('HAR', readFileSync(har)));
    walSnapshots.forEach((wal, i) => found.push(...leaks(`db-wal (during, ${i})`, wal)));
    found.push(...leaks('db', readFileSync(dbPath)));
    if (existsSync(`${dbPath}-wal`)) found.push(...leaks('db-wal', readFileSync(`${dbPath}-wal`)));
    expect(walSnapshots.length).toBeGreaterThan(0);
    expect(found).toEqual([]);
  });
});

/** Stand-in for safeStorage: reversible, and never the clear text. */
const xorCrypto: SecretCrypto = {
  encrypt: (plain) => Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)),
  decrypt: (cipher) => Buffer.from(cipher.map((b) => b ^ 0x5a)).toString('utf8'),
};

describe('no secret in clear in the studio database or anything it hands the renderer (invariant 6)', () => {
  it('a saved destination and an unsaved config, run, inspected, replayed, exported and retried', async () => {
    dbPath = join(dir, 'studio.db');
    walSnapshots.length = 0;
    failU3 = true;
    tokenDown = false;
    const service = createStudioService({ dbPath, env, crypto: xorCrypto, startMockOnLaunch: false, seedExample: false });
    const shown: Array<[string, unknown]> = [];
    const finished = async (runId: string) => {
      for (let i = 0; i < 400; i++) {
        const p = await service.runProgress(runId);
        if (p?.state === 'finished') return p;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('run did not finish');
    };
    try {
      await service.ready;
      const saved = await service.saveDestination({ config: configFor({ sig: false }) as never });
      expect(saved.issues).toEqual([]);
      const config = (await service.getDestination(saved.id))!.config;
      shown.push(['getDestination', config]);
      const { set } = await service.importSamples({ name: 'four', format: 'ndjson', text: ['u1', 'u2', 'u3', 'u4'].map((id) => JSON.stringify({ id })).join('\n') });

      shown.push(['preview', await service.preview({ config, setId: set.id })]);
      shown.push(['sendPreviewed', await service.sendPreviewed({ config, setId: set.id, step: 'add', index: 1 })]);
      shown.push(['testOAuth', await service.testOAuth({ config })]);

      const { runId } = await service.startRun({ config, destinationId: saved.id, input: { setId: set.id } });
      const progress = await finished(runId);
      expect(progress.status).toBe('partial');
      shown.push(['progress', progress], ['getRun', await service.getRun(runId)], ['listRuns', await service.listRuns()]);
      const page = await service.runRequests({ runId });
      shown.push(['runRequests', page]);
      for (const row of page.rows) {
        shown.push(['requestDetail', await service.requestDetail({ runId, id: row.id })]);
        shown.push(['copyAsCurl', await service.copyAsCurl({ runId, id: row.id })]);
        shown.push(['replay logged', await service.replayRequest({ runId, id: row.id, mode: 'logged' })]);
        shown.push(['replay rerendered', await service.replayRequest({ runId, id: row.id, mode: 'rerendered', config })]);
      }
      shown.push(['har', await service.exportRun({ runId, format: 'har' })], ['ndjson', await service.exportRun({ runId, format: 'ndjson' })]);

      // The saved destination's run goes on with its encrypted secrets.
      failU3 = false;
      receivedKeys.length = 0;
      const retried = await service.retryFailed(runId);
      expect((await finished(retried.runId)).status).toBe('succeeded');
      expect(receivedKeys).toEqual([LITERAL_HEADER]);

      // An unsaved config with literal secrets: its run stores them masked, and is never
      // continued with the mask as the secret.
      failU3 = true;
      const inline = await service.startRun({ config: configFor({ sig: false }), input: { setId: set.id } });
      expect((await finished(inline.runId)).status).toBe('partial');
      receivedKeys.length = 0;
      await expect(service.retryFailed(inline.runId)).rejects.toThrow(/literal secrets masked/);
      expect(receivedKeys).toEqual([]);
    } finally {
      await service.close();
    }
    const found: string[] = [];
    for (const [what, value] of shown) found.push(...leaks(what, typeof value === 'string' ? value : JSON.stringify(value)));
    walSnapshots.forEach((wal, i) => found.push(...leaks(`studio db-wal (during, ${i})`, wal)));
    found.push(...leaks('studio db', readFileSync(dbPath)));
    if (existsSync(`${dbPath}-wal`)) found.push(...leaks('studio db-wal', readFileSync(`${dbPath}-wal`)));
    expect(walSnapshots.length).toBeGreaterThan(0);
    expect(found).toEqual([]);
  });
});

describe('a store written before secrets were masked at rest', () => {
  it('has the literal secrets of its runs masked when opened, their old bytes gone, and such a run is refused, not sent with the mask', async () => {
    const file = join(dir, 'old.db');
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.exec(MIGRATIONS[0]!);
    old.pragma('user_version = 1');
    const config = {
      ...configFor({ sig: false }),
      // Large enough to spill into overflow pages, which an update may free with the old bytes.
      destination: { ...configFor({ sig: false }).destination, description: 'd'.repeat(20_000), headers: { 'X-API-Key': LITERAL_HEADER, Authorization: `Bearer ${TOKEN}`, 'X-Env-Key': '${env:SECRETS_URL_KEY}', 'X-Tenant': 'plain-tenant' } },
    };
    const insert = old.prepare("INSERT INTO runs (id, created_at, destination, audience, config, status) VALUES (?, 1, 'Echo', 'A', ?, 'aborted')");
    insert.run('old-run', JSON.stringify(config));
    const stringForm = (headers: string) => ({ ...configFor({ sig: false }), destination: { ...configFor({ sig: false }).destination, headers } });
    insert.run('old-string', JSON.stringify(stringForm(`X-Tenant:plain,X-API-Key:${LITERAL_HEADER}`)));
    insert.run('old-plain', JSON.stringify(stringForm('X-Tenant:plain')));
    old.close();
    expect(readFileSync(file).includes(Buffer.from(CLIENT_SECRET))).toBe(true);

    const store = openStore(file);
    const stored = store.getRun('old-run')!.config as ReturnType<typeof configFor>;
    expect((store.getRun('old-string')!.config as { destination: { headers: string } }).destination.headers).toBe('Authorization:●●●●');
    expect((store.getRun('old-plain')!.config as { destination: { headers: string } }).destination.headers).toBe('X-Tenant:plain');
    store.close();
    expect(stored.destination.oauth.clientSecret).toBe('●●●●');
    expect(stored.destination.headers).toEqual({ 'X-API-Key': '●●●●', Authorization: '●●●●', 'X-Env-Key': '${env:SECRETS_URL_KEY}', 'X-Tenant': 'plain-tenant' });
    const found = [...leaks('migrated db', readFileSync(file)), ...(existsSync(`${file}-wal`) ? leaks('migrated db-wal', readFileSync(`${file}-wal`)) : [])];
    expect(found).toEqual([]);

    receivedKeys.length = 0;
    const res = await cli(['resume', 'old-run', '--db', file], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/literal secrets masked and has no config file/);
    const fromString = await cli(['resume', 'old-string', '--db', file], env);
    expect(fromString.code).toBe(2);
    expect(fromString.stderr).toMatch(/literal secrets masked and has no config file/);
    expect(receivedKeys).toEqual([]);
  });
});
