// The built-in mock endpoint: OAuth token flow, protected routes, audiences, members and
// the journal, over real loopback HTTP.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/main/mock/index.js';
import { basic, call, getToken } from './mock-helpers.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('mock endpoint: OAuth client credentials', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMock({ tokenTtlSeconds: 0.3 });
  });
  afterAll(() => mock.close());

  it('issues a bearer token for HTTP Basic client auth, echoing the scope', async () => {
    const r = await call('POST', `${mock.url}/oauth/token`, {
      headers: { ...FORM, authorization: basic('outbound-demo', 'demo-secret') },
      body: 'grant_type=client_credentials&scope=audiences.write&audience=https%3A%2F%2Fapi',
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.json).toMatchObject({ token_type: 'Bearer', expires_in: 1, scope: 'audiences.write' });
    expect(r.json.access_token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });

  it('issues a token for client_id/client_secret form fields, and a different one each time', async () => {
    const body = 'grant_type=client_credentials&client_id=outbound-demo&client_secret=demo-secret';
    const a = await call('POST', `${mock.url}/oauth/token`, { headers: FORM, body });
    const b = await call('POST', `${mock.url}/oauth/token`, { headers: FORM, body });
    expect(a.status).toBe(200);
    expect(a.json.scope).toBeUndefined();
    expect(a.json.access_token).not.toBe(b.json.access_token);
  });

  it('answers 401 invalid_client for a wrong secret, by either client auth method', async () => {
    const viaBasic = await call('POST', `${mock.url}/oauth/token`, {
      headers: { ...FORM, authorization: basic('outbound-demo', 'nope') },
      body: 'grant_type=client_credentials',
    });
    expect(viaBasic.status).toBe(401);
    expect(viaBasic.json.error).toBe('invalid_client');
    expect(viaBasic.headers.get('www-authenticate')).toMatch(/^Basic/);
    const viaBody = await call('POST', `${mock.url}/oauth/token`, {
      headers: FORM,
      body: 'grant_type=client_credentials&client_id=outbound-demo&client_secret=nope',
    });
    expect(viaBody.status).toBe(401);
    expect(viaBody.json.error).toBe('invalid_client');
    const none = await call('POST', `${mock.url}/oauth/token`, { headers: FORM, body: 'grant_type=client_credentials' });
    expect(none.json.error).toBe('invalid_client');
  });

  it('answers 400 unsupported_grant_type for another grant, and invalid_request for a JSON body', async () => {
    const r = await call('POST', `${mock.url}/oauth/token`, {
      headers: { ...FORM, authorization: basic('outbound-demo', 'demo-secret') },
      body: 'grant_type=password&username=a&password=b',
    });
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('unsupported_grant_type');
    const asJson = await call('POST', `${mock.url}/oauth/token`, {
      headers: { authorization: basic('outbound-demo', 'demo-secret') },
      body: { grant_type: 'client_credentials' },
    });
    expect(asJson.status).toBe(400);
    expect(asJson.json.error).toBe('invalid_request');
    expect(asJson.json.error_description).toMatch(/x-www-form-urlencoded/);
  });

  it('accepts a token on /api routes until it expires, then answers 401 invalid_token', async () => {
    const token = await getToken(mock.url);
    const ok = await call('GET', `${mock.url}/api/audiences`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    await new Promise((r) => setTimeout(r, 400));
    const expired = await call('GET', `${mock.url}/api/audiences`, { headers: { authorization: `Bearer ${token}` } });
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual({ error: 'invalid_token' });
    expect(expired.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('protects /api routes: no token, an unknown token → 401; X-API-Key demo-key passes', async () => {
    const none = await call('GET', `${mock.url}/api/audiences`);
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ error: 'invalid_token' });
    const forged = await call('POST', `${mock.url}/api/audiences`, { headers: { authorization: 'Bearer forged' }, body: { name: 'x' } });
    expect(forged.status).toBe(401);
    const key = await call('GET', `${mock.url}/api/audiences`, { headers: { 'x-api-key': 'demo-key' } });
    expect(key.status).toBe(200);
    const hook = await call('POST', `${mock.url}/hooks/anything`, { body: 'not even json' });
    expect(hook.status).toBe(200);
    expect(hook.json).toEqual({ ok: true });
  });
});

describe('mock endpoint: audiences and members', () => {
  let mock: MockServer;
  let auth: Record<string, string>;
  beforeAll(async () => {
    mock = await startMock();
    auth = { authorization: `Bearer ${await getToken(mock.url)}` };
  });
  afterAll(() => mock.close());

  it('creates audiences with sequential ids and finds them by exact name', async () => {
    const a = await call('POST', `${mock.url}/api/audiences`, { headers: auth, body: { name: 'High Value' } });
    expect(a.status).toBe(201);
    expect(a.json).toMatchObject({ id: 'aud_1', name: 'High Value' });
    expect(Date.parse(a.json.created_at)).not.toBeNaN();
    const b = await call('POST', `${mock.url}/api/audiences`, { headers: auth, body: { name: "O'Brien's list" } });
    expect(b.json.id).toBe('aud_2');

    const found = await call('GET', `${mock.url}/api/audiences?name=${encodeURIComponent("O'Brien's list")}`, { headers: auth });
    expect(found.json).toEqual({ tables: [b.json] });
    const missing = await call('GET', `${mock.url}/api/audiences?name=Nobody`, { headers: auth });
    expect(missing.json).toEqual({ tables: [] });
    const all = await call('GET', `${mock.url}/api/audiences`, { headers: auth });
    expect(all.json.tables.map((t: { id: string }) => t.id)).toEqual(['aud_1', 'aud_2']);

    const bad = await call('POST', `${mock.url}/api/audiences`, { headers: auth, body: { title: 'no name' } });
    expect(bad.status).toBe(400);
  });

  it('batched add reports every success path and rejects users without id/email/key one by one', async () => {
    const users = [{ id: 'u1' }, { email: 'b@example.com' }, { name: 'no identifier' }, { key: 42 }, { id: '' }];
    const r = await call('POST', `${mock.url}/api/audiences/aud_1/members`, { headers: auth, body: { users } });
    expect(r.status).toBe(200);
    const added = [
      { id: 'u1', status: 'added' },
      { id: 'b@example.com', status: 'added' },
      { id: '42', status: 'added' },
    ];
    expect(r.json.records).toEqual(added);
    expect(r.json.created).toEqual(added);
    expect(r.json.num_records_imported).toBe(3);
    expect(r.json.success).toBe(false);
    expect(r.json.errors.map((e: { index: number }) => e.index)).toEqual([2, 4]);
    expect(r.json.errors[0].reason).toMatch(/id, email or key/);

    // All valid: success true. Top-level array and {members} bodies work too.
    const arr = await call('POST', `${mock.url}/api/audiences/aud_1/members`, { headers: auth, body: [{ id: 'u2' }] });
    expect(arr.json).toMatchObject({ success: true, num_records_imported: 1, errors: [] });
    const mem = await call('POST', `${mock.url}/api/audiences/aud_1/members`, { headers: auth, body: { members: [{ id: 'u3' }] } });
    expect(mem.json.records).toEqual([{ id: 'u3', status: 'added' }]);

    expect([...(mock.audiences.members('aud_1') ?? [])].sort()).toEqual(['42', 'b@example.com', 'u1', 'u2', 'u3']);
  });

  it('answers 400 invalid_json with the parser message, and 404 for an unknown audience', async () => {
    const bad = await call('POST', `${mock.url}/api/audiences/aud_1/members`, {
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"users": [{"id": "u1",}]}',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('invalid_json');
    expect(bad.json.message).toMatch(/position|JSON/);
    const unknown = await call('POST', `${mock.url}/api/audiences/aud_999/members`, { headers: auth, body: { users: [{ id: 'u1' }] } });
    expect(unknown.status).toBe(404);
    const unknownOne = await call('DELETE', `${mock.url}/api/audiences/aud_999/members/u1`, { headers: auth });
    expect(unknownOne.status).toBe(404);
  });

  it('adds and removes members one at a time, and removes in batches', async () => {
    const add = await call('PUT', `${mock.url}/api/audiences/aud_2/members/${encodeURIComponent('a b@x.com')}`, { headers: auth, body: {} });
    expect(add.json).toEqual({ id: 'a b@x.com', status: 'added' });
    await call('POST', `${mock.url}/api/audiences/aud_2/members/u7`, { headers: auth });
    await call('POST', `${mock.url}/api/audiences/aud_2/members/u8`, { headers: auth });
    expect(mock.audiences.members('aud_2')?.size).toBe(3);

    const del = await call('DELETE', `${mock.url}/api/audiences/aud_2/members/u7`, { headers: auth });
    expect(del.json).toEqual({ id: 'u7', status: 'removed' });
    const empty = await call('DELETE', `${mock.url}/api/audiences/aud_2/members/u8?empty=1`, { headers: auth });
    expect(empty.status).toBe(204);
    expect(empty.text).toBe('');

    const batch = await call('POST', `${mock.url}/api/audiences/aud_2/members/remove`, { headers: auth, body: { users: [{ id: 'a b@x.com' }, {}] } });
    expect(batch.json).toMatchObject({
      records: [{ id: 'a b@x.com', status: 'removed' }],
      deleted: [{ id: 'a b@x.com', status: 'removed' }],
      success: false,
      num_records_imported: 1,
      errors: [{ index: 1 }],
    });
    expect(mock.audiences.members('aud_2')?.size).toBe(0);

    const state = await call('GET', `${mock.url}/_mock/audiences`);
    expect(state.json.audiences.find((a: { id: string }) => a.id === 'aud_1').members).toContain('u1');
  });
});

describe('mock endpoint: journal', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMock({ requireAuth: false, journalLimit: 3, audiences: ['Seeded'] });
  });
  afterEach(() => mock.journal.clear());
  afterAll(() => mock.close());

  it('records method, path with query, lowercased headers, body, status and route; not _mock routes', async () => {
    const seen: number[] = [];
    const off = mock.journal.onEntry((e) => seen.push(e.seq));
    const before = performance.timeOrigin + performance.now();
    await call('POST', `${mock.url}/api/audiences/aud_1/members?dry=1`, { headers: { 'X-Trace-Id': 'T-1' }, body: { users: [{ id: 'u1' }] } });
    await call('GET', `${mock.url}/_mock/health`);
    await call('GET', `${mock.url}/nowhere`);
    off();
    await call('POST', `${mock.url}/hooks/after-unsubscribe`, { body: 'x' });

    const entries = mock.journal.entries();
    expect(entries).toHaveLength(3);
    const [add, notFound, hook] = entries;
    expect(add).toMatchObject({ method: 'POST', path: '/api/audiences/aud_1/members?dry=1', status: 200, route: 'add', body: '{"users":[{"id":"u1"}]}' });
    expect(add?.headers['x-trace-id']).toBe('T-1');
    expect(add?.time).toBeGreaterThanOrEqual(before - 1);
    expect(notFound).toMatchObject({ path: '/nowhere', status: 404, route: null });
    expect(hook?.route).toBe('webhook');
    expect(seen).toEqual([add?.seq, notFound?.seq]);
  });

  it('serves entries over HTTP with since/limit, keeps only the newest journalLimit, and clears', async () => {
    for (let i = 1; i <= 5; i++) await call('POST', `${mock.url}/hooks/h${i}`, { body: String(i) });
    expect(mock.journal.size).toBe(3);
    const all = await call('GET', `${mock.url}/_mock/journal`);
    expect(all.json.entries.map((e: { body: string }) => e.body)).toEqual(['3', '4', '5']);
    const firstSeq = all.json.entries[0].seq as number;
    const page = await call('GET', `${mock.url}/_mock/journal?since=${firstSeq}&limit=1`);
    expect(page.json.entries.map((e: { body: string }) => e.body)).toEqual(['4']);
    expect(mock.journal.since(firstSeq + 1).map((e) => e.body)).toEqual(['5']);

    const cleared = await call('DELETE', `${mock.url}/_mock/journal`);
    expect(cleared.json).toEqual({ cleared: 3 });
    expect(mock.journal.size).toBe(0);
    const after = await call('GET', `${mock.url}/_mock/journal`);
    expect(after.json.entries).toEqual([]);
    expect(mock.stats().byRoute.webhook).toBeGreaterThanOrEqual(5);
  });
});
