// Proxies and TLS against real loopback servers: a forward proxy counting CONNECT tunnels and
// forwarded requests, an https origin signed by the test CA, one that requires a client
// certificate. The config is loaded as the hosts load it (app/config.ts resolves the network
// from the env and the PEM files) and sent by the engine's client.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Env, type LoadedConfig } from '../../src/main/app/config.js';
import { lookUpAudience } from '../../src/main/app/preview.js';
import { exportConfigJsonSchema } from '../../src/shared/config.js';
import { sendOne } from '../../src/main/app/send-one.js';
import { fetchToken } from '../../src/main/app/token.js';
import { createHttpClient } from '../../src/main/engine/http.js';
import type { HttpResult } from '../../src/main/engine/types.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { items } from '../helpers/run.js';
import { startOrigin, TLS_FIXTURES, type TestOrigin } from '../helpers/tls.js';

let proxy: TestProxy;
let plainA: TestOrigin;
let plainB: TestOrigin;
let secure: TestOrigin;
let mtls: TestOrigin;

beforeAll(async () => {
  [proxy, plainA, plainB, secure, mtls] = await Promise.all([startProxy(), startOrigin(), startOrigin(), startOrigin({ tls: true }), startOrigin({ tls: true, requireClientCert: true })]);
});
afterAll(async () => {
  await Promise.all([proxy, plainA, plainB, secure, mtls].map((s) => s.close()));
});
afterEach(() => {
  proxy.tunnels.length = 0;
  proxy.forwarded.length = 0;
});

function load(network: Record<string, unknown> | undefined, env: Env = {}): LoadedConfig {
  const loaded = loadConfig(
    { version: 1, destination: { name: 'net', add: { url: 'https://example.invalid/x' }, ...(network ? { network } : {}) }, audience: { name: 'Net' } },
    env,
    TLS_FIXTURES,
  );
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return loaded;
}

async function get(loaded: LoadedConfig, url: string, times = 1): Promise<HttpResult[]> {
  const client = createHttpClient({ timeoutMs: 5000, network: loaded.network });
  try {
    const out: HttpResult[] = [];
    for (let i = 0; i < times; i++) out.push(await client.execute({ method: 'GET', url, headers: {} }));
    return out;
  } finally {
    await client.close();
  }
}

const status = (r: HttpResult): number | string => (r.ok ? r.status : `${r.kind}: ${r.message}`);
/** `origin` under a name only the test proxy resolves: reaching it proves the proxy carried it. */
const named = (origin: TestOrigin, name: string): string => origin.url.replace('127.0.0.1', `${name}.outbound.test`);

