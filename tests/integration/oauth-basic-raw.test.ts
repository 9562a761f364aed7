// clientAuth "basic-raw" against a loopback token server that, like many in the field,
// compares the Basic credentials as written (no RFC 6749 §2.3.1 form-decoding), and the hint
// a refused encoded exchange gives when the encoding changed the credentials.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient } from '../../src/main/engine/http.js';
import { fetchTokenOnce, TokenError } from '../../src/main/engine/oauth.js';
import { parseExportConfig, type OAuthConfig } from '../../src/shared/config.js';
import { cli, tempDir } from '../helpers/run.js';

const ID = 'client+one';
const SECRET = 'Sup3r!secret+/x';
let server: http.Server;
let base: string;
let client: HttpClient;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const raw = Buffer.from(basic, 'base64').toString('utf8');
      const ok = raw === `${ID}:${SECRET}`;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(ok ? '{"access_token":"tok-raw-123456","token_type":"Bearer","expires_in":60}' : '{"error":"invalid_client"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = createHttpClient({ timeoutMs: 2000 });
});
afterAll(async () => {
  await client.close();
  await new Promise((r) => server.close(r));
});

const oauth = (clientAuth: OAuthConfig['clientAuth'], clientSecret = SECRET, clientId = ID): OAuthConfig => ({ tokenUrl: `${base}/token`, clientId, clientSecret, clientAuth });

async function refusal(cfg: OAuthConfig): Promise<TokenError> {
  try {
    await fetchTokenOnce(cfg, client);
  } catch (err) {
    if (err instanceof TokenError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('clientAuth basic-raw', () => {
  it('the schema accepts it', () => {
    const parsed = parseExportConfig({ version: 1, destination: { name: 'x', oauth: oauth('basic-raw'), add: { url: 'https://a.example/x' } }, audience: { name: 'A' } });
    expect(parsed.ok).toBe(true);
  });

  it('sends id and secret as written: a server comparing them raw accepts them', async () => {
    const ex = await fetchTokenOnce(oauth('basic-raw'), client);
    expect(ex.response.status).toBe(200);
    expect(JSON.stringify(ex)).not.toContain(SECRET);
    expect(JSON.stringify(ex)).not.toContain(Buffer.from(`${ID}:${SECRET}`).toString('base64'));
  });

  it('encoded Basic refused with 401: the message says the encoding changed the credentials and names basic-raw, not the secret', async () => {
    const err = await refusal(oauth('basic'));
    expect(err.status).toBe(401);
    expect(err.message).toContain('the client id and client secret hold characters that HTTP Basic form-encodes first');
    expect(err.message).toContain('try clientAuth "basic-raw"');
    expect(err.message).not.toContain(SECRET);
  });

  it('no hint when the encoding changed nothing (a plainly wrong secret), nor for basic-raw itself', async () => {
    expect((await refusal(oauth('basic', 'plainwrongsecret', 'plainid'))).message).not.toContain('basic-raw');
    expect((await refusal(oauth('basic-raw', 'wrong!secret'))).message).not.toContain('basic-raw');
  });

  it('the CLI oauth command shows the hint', async () => {
    const dir = tempDir('outbound-oauth-raw-');
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ version: 1, destination: { name: 'x', oauth: { ...oauth('basic'), clientSecret: '${env:CS}' }, add: { url: `${base}/add` } }, audience: { name: 'A' } }));
    const res = await cli(['oauth', file], { CS: SECRET });
    expect(res.code).not.toBe(0);
    expect(res.stdout + res.stderr).toContain('basic-raw');
    expect(res.stdout + res.stderr).not.toContain(SECRET);
  });
});
