// How long a run takes, one rule for both places that say it: the dry run (the time the
// requests-per-hour limit implies for the planned requests) and a live run's "time left"
// (the same figure for the requests still to send when the limit binds, else the pace seen).

/** The time `requests` take at `requestsPerHour`: the pacer starts one every 3600/rph s. */
export function impliedMs(requests: number, requestsPerHour: number): number {
  return Math.round((Math.max(0, requests) / requestsPerHour) * 3_600_000);
}

/**
 * The limit binds when the run sends (on average since it started) at least this share of
 * the requests per hour it is allowed: it is then paced, and the pacer's schedule is the
 * exact figure; a few seconds of records/s is only that schedule seen through noise.
 */
export const BINDS_AT = 0.8;

export interface TimeLeftInput {
  /** Records not settled yet; null while the input's size is unknown. */
  recordsLeft: number | null;
  /** Records settled per second over the last few seconds. */
  recordsPerSec: number;
  /** Requests sent since the run (this session) started, and over how long. */
  requestsSent: number;
  elapsedMs: number;
  /** The destination's requests-per-hour limit, when it has one. */
  requestsPerHour?: number | undefined;
  /** Records one request carries: 1 individually, the batch size when batched. */
  recordsPerRequest: number;
  /**
   * Requests still to send when the plan is known (the planned requests, as the dry run
   * counts them, less the first attempts sent): exact where records/recordsPerRequest is
   * not (partial batches, the audience steps).
   */
  requestsLeft?: number | undefined;
}

/** The time a live run still needs, or null when nothing says yet. */
export function timeLeftMs(i: TimeLeftInput): number | null {
  if (i.recordsLeft === null) return null;
  if (i.recordsLeft === 0) return 0;
  const observed = i.recordsPerSec > 0 ? Math.round((i.recordsLeft / i.recordsPerSec) * 1000) : null;
  const rph = i.requestsPerHour;
  if (!rph || !(rph > 0)) return observed;
  const limited = impliedMs(i.requestsLeft ?? Math.ceil(i.recordsLeft / Math.max(1, i.recordsPerRequest)), rph);
  const sentPerHour = i.elapsedMs > 0 ? (i.requestsSent / i.elapsedMs) * 3_600_000 : Infinity;
  // Paced (or nothing measured yet): the limit says how long. Slower than the limit (a slow
  // endpoint, retries): what is seen, never less than the limit allows.
  if (sentPerHour >= BINDS_AT * rph || observed === null) return limited;
  return Math.max(limited, observed);
}