describe('proxy from the environment', () => {
  it('no proxy anywhere: no network settings (the plain Agent, as before) and nothing reaches the proxy', async () => {
    const loaded = load(undefined, {});
    expect(loaded.network).toBeUndefined();
    expect((await get(loaded, `${plainA.url}/direct`)).map(status)).toEqual([200]);
    expect(proxy.forwarded).toEqual([]);
    expect(proxy.tunnels).toEqual([]);
  });

  it('HTTPS_PROXY: https requests go through CONNECT tunnels that the pool reuses', async () => {
    const loaded = load({ ca: 'ca.pem' }, { HTTPS_PROXY: proxy.url });
    const before = secure.seen.length;
    expect((await get(loaded, `${named(secure, 'api')}/members`, 10)).map(status)).toEqual(Array(10).fill(200));
    expect(secure.seen.length - before).toBe(10);
    // Ten sequential requests, at most two tunnels (undici's pool opens a second connection
    // for the second request whether proxied or not: a plain Agent does the same), not ten.
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1);
    expect(proxy.tunnels.length).toBeLessThanOrEqual(2);
    expect(new Set(proxy.tunnels)).toEqual(new Set([`api.outbound.test:${secure.port}`]));
  });

  it('HTTP_PROXY: http requests are forwarded in absolute form', async () => {
    const loaded = load(undefined, { HTTP_PROXY: proxy.url });
    expect((await get(loaded, `${named(plainA, 'api')}/members?x=1`)).map(status)).toEqual([200]);
    expect(proxy.forwarded).toEqual([`${named(plainA, 'api')}/members?x=1`]);
  });

  it('NO_PROXY hosts (host:port too) go direct; the others through the proxy', async () => {
    const loaded = load(undefined, { HTTP_PROXY: proxy.url, NO_PROXY: `example.com, bypass.outbound.test, other.outbound.test:${plainB.port}` });
    // Direct, the test process cannot resolve these names: the failure proves the bypass.
    expect(String((await get(loaded, `${named(plainA, 'bypass')}/x`)).map(status))).toMatch(/^network: cannot resolve host bypass\.outbound\.test \((ENOTFOUND|EAI_AGAIN)\)$/);
    expect(String((await get(loaded, `${named(plainB, 'other')}/x`)).map(status))).toMatch(/^network: cannot resolve host other\.outbound\.test \((ENOTFOUND|EAI_AGAIN)\)$/);
    expect(proxy.forwarded).toEqual([]);
    expect((await get(loaded, `${named(plainA, 'other')}/via`)).map(status)).toEqual([200]); // another port: proxied
    expect(proxy.forwarded).toEqual([`${named(plainA, 'other')}/via`]);
  });

  it('loopback (the mock endpoint, local servers) never goes through an environment proxy', async () => {
    const loaded = load(undefined, { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url });
    const before = plainA.seen.length;
    expect((await get(loaded, `${plainA.url}/local`)).map(status)).toEqual([200]);
    expect((await get(loaded, `http://localhost:${plainA.port}/local`)).map(status)).toEqual([200]);
    expect(plainA.seen.length - before).toBe(2);
    expect(proxy.forwarded).toEqual([]);
  });

  it('lower-case variables win over upper-case ones, as undici reads them', async () => {
    const loaded = load(undefined, { http_proxy: proxy.url, HTTP_PROXY: 'http://127.0.0.1:9', no_proxy: '', NO_PROXY: 'api.outbound.test' });
    expect((await get(loaded, `${named(plainA, 'api')}/lower`)).map(status)).toEqual([200]);
    expect(proxy.forwarded).toEqual([`${named(plainA, 'api')}/lower`]);
  });

  it('a proxy written without a scheme is read as http:// (as curl does)', async () => {
    const loaded = load(undefined, { HTTP_PROXY: proxy.url.replace('http://', '') });
    expect((await get(loaded, `${named(plainA, 'api')}/bare`)).map(status)).toEqual([200]);
    expect(proxy.forwarded).toEqual([`${named(plainA, 'api')}/bare`]);
  });
});

describe('a proxy that cannot be used is named, not the endpoint behind it', () => {
  it('a proxy refusing connections', async () => {
    const dead = await startOrigin();
    await dead.close(); // its port now refuses
    const results = [
      ...(await get(load(undefined, { HTTPS_PROXY: dead.url }), 'https://api.example.com/x')),
      ...(await get(load(undefined, { HTTP_PROXY: dead.url }), 'http://api.example.com/x')),
    ];
    expect(results.map(status)).toEqual([
      `network: the proxy 127.0.0.1:${dead.port} refused the connection (ECONNREFUSED) on the way to api.example.com:443`,
      `network: the proxy 127.0.0.1:${dead.port} refused the connection (ECONNREFUSED) on the way to api.example.com:80`,
    ]);
  });

  it('a proxy whose name does not resolve', async () => {
    const [r] = await get(load({ proxy: 'http://proxy.nowhere.outbound.test:3128' }), 'https://api.example.com/x');
    expect(status(r!)).toMatch(/^network: cannot resolve host proxy\.nowhere\.outbound\.test \((ENOTFOUND|EAI_AGAIN)\), the proxy on the way to api\.example\.com:443$/);
  });
});

