// The CLI on a corporate network: a whole run (OAuth token, get audience, members) through an
// HTTPS_PROXY, a per-destination proxy with credentials that never leave in clear, the OAuth
// tester against a server requiring a client certificate, a self-signed endpoint, the loud
// insecureSkipVerify, and PEM problems refused at check time (exit 2).
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir, writeNdjson } from '../helpers/run.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { startOrigin, TLS_FIXTURES, type TestOrigin } from '../helpers/tls.js';

let proxy: TestProxy;
let secure: TestOrigin;
let mtls: TestOrigin;
let dir: string;
let input: string;

beforeAll(async () => {
  [proxy, secure, mtls] = await Promise.all([startProxy(), startOrigin({ tls: true }), startOrigin({ tls: true, requireClientCert: true })]);
  dir = tempDir('outbound-net-');
  // The PEM files sit next to the config, under certs/: paths resolve against the config's folder.
  mkdirSync(join(dir, 'certs'));
  for (const f of readdirSync(TLS_FIXTURES)) copyFileSync(join(TLS_FIXTURES, f), join(dir, 'certs', f));
  input = writeNdjson(dir, 'in.ndjson', [{ id: 'u1' }, { id: 'u2' }, { id: 'u3' }]);
});
afterAll(async () => {
  await Promise.all([proxy, secure, mtls].map((s) => s.close()));
});

const named = (origin: TestOrigin, name: string): string => origin.url.replace('127.0.0.1', `${name}.outbound.test`);

function writeConfig(name: string, base: string, network: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): string {
  const path = join(dir, name);
  const cfg = {
    version: 1,
    destination: {
      name: 'Corp API',
      retryOnErrors: false,
      oauth: { tokenUrl: `${base}/token`, clientId: 'cid', clientSecret: 'csecret-value' },
      getAudience: { enabled: true, url: `${base}/lists`, filterPath: "[?name=='{{audience_name}}']" },
      add: { url: `${base}/lists/{{remote_audience.id}}/members`, bodyTemplate: '{"id": "{{user.id}}"}' },
      ...(network ? { network } : {}),
      ...extra,
    },
    audience: { name: 'Net' },
  };
  writeFileSync(path, JSON.stringify(cfg, null, 2));
  return path;
}

describe('outbound run through a proxy', () => {
  it('HTTPS_PROXY carries every request of the run: token, get audience, members', async () => {
    const base = named(secure, 'api');
    const before = secure.seen.length;
    const res = await cli(['run', writeConfig('env-proxy.json', base, { ca: 'certs/ca.pem' }), '--input', input, '--db', join(dir, 'env.db'), '--json'], { HTTPS_PROXY: proxy.url });
    expect(res.stderr).not.toMatch(/error|warning/i);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ status: 'succeeded', records: { total: 3, succeeded: 3, failed: 0 } });
    // Only the proxy resolves api.outbound.test: all five requests came through its tunnels.
    expect(secure.seen.slice(before).map((s) => s.line).sort()).toEqual(['GET /lists', 'POST /lists/aud-1/members', 'POST /lists/aud-1/members', 'POST /lists/aud-1/members', 'POST /token']);
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(new Set(proxy.tunnels)).toEqual(new Set([`api.outbound.test:${secure.port}`]));
  });

  it("a destination's proxy password never leaves in clear: stdout, stderr, the store, the log, the HAR", async () => {
    const guarded = await startProxy({ auth: 'alice:Pr0xy-Pa55word' });
    try {
      const db = join(dir, 'creds.db');
      const proxyUrl = guarded.url.replace('http://', 'http://alice:Pr0xy-Pa55word@');
      const res = await cli(['run', writeConfig('creds.json', named(secure, 'api'), { proxy: proxyUrl, ca: 'certs/ca.pem' }), '--input', input, '--db', db, '--json']);
      expect(res.code).toBe(0);
      expect(guarded.credentials).toContain('alice:Pr0xy-Pa55word');
      const runId = JSON.parse(res.stdout).runId as string;
      const log = await cli(['log', runId, '--db', db, '--json']);
      const har = join(dir, 'creds.har');
      expect((await cli(['export-log', runId, '--har', har, '--db', db])).code).toBe(0);
      const runs = await cli(['runs', '--db', db, '--json']);
      const everything = [res.stdout, res.stderr, log.stdout, log.stderr, runs.stdout, readFileSync(har, 'utf8'), readFileSync(db).toString('latin1')].join('\n');
      expect(everything).not.toContain('Pr0xy-Pa55word');
      // The run stored its config with the password masked (a resume re-reads the file).
      expect(readFileSync(db).toString('utf8')).toContain(`alice:●●●●@127.0.0.1:${new URL(guarded.url).port}`);
    } finally {
      await guarded.close();
    }
  });
});

