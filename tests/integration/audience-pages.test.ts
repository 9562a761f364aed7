// Paginated get audience against a loopback audience API that lists its audiences two per
// page: the audience sought is on page 2. One page only (the old behaviour) reads it as
// "not found" and the run aborts (exit 3).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startCaptureServer, type Captured, type CaptureServer } from '../helpers/capture-server.js';
import { cli, config, run, tempDir, writeNdjson } from '../helpers/run.js';
import { lookUpAudience } from '../../src/main/app/preview.js';
import { loadConfig } from '../../src/main/app/config.js';
import type { ExportConfigInput } from '../../src/shared/config.js';
import type { RunEvent } from '../../src/main/engine/types.js';

const AUDIENCES = [{ id: 'a1', name: 'Alpha' }, { id: 'a2', name: 'Beta' }, { id: 'a3', name: 'VIP' }, { id: 'a4', name: 'Gamma' }];

let server: CaptureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function query(req: Captured): URLSearchParams {
  return new URL(req.url, 'http://x').searchParams;
}

/** Two audiences a page; the link and the cursor both lead to the next page. */
function pages(req: Captured) {
  if (!req.url.startsWith('/lists')) return { body: { ok: true } };
  const q = query(req);
  const page = Number(q.get('page') ?? (q.get('cursor') ? q.get('cursor')!.slice(1) : 1));
  const items = AUDIENCES.slice((page - 1) * 2, page * 2);
  const more = page * 2 < AUDIENCES.length;
  return { body: { lists: items, links: { next: more ? `/lists?page=${page + 1}` : null }, next_cursor: more ? `c${page + 1}` : null } };
}

function cfgInput(url: string, pagination?: Record<string, unknown>): ExportConfigInput {
  return {
    version: 1,
    destination: {
      name: 'paged',
      retryOnErrors: false,
      getAudience: { enabled: true, url: `${url}/lists`, filterPath: "lists[?name=='{{audience_name}}']", ...(pagination ? { pagination } : {}) },
      add: { url: `${url}/members/{{remote_audience.id}}` },
    },
    audience: { name: 'VIP' },
  } as ExportConfigInput;
}

function runCli(input: ExportConfigInput): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = tempDir();
  const file = join(dir, 'c.json');
  writeFileSync(file, JSON.stringify(input));
  return cli(['run', file, '--input', writeNdjson(dir, 'in.ndjson', [{ id: 'u1' }]), '--db', join(dir, 'r.db'), '--json']);
}

it('without pagination the audience on page 2 is not found and the run aborts (exit 3), as before', async () => {
  server = await startCaptureServer(pages);
  const res = await runCli(cfgInput(server.url));
  expect(res.code).toBe(3);
  expect(res.stderr + res.stdout).toContain('not found by get audience');
});

it('link style: follows links.next (relative, same origin) to page 2, stops there and sends to the audience found', async () => {
  server = await startCaptureServer(pages);
  const res = await runCli(cfgInput(server.url, { nextUrlPath: 'links.next' }));
  expect(res.code).toBe(0);
  expect(server.requests.map((r) => r.url)).toEqual(['/lists', '/lists?page=2', '/members/a3']);
});

it('cursor style: sends next_cursor as ?cursor= and records each page like a get-audience request', async () => {
  server = await startCaptureServer(pages);
  const events: RunEvent[] = [];
  const summary = await run(config(cfgInput(server.url, { cursorParam: 'cursor', cursorPath: 'next_cursor' })), [{ id: 'u1' }], { onEvent: (e) => events.push(e) });
  expect(summary.status).toBe('succeeded');
  expect(server.requests.map((r) => r.url)).toEqual(['/lists', '/lists?cursor=c2', '/members/a3']);
  const sent = events.filter((e): e is Extract<RunEvent, { type: 'request-sent' }> => e.type === 'request-sent' && e.step === 'getAudience');
  expect(sent.map((e) => new URL(e.request.url).search)).toEqual(['', '?cursor=c2']);
  expect(new Set(sent.map((e) => e.id)).size).toBe(2);
  expect(summary.requests.planned.getAudience).toBe(2);
});

it('page numbers: ?page=2 after the first page, until a match or an empty list', async () => {
  server = await startCaptureServer(pages);
  const summary = await run(config(cfgInput(server.url, { pageParam: 'page', itemsPath: 'lists' })), [{ id: 'u1' }]);
  expect(summary.status).toBe('succeeded');
  expect(server.requests.map((r) => r.url)).toEqual(['/lists', '/lists?page=2', '/members/a3']);
});

