import { describe, expect, it } from 'vitest';
import { createPacer, type PacerClock } from '../../src/main/engine/pacing.js';
import { MAX_TIMER_MS, MIN_REQUESTS_PER_HOUR, parseExportConfig } from '../../src/shared/config.js';

/** A clock that moves only when told; sleepers wake in time order. */
function fakeClock() {
  let t = 0;
  let timers: Array<{ at: number; resolve: () => void; reject: (e: unknown) => void }> = [];
  const clock: PacerClock = {
    now: () => t,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        const timer = { at: t + ms, resolve, reject };
        timers.push(timer);
        signal?.addEventListener('abort', () => {
          timers = timers.filter((x) => x !== timer);
          reject(new DOMException('aborted', 'AbortError'));
        });
      }),
  };
  const advanceTo = async (target: number) => {
    await new Promise((r) => setImmediate(r)); // let callers already let through record "now"
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const next = timers[0];
      if (!next || next.at > target) break;
      timers.shift();
      t = next.at;
      next.resolve();
      await new Promise((r) => setImmediate(r));
    }
    t = target;
    await new Promise((r) => setImmediate(r));
  };
  return { clock, advanceTo, now: () => t };
}

/** Starts n acquirers and records the clock time at which each is let through. */
function startMany(pacer: ReturnType<typeof createPacer>, now: () => number, n: number, starts: number[]) {
  return Array.from({ length: n }, () => pacer.acquire().then(() => void starts.push(now())));
}

describe('createPacer', () => {
  it('3600/h lets concurrent callers start exactly one second apart', async () => {
    const { clock, advanceTo, now } = fakeClock();
    const pacer = createPacer(3600, clock);
    const starts: number[] = [];
    const all = startMany(pacer, now, 5, starts);
    await advanceTo(10_000);
    await Promise.all(all);
    expect(starts).toEqual([0, 1000, 2000, 3000, 4000]);
  });

  it('does not let a burst through after an idle period', async () => {
    const { clock, advanceTo, now } = fakeClock();
    const pacer = createPacer(360, clock); // one every 10 s
    const starts: number[] = [];
    await Promise.all(startMany(pacer, now, 1, starts));
    await advanceTo(120_000); // idle for two minutes
    const all = startMany(pacer, now, 3, starts);
    await advanceTo(200_000);
    await Promise.all(all);
    expect(starts).toEqual([0, 120_000, 130_000, 140_000]);
  });

  it('a late start pushes the next one back (real starts stay an interval apart)', async () => {
    const { clock, advanceTo, now } = fakeClock();
    const lateClock: PacerClock = { now: clock.now, sleep: (ms, s) => clock.sleep(ms + 300, s) }; // a stalled timer
    const pacer = createPacer(3600, lateClock);
    const starts: number[] = [];
    const all = startMany(pacer, now, 3, starts);
    await advanceTo(10_000);
    await Promise.all(all);
    expect(starts).toEqual([0, 1300, 2600]);
  });

  it('a caller arriving mid-interval waits only for the rest of it', async () => {
    const { clock, advanceTo, now } = fakeClock();
    const pacer = createPacer(3600, clock);
    const starts: number[] = [];
    await Promise.all(startMany(pacer, now, 1, starts));
    await advanceTo(400);
    const p = startMany(pacer, now, 1, starts);
    await advanceTo(5000);
    await Promise.all(p);
    expect(starts).toEqual([0, 1000]);
  });

  it('an aborted waiter throws an AbortError and starts nothing; spacing holds', async () => {
    const { clock, advanceTo, now } = fakeClock();
    const pacer = createPacer(3600, clock);
    await pacer.acquire(); // t=0
    const ac = new AbortController();
    const aborted = pacer.acquire(ac.signal);
    const starts: number[] = [];
    const later = startMany(pacer, now, 2, starts);
    await advanceTo(300);
    ac.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    await advanceTo(5000);
    await Promise.all(later);
    // Still one interval after the last real start (0), never two at once.
    expect(starts).toEqual([1000, 2000]);
  });

  it('an already aborted signal is refused at once', async () => {
    const pacer = createPacer(3600, fakeClock().clock);
    const ac = new AbortController();
    ac.abort();
    await expect(pacer.acquire(ac.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('no requestsPerHour (or 0) means no pacing', async () => {
    const { clock } = fakeClock();
    for (const rph of [undefined, 0]) {
      const pacer = createPacer(rph, clock);
      // Resolves without any clock advance: 100 acquires in a row.
      await Promise.all(Array.from({ length: 100 }, () => pacer.acquire()));
      expect(pacer.intervalMs).toBe(0);
    }
  });
});

describe('waits longer than a timer can hold (issue 9)', () => {
  it('a slow rate sleeps in chunks no timer overflows, and keeps the full spacing', async () => {
    const { clock, advanceTo, now } = fakeClock();
    const asked: number[] = [];
    const sleep = clock.sleep;
    clock.sleep = (ms, signal) => {
      asked.push(ms);
      return sleep(ms, signal);
    };
    const pacer = createPacer(0.001, clock); // one request every 3.6e9 ms (41.7 days)
    const starts: number[] = [];
    const all = startMany(pacer, now, 2, starts);
    await advanceTo(3_600_000_000);
    await Promise.all(all);
    expect(starts).toEqual([0, 3_600_000_000]);
    expect(asked.length).toBeGreaterThan(1);
    for (const ms of asked) expect(ms).toBeLessThanOrEqual(MAX_TIMER_MS);
  });

  it('the schema refuses a rate whose spacing exceeds the timer limit, naming the smallest allowed', () => {
    const cfg = (requestsPerHour: number) => ({ version: 1, destination: { name: 'n', requestsPerHour, add: { url: 'http://x/' } }, audience: { name: 'a' } });
    const refused = parseExportConfig(cfg(1e-9));
    expect(refused.ok ? [] : refused.issues).toEqual([{ path: 'destination.requestsPerHour', message: expect.stringMatching(/^must be at least 0\.00168 \(one request every 24\.8 days\)/) }]);
    expect(parseExportConfig(cfg(MIN_REQUESTS_PER_HOUR)).ok).toBe(true);
    expect(3_600_000 / MIN_REQUESTS_PER_HOUR).toBeLessThanOrEqual(MAX_TIMER_MS);
    expect(parseExportConfig(cfg(0.0016)).ok).toBe(false);
  });
});
