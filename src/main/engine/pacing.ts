// requestsPerHour spaces request *starts* evenly across all steps (3600 ⇒ one a second).
// A strict next-slot scheduler: each acquire reserves max(now, nextSlot) and pushes nextSlot
// one interval on. Unlike a token bucket it never lets a burst through after an idle spell.
import { abortableSleep } from './retry.js';

export interface PacerClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface Pacer {
  /** Resolves when the caller may start its request; rejects with an AbortError on abort. */
  acquire(signal?: AbortSignal): Promise<void>;
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
  let nextSlot = -Infinity;

  return {
    intervalMs,
    acquire(signal?: AbortSignal): Promise<void> {
      if (signal?.aborted) return Promise.reject(abortError(signal));
      const now = clock.now();
      const slot = Math.max(now, nextSlot);
      nextSlot = slot + intervalMs;
      const wait = slot - now;
      // An aborted waiter's slot is simply left unused: giving it back could let two
      // later callers start closer together than the interval.
      if (wait <= 0) return resolved;
      return clock.sleep(Math.ceil(wait), signal);
    },
  };
}
