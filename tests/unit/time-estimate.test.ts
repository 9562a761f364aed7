// The time-left rule (app/time-estimate.ts), shared by the dry run's estimate and a live
// run's "time left": under a binding requests-per-hour limit both say the pacer's figure.
import { describe, expect, it } from 'vitest';
import { impliedMs, timeLeftMs } from '../../src/main/app/time-estimate.js';
import { CANCEL_REASON } from '../../src/main/studio/runs/cancelled.js';
import { LiveRun } from '../../src/main/studio/runs/live.js';

describe('impliedMs (the dry run estimate)', () => {
  it('is the requests times the pacer interval', () => {
    // 113 requests at 1000/hour: one every 3.6 s.
    expect(impliedMs(113, 1000)).toBe(406_800);
    expect(impliedMs(3600, 3600)).toBe(3_600_000);
  });
});

describe('timeLeftMs', () => {
  const paced = { requestsPerHour: 1000, recordsPerRequest: 1 };

  it('uses the limit when it binds, whatever a few noisy seconds of records/s say', () => {
    // The finding: 100 records at 1000 requests/hour; 5 s of buckets saw one record, so
    // records/s said 0.05 and time left 33 min, while the dry run said 6 min 46 s.
    const left = timeLeftMs({ recordsLeft: 100, recordsPerSec: 0.05, requestsSent: 13, elapsedMs: 13 * 3600, ...paced });
    expect(left).toBe(impliedMs(100, 1000));
    expect(left).toBe(360_000);
  });

  it('agrees with the dry run at the start of a paced run', () => {
    const dry = impliedMs(100, 1000);
    const left = timeLeftMs({ recordsLeft: 100, recordsPerSec: 0, requestsSent: 1, elapsedMs: 5, ...paced })!;
    expect(Math.abs(left - dry)).toBeLessThanOrEqual(dry * 0.05);
  });

  it('counts requests, not records, when a request carries a batch', () => {
    expect(timeLeftMs({ recordsLeft: 1000, recordsPerSec: 0, requestsSent: 1, elapsedMs: 10, requestsPerHour: 360, recordsPerRequest: 100 })).toBe(impliedMs(10, 360));
  });

  it("counts down the plan's requests when the plan is known (partial batches, audience steps)", () => {
    // The dry run planned 7 requests for 40 records in batches of 10 (two actions, two audience steps).
    const dry = impliedMs(7, 1200);
    expect(timeLeftMs({ recordsLeft: 40, recordsPerSec: 0, requestsSent: 1, elapsedMs: 5, requestsPerHour: 1200, recordsPerRequest: 10, requestsLeft: 7 })).toBe(dry);
    expect(timeLeftMs({ recordsLeft: 40, recordsPerSec: 0, requestsSent: 3, elapsedMs: 6000, requestsPerHour: 1200, recordsPerRequest: 10, requestsLeft: 4 })).toBe(impliedMs(4, 1200));
  });

  it('uses the pace seen when the endpoint is slower than the limit, never less than the limit', () => {
    // Allowed 36,000/hour (10/s), sending 1/s: the limit does not bind.
    const slow = timeLeftMs({ recordsLeft: 50, recordsPerSec: 1, requestsSent: 10, elapsedMs: 10_000, requestsPerHour: 36_000, recordsPerRequest: 1 });
    expect(slow).toBe(50_000);
    // Fast records/s but the limit still allows only so much.
    const floor = timeLeftMs({ recordsLeft: 50, recordsPerSec: 100, requestsSent: 1, elapsedMs: 10_000, requestsPerHour: 36_000, recordsPerRequest: 1 });
    expect(floor).toBe(impliedMs(50, 36_000));
  });

  it('without a limit, the pace seen; nothing when nothing is known', () => {
    expect(timeLeftMs({ recordsLeft: 200, recordsPerSec: 100, requestsSent: 50, elapsedMs: 500, recordsPerRequest: 1 })).toBe(2000);
    expect(timeLeftMs({ recordsLeft: 200, recordsPerSec: 0, requestsSent: 0, elapsedMs: 0, recordsPerRequest: 1 })).toBeNull();
    expect(timeLeftMs({ recordsLeft: null, recordsPerSec: 5, requestsSent: 1, elapsedMs: 1, ...paced })).toBeNull();
    expect(timeLeftMs({ recordsLeft: 0, recordsPerSec: 0, requestsSent: 1, elapsedMs: 1, ...paced })).toBe(0);
  });
});

describe('LiveRun', () => {
  function clock() {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => void (t += ms) };
  }

  it("a paced run's time left is the limit's figure for the records left", () => {
    const c = clock();
    const live = new LiveRun('r1', { now: c.now, total: 100, requestsPerHour: 1000, recordsPerRequest: 1 });
    for (let i = 0; i < 5; i++) {
      live.onEvent({ type: 'request-sent', id: `add-${i}`, attempt: 1 } as never);
      live.onEvent({ type: 'progress', records: { total: 100, succeeded: i, failed: 0, skipped: 0 }, requests: { sent: i + 1, retried: 0 } } as never);
      c.advance(3600);
    }
    const p = live.snapshot();
    expect(p.etaMs).toBe(impliedMs(100 - 4, 1000));
  });

  it("a paced run with its plan counted: the dry run's figure less the first attempts sent", () => {
    const c = clock();
    const live = new LiveRun('r5', { now: c.now, total: 40, requestsPerHour: 1200, recordsPerRequest: 10 });
    live.plannedRequests = 7;
    live.onEvent({ type: 'request-sent', id: 'getAudience-0', attempt: 1 } as never);
    c.advance(3000);
    live.onEvent({ type: 'request-sent', id: 'add-0', attempt: 1 } as never);
    live.onEvent({ type: 'request-sent', id: 'add-0', attempt: 2 } as never);
    expect(live.snapshot().etaMs).toBe(impliedMs(5, 1200));
  });

  it('a cancelled run says cancelled and has no time left; a finished one is done', () => {
    const a = new LiveRun('r2', { total: 10 });
    a.finish('aborted', CANCEL_REASON);
    expect(a.snapshot()).toMatchObject({ status: 'aborted', cancelled: true, etaMs: null });
    const b = new LiveRun('r3', { total: 10 });
    b.finish('aborted', 'interrupted');
    expect(b.snapshot().cancelled).toBeUndefined();
    expect(b.snapshot().etaMs).toBeNull();
    const c = new LiveRun('r4', { total: 10 });
    c.finish('succeeded');
    expect(c.snapshot().etaMs).toBe(0);
  });
});
