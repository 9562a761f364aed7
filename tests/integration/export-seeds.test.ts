// The product documents' examples, verbatim, against a real loopback server: what the
// endpoint received is asserted byte for byte.
import { afterEach, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { config, run } from '../helpers/run.js';

let server: CaptureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const users = [
  { id: 'u1', email: 'ann@example.com' },
  { id: 'u2', email: 'bob@example.com' },
  { id: 'u3', email: 'cy@example.com' },
];

describe("GrowthLoop's HTTP Endpoint examples", () => {
  it('batched {{#each users}} template sends exactly the documented body', async () => {
    server = await startCaptureServer((req) => ({ body: { records: JSON.parse(req.body).users } }));
    const cfg = config({
      version: 1,
      destination: {
        name: 'seed batched',
        add: {
          url: `${server.url}/lists/members`,
          method: 'POST',
          bodyTemplate: '{"users": [{{#each users}}{"id": "{{id}}"}{{#unless @last}},{{/unless}}{{/each}}]}',
          batchMode: 'batched',
          batchSize: 2,
          successPath: 'records',
        },
      },
      audience: { name: 'High Value' },
    });
    const summary = await run(cfg, users);
    expect(server.requests.map((r) => r.body)).toEqual(['{"users": [{"id": "u1"},{"id": "u2"}]}', '{"users": [{"id": "u3"}]}']);
    expect(server.requests[0]!.headers['content-type']).toBe('application/json');
    expect(summary.status).toBe('succeeded');
    expect(summary.records).toMatchObject({ total: 3, succeeded: 3, failed: 0 });
  });

  it('individual {{user.id}} template sends one request per record', async () => {
    server = await startCaptureServer();
    const cfg = config({
      version: 1,
      destination: {
        name: 'seed individual',
        add: { url: `${server.url}/members/{{user.id}}`, method: 'PUT', bodyTemplate: '{"id": "{{user.id}}", "email": "{{user.email}}"}', batchMode: 'individual' },
      },
      audience: { name: 'A' },
    });
    await run(cfg, users);
    const got = server.requests.map((r) => `${r.method} ${r.url} ${r.body}`).sort();
    expect(got).toEqual([
      'PUT /members/u1 {"id": "u1", "email": "ann@example.com"}',
      'PUT /members/u2 {"id": "u2", "email": "bob@example.com"}',
      'PUT /members/u3 {"id": "u3", "email": "cy@example.com"}',
    ]);
  });

  it("get audience with tables[?name=='{{audience_name}}'] finds the audience and passes remote_audience on", async () => {
    server = await startCaptureServer((req) => {
      if (req.url.startsWith('/lists?')) return { body: { tables: [{ id: 'other', name: 'Other' }, { id: 'L-7', name: "O'Brien \\ VIP" }] } };
      return { body: { created: [1, 2, 3] } };
    });
    const cfg = config({
      version: 1,
      destination: {
        name: 'seed get',
        getAudience: { enabled: true, url: `${server.url}/lists?name={{audience_name}}`, method: 'GET', filterPath: "tables[?name=='{{audience_name}}']" },
        createAudience: { enabled: true, url: `${server.url}/lists`, method: 'POST', bodyTemplate: '{"name": "{{audience_name}}"}' },
        add: { url: `${server.url}/lists/{{remote_audience.id}}/members`, bodyTemplate: '{"users": [{{#each users}}"{{id}}"{{#unless @last}},{{/unless}}{{/each}}]}', batchMode: 'batched', successPath: 'created' },
      },
      audience: { name: "O'Brien \\ VIP" },
    });
    const summary = await run(cfg, users);
    expect(server.requests[0]!.url).toBe('/lists?name=O%27Brien%20%5C%20VIP');
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toContain('POST /lists/L-7/members');
    expect(server.requests.some((r) => r.method === 'POST' && r.url === '/lists')).toBe(false);
    expect(summary.remoteAudience).toEqual({ id: 'L-7', name: "O'Brien \\ VIP" });
    expect(summary.records.succeeded).toBe(3);
  });

  it('an empty filter result means missing: create audience runs and its response becomes remote_audience', async () => {
    server = await startCaptureServer((req) => {
      if (req.method === 'GET') return { body: { tables: [{ id: 'x', name: 'Someone else' }] } };
      if (req.url === '/lists') return { status: 201, body: { id: 'new-1', name: 'High Value' } };
      return { body: { success: true } };
    });
    const cfg = config({
      version: 1,
      destination: {
        name: 'seed create',
        getAudience: { enabled: true, url: `${server.url}/lists`, filterPath: "tables[?name=='{{audience_name}}']" },
        createAudience: { enabled: true, url: `${server.url}/lists`, method: 'POST', bodyTemplate: '{"name": "{{audience_name}}", "org": "{{organization_name}}"}' },
        add: { url: `${server.url}/lists/{{remote_audience.id}}/members`, batchMode: 'batched', successPath: 'success' },
      },
      audience: { name: 'High Value', organizationName: 'Acme "Labs"' },
    });
    const summary = await run(cfg, users);
    expect(server.requests[1]!.body).toBe('{"name": "High Value", "org": "Acme \\"Labs\\""}');
    expect(server.requests[2]!.url).toBe('/lists/new-1/members');
    expect(JSON.parse(server.requests[2]!.body)).toEqual({ users });
    expect(summary.records.succeeded).toBe(3);
  });

  it('audience missing without create aborts before any member is sent (exit status aborted)', async () => {
    server = await startCaptureServer(() => ({ body: { tables: [] } }));
    const cfg = config({
      version: 1,
      destination: {
        name: 'no create',
        getAudience: { enabled: true, url: `${server.url}/lists`, filterPath: "tables[?name=='{{audience_name}}']" },
        add: { url: `${server.url}/members` },
      },
      audience: { name: 'Ghost' },
    });
    const summary = await run(cfg, users);
    expect(summary.status).toBe('aborted');
    expect(summary.error).toMatch(/"Ghost" not found/);
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['records', { records: [{ id: 'u1' }, { id: 'u2' }] }, 2],
    ['created', { created: ['u1'] }, 1],
    ['success', { success: true }, 3],
    ['success', { success: false }, 0],
    ['num_records_imported', { num_records_imported: 2 }, 2],
    [undefined, { whatever: 1 }, 3],
  ])('success path %s on %j counts %i of 3 records', async (successPath, body, expected) => {
    server = await startCaptureServer(() => ({ body }));
    const cfg = config({
      version: 1,
      destination: { name: 'sp', add: { url: `${server.url}/m`, batchMode: 'batched', ...(successPath ? { successPath } : {}) } },
      audience: { name: 'A' },
    });
    const summary = await run(cfg, users);
    expect(summary.records.succeeded).toBe(expected);
    expect(summary.records.failed).toBe(3 - expected);
    expect(summary.status).toBe(expected === 3 ? 'succeeded' : expected === 0 ? 'failed' : 'partial');
  });
});

describe('which records a partial success names', () => {
  it('records the endpoint lists as accepted succeed, the others fail with the reason', async () => {
    server = await startCaptureServer(() => ({ body: { records: [{ id: 'u1', status: 'added' }, { id: 'u3', status: 'added' }], errors: [{ index: 1, reason: 'bad email' }] } }));
    const cfg = config({ version: 1, destination: { name: 'partial', add: { url: `${server.url}/m`, batchMode: 'batched', successPath: 'records' } }, audience: { name: 'A' } });
    const outcomes: Array<{ key: string; ok: boolean; reason?: string }> = [];
    const summary = await run(cfg, users, { onEvent: (e) => e.type === 'records-settled' && outcomes.push(...e.outcomes) });
    expect(summary.records).toMatchObject({ succeeded: 2, failed: 1 });
    expect(outcomes.filter((o) => !o.ok)).toEqual([expect.objectContaining({ key: 'u2', reason: expect.stringMatching(/not among the records the endpoint acknowledged \(2 named of 3/) })]);
  });
});

describe('pause', () => {
  it('a closed gate holds every request start until it opens', async () => {
    server = await startCaptureServer();
    const cfg = config({ version: 1, destination: { name: 'gate', add: { url: `${server.url}/m/{{user.id}}` } }, audience: { name: 'A' } });
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    let paused = true;
    const running = run(cfg, users, { gate: () => (paused ? opened : Promise.resolve()) });
    await new Promise((r) => setTimeout(r, 150));
    expect(server.requests).toHaveLength(0);
    paused = false;
    open();
    expect((await running).records.succeeded).toBe(3);
    expect(server.requests).toHaveLength(3);
  });
});
