// The check refuses up front (issue 9): each bad config or input below is refused by `run`,
// `run --dry-run` and `preview` with exit 2, a message naming the field (and the template's
// line/column where it applies), and nothing reaches the loopback server.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cli, tempDir, writeNdjson } from '../helpers/run.js';

let server: http.Server;
let base: string;
let received = 0;
let dir: string;
let input: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    received++;
    req.resume();
    res.setHeader('content-type', 'application/json');
    res.end(req.url?.startsWith('/token') ? '{"access_token":"t","expires_in":3600}' : '{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = tempDir('outbound-refuse-');
  input = writeNdjson(dir, 'in.ndjson', [{ id: 'u1' }, { id: 'u2' }]);
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  received = 0;
});

type Cfg = Record<string, unknown> & { destination: Record<string, unknown> };
const good = (): Cfg => ({
  version: 1,
  destination: { name: 'Refuse', add: { url: `${base}/users/{{user.id}}`, method: 'PUT', bodyTemplate: '{"id": "{{user.id}}"}' } },
  audience: { name: 'A' },
});
const withDest = (d: Record<string, unknown>): Cfg => ({ ...good(), destination: { ...good().destination, ...d } });
const withAdd = (a: Record<string, unknown>): Cfg => withDest({ add: { ...(good().destination.add as object), ...a } });

let n = 0;
function write(cfg: unknown, text?: string): string {
  const file = join(dir, `cfg-${n++}.json`);
  writeFileSync(file, text ?? JSON.stringify(cfg));
  return file;
}

/** run, run --dry-run and preview all exit 2 with `expected` in stderr; the server saw nothing. */
async function refusedEverywhere(file: string, expected: RegExp, inputPath = input): Promise<string> {
  const outs: string[] = [];
  for (const argv of [
    ['run', file, '--input', inputPath, '--db', join(dir, 'r.db')],
    ['run', file, '--input', inputPath, '--dry-run'],
    ['preview', file, '--input', inputPath],
  ]) {
    const res = await cli(argv);
    expect(res.stderr, argv.join(' ')).toMatch(expected);
    expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(res.code, `${argv.join(' ')}: ${res.stderr}`).toBe(2);
    outs.push(res.stderr);
  }
  expect(received).toBe(0);
  return outs[0]!;
}

