// Shared by the store tests: temp folders and a synthetic run's events.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { HttpResult, RunEvent } from '../../src/main/engine/types.js';

export function tempDir(): { dir: string; file(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'outbound-store-'));
  return { dir, file: (name) => path.join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Looks into a store's file through a connection of the test's own (the Store's is private). */
export function withRawDb<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);

export function okResult(status: number, body: string, extra: Partial<Extract<HttpResult, { ok: true }>> = {}): HttpResult {
  return {
    ok: true,
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': 'srv-1' },
    body,
    bodyBytes: Buffer.byteLength(body),
    truncated: false,
    timings: { ttfb: 40, total: 55 },
    ...extra,
  };
}

/**
 * A small run: request A (3 records) answers 503, is retried, then 200; seq 3 fails before
 * sending; request B (2 records) fails on the network twice and its records fail.
 */
export function syntheticRun(runId: string): RunEvent[] {
  const reqA = {
    method: 'POST',
    url: 'https://api.example.com/lists/aud_42/members?mode=add&x=1',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ••••' },
    body: '{"users":[{"id":"u0"},{"id":"u1"},{"id":"u2"}]}',
  };
  const reqB = { ...reqA, body: '{"users":[{"id":"u4"},{"id":"u5"}]}' };
  return [
    { type: 'run-started', runId, at: T0, config: { destination: 'Acme Audiences API', audience: 'High Value' } },
    { type: 'request-sent', id: `${runId}:1`, step: 'add', attempt: 1, request: reqA, recordKeys: ['u0', 'u1', 'u2'], at: T0 + 10 },
    { type: 'request-answered', id: `${runId}:1`, step: 'add', attempt: 1, result: okResult(503, '{"error":"busy"}'), at: T0 + 65 },
    { type: 'request-retry', id: `${runId}:1`, step: 'add', attempt: 1, delayMs: 1200, reason: 'HTTP 503', at: T0 + 66 },
    { type: 'request-sent', id: `${runId}:1`, step: 'add', attempt: 2, request: reqA, recordKeys: ['u0', 'u1', 'u2'], at: T0 + 1300 },
    { type: 'request-answered', id: `${runId}:1`, step: 'add', attempt: 2, result: okResult(200, '{"records":["u0","u1","u2"]}'), at: T0 + 1355 },
    {
      type: 'records-settled',
      requestId: `${runId}:1`,
      outcomes: [
        { seq: 0, key: 'u0', action: 'add', ok: true },
        { seq: 1, key: 'u1', action: 'add', ok: true },
        { seq: 2, key: 'u2', action: 'add', ok: true },
      ],
      at: T0 + 1356,
    },
    { type: 'record-failed', failure: { seq: 3, line: 4, key: 'u3', where: 'input.ndjson:4 field ltv', reason: 'ltv: "abc" is not a number' }, at: T0 + 1400 },
    { type: 'progress', records: { total: 4, succeeded: 3, failed: 1 }, requests: { sent: 2, retried: 1 }, at: T0 + 1401 },
    { type: 'request-sent', id: `${runId}:2`, step: 'add', attempt: 1, request: reqB, recordKeys: ['u4', 'u5'], at: T0 + 1500 },
    {
      type: 'request-answered',
      id: `${runId}:2`,
      step: 'add',
      attempt: 1,
      result: { ok: false, kind: 'network', message: 'connect ECONNREFUSED 127.0.0.1:9', timings: { ttfb: 3, total: 3 } },
      at: T0 + 1503,
    },
    { type: 'request-retry', id: `${runId}:2`, step: 'add', attempt: 1, delayMs: 800, reason: 'network', at: T0 + 1504 },
    { type: 'request-sent', id: `${runId}:2`, step: 'add', attempt: 2, request: reqB, recordKeys: ['u4', 'u5'], at: T0 + 2310 },
    {
      type: 'request-answered',
      id: `${runId}:2`,
      step: 'add',
      attempt: 2,
      result: { ok: false, kind: 'timeout', message: 'no response within 30000 ms', timings: { ttfb: 30000, total: 30000 } },
      at: T0 + 32310,
    },
    {
      type: 'records-settled',
      requestId: `${runId}:2`,
      outcomes: [
        { seq: 4, key: 'u4', action: 'add', ok: false, reason: 'timeout after 2 attempts' },
        { seq: 5, key: 'u5', action: 'add', ok: false, reason: 'timeout after 2 attempts' },
      ],
      at: T0 + 32311,
    },
    {
      type: 'run-finished',
      status: 'partial',
      records: { total: 6, succeeded: 3, failed: 3 },
      requests: { sent: 4, retried: 2 },
      at: T0 + 32400,
    },
  ];
}