describe('destination.network.proxy', () => {
  it('overrides the environment, NO_PROXY and the loopback bypass included', async () => {
    const loaded = load({ proxy: proxy.url }, { HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1' });
    expect((await get(loaded, `${plainA.url}/own`)).map(status)).toEqual([200]);
    expect(proxy.forwarded).toEqual([`${plainA.url}/own`]);
  });

  it('sends its credentials to the proxy; a proxy asking for them gets a clear message', async () => {
    const guarded = await startProxy({ auth: 'alice:s3cret!pw' });
    try {
      const withAuth = load({ proxy: guarded.url.replace('http://', 'http://alice:s3cret%21pw@'), ca: 'ca.pem' });
      expect((await get(withAuth, `${secure.url}/auth`)).map(status)).toEqual([200]);
      expect(guarded.credentials).toContain('alice:s3cret!pw');
      expect(guarded.tunnels).toEqual([`127.0.0.1:${secure.port}`]);
      // The password is a secret of the loaded config: the redactor masks it wherever it shows.
      expect(withAuth.redactor.text('proxy said s3cret!pw and s3cret%21pw')).not.toMatch(/s3cret/);

      const without = load({ proxy: guarded.url, ca: 'ca.pem' });
      const [refused] = await get(without, `${secure.url}/auth`);
      expect(refused).toMatchObject({ ok: false, kind: 'network' });
      expect(refused!.ok === false && refused!.message).toMatch(/proxy refused to open a tunnel to 127\.0\.0\.1:\d+: HTTP 407: the proxy wants credentials/);
    } finally {
      await guarded.close();
    }
  });
});

describe('TLS', () => {
  it('a server certificate from an unknown CA fails with a hint naming network.ca and insecureSkipVerify', async () => {
    const [r] = await get(load(undefined), `${secure.url}/`);
    expect(r).toMatchObject({ ok: false, kind: 'tls' });
    expect(r!.ok === false && r!.message).toMatch(/SELF_SIGNED_CERT_IN_CHAIN.*destination\.network\.ca.*insecureSkipVerify/);
  });

  it('network.ca trusts that CA (on top of the default roots)', async () => {
    expect((await get(load({ ca: 'ca.pem' }), `${secure.url}/`)).map(status)).toEqual([200]);
  });

  it('insecureSkipVerify accepts the unknown certificate, direct and through a tunnel', async () => {
    expect((await get(load({ insecureSkipVerify: true }), `${secure.url}/`)).map(status)).toEqual([200]);
    expect((await get(load({ insecureSkipVerify: true }, { HTTPS_PROXY: proxy.url }), `${named(secure, 'api')}/`)).map(status)).toEqual([200]);
    expect(proxy.tunnels).toHaveLength(1);
  });

  it('mutual TLS: without a client certificate the failure names clientCert; with one the server sees it', async () => {
    const [refused] = await get(load({ ca: 'ca.pem' }), `${mtls.url}/`);
    expect(refused).toMatchObject({ ok: false });
    expect(refused!.ok === false && refused!.message).toMatch(/client certificate.*destination\.network\.clientCert and clientKey/);
    const before = mtls.seen.length;
    expect((await get(load({ ca: 'ca.pem', clientCert: 'client.pem', clientKey: 'client.key' }), `${mtls.url}/hello`)).map(status)).toEqual([200]);
    expect(mtls.seen.slice(before)).toEqual([{ line: 'GET /hello', clientCn: 'outbound-test-client' }]);
  });

  it('mutual TLS through a CONNECT tunnel, with an encrypted key and its passphrase from ${env:…}', async () => {
    const loaded = load({ ca: 'ca.pem', clientCert: 'client.pem', clientKey: 'client-encrypted.key', clientKeyPassphrase: '${env:KEY_PASS}' }, { HTTPS_PROXY: proxy.url, KEY_PASS: 'test-passphrase' });
    const before = mtls.seen.length;
    expect((await get(loaded, `${named(mtls, 'mtls')}/tunnelled`)).map(status)).toEqual([200]);
    expect(proxy.tunnels).toEqual([`mtls.outbound.test:${mtls.port}`]);
    expect(mtls.seen.slice(before)).toEqual([{ line: 'GET /tunnelled', clientCn: 'outbound-test-client' }]);
  });
});

describe('check time: a PEM file that cannot be used is a config issue naming the field and the path', () => {
  const issues = (network: Record<string, unknown>, env: Env = {}) => {
    const loaded = loadConfig({ version: 1, destination: { name: 'net', add: { url: 'https://example.invalid/x' }, network }, audience: { name: 'Net' } }, env, TLS_FIXTURES);
    return loaded.ok ? [] : loaded.issues.map((i) => `${i.path}: ${i.message}`);
  };
  it.each([
    [{ ca: 'missing.pem' }, `destination.network.ca: ${join(TLS_FIXTURES, 'missing.pem')}: file not found`],
    [{ ca: 'README.md' }, `destination.network.ca: ${join(TLS_FIXTURES, 'README.md')}: no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)`],
    [{ ca: '.' }, `destination.network.ca: ${TLS_FIXTURES}: is a folder, not a PEM file`],
    [{ clientCert: 'client.pem', clientKey: 'client-encrypted.key' }, 'destination.network.clientKey: ' + join(TLS_FIXTURES, 'client-encrypted.key') + ': the key is encrypted: set destination.network.clientKeyPassphrase (as ${env:NAME})'],
    [{ clientCert: 'client.pem', clientKey: 'other.key' }, `destination.network.clientKey: ${join(TLS_FIXTURES, 'other.key')} is not the private key of the certificate in ${join(TLS_FIXTURES, 'client.pem')}`],
    [{ clientCert: 'client.pem' }, 'destination.network.clientKey: is required with clientCert (mutual TLS needs the certificate and its private key)'],
    [{ proxy: 'socks5://127.0.0.1:1080' }, 'destination.network.proxy: must be a proxy URL like http://proxy.example.com:3128 (http or https, credentials as http://user:password@host:port)'],
  ])('%j', (network, message) => {
    expect(issues(network)).toEqual([message]);
  });

  it('an unknown key in network gets a did-you-mean; the JSON Schema describes every field', () => {
    expect(issues({ insecureSkipVerfy: true })).toEqual(['destination.network.insecureSkipVerfy: unknown key; did you mean "insecureSkipVerify"?']);
    const schema = exportConfigJsonSchema() as { properties: { destination: { properties: { network: { properties: Record<string, unknown> } } } } };
    expect(Object.keys(schema.properties.destination.properties.network.properties)).toEqual(['proxy', 'ca', 'clientCert', 'clientKey', 'clientKeyPassphrase', 'insecureSkipVerify']);
  });

  it('a wrong passphrase is named, without echoing it', () => {
    const found = issues({ clientCert: 'client.pem', clientKey: 'client-encrypted.key', clientKeyPassphrase: '${env:KEY_PASS}' }, { KEY_PASS: 'wrong-passphrase' });
    expect(found).toEqual([`destination.network.clientKey: ${join(TLS_FIXTURES, 'client-encrypted.key')}: cannot decrypt the key: wrong clientKeyPassphrase?`]);
  });

  it('an invalid proxy in the environment is ignored (direct, as before) with a warning naming the variable; a destination\'s own is refused', () => {
    const loaded = loadConfig({ version: 1, destination: { name: 'net', add: { url: 'https://example.invalid/x' }, network: { ca: 'ca.pem' } }, audience: { name: 'Net' } }, { HTTPS_PROXY: 'http://[bad' }, TLS_FIXTURES);
    expect(loaded.ok).toBe(true);
    if (loaded.ok) {
      expect(loaded.networkWarnings).toEqual(['warning: HTTPS_PROXY (environment): is not a valid proxy URL (e.g. http://proxy.example.com:3128); ignored, requests go direct (set destination.network.proxy to choose a proxy)']);
      expect(loaded.network?.httpsProxy).toBe('');
    }
    expect(issues({ proxy: 'http://[bad' })).toEqual(['destination.network.proxy: must be a proxy URL like http://proxy.example.com:3128 (http or https, credentials as http://user:password@host:port)']);
  });
});

describe("the studio's one-off requests use the destination's network too", () => {
  it('Resolve now (get audience), Send this one (token, get audience, add) and the OAuth tester go through the proxy, with mutual TLS', async () => {
    const base = named(mtls, 'studio');
    const loaded = loadConfig(
      {
        version: 1,
        destination: {
          name: 'studio',
          oauth: { tokenUrl: `${base}/token`, clientId: 'cid', clientSecret: 'csecret-value' },
          getAudience: { enabled: true, url: `${base}/lists`, filterPath: "[?name=='{{audience_name}}']" },
          add: { url: `${base}/lists/{{remote_audience.id}}/members`, bodyTemplate: '{"id": "{{user.id}}"}' },
          network: { ca: 'ca.pem', clientCert: 'client.pem', clientKey: 'client.key' },
        },
        audience: { name: 'Net' },
      },
      { HTTPS_PROXY: proxy.url },
      TLS_FIXTURES,
    );
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    const before = mtls.seen.length;
    expect(await lookUpAudience(loaded)).toMatchObject({ status: 'found', value: { id: 'aud-1' } });
    const sent = await sendOne(loaded, { step: 'add', index: 0, records: async () => ({ items: items([{ id: 'u1' }]), file: 'samples' }) });
    expect(sent).toMatchObject({ ok: true, result: { ok: true, status: 200 } });
    expect(await fetchToken(loaded)).toMatchObject({ ok: true });
    expect(mtls.seen.slice(before).map((s) => `${s.line} ${s.clientCn}`)).toEqual([
      'POST /token outbound-test-client',
      'GET /lists outbound-test-client',
      'POST /token outbound-test-client',
      'GET /lists outbound-test-client',
      'POST /lists/aud-1/members outbound-test-client',
      'POST /token outbound-test-client',
    ]);
    expect(new Set(proxy.tunnels)).toEqual(new Set([`studio.outbound.test:${mtls.port}`]));
  });
});