describe('an environment proxy Outbound cannot use', () => {
  it('a SOCKS HTTPS_PROXY set for other tools leaves the run direct, as before, with a warning (not exit 2)', async () => {
    const input = writeNdjson(dir, 'socks.ndjson', [{ id: 'u1' }]);
    const res = await cli(['run', writeConfig('socks.json', secure.url, { ca: 'certs/ca.pem' }), '--input', input, '--db', join(dir, 'socks.db'), '--json'], { HTTPS_PROXY: 'socks5://127.0.0.1:1080' });
    expect(res.stderr).toMatch(/HTTPS_PROXY \(environment\): proxy scheme "socks5:" is not supported.*ignored, requests go direct/);
    expect(res.code).toBe(0);
    // A destination's own proxy is written for Outbound: still refused.
    const own = await cli(['run', writeConfig('socks-own.json', secure.url, { proxy: 'socks5://127.0.0.1:1080' }), '--input', input, '--db', join(dir, 'socks.db'), '--dry-run']);
    expect(own.code).toBe(2);
    expect(own.stderr).toContain('destination.network.proxy');
  });
});

describe('outbound oauth and TLS', () => {
  it('mutual TLS: without a client certificate the failure says to set one (exit 3); with it the token comes back', async () => {
    const base = named(mtls, 'auth');
    const without = await cli(['oauth', writeConfig('mtls-none.json', base, { ca: 'certs/ca.pem' }), '--json'], { HTTPS_PROXY: proxy.url });
    expect(without.code).toBe(3);
    expect(without.stderr).toMatch(/token exchange failed: .*client certificate.*destination\.network\.clientCert and clientKey/);
    const withCert = await cli(['oauth', writeConfig('mtls.json', base, { ca: 'certs/ca.pem', clientCert: 'certs/client.pem', clientKey: 'certs/client-encrypted.key', clientKeyPassphrase: '${env:KEY_PASS}' }), '--json'], {
      HTTPS_PROXY: proxy.url,
      KEY_PASS: 'test-passphrase',
    });
    expect(withCert.stderr).toBe('');
    expect(withCert.code).toBe(0);
    expect(JSON.parse(withCert.stdout)).toMatchObject({ response: { status: 200 } });
    expect(withCert.stdout).not.toContain('test-passphrase');
  });

  it('a self-signed endpoint fails with the hint; network.ca fixes it', async () => {
    const untrusted = await cli(['oauth', writeConfig('self-signed.json', secure.url, undefined)]);
    expect(untrusted.code).toBe(3);
    expect(untrusted.stderr).toMatch(/SELF_SIGNED_CERT_IN_CHAIN.*destination\.network\.ca.*insecureSkipVerify/);
    const trusted = await cli(['oauth', writeConfig('trusted.json', secure.url, { ca: 'certs/ca.pem' }), '--json']);
    expect(trusted.code).toBe(0);
  });

  it('insecureSkipVerify runs, and warns on stderr every time', async () => {
    const cfg = writeConfig('insecure.json', secure.url, { insecureSkipVerify: true });
    const db = join(dir, 'insecure.db');
    const res = await cli(['run', cfg, '--input', input, '--db', db, '--json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ status: 'succeeded' });
    expect(res.stderr).toContain('warning: destination.network.insecureSkipVerify is on: the server certificates of "Corp API" are not verified');
    const again = await cli(['run', cfg, '--input', input, '--db', db, '--json']);
    expect(again.stderr).toContain('insecureSkipVerify is on');
    const oauth = await cli(['oauth', cfg]);
    expect(oauth.stderr).toContain('insecureSkipVerify is on');
  });
});

describe('PEM problems are refused at check time, exit 2, naming the field and the path', () => {
  it.each([
    ['missing CA', { ca: 'certs/nope.pem' }, /destination\.network\.ca: .*certs\/nope\.pem: file not found/],
    ['not PEM', { ca: 'in.ndjson' }, /destination\.network\.ca: .*in\.ndjson: no PEM certificate in it/],
    ['encrypted key, no passphrase', { clientCert: 'certs/client.pem', clientKey: 'certs/client-encrypted.key' }, /destination\.network\.clientKey: .*client-encrypted\.key: the key is encrypted: set destination\.network\.clientKeyPassphrase/],
  ])('%s', async (_name, network, message) => {
    const before = secure.seen.length;
    const res = await cli(['run', writeConfig('bad-pem.json', secure.url, network), '--input', input, '--db', join(dir, 'bad.db'), '--json']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(secure.seen.length).toBe(before); // nothing sent
  });
});
