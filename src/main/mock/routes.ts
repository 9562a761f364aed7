// Built-in routes of the mock endpoint: together they make a complete HTTP destination.
//
//   POST   /oauth/token                          token           OAuth2 client credentials (Basic or form client auth)
//   GET    /api/audiences?name=X                 getAudience     { tables: [ {id,name,created_at} ] } (all without name)
//   GET    /api/audiences/:id                    getAudience     one audience, 404 when unknown
//   POST   /api/audiences                        createAudience  JSON {name} → 201 {id,name,created_at}; ids aud_1, aud_2...
//   POST   /api/audiences/:id/members            add             batched: {users:[...]} | {members:[...]} | [...]
//   POST   /api/audiences/:id/members/remove     remove          batched remove, same bodies
//   POST   /api/audiences/:id/members/:userId    add             individual (PUT too)
//   DELETE /api/audiences/:id/members/:userId    remove          individual; ?empty=1 answers 204
//   POST   /hooks/:name                          webhook         any body → {ok:true}, no auth (PUT, PATCH too)
//
// Everything under /api/ needs `Authorization: Bearer <token from /oauth/token>` or
// `X-API-Key: demo-key` (unless the mock runs with requireAuth: false), else 401
// {"error":"invalid_token"}.
//
// Batched answers carry every success path the product docs name:
//   { records: [{id,status}], created: [...same], success, num_records_imported, errors: [{index,reason}] }
// (removes add `deleted: [...same]`). A user without an id, email or key (string or
// number) is rejected on its own: left out of records, listed in errors, success false.
// A user may also be given as a bare string or number id.
//
// Admin routes (never journaled, never affected by auth or scenarios) live in admin.ts.

import type { IncomingHttpHeaders } from 'node:http';
import type { AudienceStore } from './audiences.js';
import { handleToken, type AuthSettings } from './auth.js';
import { errorResponse, jsonResponse, JSON_HEADERS, type MockResponse } from './respond.js';
import type { RouteKey } from './scenario.js';

export interface MockRouteInfo {
  key: RouteKey;
  methods: readonly string[];
  path: string;
  auth: boolean;
  description: string;
}

export const MOCK_ROUTES: readonly MockRouteInfo[] = [
  { key: 'token', methods: ['POST'], path: '/oauth/token', auth: false, description: 'OAuth2 client credentials token (HTTP Basic or client_id/client_secret form fields)' },
  { key: 'getAudience', methods: ['GET'], path: '/api/audiences?name=X', auth: true, description: 'List audiences as {tables:[...]}, filtered by exact name' },
  { key: 'getAudience', methods: ['GET'], path: '/api/audiences/:id', auth: true, description: 'One audience' },
  { key: 'createAudience', methods: ['POST'], path: '/api/audiences', auth: true, description: 'Create an audience from JSON {name}; 201 {id,name,created_at}' },
  { key: 'add', methods: ['POST'], path: '/api/audiences/:id/members', auth: true, description: 'Batched add: {users:[...]}, {members:[...]} or an array' },
  { key: 'remove', methods: ['POST'], path: '/api/audiences/:id/members/remove', auth: true, description: 'Batched remove, same bodies as batched add' },
  { key: 'add', methods: ['POST', 'PUT'], path: '/api/audiences/:id/members/:userId', auth: true, description: 'Individual add' },
  { key: 'remove', methods: ['DELETE'], path: '/api/audiences/:id/members/:userId', auth: true, description: 'Individual remove (?empty=1 answers 204)' },
  { key: 'webhook', methods: ['POST', 'PUT', 'PATCH'], path: '/hooks/:name', auth: false, description: 'Plain webhook: any body, answers {ok:true}' },
];

