// "Latest request wins": each call gets a ticket; a response is applied only if no newer
// call started since. Keeps the preview honest while the user types faster than it answers.
export interface LatestOnly {
  /** Starts a call; resolves to `{ stale: true }` when a newer call superseded it. */
  run<T>(work: () => Promise<T>): Promise<{ stale: false; value: T } | { stale: true }>;
  /** Marks every pending call stale (e.g. the destination changed). */
  invalidate(): void;
}

export function latestOnly(): LatestOnly {
  let ticket = 0;
  return {
    async run(work) {
      const mine = ++ticket;
      const value = await work();
      return mine === ticket ? { stale: false, value } : { stale: true };
    },
    invalidate() {
      ticket++;
    },
  };
}

/** A coalesced task: at most one run in flight, and never a fixed pause before one. */
export interface Coalesced {
  /** Asks for a fresh run: starts now when idle, else once the running one returns. */
  request(): void;
  /** Drops the answer of the run in flight (e.g. the destination changed). */
  invalidate(): void;
  /** A run is in flight or asked for. */
  busy(): boolean;
}

/**
 * Coalescing instead of a debounce: the first edit starts a run at once; edits made while
 * it runs fold into one follow-up run, started as soon as it returns, that reads the state
 * as it is then (the latest edit wins). An answer whose input an edit has since superseded
 * is dropped, as is one started before `invalidate()`; `work` reads its own input when called.
 */
export function coalescing<T>(work: () => Promise<T>, on: { answer(value: T): void; failure(err: unknown): void }): Coalesced {
  let running = false;
  let dirty = false;
  let epoch = 0;
  const start = (): void => {
    running = true;
    dirty = false;
    const mine = epoch;
    let promise: Promise<T>;
    try {
      promise = work();
    } catch (err) {
      promise = Promise.reject(err);
    }
    promise
      .then(
        (value) => {
          if (mine === epoch && !dirty) on.answer(value);
        },
        (err: unknown) => {
          if (mine === epoch && !dirty) on.failure(err);
        },
      )
      .finally(() => {
        running = false;
        if (dirty) start();
      });
  };
  return {
    request() {
      if (running) dirty = true;
      else start();
    },
    invalidate() {
      epoch++;
    },
    busy: () => running || dirty,
  };
}
