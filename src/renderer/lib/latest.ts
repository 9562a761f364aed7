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

/** Trailing debounce; `flush` runs a pending call now (Ctrl/Cmd+Enter). */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: A | undefined;
  const call = (...args: A) => {
    pending = args;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      const a = pending!;
      pending = undefined;
      fn(...a);
    }, ms);
  };
  call.flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending) {
      const a = pending;
      pending = undefined;
      fn(...a);
    }
  };
  call.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    pending = undefined;
  };
  return call;
}