export interface ApiRequest {
  method: string;
  /** Query string without '?', '' when none. */
  query: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RouteContext {
  audiences: AudienceStore;
  auth: AuthSettings;
}

type Handler = (req: ApiRequest, params: string[], ctx: RouteContext) => MockResponse;

export interface RouteMatch {
  key: RouteKey;
  protected: boolean;
  handler: Handler;
  params: string[];
}

export type MatchResult = RouteMatch | { allow: string } | null;

const WEBHOOK_OK: MockResponse = { status: 200, headers: JSON_HEADERS, body: '{"ok":true}' };
const NO_CONTENT: MockResponse = { status: 204, headers: {}, body: '' };

function decodeSegment(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function queryParam(query: string, name: string): string | null {
  return query ? new URLSearchParams(query).get(name) : null;
}

function audienceNotFound(id: string): MockResponse {
  return errorResponse(404, 'not_found', `audience ${id} not found`);
}

function parseJson(body: string): { ok: true; value: unknown } | { ok: false; res: MockResponse } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (err) {
    return { ok: false, res: errorResponse(400, 'invalid_json', (err as Error).message) };
  }
}

const listAudiences: Handler = (req, _p, { audiences }) => {
  const name = queryParam(req.query, 'name');
  return jsonResponse(200, { tables: audiences.list(name ?? undefined) });
};

const getAudience: Handler = (_req, [id = ''], { audiences }) => {
  const a = audiences.get(id);
  return a ? jsonResponse(200, a) : audienceNotFound(id);
};

const createAudience: Handler = (req, _p, { audiences }) => {
  const parsed = parseJson(req.body);
  if (!parsed.ok) return parsed.res;
  const v = parsed.value as { name?: unknown } | null;
  if (typeof v !== 'object' || v === null || typeof v.name !== 'string' || v.name.trim() === '') {
    return errorResponse(400, 'invalid_request', 'expected a JSON object with a non-empty string "name"');
  }
  return jsonResponse(201, audiences.create(v.name));
};

/** The member id of one user: the user itself when a string/number, else its id, email or key. */
function memberId(u: unknown): string | undefined {
  if (typeof u === 'string') return u === '' ? undefined : u;
  if (typeof u === 'number') return Number.isFinite(u) ? String(u) : undefined;
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return undefined;
  const o = u as Record<string, unknown>;
  for (const k of ['id', 'email', 'key']) {
    const v = o[k];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}

function batch(action: 'added' | 'removed'): Handler {
  return (req, [id = ''], { audiences }) => {
    const members = audiences.members(id);
    if (!members) return audienceNotFound(id);
    const parsed = parseJson(req.body);
    if (!parsed.ok) return parsed.res;
    const v = parsed.value;
    const users = Array.isArray(v)
      ? v
      : typeof v === 'object' && v !== null
        ? ((v as { users?: unknown }).users ?? (v as { members?: unknown }).members)
        : undefined;
    if (!Array.isArray(users)) {
      return errorResponse(400, 'invalid_request', 'expected {"users": [...]}, {"members": [...]} or a JSON array of users');
    }
    const records: { id: string; status: string }[] = [];
    const errors: { index: number; reason: string }[] = [];
    for (let i = 0; i < users.length; i++) {
      const mid = memberId(users[i]);
      if (mid === undefined) {
        errors.push({ index: i, reason: 'user has no id, email or key field (a non-empty string or a number)' });
        continue;
      }
      if (action === 'added') members.add(mid);
      else members.delete(mid);
      records.push({ id: mid, status: action });
    }
    const out =
      action === 'added'
        ? { records, created: records, success: errors.length === 0, num_records_imported: records.length, errors }
        : { records, created: records, deleted: records, success: errors.length === 0, num_records_imported: records.length, errors };
    return jsonResponse(200, out);
  };
}

const batchAdd = batch('added');
const batchRemove = batch('removed');

const addOne: Handler = (_req, [id = '', userId = ''], { audiences }) => {
  const members = audiences.members(id);
  if (!members) return audienceNotFound(id);
  members.add(userId);
  return jsonResponse(200, { id: userId, status: 'added' });
};

const removeOne: Handler = (req, [id = '', userId = ''], { audiences }) => {
  const members = audiences.members(id);
  if (!members) return audienceNotFound(id);
  members.delete(userId);
  return queryParam(req.query, 'empty') === '1' ? NO_CONTENT : jsonResponse(200, { id: userId, status: 'removed' });
};

const webhook: Handler = () => WEBHOOK_OK;
const token: Handler = (req, _p, ctx) => handleToken(req.headers, req.body, ctx.auth);

function hit(key: RouteKey, handler: Handler, params: string[], prot = true): RouteMatch {
  return { key, protected: prot, handler, params };
}

/**
 * Finds the route for a method and path (no query). Returns `{allow}` when the path exists
 * but not for this method, and null for an unknown path. Segments are percent-decoded; a
 * malformed escape makes the path unknown.
 */
export function matchRoute(method: string, pathname: string): MatchResult {
  const p = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  if (p === '/oauth/token') return method === 'POST' ? hit('token', token, [], false) : { allow: 'POST' };
  const s = p.split('/'); // ['', 'api', 'audiences', ...]
  if (s[1] === 'hooks' && s.length === 3 && s[2]) {
    return method === 'POST' || method === 'PUT' || method === 'PATCH' ? hit('webhook', webhook, [], false) : { allow: 'POST, PUT, PATCH' };
  }
  if (s[1] !== 'api' || s[2] !== 'audiences') return null;
  if (s.length === 3) {
    if (method === 'GET') return hit('getAudience', listAudiences, []);
    if (method === 'POST') return hit('createAudience', createAudience, []);
    return { allow: 'GET, POST' };
  }
  const id = decodeSegment(s[3] ?? '');
  if (!id) return null;
  if (s.length === 4) return method === 'GET' ? hit('getAudience', getAudience, [id]) : { allow: 'GET' };
  if (s[4] !== 'members') return null;
  if (s.length === 5) return method === 'POST' ? hit('add', batchAdd, [id]) : { allow: 'POST' };
  if (s.length !== 6) return null;
  if (s[5] === 'remove' && method === 'POST') return hit('remove', batchRemove, [id]);
  const userId = decodeSegment(s[5] ?? '');
  if (!userId) return null;
  if (method === 'POST' || method === 'PUT') return hit('add', addOne, [id, userId]);
  if (method === 'DELETE') return hit('remove', removeOne, [id, userId]);
  return { allow: 'POST, PUT, DELETE' };
}
