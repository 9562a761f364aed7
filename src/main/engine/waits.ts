// Waits a run goes through without sending (a server's Retry-After, retry backoff, pacing),
// told as `waiting` events so a progress line can say why nothing moves, and described the
// same way by every host.
import { formatDuration } from '../../shared/format.js';
import { MAX_RETRY_AFTER_MS, retryAfterAskedMs } from './retry.js';
import type { HttpResult, RunEvent } from './types.js';
import type { StepName } from '../../shared/config.js';

export type WaitingEvent = Extract<RunEvent, { type: 'waiting' }>;

/** Pacing waits shorter than this are not told: at high rates every request waits a little. */
export const PACING_NOTICE_MS = 500;

/** The `waiting` event for the wait before a retry of `result`. */
export function retryWait(id: string, step: StepName, delayMs: number, result: HttpResult, at: number, capMs: number = MAX_RETRY_AFTER_MS): WaitingEvent {
  const base = { type: 'waiting' as const, id, step, delayMs, until: at + delayMs, at };
  if (!result.ok) return { ...base, reason: 'backoff', cause: `a ${result.kind} failure` };
  const cause = `HTTP ${result.status}`;
  const asked = retryAfterAskedMs(result.headers['retry-after'], at);
  if (asked === undefined) return { ...base, reason: 'backoff', cause };
  const capped = asked > capMs ? { askedMs: asked, ...(capMs !== MAX_RETRY_AFTER_MS ? { capMs } : {}) } : {};
  return { ...base, reason: 'retry-after', cause, ...capped };
}

/** The `waiting` event for a pacing wait. */
export function pacingWait(id: string, step: StepName, delayMs: number, at: number): WaitingEvent {
  return { type: 'waiting', id, step, reason: 'pacing', delayMs, until: at + delayMs, at };
}

/** Whole seconds under a minute (a countdown reads `42 s`), formatDuration beyond. */
function left(ms: number): string {
  return ms < 60_000 ? `${Math.ceil(ms / 1000)} s` : formatDuration(ms);
}

/** `Retry-After from HTTP 429 (add #12)`: why a request waits, without the time left. */
export function waitReason(e: WaitingEvent): string {
  const n = e.id.slice(e.id.lastIndexOf(':') + 1);
  const who = `${e.step} #${n}`;
  switch (e.reason) {
    case 'retry-after': {
      const capped = e.askedMs !== undefined ? `; asked ${formatDuration(e.askedMs)}, capped at ${formatDuration(e.capMs ?? MAX_RETRY_AFTER_MS)}` : '';
      return `Retry-After from ${e.cause ?? 'the server'} (${who}${capped})`;
    }
    case 'backoff':
      return `retry backoff after ${e.cause ?? 'a failure'} (${who})`;
    case 'pacing':
      return `pacing to requestsPerHour (${who})`;
    case 'audience':
      return `audience not found yet; ${e.cause ?? 'another process'} creates it, looking again (getAudience)`;
  }
}

/** `waiting 42 s: Retry-After from HTTP 429 (add #12)`, or undefined once the wait is over. */
export function describeWait(e: WaitingEvent, now: number = Date.now()): string | undefined {
  const ms = e.until - now;
  if (ms <= 0) return undefined;
  return `waiting ${left(ms)}: ${waitReason(e)}`;
}
