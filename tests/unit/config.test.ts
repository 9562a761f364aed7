// The export config: schema errors name the field, env references resolve (and the right
// ones count as secrets), the header string form parses, and a JSON Schema is generated.
import { describe, expect, it } from 'vitest';
import { jsonErrorPosition, parseJsonText, resolveConfig } from '../../src/main/engine/load.js';
import { exportConfigJsonSchema, parseExportConfig, parseHeaderString } from '../../src/shared/config.js';
import { closestName, editDistance } from '../../src/shared/suggest.js';

const base = { version: 1, destination: { name: 'x', add: { url: 'https://api.example.com/m' } }, audience: { name: 'A' } };

describe('export config', () => {
  it('fills the documented defaults', () => {
    const r = parseExportConfig(base);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const d = r.config.destination;
    expect([d.retryOnErrors, d.maxAttempts, d.concurrency, d.timeoutMs, d.idempotencyKey]).toEqual([true, 6, 8, 30_000, false]);
    expect(d.add).toMatchObject({ enabled: true, method: 'POST', batchMode: 'individual', batchSize: 100 });
    expect(d.remove.enabled).toBe(false);
    expect(d.oauth).toBeUndefined();
    expect(r.config.records.key).toBe('id');
  });

  it('names the field path of every problem', () => {
    const r = parseExportConfig({ version: 1, destination: { name: '', add: { url: 'u', batchMode: 'bulk' }, outputSchema: [{ name: 'a', type: 'float' }] }, audience: {} });
    expect(r.ok).toBe(false);
    const paths = r.ok ? [] : r.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['destination.name', 'destination.add.batchMode', 'destination.outputSchema[0].type', 'audience.name']));
  });

  it('accepts the header string form h1:v1,h2:v2 and refuses a pair without a colon', () => {
    expect(parseHeaderString('X-API-Key:abc, X-Org : acme')).toEqual({ 'X-API-Key': 'abc', 'X-Org': 'acme' });
    expect(parseHeaderString('X-API-Key:abc,broken')).toMatch(/header pair 2 .*name:value/);
    const r = parseExportConfig({ ...base, destination: { ...base.destination, headers: 'A:1,B' } });
    expect(r.ok ? [] : r.issues).toEqual([{ path: 'destination.headers', message: expect.stringMatching(/pair 2/) }]);
  });

  it('the header string form holds a comma quoted or escaped (issue 11)', () => {
    expect(parseHeaderString('X-List:"a,b", X-Tags:x\\,y\\,z,X-Org:acme')).toEqual({ 'X-List': 'a,b', 'X-Tags': 'x,y,z', 'X-Org': 'acme' });
    expect(parseHeaderString('X-Q:"say \\"hi\\", \\\\ ok"')).toEqual({ 'X-Q': 'say "hi", \\ ok' });
    // Unchanged: a backslash before anything but a comma, and colons inside a value.
    expect(parseHeaderString('X-Path:C:\\dir,X-Url:https://a.example:8080')).toEqual({ 'X-Path': 'C:\\dir', 'X-Url': 'https://a.example:8080' });
    // A string the plain form read keeps its meaning (the format is only extended): quotes and
    // backslashes stay in the value, and `a\,b` where the plain form saw two pairs stays two.
    expect(parseHeaderString('If-Match:"v1"')).toEqual({ 'If-Match': '"v1"' });
    expect(parseHeaderString('X-Tag:"v1" beta,X-C:"unclosed')).toEqual({ 'X-Tag': '"v1" beta', 'X-C': '"unclosed' });
    expect(parseHeaderString('X:a\\,Y:b')).toEqual({ X: 'a\\', Y: 'b' });
    // Refused by both forms: the plain form's message, naming the pair as split.
    expect(parseHeaderString('X-A:"open,b')).toMatch(/header pair 2 \("b"\) must be name:value/);
  });

  it('an ${env:…} value inside a template string literal that the string cannot carry is refused, never sent altered', () => {
    const withKey = { ...base, destination: { ...base.destination, add: { url: 'https://api.example.com/m', bodyTemplate: '{"sig": "{{hmac "sha256" "${env:SK}" user.id}}", "note": "${env:NOTE}"}' } } };
    const issuesFor = (SK: string) => {
      const r = resolveConfig(withKey, { SK, NOTE: 'a "quoted" note' });
      return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
    };
    expect(issuesFor('plain-key')).toEqual([]);
    expect(issuesFor('s3cr"et')).toEqual(['destination.add.bodyTemplate: environment variable SK sits inside a "…" string of a template, and its value holds a " quote, which that string cannot carry unchanged']);
    expect(issuesFor('s3cr\\"et')[0]).toMatch(/environment variable SK sits inside a "…" string of a template/);
    expect(JSON.stringify(issuesFor('s3cr"et'))).not.toContain('s3cr');
    // Outside {{…}} (NOTE, in the body's own text) a value is body text as before.
  });

  it('platform "aep" requires at least one custom header, as Adobe does; the AEP preset sets it', () => {
    const r = parseExportConfig({ ...base, destination: { ...base.destination, platform: 'aep' } });
    expect(r.ok ? [] : r.issues).toEqual([{ path: 'destination.headers', message: expect.stringMatching(/^Adobe Experience Platform HTTP destinations require at least one custom header/) }]);
    expect(parseExportConfig({ ...base, destination: { ...base.destination, platform: 'aep', headers: 'X-Source:outbound' } }).ok).toBe(true);
    expect(parseExportConfig(base).ok).toBe(true); // no platform: no header needed, as before
  });

  it('refuses create audience without get, and a step enabled without a URL', () => {
    const r = parseExportConfig({ ...base, destination: { ...base.destination, createAudience: { enabled: true, url: 'https://x' }, remove: { enabled: true } } });
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['destination.createAudience.enabled', 'destination.remove.url']));
  });

  it('generates a JSON Schema from the same definitions', () => {
    const schema = exportConfigJsonSchema() as { properties: Record<string, { properties?: Record<string, unknown> }> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['version', 'destination', 'audience', 'records']));
    expect(Object.keys(schema.properties.destination!.properties!)).toEqual(expect.arrayContaining(['oauth', 'requestsPerHour', 'outputSchema', 'getAudience']));
  });
});