describe('1. URLs with whitespace or control characters', () => {
  it('a space, a CR/LF or a tab in a step URL is refused, with the column', async () => {
    await refusedEverywhere(write(withAdd({ url: `${base}/users/{{user.id}} x` })), /destination\.add\.url: .*space.*\(line 1, column \d+\)/);
    await refusedEverywhere(write(withAdd({ url: `${base}/users/{{user.id}}\r\nX-Injected: 1` })), /destination\.add\.url: .*(CR|line break)/);
    await refusedEverywhere(write(withAdd({ url: `${base}/u\tsers/{{user.id}}` })), /destination\.add\.url: .*control character/);
  });

  it('a space in oauth.tokenUrl is refused', async () => {
    await refusedEverywhere(write(withDest({ oauth: { tokenUrl: `${base}/token x`, clientId: 'c', clientSecret: 's' } })), /destination\.oauth\.tokenUrl: .*space/);
  });

  it('a CR/LF in a value rendered into a URL is percent-encoded, never sent raw', async () => {
    let seen = '';
    const catcher = http.createServer((req, res) => {
      seen = req.url ?? '';
      req.resume();
      res.end('{}');
    });
    await new Promise<void>((r) => catcher.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(catcher.address() as AddressInfo).port}/users/{{user.id}}`;
      const inj = writeNdjson(dir, 'crlf.ndjson', [{ id: 'a\r\nX-Injected: 1 b' }]);
      const res = await cli(['run', write(withAdd({ url })), '--input', inj, '--db', join(dir, 'r.db')]);
      expect(res.code).toBe(0);
      expect(seen).toBe('/users/a%0D%0AX-Injected%3A%201%20b');
    } finally {
      await new Promise((r) => catcher.close(r));
    }
  });

  it('a triple-stash (raw) value with a CR/LF fails its record, and nothing is sent', async () => {
    const inj = writeNdjson(dir, 'crlf2.ndjson', [{ id: 'a\r\nb' }]);
    const res = await cli(['run', write(withAdd({ url: `${base}/users/{{{user.id}}}` })), '--input', inj, '--db', join(dir, 'r.db')]);
    expect(res.code).toBe(1);
    expect(received).toBe(0);
  });
});

describe('2. URL schemes other than http/https', () => {
  it('a literal file: or javascript: step URL is refused at check time', async () => {
    await refusedEverywhere(write(withAdd({ url: 'file:///etc/passwd' })), /destination\.add\.url: .*scheme "file:".*http/);
    await refusedEverywhere(write(withAdd({ url: 'javascript:alert(1)' })), /destination\.add\.url: .*scheme "javascript:"/);
  });

  it('oauth.tokenUrl file:///… is exit 2, not 3', async () => {
    await refusedEverywhere(write(withDest({ oauth: { tokenUrl: 'file:///etc/passwd', clientId: 'c', clientSecret: 's' } })), /destination\.oauth\.tokenUrl: .*scheme "file:"/);
  });

  it('a URL whose scheme comes from a value fails its records before sending', async () => {
    const inj = writeNdjson(dir, 'scheme.ndjson', [{ id: 'u1', target: 'file:///etc/passwd' }]);
    const cfg = { ...withAdd({ url: '{{{user.target}}}' }), records: { key: 'id', mapping: { id: 'id', target: 'target' } } };
    const res = await cli(['run', write(cfg), '--input', inj, '--db', join(dir, 'r.db'), '--json']);
    expect(res.code).toBe(1);
    expect(received).toBe(0);
    const log = await cli(['log', (JSON.parse(res.stdout) as { runId: string }).runId, '--failed', '--db', join(dir, 'r.db')]);
    expect(log.stdout + log.stderr).toMatch(/http\(s\)/);
  });
});

describe('3. header names and values', () => {
  it('a header name with a colon in the object form is refused', async () => {
    await refusedEverywhere(write(withDest({ headers: { 'X-A:b': 'v' } })), /destination\.headers: .*invalid header name "X-A:b"/);
  });
  it('a header value with a CR/LF is refused', async () => {
    await refusedEverywhere(write(withDest({ headers: { 'X-A': 'v\r\nX-Injected: 1' } })), /destination\.headers\.X-A: .*line break/);
  });
});

describe('4. unknown helpers', () => {
  it('{{nosuch id}} is refused with the template, line and column', async () => {
    await refusedEverywhere(write(withAdd({ bodyTemplate: '{\n  "id": "{{nosuch user.id}}"\n}' })), /destination\.add\.bodyTemplate: .*unknown helper "nosuch".*line 2, column 1\d/);
    await refusedEverywhere(write(withDest({ headers: { 'X-A': '{{nosuch audience_name}}' } })), /destination\.headers\.X-A: .*unknown helper "nosuch"/);
  });
});

describe('5. unknown config keys', () => {
  it('sucessPath is refused with a did-you-mean', async () => {
    await refusedEverywhere(write(withAdd({ sucessPath: 'created' })), /destination\.add\.sucessPath: unknown key; did you mean "successPath"\?/);
  });
  it('an unknown key at the top or in oauth is refused too; $schema is allowed', async () => {
    await refusedEverywhere(write({ ...good(), recods: {} }), /recods: unknown key; did you mean "records"\?/);
    await refusedEverywhere(write(withDest({ oauth: { tokenUrl: `${base}/token`, clientId: 'c', clientSecret: 's', scopes: 'x' } })), /destination\.oauth\.scopes: unknown key; did you mean "scope"\?/);
    const ok = await cli(['run', write({ $schema: './outbound.schema.json', ...good() }), '--input', input, '--dry-run']);
    expect(ok.code, ok.stderr).toBe(0);
  });
});

describe('6. rates whose spacing a timer cannot honour', () => {
  it('requestsPerHour: 1e-9 is refused naming the smallest rate', async () => {
    await refusedEverywhere(write(withDest({ requestsPerHour: 1e-9 })), /destination\.requestsPerHour: .*at least 0\.00168/);
  });
});

describe('7. a directory as input', () => {
  it('is refused with "is a directory"', async () => {
    const sub = join(dir, 'folder.ndjson');
    mkdirSync(sub, { recursive: true });
    const stderr = await refusedEverywhere(write(good()), /is a directory/, sub);
    expect(stderr).toContain(sub);
  });

  it('a folder named without an extension is called a directory, not an unknown format', async () => {
    const sub = join(dir, 'exports');
    mkdirSync(sub, { recursive: true });
    const stderr = await refusedEverywhere(write(good()), /is a directory/, sub);
    expect(stderr).not.toMatch(/no extension/);
  });
});

describe('8. a UTF-8 BOM', () => {
  it('a config file starting with a BOM is read', async () => {
    const file = write(null, `\uFEFF${JSON.stringify(good())}`);
    const res = await cli(['run', file, '--input', input, '--dry-run']);
    expect(res.code, res.stderr).toBe(0);
  });
  it('a JSON syntax error after a BOM names the line and column', async () => {
    const file = write(null, '\uFEFF{\n  "version": 1,\n  "destination": }');
    const res = await cli(['run', file, '--input', input, '--dry-run']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`${file}:3:`);
  });
  it('ndjson, csv and json inputs starting with a BOM are read', async () => {
    for (const [name, text] of [
      ['bom.ndjson', '\uFEFF{"id":"u1"}\n{"id":"u2"}\n'],
      ['bom.csv', '\uFEFFid\nu1\nu2\n'],
      ['bom.json', '\uFEFF[{"id":"u1"},{"id":"u2"}]'],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const res = await cli(['run', write(good()), '--input', file, '--db', join(dir, 'r.db'), '--json']);
      expect(res.code, `${name}: ${res.stderr}`).toBe(0);
      expect((JSON.parse(res.stdout) as { records: { succeeded: number } }).records.succeeded).toBe(2);
    }
    expect(received).toBe(6);
  });
});
