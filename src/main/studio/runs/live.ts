// Aggregates a run's events into a small snapshot for the studio: counts by status class
// and outcome, retries and Retry-After pauses, and one point per second of throughput and
// latency. The renderer polls the snapshot; no event ever travels to it one by one.
import type { RunProgress, RunSeriesPoint, RunState } from '../../../shared/api.js';
import type { RunStatus } from '../../../shared/status.js';
import type { RunEvent } from '../../engine/types.js';
import { timeLeftMs } from '../../app/time-estimate.js';
import { describeWait, type WaitingEvent } from '../../engine/waits.js';
import { CANCEL_REASON } from './cancelled.js';

/** Points kept for the chart: the last ten minutes at one a second. */
const MAX_POINTS = 600;
/** Seconds the rate (and so the time left) is averaged over. */
const RATE_WINDOW = 5;

interface Bucket {
  records: number;
  requests: number;
  latencies: number[];
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i]! * 10) / 10;
}

export class LiveRun {
  readonly runId: string;
  readonly startedAt: number;
  total: number | null = null;
  /** Requests the whole run plans (counted alongside a paced run, launch.ts); null until known. */
  plannedRequests: number | null = null;
  paused = false;
  private finished: { status: RunStatus; at: number; error?: string } | null = null;
  private succeeded = 0;
  private failed = 0;
  private skipped = 0;
  private sent = 0;
  private retried = 0;
  private readonly byStatus: Record<string, number> = {};
  private retryAfterCount = 0;
  private retryAfterMs = 0;
  /** Requests whose latest answer carried Retry-After (until their retry is scheduled). */
  private readonly retryAfterPending = new Set<string>();
  /** The longest wait under way (a Retry-After, backoff or pacing), until it is over. */
  private waiting: WaitingEvent | null = null;
  private readonly series: RunSeriesPoint[] = [];
  private bucket: Bucket = { records: 0, requests: 0, latencies: [] };
  private bucketSecond = 0;
  private readonly now: () => number;
  /** Requests sent in this session (the engine's count covers earlier sessions too). */
  private sessionSent = 0;
  /** First attempts sent in this session: what the plan's requests are counted down by. */
  private firstSent = 0;
  private readonly requestsPerHour: number | undefined;
  private readonly recordsPerRequest: number;

  constructor(
    runId: string,
    opts: { now?: () => number; total?: number | null; requestsPerHour?: number | undefined; recordsPerRequest?: number } = {},
  ) {
    this.runId = runId;
    this.now = opts.now ?? Date.now;
    this.startedAt = this.now();
    this.total = opts.total ?? null;
    this.requestsPerHour = opts.requestsPerHour;
    this.recordsPerRequest = opts.recordsPerRequest ?? 1;
  }

  get state(): RunState {
    return this.finished ? 'finished' : this.paused ? 'paused' : 'running';
  }

  onEvent(e: RunEvent): void {
    this.roll();
    switch (e.type) {
      case 'request-sent':
        this.bucket.requests++;
        this.sessionSent++;
        if (e.attempt === 1) this.firstSent++;
        break;
      case 'request-answered': {
        const r = e.result;
        const cls = r.ok ? `${Math.floor(r.status / 100)}xx` : 'error';
        this.byStatus[cls] = (this.byStatus[cls] ?? 0) + 1;
        this.bucket.latencies.push(r.timings.total);
        if (r.ok && r.headers['retry-after'] !== undefined) this.retryAfterPending.add(e.id);
        else this.retryAfterPending.delete(e.id);
        break;
      }
      case 'request-retry':
        if (this.retryAfterPending.delete(e.id)) {
          this.retryAfterCount++;
          this.retryAfterMs += e.delayMs;
        }
        break;
      case 'waiting':
        if (!this.waiting || e.until >= this.waiting.until || this.waiting.until <= this.now()) this.waiting = e;
        break;
      case 'records-settled':
        this.bucket.records += e.outcomes.length;
        break;
      case 'record-failed':
        this.bucket.records++;
        break;
      case 'progress':
        this.succeeded = e.records.succeeded;
        this.failed = e.records.failed;
        this.skipped = e.records.skipped ?? this.skipped;
        this.sent = e.requests.sent;
        this.retried = e.requests.retried;
        break;
      case 'run-finished':
        this.succeeded = e.records.succeeded;
        this.failed = e.records.failed;
        this.skipped = e.records.skipped ?? this.skipped;
        this.sent = e.requests.sent;
        this.retried = e.requests.retried;
        this.finish(e.status, e.error);
        break;
      default:
        break;
    }
  }

