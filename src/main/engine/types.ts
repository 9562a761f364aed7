// Contracts between the engine's parts. Plain data only: the same shapes travel to the
// store, the CLI and (serialised) the studio.
import type { StepName } from '../../shared/config.js';
import type { FinishedRunStatus } from '../../shared/status.js';

export type Action = 'add' | 'remove';

/** One item read from a source: a parsed value, or a row that could not be read. */
export type SourceItem =
  | { ok: true; line: number; value: unknown }
  | { ok: false; line: number; error: string };

/** A record after mapping, schema coercion and action resolution. */
export interface PreparedRecord {
  /** 0-based position in the input, counting every item (good or bad). */
  seq: number;
  line: number;
  key: string;
  action: Action;
  data: Record<string, unknown>;
}

export interface RecordFailure {
  seq: number;
  line: number;
  key?: string;
  /** Where: `file:line` plus the field when known. */
  where: string;
  reason: string;
}

export interface HttpRequestSpec {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface PlannedRequest extends HttpRequestSpec {
  step: StepName;
  /** Keys of the records the request carries (empty for audience steps). */
  recordKeys: string[];
  /** Render-time warnings, e.g. a value missing from a record rendered as null. */
  warnings?: string[];
  /** What the preview should tell about the request that is no warning (how it is signed). */
  notes?: string[];
}

export type HttpErrorKind = 'network' | 'timeout' | 'tls' | 'abort' | 'protocol';

export interface Timings {
  /** ms from start to response headers. */
  ttfb: number;
  /** ms from start to the end of the body. */
  total: number;
}

export type HttpResult =
  | {
      ok: true;
      status: number;
      headers: Record<string, string>;
      /** Body decoded as UTF-8 (invalid bytes replaced), capped at `maxBodyBytes`. */
      body: string;
      /** Bytes read: the whole body, or when `truncated`, what arrived before the client hung up. */
      bodyBytes: number;
      /** The answer was longer than the cap: the client stopped reading it (and closed that connection). */
      truncated: boolean;
      timings: Timings;
    }
  | { ok: false; kind: HttpErrorKind; message: string; timings: Timings };

/** How a run ended (shared/status.ts holds the whole vocabulary, `running` included). */
export type RunStatus = FinishedRunStatus;

export interface RunCounts {
  total: number;
  succeeded: number;
  failed: number;
  /** Not sent by design: no action, or the action's step is disabled (the engine always sets it). */
  skipped?: number;
  /**
   * Of `succeeded`, how many an answer acknowledged by count only, without naming which:
   * their records are stored as not delivered (re-sent by resume and retry-failed), so the
   * records `log --failed` lists are `failed + unconfirmed`.
   */
  unconfirmed?: number;
}

/** One record's outcome as the runner settles it. */
export interface RecordOutcome {
  seq: number;
  key: string;
  action: Action;
  ok: boolean;
  reason?: string;
  line?: number;
  /** Not ok because the answer did not say which records its count covered (see RunCounts.unconfirmed). */
  unconfirmed?: true;
}

/** `audience`: a shard waits for the audience another shard creates (cause: who creates it). */
export type WaitReason = 'retry-after' | 'backoff' | 'pacing' | 'audience';

/** Everything the runner tells its host. One interface; the store and UIs listen. */
export type RunEvent =
  | { type: 'run-started'; runId: string; at: number; config: { destination: string; audience: string } }
  | { type: 'request-sent'; id: string; step: StepName; attempt: number; request: HttpRequestSpec; recordKeys: string[]; at: number }
  | {
      type: 'request-answered';
      id: string;
      step: StepName;
      attempt: number;
      result: HttpResult;
      at: number;
    }
  | { type: 'request-retry'; id: string; step: StepName; attempt: number; delayMs: number; reason: string; at: number }
  /**
   * Request `id` waits before its next send: a server's Retry-After, the retry backoff, or
   * the requestsPerHour pacing (told only for waits of half a second or more). `until` is ms since
   * the epoch; `cause` is the answer that led to a retry wait (`HTTP 429`); `askedMs` is the
   * Retry-After the server asked for when it was over the cap and shortened, `capMs` that cap
   * when it is not the default 10 minutes (retry.retryAfterCapMs).
   */
  | { type: 'waiting'; id: string; step: StepName; reason: WaitReason; delayMs: number; until: number; cause?: string; askedMs?: number; capMs?: number; at: number }
  | {
      type: 'records-settled';
      requestId: string | null;
      outcomes: RecordOutcome[];
      at: number;
    }
  | { type: 'record-failed'; failure: RecordFailure; at: number }
  | { type: 'progress'; records: RunCounts; requests: { sent: number; retried: number }; at: number }
  | { type: 'run-finished'; status: RunStatus; records: RunCounts; requests: { sent: number; retried: number }; error?: string; at: number };
