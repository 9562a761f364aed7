// The `waiting` event and how the hosts word it.
import { describe, expect, it } from 'vitest';
import { createProgressReporter } from '../../src/cli/progress.js';
import { MAX_RETRY_AFTER_MS, parseRetryAfter, retryAfterAskedMs } from '../../src/main/engine/retry.js';
import type { HttpResult } from '../../src/main/engine/types.js';
import { describeWait, pacingWait, retryWait } from '../../src/main/engine/waits.js';
import { LiveRun } from '../../src/main/studio/runs/live.js';

const T = 1_700_000_000_000;
const answer = (status: number, headers: Record<string, string> = {}): HttpResult => ({ ok: true, status, headers, body: '', bodyBytes: 0, truncated: false, timings: { ttfb: 1, total: 1 } });

describe('retryWait', () => {
  it('a Retry-After answer is a retry-after wait', () => {
    const e = retryWait('run:12', 'add', 42_000, answer(429, { 'retry-after': '42' }), T);
    expect(e).toEqual({ type: 'waiting', id: 'run:12', step: 'add', reason: 'retry-after', cause: 'HTTP 429', delayMs: 42_000, until: T + 42_000, at: T });
    expect(describeWait(e, T)).toBe('waiting 42 s: Retry-After from HTTP 429 (add #12)');
    expect(describeWait(e, T + 41_500)).toBe('waiting 1 s: Retry-After from HTTP 429 (add #12)');
    expect(describeWait(e, T + 42_000)).toBeUndefined();
  });

  it('a Retry-After over the cap is shortened, and says what was asked', () => {
    const e = retryWait('run:3', 'remove', MAX_RETRY_AFTER_MS, answer(503, { 'retry-after': '86400' }), T);
    expect(e.askedMs).toBe(86_400_000);
    expect(describeWait(e, T)).toBe('waiting 10 min 00 s: Retry-After from HTTP 503 (remove #3; asked 24 h 00 min, capped at 10 min 00 s)');
    expect(parseRetryAfter('86400')).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterAskedMs('86400')).toBe(86_400_000);
  });

  it('without Retry-After, or after a network failure, it is a backoff wait', () => {
    expect(describeWait(retryWait('r:1', 'add', 2000, answer(500), T), T)).toBe('waiting 2 s: retry backoff after HTTP 500 (add #1)');
    const net: HttpResult = { ok: false, kind: 'network', message: 'reset', timings: { ttfb: 1, total: 1 } };
    expect(describeWait(retryWait('r:2', 'getAudience', 800, net, T), T)).toBe('waiting 1 s: retry backoff after a network failure (getAudience #2)');
  });

  it('a pacing wait', () => {
    expect(describeWait(pacingWait('r:7', 'add', 3000, T), T)).toBe('waiting 3 s: pacing to requestsPerHour (add #7)');
  });
});

describe('the progress line', () => {
  it('shows a retry wait at once in a log, and drops it once it is over', () => {
    let err = '';
    let now = T;
    const p = createProgressReporter({ stdout: () => undefined, stderr: (s) => (err += s), env: {}, isTTY: false }, 'run', () => now);
    p.onEvent(retryWait('r:5', 'add', 5000, answer(429, { 'retry-after': '5' }), T));
    expect(err).toBe('run: 0 records · 0/s · 0 failed · 0 requests · 0 retries · waiting 5 s: Retry-After from HTTP 429 (add #5)\n');
    now = T + 6000;
    p.onEvent({ type: 'run-finished', status: 'succeeded', records: { total: 1, succeeded: 1, failed: 0 }, requests: { sent: 2, retried: 1 }, at: now });
    expect(err.split('\n')[1]).toMatch(/^run: 1 records · [\d,]+\/s · 0 failed · 2 requests · 1 retries$/);
    p.done();
  });
});

describe('the studio run snapshot', () => {
  it('carries the wait under way, counting down, and drops it once over or finished', () => {
    let now = T;
    const live = new LiveRun('r', { now: () => now });
    expect(live.snapshot().waiting).toBeUndefined();
    live.onEvent(retryWait('r:4', 'add', 30_000, answer(429, { 'retry-after': '30' }), T));
    expect(live.snapshot().waiting).toEqual({ text: 'waiting 30 s: Retry-After from HTTP 429 (add #4)', until: T + 30_000 });
    now = T + 12_000;
    expect(live.snapshot().waiting?.text).toBe('waiting 18 s: Retry-After from HTTP 429 (add #4)');
    live.onEvent(pacingWait('r:5', 'add', 1000, now)); // shorter: the longer wait stays shown
    expect(live.snapshot().waiting?.text).toMatch(/Retry-After/);
    now = T + 30_000;
    expect(live.snapshot().waiting).toBeUndefined();
    live.onEvent(pacingWait('r:6', 'add', 2000, now));
    expect(live.snapshot().waiting?.text).toBe('waiting 2 s: pacing to requestsPerHour (add #6)');
    live.finish('succeeded');
    expect(live.snapshot().waiting).toBeUndefined();
  });
});