it('page numbers: an audience on no page ends at the empty page as "not found", naming the pages read', async () => {
  server = await startCaptureServer(pages);
  const input = cfgInput(server.url, { pageParam: 'page', itemsPath: 'lists' });
  (input.audience as { name: string }).name = 'Nobody';
  const summary = await run(config(input), [{ id: 'u1' }]);
  expect(summary.status).toBe('aborted');
  expect(summary.error).toBe('audience "Nobody" not found by get audience (3 pages read), and create audience is not enabled');
  expect(server.requests.map((r) => r.url)).toEqual(['/lists', '/lists?page=2', '/lists?page=3']);
});

it('a cursor handed back twice is a loop: stopped with a clear error, not read forever', async () => {
  server = await startCaptureServer((req) => (req.url.startsWith('/lists') ? { body: { lists: [], next_cursor: 'same' } } : {}));
  const summary = await run(config(cfgInput(server.url, { cursorParam: 'cursor', cursorPath: 'next_cursor' })), [{ id: 'u1' }]);
  expect(summary.status).toBe('aborted');
  expect(summary.error).toMatch(/^get audience pagination loops: page 2 points to http:\/\/127\.0\.0\.1:\d+\/lists\?cursor=same, already read as page 2; stopped$/);
  expect(server.requests).toHaveLength(2);
});

it('the page cap: reached without a match is an error naming the pages read (never a create)', async () => {
  let n = 0;
  server = await startCaptureServer((req) => (req.url.startsWith('/lists') ? { body: { lists: [{ name: 'x' }], next_cursor: `c${++n}` } } : {}));
  const input = cfgInput(server.url, { cursorParam: 'cursor', cursorPath: 'next_cursor', maxPages: 3 });
  const summary = await run(config(input), [{ id: 'u1' }]);
  expect(summary.status).toBe('aborted');
  expect(summary.error).toContain('audience "VIP" not found in the 3 pages get audience read (pagination.maxPages 3; pages: ');
  expect(summary.error).toContain('/lists?cursor=c2');
  expect(summary.error).toContain('neither created nor taken as missing');
  expect(server.requests).toHaveLength(3);
});

it('a next-page link to another origin is not followed: the request carries credentials', async () => {
  server = await startCaptureServer((req) => (req.url.startsWith('/lists') ? { body: { lists: [], links: { next: 'http://127.0.0.2:9/lists?page=2' } } } : {}));
  const summary = await run(config(cfgInput(server.url, { nextUrlPath: 'links.next' })), [{ id: 'u1' }]);
  expect(summary.status).toBe('aborted');
  expect(summary.error).toContain("is not on the get audience URL's origin");
  expect(summary.error).toContain("because the request carries the destination's credentials");
  expect(server.requests).toHaveLength(1);
});

it("the studio's Resolve now (lookUpAudience) reads pages too", async () => {
  server = await startCaptureServer(pages);
  const loaded = loadConfig(cfgInput(server.url, { nextUrlPath: 'links.next' }), {});
  if (!loaded.ok) throw new Error('config refused');
  const found = await lookUpAudience(loaded);
  expect(found.status).toBe('found');
  expect(found.status === 'found' && found.value).toEqual({ id: 'a3', name: 'VIP' });
});

it('the config refuses two styles at once and a cursor without its path, naming the field', () => {
  expect(() => config(cfgInput('http://h', { nextUrlPath: 'a', pageParam: 'p', itemsPath: 'x' }))).toThrow(/set exactly one of nextUrlPath/);
  expect(() => config(cfgInput('http://h', { cursorParam: 'c' }))).toThrow(/pagination\.cursorPath: is required with cursorParam/);
  expect(() => config(cfgInput('http://h', { nextUrlPath: 'links.next', maxPage: 3 }))).toThrow(/did you mean "maxPages"/);
});

it('a signed destination signs each page for its own path: a verifier of method and path accepts page 2', async () => {
  const { createHmac } = await import('node:crypto');
  const secret = 'page-signing-secret';
  const sig = (r: Captured): string => createHmac('sha256', secret).update(`${r.method} ${r.url}`).digest('hex');
  server = await startCaptureServer((req) => (req.headers['x-signature'] === sig(req) ? pages(req) : { status: 401, body: { error: 'bad signature' } }));
  const input = cfgInput(server.url, { nextUrlPath: 'links.next' });
  (input.destination as Record<string, unknown>).signing = { secret, payload: '{method} {path}' };
  const summary = await run(config(input), [{ id: 'u1' }]);
  expect(server.requests.map((r) => r.url)).toEqual(['/lists', '/lists?page=2', '/members/a3']);
  expect(summary.status).toBe('succeeded');
});
