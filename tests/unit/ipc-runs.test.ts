// The run methods' argument schemas: well-formed calls reach the service, malformed ones are
// refused in main with a message that says which argument and what is wrong.
import { describe, expect, it } from 'vitest';
import { STUDIO_METHODS, type StudioApi } from '../../src/shared/api.js';
import { createDispatcher, IpcArgumentError } from '../../src/main/electron/ipc-dispatch.js';
import { METHOD_SCHEMAS } from '../../src/main/electron/ipc-schemas.js';
import { toCurl, shellQuote } from '../../src/main/app/curl.js';
import { LiveRun } from '../../src/main/studio/runs/live.js';
import { recordingService } from '../helpers/recording-service.js';

const config = { version: 1, destination: { name: 'x' }, audience: { name: 'A' } };

describe('run method schemas', () => {
  it('pass well-formed calls through', async () => {
    const { service, calls } = recordingService();
    const dispatch = createDispatcher(service, METHOD_SCHEMAS);
    await dispatch('dryRun', [{ config, input: { setId: 's1' } }]);
    await dispatch('startRun', [{ config, destinationId: 'd1', input: { path: '/tmp/p.ndjson' } }]);
    await dispatch('pauseRun', ['r1']);
    await dispatch('runRequests', [{ runId: 'r1', filter: { step: 'add', status: '4xx', key: 'k1', failedOnly: true }, offset: 100, limit: 100 }]);
    await dispatch('runRequests', [{ runId: 'r1', filter: { status: 'none' } }]);
    await dispatch('requestDetail', [{ runId: 'r1', id: 7 }]);
    await dispatch('copyAsCurl', [{ runId: 'r1', id: 7, reveal: true }]);
    await dispatch('replayRequest', [{ runId: 'r1', id: 7, mode: 'rerendered', config }]);
    await dispatch('exportRun', [{ runId: 'r1', format: 'har' }]);
    await dispatch('mockJournal', [{ since: 10, limit: 50 }]);
    await dispatch('listRuns', []);
    expect(calls).toHaveLength(11);
  });

  it.each([
    ['startRun', [{ config, input: { setId: 's1', path: '/x' } }], /argument 1/],
    ['startRun', [{ config, input: {} }], /argument 1/],
    ['startRun', [{ config, input: { path: '' } }], /argument 1/],
    ['dryRun', [{ config: 'nope', input: { setId: 's' } }], /argument 1/],
    ['pauseRun', [42], /expected string/],
    ['cancelRun', [''], /must not be empty/],
    ['runRequests', [{ runId: 'r1', filter: { status: 'teapot' } }], /HTTP status/],
    ['runRequests', [{ runId: 'r1', filter: { step: 'delete' } }], /expected one of/],
    ['runRequests', [{ runId: 'r1', limit: 1_000_000 }], /at most/],
    ['runRequests', [{ runId: 'r1', evil: true }], /unknown property "evil"/],
    ['requestDetail', [{ runId: 'r1', id: 1.5 }], /integer/],
    ['requestDetail', [{ runId: 'r1', id: 0 }], /1 or more/],
    ['copyAsCurl', [{ runId: 'r1', id: 3, reveal: 'yes' }], /expected boolean/],
    ['replayRequest', [{ runId: 'r1', id: 3, mode: 'replay' }], /expected one of/],
    ['exportRun', [{ runId: 'r1', format: 'zip' }], /expected one of/],
    ['mockJournal', [{ since: -1 }], /0 or more/],
    ['listRuns', ['extra'], /at most 0 arguments/],
  ])('%s refuses %j', async (method, args, message) => {
    const { service, calls } = recordingService();
    const dispatch = createDispatcher(service, METHOD_SCHEMAS);
    const call = dispatch(method, args);
    await expect(call).rejects.toThrow(IpcArgumentError);
    await expect(dispatch(method, args)).rejects.toThrow(message);
    expect(calls).toHaveLength(0);
  });
});

describe('copy as cURL', () => {
  it('quotes every word for the shell, body included', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    const curl = toCurl({ method: 'post', url: 'http://h/a?x=1&y=2', headers: { 'content-type': 'application/json', 'content-length': '9' }, body: `{"n":"O'Brien"}` });
    expect(curl).toContain(`-X POST`);
    expect(curl).toContain(`'http://h/a?x=1&y=2'`);
    expect(curl).toContain(`-H 'content-type: application/json'`);
    expect(curl).not.toContain('content-length');
    expect(curl).toContain(`--data-raw '{"n":"O'\\''Brien"}'`);
  });
});

describe('live run snapshot', () => {
  it('aggregates counts, Retry-After pauses and one point per second', () => {
    let now = 1_000_000;
    const live = new LiveRun('r', { now: () => now, total: 10 });
    const timings = { ttfb: 5, total: 10 };
    live.onEvent({ type: 'request-sent', id: 'q1', step: 'add', attempt: 1, request: { method: 'POST', url: 'u', headers: {} }, recordKeys: ['a'], at: now });
    live.onEvent({ type: 'request-answered', id: 'q1', step: 'add', attempt: 1, at: now, result: { ok: true, status: 429, headers: { 'retry-after': '1' }, body: '', bodyBytes: 0, truncated: false, timings } });
    live.onEvent({ type: 'request-retry', id: 'q1', step: 'add', attempt: 1, delayMs: 1000, reason: 'HTTP 429', at: now });
    now += 1500;
    live.onEvent({ type: 'request-answered', id: 'q1', step: 'add', attempt: 2, at: now, result: { ok: true, status: 200, headers: {}, body: '', bodyBytes: 0, truncated: false, timings: { ttfb: 20, total: 30 } } });
    live.onEvent({ type: 'records-settled', requestId: 'q1', outcomes: [{ seq: 0, key: 'a', action: 'add', ok: true }], at: now });
    live.onEvent({ type: 'progress', records: { total: 1, succeeded: 1, failed: 0 }, requests: { sent: 2, retried: 1 }, at: now });
    now += 1000;
    const s = live.snapshot();
    expect(s.byStatus).toEqual({ '4xx': 1, '2xx': 1 });
    expect(s.retryAfter).toEqual({ count: 1, totalMs: 1000 });
    expect(s.records).toEqual({ total: 10, done: 1, succeeded: 1, failed: 0, skipped: 0 });
    expect(s.series.map((p) => p.t)).toEqual([0, 1]);
    expect(s.series[0]).toMatchObject({ requestsPerSec: 1, p50Ms: 10 });
    expect(s.series[1]).toMatchObject({ recordsPerSec: 1, p95Ms: 30 });
    live.onEvent({ type: 'run-finished', status: 'succeeded', records: { total: 1, succeeded: 1, failed: 0 }, requests: { sent: 2, retried: 1 }, at: now });
    expect(live.snapshot()).toMatchObject({ state: 'finished', status: 'succeeded', etaMs: 0 });
  });
});
