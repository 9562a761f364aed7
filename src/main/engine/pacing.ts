// requestsPerHour spaces request *starts* evenly across all steps (3600 ⇒ one a second).
// A strict next-slot scheduler: callers queue, and each starts no earlier than one interval
// after the previous start. Unlike a token bucket it never lets a burst through after an
// idle spell, and it spaces real starts even when the event loop stalls.
import { MAX_TIMER_MS } from '../../shared/config.js';
import { abortableSleep } from './retry.js';

export interface PacerClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface Pacer {
  /**
   * Resolves when the caller may start its request; rejects with an AbortError on abort.
   * `onWait` is told the ms it is about to sleep, when it has to.
   */
  acquire(signal?: AbortSignal, onWait?: (ms: number) => void): Promise<void>;
  /** ms between starts; 0 when unpaced. */
  readonly intervalMs: number;
}

const realClock: PacerClock = {
  now: () => performance.now(),
  sleep: abortableSleep,
};

const resolved = Promise.resolve();

function abortError(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  return reason instanceof Error && reason.name === 'AbortError'
    ? reason
    : new DOMException('The operation was aborted', 'AbortError');
}

export function createPacer(requestsPerHour?: number, clock: PacerClock = realClock): Pacer {
  if (!requestsPerHour || !(requestsPerHour > 0) || !Number.isFinite(requestsPerHour)) {
    return {
      intervalMs: 0,
      acquire: (signal) => (signal?.aborted ? Promise.reject(abortError(signal)) : resolved),
    };
  }
  const intervalMs = 3_600_000 / requestsPerHour;
  let lastStart = -Infinity;
  let tail: Promise<void> = resolved;

  const takeTurn = async (signal?: AbortSignal, onWait?: (ms: number) => void): Promise<void> => {
    if (signal?.aborted) throw abortError(signal);
    // A wait longer than a timer can hold (setTimeout fires at once beyond 2^31-1 ms) is
    // slept in chunks, so a slow pace is kept and never collapses into a burst.
    let told = false;
    for (let wait = lastStart + intervalMs - clock.now(); wait > 0; wait = lastStart + intervalMs - clock.now()) {
      if (!told) {
        onWait?.(Math.ceil(wait));
        told = true;
      }
      await clock.sleep(Math.min(Math.ceil(wait), MAX_TIMER_MS), signal);
    }
    // Measured after the wait, not computed: if the process stalled and this start is
    // late, the next one still keeps a full interval from it.
    lastStart = clock.now();
  };

  return {
    intervalMs,
    acquire(signal?: AbortSignal, onWait?: (ms: number) => void): Promise<void> {
      if (signal?.aborted) return Promise.reject(abortError(signal));
      // Waiters queue in arrival order; each waits for the previous start plus one interval.
      // An aborted waiter starts nothing, so the next one keeps the spacing from the last
      // real start and no burst can follow.
      const turn = tail.then(() => takeTurn(signal, onWait));
      tail = turn.catch(() => undefined);
      return turn;
    },
  };
}
