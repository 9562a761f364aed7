import { describe, expect, it } from 'vitest';
import { isRetryable, MAX_RETRY_AFTER_MS, parseRetryAfter, retryDelayMs } from '../../src/main/engine/retry.js';
import type { HttpResult } from '../../src/main/engine/types.js';

const t = { ttfb: 1, total: 1 };
const status = (s: number, headers: Record<string, string> = {}): HttpResult => ({
  ok: true,
  status: s,
  headers,
  body: '',
  bodyBytes: 0,
  truncated: false,
  timings: t,
});
const failure = (kind: 'network' | 'timeout' | 'tls' | 'abort' | 'protocol'): HttpResult => ({ ok: false, kind, message: kind, timings: t });

describe('isRetryable', () => {
  it.each([429, 500, 501, 502, 503, 504])('retries HTTP %i', (s) => expect(isRetryable(status(s))).toBe(true));
  it.each([200, 201, 400, 401, 403, 404, 409, 422, 505])('does not retry HTTP %i', (s) => expect(isRetryable(status(s))).toBe(false));
  it('retries network failures and timeouts, not aborts, TLS or protocol errors', () => {
    expect(isRetryable(failure('network'))).toBe(true);
    expect(isRetryable(failure('timeout'))).toBe(true);
    expect(isRetryable(failure('abort'))).toBe(false);
    expect(isRetryable(failure('tls'))).toBe(false);
    expect(isRetryable(failure('protocol'))).toBe(false);
  });
});

describe('retryDelayMs', () => {
  it('grows exponentially with jitter inside [step/2, step]', () => {
    const lo = (a: number) => retryDelayMs(a, status(503), { baseMs: 100, random: () => 0 });
    const hi = (a: number) => retryDelayMs(a, status(503), { baseMs: 100, random: () => 0.999999 });
    expect([lo(1), lo(2), lo(3), lo(4)]).toEqual([50, 100, 200, 400]);
    expect([hi(1), hi(2), hi(3), hi(4)]).toEqual([100, 200, 400, 800]);
  });

  it('increases on average with the default random', () => {
    const mean = (a: number) => {
      let sum = 0;
      for (let i = 0; i < 500; i++) sum += retryDelayMs(a, failure('network'));
      return sum / 500;
    };
    expect(mean(2)).toBeGreaterThan(mean(1));
    expect(mean(4)).toBeGreaterThan(mean(2));
  });

  it('never exceeds maxMs', () => {
    expect(retryDelayMs(30, status(500), { baseMs: 500, maxMs: 60_000, random: () => 0.999999 })).toBeLessThanOrEqual(60_000);
  });

  it('honours Retry-After in delta seconds over the backoff', () => {
    expect(retryDelayMs(1, status(429, { 'retry-after': '7' }), { random: () => 0 })).toBe(7000);
  });

  it('honours Retry-After as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    const later = new Date(now + 12_000).toUTCString();
    expect(retryDelayMs(1, status(503, { 'retry-after': later }), { now: () => now })).toBe(12_000);
    // A date already past asks for no wait: the backoff sets the pace (never a tight loop).
    const past = new Date(now - 5000).toUTCString();
    expect(retryDelayMs(1, status(503, { 'retry-after': past }), { now: () => now, baseMs: 100, random: () => 0 })).toBe(50);
  });

  it('caps an absurd Retry-After at 10 minutes', () => {
    expect(retryDelayMs(1, status(429, { 'retry-after': '86400' }))).toBe(MAX_RETRY_AFTER_MS);
  });

  it('falls back to the backoff when Retry-After is unreadable', () => {
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(retryDelayMs(1, status(429, { 'retry-after': 'soon' }), { baseMs: 100, random: () => 0 })).toBe(50);
  });
});

describe('a Retry-After of 0 never makes a tight loop', () => {
  it('Retry-After: 0, and any Retry-After under a cap of 0, wait the backoff instead', () => {
    const opts = { baseMs: 100, random: () => 0 };
    expect([1, 2, 3].map((a) => retryDelayMs(a, status(429, { 'retry-after': '0' }), opts))).toEqual([50, 100, 200]);
    expect([1, 2, 3].map((a) => retryDelayMs(a, status(503, { 'retry-after': '120' }), { ...opts, retryAfterCapMs: 0 }))).toEqual([50, 100, 200]);
    expect(retryDelayMs(1, status(503, { 'retry-after': '120' }), { ...opts, retryAfterCapMs: 2000 })).toBe(2000);
  });
});
