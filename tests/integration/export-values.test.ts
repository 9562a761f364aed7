// Awkward values must arrive as exactly the original value, and the preview must be the
// request that is sent (invariant 2).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { previewExport } from '../../src/main/engine/preview.js';
import { generateProfiles, type Profile } from '../../src/main/sources/sample.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { cli, config, items, run, tempDir } from '../helpers/run.js';

let server: CaptureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const profiles: Profile[] = [...generateProfiles(300, 3)];

const destination = (url: string) => ({
  name: 'values',
  add: {
    url: `${url}/members/{{user.id}}?email={{user.email}}`,
    method: 'POST' as const,
    bodyTemplate: '{"id": "{{user.id}}", "first": "{{user.first}}", "last": "{{user.last}}", "birth": {{user.birth}}, "ltv": {{user.ltv}}, "consent": {{user.consent}}, "note": "{{user.first}} {{user.last}}"}',
  },
});
const records = { key: 'id', mapping: { id: 'id', email: 'person.email', first: 'person.name.firstName', last: 'person.name.lastName', birth: 'person.birthDate', ltv: 'ltv', consent: 'consent.marketing' } };

describe('awkward values', () => {
  it('every sample profile value round-trips into valid JSON and an encoded URL', async () => {
    server = await startCaptureServer();
    const cfg = config({ version: 1, destination: destination(server.url), audience: { name: 'A' }, records });
    const summary = await run(cfg, profiles);
    expect(summary.records).toMatchObject({ total: 300, succeeded: 300, failed: 0 });
    const awkward = profiles.filter((p) => /["\\\n\t<]|[^\x00-\x7f]/.test(p.person.name.firstName + p.person.name.lastName));
    expect(awkward.length).toBeGreaterThan(10); // the sample really is awkward
    const byId = new Map(server.requests.map((r) => [decodeURIComponent(r.url.split('/')[2]!.split('?')[0]!), r]));
    for (const p of profiles) {
      const req = byId.get(p.id)!;
      const body = JSON.parse(req.body) as Record<string, unknown>;
      expect(body.first).toBe(p.person.name.firstName);
      expect(body.last).toBe(p.person.name.lastName);
      expect(body.note).toBe(`${p.person.name.firstName} ${p.person.name.lastName}`);
      expect(body.birth).toBe(p.person.birthDate ?? null);
      expect(body.ltv).toBe(p.ltv);
      expect(body.consent).toBe(p.consent.marketing);
      expect(new URL(req.url, 'http://x').searchParams.get('email')).toBe(p.person.email);
    }
  });

  it('preview equals what is sent, byte for byte (secrets aside)', async () => {
    server = await startCaptureServer();
    const cfg = config(
      {
        version: 1,
        destination: { ...destination(server.url), headers: { 'X-API-Key': '${env:KEY}', 'X-Audience': '{{audience_name}}' }, idempotencyKey: true },
        audience: { name: 'Näme "1"' },
        records,
      },
      { KEY: 'sekret-key-123' },
    );
    const subset = profiles.slice(0, 40);
    const preview = await previewExport(cfg, items(subset), { secrets: ['sekret-key-123'] });
    await run(cfg, subset);
    expect(preview.errors).toEqual([]);
    expect(preview.requests).toHaveLength(40);
    const sent = new Map(server.requests.map((r) => [r.url, r]));
    for (const p of preview.requests) {
      const got = sent.get(p.url.replace(server.url, ''))!;
      expect(got, p.url).toBeDefined();
      expect(got.method).toBe(p.method);
      expect(got.body).toBe(p.body);
      expect(p.headers['X-API-Key']).toBe('●●●●');
      expect(got.headers['x-api-key']).toBe('sekret-key-123');
      expect(got.headers['x-audience']).toBe(p.headers['X-Audience']);
      expect(got.headers['content-type']).toBe(p.headers['content-type']);
    }
  });

  it('outbound preview prints the same requests as JSON and sends nothing', async () => {
    server = await startCaptureServer();
    const dir = tempDir();
    const cfgPath = join(dir, 'config.json');
    writeFileSync(cfgPath, JSON.stringify({ version: 1, destination: destination(server.url), audience: { name: 'A' }, records }));
    const input = join(dir, 'in.ndjson');
    writeFileSync(input, profiles.slice(0, 5).map((p) => JSON.stringify(p)).join('\n'));
    const res = await cli(['preview', cfgPath, '--input', input, '--limit', '3']);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { requests: Array<{ step: string; method: string; url: string; headers: object; body: string; recordKeys: string[] }>; errors: unknown[] };
    expect(out.requests).toHaveLength(3);
    expect(out.requests[0]).toMatchObject({ step: 'add', method: 'POST', recordKeys: [profiles[0]!.id] });
    expect(JSON.parse(out.requests[0]!.body).first).toBe(profiles[0]!.person.name.firstName);
    expect(out.errors).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });
});