describe('env references', () => {
  const cfg = {
    ...base,
    destination: {
      ...base.destination,
      headers: { 'X-Tenant': '${env:TENANT}' },
      oauth: { tokenUrl: '${env:BASE}/oauth/token', clientId: 'id', clientSecret: '${env:SECRET}' },
      add: { url: '${env:BASE}/members' },
    },
  };

  it('resolves anywhere in a string; every value from the environment is a secret, shown as its reference (taint, not name)', () => {
    const r = resolveConfig(cfg, { BASE: 'https://api.example.com', SECRET: 's3cr3t-value', TENANT: 'tenant-42' });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.config.destination.add.url).toBe('https://api.example.com/members');
    expect(r.secrets).toEqual(
      expect.arrayContaining([
        { value: 'https://api.example.com', shownAs: '${env:BASE}' },
        { value: 's3cr3t-value', shownAs: '${env:SECRET}' },
        { value: 'tenant-42', shownAs: '${env:TENANT}' },
      ]),
    );
    expect(r.maskedLiterals).toBe(false);
    expect(r.stored).toEqual(cfg);
  });

  it('a literal secret header (object or string form) is a secret, masked in the stored config', () => {
    const literal = { ...cfg, destination: { ...cfg.destination, headers: { 'X-API-Key': 'lit-key-123', Authorization: 'Bearer lit-bearer-456', 'X-Tenant': 'plain' } } };
    const r = resolveConfig(literal, { BASE: 'https://a', SECRET: 'env-secret' });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.secrets).toEqual(expect.arrayContaining(['lit-key-123', 'Bearer lit-bearer-456', 'lit-bearer-456']));
    expect(r.secrets).not.toContain('plain');
    expect(r.maskedLiterals).toBe(true);
    expect((r.stored as typeof literal).destination.headers).toEqual({ 'X-API-Key': '●●●●', Authorization: 'Bearer ●●●●', 'X-Tenant': 'plain' });
    const asString = resolveConfig({ ...cfg, destination: { ...cfg.destination, headers: 'X-Tenant:plain,X-API-Key:lit-key-123' } }, { BASE: 'https://a', SECRET: 'env-secret' });
    if (!asString.ok) throw new Error(JSON.stringify(asString.issues));
    expect(asString.secrets).toContain('lit-key-123');
    // The string form cannot hold one masked value per header: stored in the object form, as the studio's vault does.
    expect((asString.stored as { destination: { headers: unknown } }).destination.headers).toEqual({ 'X-Tenant': 'plain', 'X-API-Key': '●●●●' });
  });

  it('a missing variable is an error naming it and the field', () => {
    const r = resolveConfig(cfg, { BASE: 'https://api.example.com' });
    expect(r.ok ? [] : r.issues).toEqual(
      expect.arrayContaining([
        { path: 'destination.oauth.clientSecret', message: 'environment variable SECRET is not set' },
        { path: 'destination.headers.X-Tenant', message: 'environment variable TENANT is not set' },
      ]),
    );
  });

  it('a missing variable is named once: the field it left empty is not also refused as empty or not a URL', () => {
    const r = resolveConfig(cfg, { BASE: 'https://api.example.com' });
    const paths = r.ok ? [] : r.issues.map((i) => i.path);
    expect(paths.filter((p) => p === 'destination.oauth.clientSecret')).toHaveLength(1);
  });

  it('a config refused only for unset variables names them (a host stands them in for a preview); any other problem names none', () => {
    const r = resolveConfig(cfg, { BASE: 'https://api.example.com' });
    expect(r.ok ? null : [...(r.unsetEnv ?? [])].sort()).toEqual(['SECRET', 'TENANT']);
    const alsoBroken = resolveConfig({ ...cfg, destination: { ...cfg.destination, maxAttempts: 0 } }, { BASE: 'https://api.example.com' });
    expect(alsoBroken.ok ? 'ok' : alsoBroken.unsetEnv).toBeUndefined();
  });

  it('an inline client secret still counts as a secret', () => {
    const r = resolveConfig({ ...cfg, destination: { ...cfg.destination, oauth: { tokenUrl: 'https://a/t', clientId: 'i', clientSecret: 'inline-secret' } } }, { BASE: 'https://a', TENANT: 't' });
    expect(r.ok && r.secrets).toContain('inline-secret');
    expect(r.ok && (r.stored as { destination: { oauth: { clientSecret: string } } }).destination.oauth.clientSecret).toBe('●●●●');
  });
});

