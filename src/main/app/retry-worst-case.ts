// The worst case the retry policy allows, per step, as the dry run states it (CLI and
// studio alike): how many attempts a request may take and how long it may then last.
import type { Destination, StepName } from '../../shared/config.js';
import { formatDuration } from '../../shared/format.js';
import { DEFAULT_RETRY_BASE_MS, DEFAULT_RETRY_MAX_MS } from '../engine/retry.js';
import { retryPolicyFor } from '../engine/retry-policy.js';

export interface RetryWorstCase {
  step: StepName;
  /** `until-stopped` when nothing but a stop (or maxElapsedMs) ends the retries. */
  attempts: number | 'until-stopped';
  /** Longest one request may take, timeouts and waits included; absent when unbounded. */
  worstMs?: number;
  text: string;
}

const STEPS: StepName[] = ['getAudience', 'createAudience', 'add', 'remove'];

/** One entry per enabled step. */
export function retryWorstCases(d: Destination): RetryWorstCase[] {
  return STEPS.filter((s) => d[s].enabled).map((s) => worstCase(d, s));
}

function worstCase(d: Destination, step: StepName): RetryWorstCase {
  const p = retryPolicyFor(d, step);
  const statuses = p.statuses.join(', ');
  if (!p.enabled) return { step, attempts: 1, worstMs: d.timeoutMs, text: `sent once (retryOnErrors is off); at most ${formatDuration(d.timeoutMs)}` };
  // A wait is the backoff step (doubling to its cap) or a Retry-After up to its cap, whichever is longer.
  const wait = (k: number) => Math.max(Math.min(DEFAULT_RETRY_MAX_MS, DEFAULT_RETRY_BASE_MS * 2 ** (k - 1)), p.retryAfterCapMs);
  const what = `retries ${statuses}, failed connections and timeouts`;
  const elapsed = p.maxElapsedMs;
  if (p.maxAttempts === Infinity) {
    if (elapsed === undefined) return { step, attempts: 'until-stopped', text: `${what} until the request succeeds or the run is stopped (no limit on time)` };
    const worstMs = elapsed + d.timeoutMs;
    return { step, attempts: 'until-stopped', worstMs, text: `${what} until it succeeds, the run is stopped or ${formatDuration(elapsed)} have passed (maxElapsedMs): at most ${formatDuration(worstMs)} a request` };
  }
  let waits = 0;
  for (let k = 1; k < p.maxAttempts; k++) waits += wait(k);
  const full = p.maxAttempts * d.timeoutMs + waits;
  const worstMs = elapsed === undefined ? full : Math.min(full, elapsed + d.timeoutMs);
  const longest = wait(p.maxAttempts - 1);
  const detail = p.maxAttempts === 1 ? `${formatDuration(d.timeoutMs)} timeout` : `${p.maxAttempts} × ${formatDuration(d.timeoutMs)} timeout + ${p.maxAttempts - 1} wait${p.maxAttempts === 2 ? '' : 's'} of up to ${formatDuration(longest)}`;
  const bound = elapsed !== undefined && worstMs < full ? `, bounded by maxElapsedMs ${formatDuration(elapsed)}` : '';
  return { step, attempts: p.maxAttempts, worstMs, text: `${what}: up to ${p.maxAttempts} attempt${p.maxAttempts === 1 ? '' : 's'} a request, at most ${formatDuration(worstMs)} (${detail}${bound})` };
}