  finish(status: RunStatus, error?: string): void {
    if (this.finished) return;
    this.roll();
    this.closeBucket();
    this.finished = { status, at: this.now(), ...(error ? { error } : {}) };
    this.retryAfterPending.clear();
    this.waiting = null;
  }

  /** The run stopped because the user cancelled it, whatever the engine's message said. */
  markCancelled(): void {
    if (this.finished?.status === 'aborted') this.finished = { ...this.finished, error: CANCEL_REASON };
  }

  /** Closes every whole second that passed since the current bucket opened. */
  private roll(): void {
    if (this.finished) return;
    const second = Math.floor((this.now() - this.startedAt) / 1000);
    while (this.bucketSecond < second) {
      this.closeBucket();
      this.bucketSecond++;
    }
  }

  private closeBucket(): void {
    const sorted = this.bucket.latencies.sort((a, b) => a - b);
    this.series.push({
      t: this.bucketSecond,
      recordsPerSec: this.bucket.records,
      requestsPerSec: this.bucket.requests,
      p50Ms: percentile(sorted, 50),
      p95Ms: percentile(sorted, 95),
    });
    if (this.series.length > MAX_POINTS) this.series.splice(0, this.series.length - MAX_POINTS);
    this.bucket = { records: 0, requests: 0, latencies: [] };
  }

  snapshot(): RunProgress {
    this.roll();
    // The engine's counts cover the whole run: a resume counts earlier sessions' records too.
    const succeeded = this.succeeded;
    const failed = this.failed;
    const skipped = this.skipped;
    const done = Math.max(succeeded + failed + skipped, 0);
    const recent = this.series.slice(-RATE_WINDOW);
    const elapsedMs = (this.finished?.at ?? this.now()) - this.startedAt;
    const rate = recent.length > 0 ? recent.reduce((n, p) => n + p.recordsPerSec, 0) / recent.length : elapsedMs > 0 ? (this.succeeded + this.failed) / (elapsedMs / 1000) : 0;
    const total = this.finished ? Math.max(this.total ?? 0, done) : this.total;
    const left = total === null ? null : Math.max(0, total - done);
    const waitText = this.waiting ? describeWait(this.waiting, this.now()) : undefined;
    if (!waitText) this.waiting = null;
    return {
      runId: this.runId,
      state: this.state,
      status: this.finished?.status ?? 'running',
      startedAt: this.startedAt,
      elapsedMs,
      records: { total, done, succeeded, failed, skipped },
      rate: Math.round(rate * 10) / 10,
      // A stopped run has no time left to tell (it is not done either).
      etaMs: this.finished
        ? this.finished.status === 'aborted'
          ? null
          : 0
        : timeLeftMs({
            recordsLeft: left,
            recordsPerSec: rate,
            requestsSent: this.sessionSent,
            elapsedMs,
            requestsPerHour: this.requestsPerHour,
            recordsPerRequest: this.recordsPerRequest,
            ...(this.plannedRequests !== null ? { requestsLeft: Math.max(0, this.plannedRequests - this.firstSent) } : {}),
          }),
      byStatus: { ...this.byStatus },
      requests: { sent: this.sent, retried: this.retried },
      retryAfter: { count: this.retryAfterCount, totalMs: Math.round(this.retryAfterMs) },
      ...(waitText && this.waiting ? { waiting: { text: waitText, until: this.waiting.until } } : {}),
      series: this.series.slice(),
      ...(this.finished?.error ? { error: this.finished.error } : {}),
      ...(this.finished?.status === 'aborted' && this.finished.error === CANCEL_REASON ? { cancelled: true } : {}),
    };
  }
}