describe('JSON syntax errors', () => {
  it('give the line and column', () => {
    const text = '{\n  "version": 1,\n  "destination": {,\n}';
    const r = parseJsonText(text, 'c.json');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issue.path).toMatch(/^c\.json:3:\d+$/);
    expect(jsonErrorPosition('Unexpected end of JSON input', '{"a":')).toMatchObject({ line: 1, column: 6 });
  });
});

describe('unknown keys (issue 9)', () => {
  const issues = (value: unknown) => {
    const r = parseExportConfig(value);
    return r.ok ? [] : r.issues;
  };
  it('closestName suggests a near name and nothing for a far one', () => {
    expect(closestName('sucessPath', ['successPath', 'batchMode'])).toBe('successPath');
    expect(closestName('BATCHSIZE', ['batchSize'])).toBe('batchSize');
    expect(closestName('colour', ['url', 'method'])).toBeUndefined();
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
  it('an unknown key is refused at its path with a did-you-mean, in every object', () => {
    expect(issues({ ...base, destination: { ...base.destination, add: { ...base.destination.add, sucessPath: 'x' } } })).toEqual([
      { path: 'destination.add.sucessPath', message: 'unknown key; did you mean "successPath"?' },
    ]);
    expect(issues({ ...base, destination: { ...base.destination, remove: { enabled: false, batchsize: 3 } } })).toEqual([
      { path: 'destination.remove.batchsize', message: 'unknown key; did you mean "batchSize"?' },
    ]);
    expect(issues({ ...base, audience: { name: 'A', organisationName: 'o' } })).toEqual([
      { path: 'audience.organisationName', message: 'unknown key; did you mean "organizationName"?' },
    ]);
    expect(issues({ ...base, destination: { ...base.destination, outputSchema: [{ name: 'a', typ: 'string' }] } })).toEqual([
      { path: 'destination.outputSchema[0].typ', message: 'unknown key; did you mean "type"?' },
    ]);
    expect(issues({ ...base, zzz: 1 })[0]!.message).toMatch(/^unknown key \(known: \$schema, version, destination, audience, records, schedule, source, sync\)$/);
  });
  it('a top-level $schema is allowed, and mapping and header names stay free', () => {
    expect(issues({ $schema: './schema.json', ...base, destination: { ...base.destination, headers: { 'X-Anything': 'v' } }, records: { mapping: { anyName: 'a' } } })).toEqual([]);
  });
});
