// Retries (DESIGN "Retries"): with retryOnErrors, the statuses of the step's retry policy
// (default 429 and 500–504, retry-policy.ts), connection failures and timeouts are retried
// with increasing, jittered delays up to maxAttempts (or until stopped) and maxElapsedMs;
// Retry-After is honoured up to its cap; a 401 first refetches the OAuth token once.
import { setTimeout as sleepTimer } from 'node:timers/promises';
import type { HttpClient } from './http.js';
import type { HttpRequestSpec, HttpResult } from './types.js';

export const DEFAULT_RETRY_BASE_MS = 500;
export const DEFAULT_RETRY_MAX_MS = 60_000;
/**
 * A server's Retry-After is obeyed even when it exceeds maxMs, but never beyond this: a
 * misconfigured "Retry-After: 86400" should not park an export for a day.
 */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

export function isRetryable(result: HttpResult): boolean {
  if (result.ok) return result.status === 429 || (result.status >= 500 && result.status <= 504);
  return result.kind === 'network' || result.kind === 'timeout';
}

export interface RetryDelayOptions {
  baseMs?: number;
  maxMs?: number;
  /** [0, 1); injectable for tests. */
  random?: () => number;
  /** Wall clock in ms since the epoch, for HTTP-date Retry-After values. */
  now?: () => number;
  /** Longest Retry-After obeyed (config retry.retryAfterCapMs); default MAX_RETRY_AFTER_MS. */
  retryAfterCapMs?: number;
}

/**
 * The wait a Retry-After value asks for, in ms, uncapped: delta seconds (`120`) or an
 * HTTP-date. Undefined when absent or unreadable.
 */
export function retryAfterAskedMs(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * Parses a Retry-After value: delta seconds (`120`) or an HTTP-date. Returns ms to wait,
 * capped at MAX_RETRY_AFTER_MS, or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now(), capMs: number = MAX_RETRY_AFTER_MS): number | undefined {
  const asked = retryAfterAskedMs(value, now);
  return asked === undefined ? undefined : Math.min(asked, capMs);
}

/**
 * Delay before the next attempt, after `attempt` (1-based) failed. Retry-After wins when the
 * server sent one; otherwise exponential backoff with "equal jitter": half the step is fixed,
 * half random, so delays grow on average yet never collapse to ~0 for a whole fleet at once.
 */
export function retryDelayMs(attempt: number, result: HttpResult, opts: RetryDelayOptions = {}): number {
  if (result.ok) {
    const ra = parseRetryAfter(result.headers['retry-after'], opts.now ? opts.now() : Date.now(), opts.retryAfterCapMs);
    // A wait of 0 (Retry-After: 0, or a cap of 0) would retry in a tight loop, endless under
    // "until-stopped": the backoff below sets the pace instead.
    if (ra !== undefined && ra > 0) return ra;
  }
  const base = opts.baseMs ?? DEFAULT_RETRY_BASE_MS;
  const max = opts.maxMs ?? DEFAULT_RETRY_MAX_MS;
  const random = opts.random ?? Math.random;
  const step = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** A short reason for a retry or a failure: `HTTP 503`, `timeout: …`. */
export function describeResult(result: HttpResult): string {
  return result.ok ? `HTTP ${result.status}` : `${result.kind}: ${result.message}`;
}

/** Resolves after ms, or rejects with an AbortError as soon as the signal aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return sleepTimer(ms, undefined, signal ? { signal } : undefined);
}

export interface SendWithRetryOptions {
  /** Infinity: until it succeeds or `signal` stops it (retry.maxAttempts "until-stopped"). */
  maxAttempts: number;
  retryOnErrors: boolean;
  /** Which answers are retried (the step's retry policy); default isRetryable. */
  retryable?: (result: HttpResult) => boolean;
  /** No retry whose wait would end more than this long after the first attempt started. */
  maxElapsedMs?: number;
  /** Monotonic ms for maxElapsedMs; injectable for tests. */
  clock?: () => number;
  signal?: AbortSignal;
  onAttempt?(attempt: number, result: HttpResult): void;
  /** Before the wait for the next attempt; `result` is the answer being retried. */
  onRetry?(attempt: number, delayMs: number, reason: string, result: HttpResult): void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Runs before every send, e.g. the pacer's acquire. */
  before?: (signal?: AbortSignal) => Promise<void>;
  /** Adds credentials (the bearer token) to the request; runs before every send. */
  authorize?: (req: HttpRequestSpec) => Promise<HttpRequestSpec>;
  /** Called at most once, on a 401: refetch the token; true ⇒ send again. */
  onUnauthorized?: () => Promise<boolean>;
  /** Backoff tuning (tests inject `random`). */
  delay?: RetryDelayOptions;
}

