// The studio and the CLI refuse the same configs with the same words: both call app/'s one
// check. For each bad config, the studio's as-you-type validation and `outbound run` must
// name the same places with the same messages (the CLI prefixes its file).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/shared/issues.js';
import { createStudioService, type StudioService } from '../../src/main/studio/service.js';
import { cli, tempDir, writeNdjson } from '../helpers/run.js';

const good = () => ({
  version: 1,
  destination: {
    name: 'Agreement',
    headers: { 'X-Api-Key': '${env:AGREEMENT_KEY}' },
    getAudience: { enabled: true, url: 'http://127.0.0.1:9/lists', filterPath: "lists[?name=='{{audience_name}}']" },
    add: { url: 'http://127.0.0.1:9/lists/{{remote_audience.id}}', bodyTemplate: '{"users": [{{#each users}}{"id": "{{id}}"}{{#unless @last}},{{/unless}}{{/each}}]}', batchMode: 'batched', batchSize: 10 },
  },
  audience: { name: 'A' },
  records: { key: 'id', mapping: { id: 'id', email: 'person.email' } },
});
type Cfg = ReturnType<typeof good>;
const withAdd = (add: Partial<Cfg['destination']['add']>) => ({ ...good(), destination: { ...good().destination, add: { ...good().destination.add, ...add } } });

const BAD: Array<[string, () => unknown]> = [
  ['a mapping that does not parse', () => ({ ...good(), records: { key: 'id', mapping: { id: 'id', email: 'a[[' } } })],
  ['an action that does not parse', () => ({ ...good(), records: { ...good().records, action: 'status ==' } })],
  ['a template that does not parse', () => withAdd({ bodyTemplate: '{"users": [\n{{#each users}}{"id": "{{id}}"}\n]}' })],
  ['a template naming a field no record has', () => withAdd({ bodyTemplate: '{"users": [{{#each users}}"{{emial}}"{{/each}}]}' })],
  ['a schema error', () => withAdd({ batchSize: 0 })],
  ['a missing environment variable', () => ({ ...good(), destination: { ...good().destination, headers: { 'X-Api-Key': '${env:AGREEMENT_UNSET}' } } })],
  // Issue 9: the check refuses these up front, in both hosts alike.
  ['a URL with a space', () => withAdd({ url: 'http://127.0.0.1:9/lists/{{remote_audience.id}} x' })],
  ['a URL with a file: scheme', () => withAdd({ url: 'file:///etc/passwd' })],
  ['a token URL with a file: scheme', () => ({ ...good(), destination: { ...good().destination, oauth: { tokenUrl: 'file:///etc/passwd', clientId: 'c', clientSecret: 's' } } })],
  ['a header name with a colon', () => ({ ...good(), destination: { ...good().destination, headers: { 'X-A:b': 'v' } } })],
  ['an unknown helper', () => withAdd({ bodyTemplate: '{"users": [{{#each users}}{"id": "{{nosuch id}}"}{{/each}}]}' })],
  ['an unknown config key', () => withAdd({ sucessPath: 'created' } as never)],
  ['a rate a timer cannot space', () => ({ ...good(), destination: { ...good().destination, requestsPerHour: 1e-9 } })],
  ['create audience without get audience', () => ({ ...good(), destination: { ...good().destination, getAudience: { enabled: false }, createAudience: { enabled: true, url: 'http://127.0.0.1:9/lists' } } })],
];

const env = { AGREEMENT_KEY: 'k-123' };
let dir: string;
let input: string;
let studio: StudioService;
beforeAll(async () => {
  dir = tempDir('outbound-agree-');
  input = writeNdjson(dir, 'in.ndjson', [{ id: 'u1', person: { email: 'a@example.com' } }]);
  studio = createStudioService({ dbPath: ':memory:', env, startMockOnLaunch: false, seedExample: false });
  await studio.ready;
});
afterAll(async () => {
  await studio.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('studio and CLI refuse the same bad configs with the same message', () => {
  it('accept the good config alike', async () => {
    expect(await studio.validateConfig(good())).toEqual([]);
    const file = join(dir, 'good.json');
    writeFileSync(file, JSON.stringify(good()));
    const res = await cli(['run', file, '--input', input, '--dry-run'], env);
    expect(res.stderr).not.toContain(file);
    expect(res.code).toBe(0);
  });

  BAD.forEach(([title, make], i) => {
    it(title, async () => {
      const file = join(dir, `bad-${i}.json`);
      writeFileSync(file, JSON.stringify(make()));
      const fromStudio = (await studio.validateConfig(make())).map(formatIssue);
      const res = await cli(['run', file, '--input', input, '--db', join(dir, 'agree.db')], env);
      expect(res.code).toBe(2);
      const fromCli = res.stderr.trimEnd().split('\n').map((line) => line.replace(`${file}: `, ''));
      expect(fromStudio.length).toBeGreaterThan(0);
      expect(fromCli).toEqual(fromStudio);
      // A column is named once, whichever host says it.
      for (const m of fromStudio) expect(m).not.toMatch(/column \d+\).*column \d+\)/);
    });
  });
});

describe('a refused config never echoes a value that came from the environment', () => {
  // The header string form's error quotes the pair it could not split: here, a secret.
  const SECRET = 'hdr-s3cr3t-7f1c';
  const leaky = () => ({ ...good(), destination: { ...good().destination, headers: '${env:AGREEMENT_HEADERS}' } });
  const leakEnv = { ...env, AGREEMENT_HEADERS: `X-Api-Key ${SECRET}` };

  it('in the studio, and in every byte the CLI writes', async () => {
    const leakStudio = createStudioService({ dbPath: ':memory:', env: leakEnv, startMockOnLaunch: false, seedExample: false });
    try {
      const issues = await leakStudio.validateConfig(leaky());
      expect(issues.map(formatIssue).join('\n')).toMatch(/destination\.headers: header pair 1/);
      expect(JSON.stringify(issues)).not.toContain(SECRET);
    } finally {
      await leakStudio.close();
    }
    const file = join(dir, 'leaky.json');
    writeFileSync(file, JSON.stringify(leaky()));
    for (const argv of [['run', file, '--input', input, '--db', join(dir, 'leak.db')], ['run', file, '--input', input, '--dry-run'], ['preview', file, '--input', input], ['oauth', file]]) {
      const res = await cli(argv, leakEnv);
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/header pair 1/);
      expect(res.stdout + res.stderr).not.toContain(SECRET);
    }
  });
});
