// HAR 1.2 export and the human log of a stored run.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/main/store/db.js';
import { runToHar, writeHar, type HarLog } from '../../src/main/store/har.js';
import { formatRunLog } from '../../src/cli/history/runlog.js';
import { createRunRecorder } from '../../src/main/store/recorder.js';
import { syntheticRun, T0, tempDir } from '../integration/store-helpers.js';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let runId: string;
beforeEach(() => {
  tmp = tempDir();
  store = openStore(tmp.file('outbound.db'));
  runId = store.createRun({ destination: 'Acme Audiences API', audience: 'High Value', config: {} });
  const rec = createRunRecorder(store, runId);
  for (const e of syntheticRun(runId)) rec.onEvent(e);
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

/** The fields HAR 1.2 requires, checked on every entry; returns the problems found. */
function harProblems(har: HarLog): string[] {
  const problems: string[] = [];
  const need = (cond: boolean, what: string) => {
    if (!cond) problems.push(what);
  };
  const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const isNameValues = (v: unknown) =>
    Array.isArray(v) && v.every((x) => typeof x === 'object' && x !== null && typeof x.name === 'string' && typeof x.value === 'string');
  need(har.log.version === '1.2', 'log.version');
  need(har.log.creator.name === 'Outbound' && typeof har.log.creator.version === 'string', 'log.creator');
  need(Array.isArray(har.log.entries), 'log.entries');
  har.log.entries.forEach((e, i) => {
    const at = `entries[${i}]`;
    need(typeof e.startedDateTime === 'string' && !Number.isNaN(Date.parse(e.startedDateTime)) && e.startedDateTime.endsWith('Z'), `${at}.startedDateTime`);
    need(isNum(e.time) && e.time >= 0, `${at}.time`);
    const q = e.request;
    need(typeof q.method === 'string' && q.method !== '', `${at}.request.method`);
    need(typeof q.url === 'string' && /^https?:\/\//.test(q.url), `${at}.request.url`);
    need(typeof q.httpVersion === 'string', `${at}.request.httpVersion`);
    need(Array.isArray(q.cookies), `${at}.request.cookies`);
    need(isNameValues(q.headers), `${at}.request.headers`);
    need(isNameValues(q.queryString), `${at}.request.queryString`);
    need(q.headersSize === -1 && isNum(q.bodySize), `${at}.request sizes`);
    if (q.postData) need(typeof q.postData.mimeType === 'string' && typeof q.postData.text === 'string', `${at}.request.postData`);
    const r = e.response;
    need(isNum(r.status), `${at}.response.status`);
    need(typeof r.statusText === 'string' && typeof r.httpVersion === 'string', `${at}.response.statusText/httpVersion`);
    need(Array.isArray(r.cookies) && isNameValues(r.headers), `${at}.response.cookies/headers`);
    need(isNum(r.content.size) && typeof r.content.mimeType === 'string', `${at}.response.content`);
    need(r.redirectURL === '' && r.headersSize === -1 && isNum(r.bodySize), `${at}.response redirectURL/sizes`);
    need(typeof e.cache === 'object' && e.cache !== null, `${at}.cache`);
    const t = e.timings;
    need([t.send, t.wait, t.receive].every((x) => isNum(x) && x >= 0), `${at}.timings`);
    need(Math.abs(t.send + t.wait + t.receive - e.time) < 1e-9, `${at}.time equals the sum of timings`);
  });
  return problems;
}

describe('runToHar', () => {
  it('gives a structurally valid HAR 1.2 log with an entry per attempt', () => {
    const har = runToHar(store, runId, { version: '9.9.9' });
    expect(harProblems(har)).toEqual([]);
    expect(har.log.creator).toEqual({ name: 'Outbound', version: '9.9.9' });
    expect(har.log.entries).toHaveLength(4);
    const [first, second, third] = har.log.entries;
    expect(first!.startedDateTime).toBe(new Date(T0 + 10).toISOString());
    expect(first!.response).toMatchObject({ status: 503, statusText: 'Service Unavailable' });
    expect(first!.request.queryString).toEqual([
      { name: 'mode', value: 'add' },
      { name: 'x', value: '1' },
    ]);
    expect(first!.request.postData).toEqual({ mimeType: 'application/json', text: '{"users":[{"id":"u0"},{"id":"u1"},{"id":"u2"}]}' });
    expect(first!.request.bodySize).toBe(Buffer.byteLength(first!.request.postData!.text));
    expect(first!.timings).toEqual({ send: 0, wait: 40, receive: 15 });
    expect(first!._retryDelayMs).toBe(1200);
    expect(second!.response.content).toMatchObject({ text: '{"records":["u0","u1","u2"]}', mimeType: 'application/json' });
    // A failed attempt with no response: status 0 and the error.
    expect(third!.response.status).toBe(0);
    expect(third!._error).toBe('connect ECONNREFUSED 127.0.0.1:9');
    expect(third!._errorKind).toBe('network');
    // What was stored redacted stays redacted.
    expect(first!.request.headers).toContainEqual({ name: 'authorization', value: 'Bearer ••••' });
  });

  it('marks a cut response body', () => {
    const rec = createRunRecorder(store, runId);
    rec.onEvent({ type: 'request-sent', id: 'big', step: 'add', attempt: 1, request: { method: 'POST', url: 'https://x.test/', headers: {} }, recordKeys: [], at: T0 });
    rec.onEvent({
      type: 'request-answered',
      id: 'big',
      step: 'add',
      attempt: 1,
      result: { ok: true, status: 200, headers: {}, body: 'abc', bodyBytes: 50_000_000, truncated: true, timings: { ttfb: 1, total: 2 } },
      at: T0 + 2,
    });
    rec.flush();
    const entry = runToHar(store, runId).log.entries.at(-1)!;
    expect(entry.response.content).toMatchObject({ size: 50_000_000, text: 'abc', comment: 'truncated: 3 of 50000000 bytes kept' });
    expect(entry._truncated).toBe(true);
    expect(entry.request.postData).toBeUndefined();
    expect(entry.request.bodySize).toBe(0);
  });

  it('writeHar streams the same log to a file', () => {
    const file = tmp.file('run.har');
    expect(writeHar(store, runId, file, { version: '9.9.9' })).toEqual({ entries: 4 });
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as HarLog;
    expect(parsed).toEqual(runToHar(store, runId, { version: '9.9.9' }));
    expect(harProblems(parsed)).toEqual([]);
  });

  it('writeHar of a run without requests is a valid empty log', () => {
    const empty = store.createRun({ destination: 'D', audience: 'A', config: {} });
    const file = tmp.file('empty.har');
    writeHar(store, empty, file);
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as HarLog;
    expect(parsed.log.entries).toEqual([]);
    expect(harProblems(parsed)).toEqual([]);
  });

  it('refuses an unknown run', () => {
    expect(() => runToHar(store, 'nope')).toThrowError(/unknown run "nope"/);
  });
});

describe('formatRunLog', () => {
  it('prints a line per attempt, then the failed records with their reasons', () => {
    const lines = formatRunLog(store, runId);
    expect(lines[0]).toMatch(/Acme Audiences API → High Value .*partial.*records 3\/6 succeeded, 3 failed.*requests 4 sent, 2 retried/);
    const requestLines = lines.filter((l) => l.includes('https://api.example.com'));
    expect(requestLines).toHaveLength(4);
    expect(requestLines[0]).toMatch(/add\s+POST\s+https:\/\/api\.example\.com\/lists\/aud_42\/members\?mode=add&x=1\s+503\s+attempt 1\s+55 ms\s+3 records\s+→ retry in 1\.2 s \(HTTP 503\)/);
    expect(requestLines[1]).toMatch(/\s200\s+attempt 2\s+55 ms/);
    expect(requestLines[2]).toMatch(/ERR network: connect ECONNREFUSED 127\.0\.0\.1:9\s+attempt 1/);
    const failures = lines.slice(lines.indexOf('record failures:') + 1);
    expect(failures).toEqual([
      '  input.ndjson:4 field ltv key u3: ltv: "abc" is not a number',
      `  record #5 key u4: timeout after 2 attempts (request ${runId}:2)`,
      `  record #6 key u5: timeout after 2 attempts (request ${runId}:2)`,
    ]);
  });

  it('with failedOnly shows only the failed attempts', () => {
    const lines = formatRunLog(store, runId, { failedOnly: true });
    expect(lines.filter((l) => l.includes('https://'))).toHaveLength(3);
    expect(lines.some((l) => /\s200\s/.test(l))).toBe(false);
  });
});