export interface SendOutcome {
  result: HttpResult;
  /** Requests actually sent (a 401-refresh resend included). */
  attempts: number;
  /** Why retrying stopped while the answer was still retryable (maxElapsedMs), for the record's reason. */
  gaveUp?: string;
}

function abortedResult(req: HttpRequestSpec): HttpResult {
  return { ok: false, kind: 'abort', message: `request to ${req.url} aborted`, timings: { ttfb: 0, total: 0 } };
}

function isAbort(err: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || (err instanceof Error && err.name === 'AbortError');
}

/**
 * Sends `req` until it succeeds, fails for good or the attempts run out, and returns the
 * last result. Never throws for HTTP or network failures; an abort returns an `abort` result.
 * Errors thrown by `authorize`/`onUnauthorized`/`before` (e.g. a TokenError) propagate.
 *
 * The resend after a 401 token refresh does not count against maxAttempts, but it is a real
 * send, so it gets its own attempt number and is counted in `attempts`.
 */
export async function sendWithRetry(client: HttpClient, req: HttpRequestSpec, opts: SendWithRetryOptions): Promise<SendOutcome> {
  const { signal } = opts;
  const sleep = opts.sleep ?? abortableSleep;
  const maxAttempts = Math.max(1, opts.maxAttempts);
  const retryable = opts.retryable ?? isRetryable;
  const clock = opts.clock ?? (() => performance.now());
  const startedAt = clock();
  let sent = 0;
  let budgetUsed = 0;
  let refreshed = false;

  for (;;) {
    if (signal?.aborted) return { result: abortedResult(req), attempts: sent };
    let toSend = req;
    try {
      if (opts.before) await opts.before(signal);
      if (opts.authorize) toSend = await opts.authorize(req);
    } catch (err) {
      if (isAbort(err, signal)) return { result: abortedResult(req), attempts: sent };
      throw err;
    }

    sent++;
    budgetUsed++;
    const result = await client.execute(toSend, signal);
    opts.onAttempt?.(sent, result);

    if (result.ok && result.status === 401 && opts.onUnauthorized && !refreshed) {
      refreshed = true;
      if (await opts.onUnauthorized()) {
        budgetUsed--; // the resend with a fresh token is free
        continue;
      }
    }

    if (!opts.retryOnErrors || budgetUsed >= maxAttempts || !retryable(result)) {
      return { result, attempts: sent };
    }

    const delayMs = retryDelayMs(budgetUsed, result, opts.delay);
    if (opts.maxElapsedMs !== undefined) {
      const elapsed = clock() - startedAt;
      if (elapsed + delayMs > opts.maxElapsedMs) {
        const gaveUp = `retries stopped after ${sent} attempt${sent === 1 ? '' : 's'}: the next wait (${Math.round(delayMs)} ms) would pass retry.maxElapsedMs (${opts.maxElapsedMs} ms since the first attempt)`;
        return { result, attempts: sent, gaveUp };
      }
    }
    opts.onRetry?.(sent, delayMs, describeResult(result), result);
    try {
      await sleep(delayMs, signal);
    } catch (err) {
      if (isAbort(err, signal)) return { result: abortedResult(req), attempts: sent };
      throw err;
    }
  }
}
