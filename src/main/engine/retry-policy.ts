// Which answers are retried and for how long, per step (config `retry`, DESIGN "Retries"): a
// step's policy overrides the destination's field by field; unset fields keep the rules that
// held before policies existed (429 and 500–504, destination.maxAttempts, Retry-After capped
// at 10 minutes, no limit on the total time).
import { statusRange, type Destination, type RetryPolicyConfig, type StepName } from '../../shared/config.js';
import { MAX_RETRY_AFTER_MS } from './retry.js';
import type { HttpResult } from './types.js';

export const DEFAULT_RETRY_STATUSES: ReadonlyArray<number | string> = [429, '500-504'];

export interface RetryPolicy {
  /** destination.retryOnErrors: false sends every request once, whatever the policy says. */
  enabled: boolean;
  /** The statuses as written (for messages) and as inclusive ranges. */
  statuses: ReadonlyArray<number | string>;
  ranges: ReadonlyArray<readonly [number, number]>;
  /** Infinity: until the request succeeds or the run is stopped. */
  maxAttempts: number;
  maxElapsedMs?: number;
  retryAfterCapMs: number;
}

/** The policy a step's requests are sent under. */
export function retryPolicyFor(d: Destination, step: StepName): RetryPolicy {
  const base: RetryPolicyConfig = d.retry ?? {};
  const own: RetryPolicyConfig = d[step].retry ?? {};
  const pick = <K extends keyof RetryPolicyConfig>(k: K): RetryPolicyConfig[K] => (own[k] !== undefined ? own[k] : base[k]);
  const statuses = pick('statuses') ?? DEFAULT_RETRY_STATUSES;
  const attempts = pick('maxAttempts') ?? d.maxAttempts;
  const elapsed = pick('maxElapsedMs');
  return {
    enabled: d.retryOnErrors,
    statuses,
    ranges: statuses.map(statusRange),
    maxAttempts: attempts === 'until-stopped' ? Infinity : attempts,
    ...(elapsed !== undefined ? { maxElapsedMs: elapsed } : {}),
    retryAfterCapMs: pick('retryAfterCapMs') ?? MAX_RETRY_AFTER_MS,
  };
}

/** True when the policy retries this result: a listed status, a connection failure or a timeout. */
export function retriesResult(policy: RetryPolicy, result: HttpResult): boolean {
  if (!result.ok) return result.kind === 'network' || result.kind === 'timeout';
  const s = result.status;
  for (const [lo, hi] of policy.ranges) if (s >= lo && s <= hi) return true;
  return false;
}
