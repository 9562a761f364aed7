// Writes a run's events to the store. Events are turned into rows here, on the export's
// thread, and handed to a writer thread (writer.ts) that commits them in order, one
// transaction for all that is queued, so logging costs an export little. Each commit holds
// the record outcomes together with the run's counters: that commit is the checkpoint a
// resume starts from. `run-finished` is written at once.
import type { RunCounts, RunEvent } from '../engine/types.js';
import type { Store } from './db.js';
import { StoreError, toStoreError } from './errors.js';
import { packInt32 } from './outcomes.js';
import { openWriter, type WriteOp } from './writer.js';

export interface RecorderOptions {
  /** Applied to request and response headers before they are stored (the engine redacts too). */
  redactHeaders?: (headers: Record<string, string>, where: 'request' | 'response') => Record<string, string>;
  /** Applied to request and response bodies before they are stored. */
  redactBody?: (body: string, where: 'request' | 'response') => string;
  /** The store's own cap on a stored response body, in bytes (default 1 MiB). */
  maxStoredBodyBytes?: number;
  /** Hand rows to the writer as soon as this many events are queued (default 1000). */
  maxBatch?: number;
  /**
   * How long events may wait before they go to the writer (default 0 = the next
   * setImmediate). A crash before their commit re-sends those records on resume (still at
   * least once).
   */
  flushIntervalMs?: number;
  /** Told when a background write fails (e.g. disk full); the host should stop the run. */
  onError?: (err: StoreError) => void;
}

export interface RunRecorder {
  onEvent(e: RunEvent): void;
  /** Commits everything queued now (waiting for the writer); throws a StoreError when the commit fails. */
  flush(): void;
  /** Flushes, stops the timer and the writer thread; throws like flush. */
  close(): void;
  /** The last write failure, if the latest write failed. */
  readonly error: StoreError | null;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

/** The recorder's statements, by their index in its SQL list. */
const Stmt = {
  UpsertRun: 0,
  UpsertSent: 1,
  UpsertAnswer: 2,
  UpsertAttempt: 3,
  MarkRetry: 4,
  UpsertFailure: 5,
  DeleteFailure: 6,
  InsertBatch: 7,
  WriteCounters: 8,
  FinishRun: 9,
} as const;

/** Cuts a string to at most `maxBytes` of UTF-8, never inside a character. */
function capUtf8(text: string, maxBytes: number): { text: string; cut: boolean } {
  if (text.length <= maxBytes / 3) return { text, cut: false }; // fast path: cannot exceed
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return { text, cut: false };
  let end = maxBytes;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--; // back off a continuation byte
  return { text: buf.subarray(0, end).toString('utf8'), cut: true };
}

export function createRunRecorder(store: Store, runId: string, opts: RecorderOptions = {}): RunRecorder {
  const maxBody = opts.maxStoredBodyBytes ?? DEFAULT_MAX_BODY;
  const maxBatch = Math.max(1, opts.maxBatch ?? 1000);
  const interval = opts.flushIntervalMs ?? 0;
  const redactHeaders = opts.redactHeaders ?? ((h) => h);
  const redactBody = opts.redactBody ?? ((b) => b);

  const UPSERT_RUN = `INSERT INTO runs (id, created_at, started_at, destination, audience, config, status)
     VALUES (?, ?, ?, ?, ?, '{}', 'running')
     ON CONFLICT(id) DO UPDATE SET
       started_at = coalesce(runs.started_at, excluded.started_at),
       destination = coalesce(nullif(runs.destination, ''), excluded.destination),
       audience = coalesce(nullif(runs.audience, ''), excluded.audience),
       status = 'running', finished_at = NULL, error = NULL`;
  const SENT_COLS = 'method, url, request_headers, request_body, record_keys, record_count, started_at';
  const ANSWER_COLS =
    'answered_at, status, response_headers, response_body, body_bytes, truncated, ttfb_ms, total_ms, error_kind, error_message, failed';
  const setAll = (cols: string) =>
    cols
      .split(', ')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ');
  const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
  const KEY_COLS = 'run, session, request_id, step, attempt';
  // Outcomes point at their request's latest attempt row (an integer) rather than repeat its
  // id string; the id is kept only when no such row exists. Looked up at commit time.
  const ATTEMPT_ROW = `WITH r(n) AS (SELECT (SELECT n FROM requests WHERE run = ? AND session = ? AND request_id = ? ORDER BY attempt DESC LIMIT 1))`;
  // The writer's statements, in `Stmt` order.
  const SQL = [
    UPSERT_RUN,
    `INSERT INTO requests (${KEY_COLS}, ${SENT_COLS}) VALUES (${marks(12)})
     ON CONFLICT(run, session, request_id, attempt) DO UPDATE SET step = excluded.step, ${setAll(SENT_COLS)}`,
    `INSERT INTO requests (${KEY_COLS}, ${ANSWER_COLS}) VALUES (${marks(16)})
     ON CONFLICT(run, session, request_id, attempt) DO UPDATE SET ${setAll(ANSWER_COLS)}`,
    // The engine emits an attempt's sent and answered events together: one row write for both.
    `INSERT INTO requests (${KEY_COLS}, ${SENT_COLS}, ${ANSWER_COLS}) VALUES (${marks(23)})
     ON CONFLICT(run, session, request_id, attempt) DO UPDATE SET step = excluded.step, ${setAll(SENT_COLS)}, ${setAll(ANSWER_COLS)}`,
    // The retry belongs to the latest attempt sent so far (whether the event numbers the
    // failed attempt or the next one).
    `UPDATE requests SET retry_delay_ms = ?, retry_reason = ?
     WHERE run = ? AND session = ? AND request_id = ? AND attempt =
       (SELECT max(attempt) FROM requests WHERE run = ? AND session = ? AND request_id = ? AND attempt <= ?)`,
    `${ATTEMPT_ROW}
     INSERT INTO record_failures (run, seq, key, action, reason, location, request_n, request_id, line, settled_at)
     SELECT ?, ?, ?, ?, ?, ?, r.n, CASE WHEN r.n IS NULL THEN ? END, ?, ? FROM r WHERE true
     ON CONFLICT(run, seq) DO UPDATE SET
       key = coalesce(excluded.key, key), action = coalesce(excluded.action, action),
       reason = excluded.reason, location = excluded.location,
       request_n = excluded.request_n, request_id = excluded.request_id,
       line = coalesce(excluded.line, line), settled_at = excluded.settled_at`,
    'DELETE FROM record_failures WHERE run = ? AND seq = ?',
    `${ATTEMPT_ROW}
     INSERT INTO settled_batches (run, request_n, request_id, min_seq, max_seq, seqs, keys, action, actions, line_offset, lines, settled_at)
     SELECT ?, r.n, CASE WHEN r.n IS NULL THEN ? END, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM r`,
    `UPDATE runs SET records_total = ?, records_succeeded = ?, records_failed = ?, requests_sent = ?, requests_retried = ?,
       batch_span = max(batch_span, ?)
     WHERE n = ?`,
    'UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE n = ?',
  ];
  // Record counts are the engine's (progress / run-finished): on resume it already counts
  // the records settled before. Request counts are the run's whole history: what the row
  // held when this session began plus the attempts and retries seen here (the engine counts
  // only the current session's).
  const existing = store.getRun(runId);
  const records: RunCounts = existing ? { ...existing.records } : { total: 0, succeeded: 0, failed: 0 };
  const requests = existing ? { ...existing.requests } : { sent: 0, retried: 0 };
  let countersDirty = false;
  // A resume or retry-failed of this run starts a new session of attempts.
  const existingKey = store.runKey(runId);
  const session =
    existingKey === undefined
      ? 1
      : (store.stmt('SELECT coalesce(max(session), 0) + 1 FROM requests WHERE run = ?').pluck().get(existingKey) as number);

  // Seqs with a failure row: a later success must delete it (failures are few, so this
  // costs a lookup per settled record rather than a DELETE). Kept as the rows will be once
  // everything handed to the writer is committed (a failed commit is retried, in order).
  const failedSeqs = existingKey === undefined ? new Set<number>() : new Set(store.stmt('SELECT seq FROM record_failures WHERE run = ?').pluck().all(existingKey) as number[]);
  // The keys each request of this session carried: a batch whose succeeded keys are exactly
  // those stores no keys of its own.
  const requestKeys = new Map<string, string[]>();
  let batchSpan = 0;

  const writer = openWriter(store, SQL, `recording run ${runId}`, () => recorder.close());
  let ops: WriteOp[] = [];
  let queued = 0;
  let timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  let lastError: StoreError | null = null;
  let closed = false;

  let run = existingKey;
  function runKey(at: number): number {
    if (run !== undefined) return run;
    // Events before run-started and without createRun: keep them rather than drop them. The
    // row is written here, at once, so every row the writer commits can point at it.
    try {
      store.stmt(UPSERT_RUN).run(runId, at, null, '', '');
      run = store.runKey(runId)!;
    } catch (err) {
      throw toStoreError(err, store.path, `recording run ${runId}`);
    }
    return run;
  }

  type Sent = Extract<RunEvent, { type: 'request-sent' }>;
  type Answered = Extract<RunEvent, { type: 'request-answered' }>;

  function sentValues(e: Sent): unknown[] {
    return [
      e.request.method,
      e.request.url,
      JSON.stringify(redactHeaders(e.request.headers, 'request')),
      e.request.body === undefined ? null : redactBody(e.request.body, 'request'),
      JSON.stringify(e.recordKeys),
      e.recordKeys.length,
      e.at,
    ];
  }

  function answerValues(e: Answered): unknown[] {
    const r = e.result;
    if (!r.ok) return [e.at, null, null, null, null, 0, r.timings.ttfb, r.timings.total, r.kind, r.message, 1];
    const capped = capUtf8(redactBody(r.body, 'response'), maxBody);
    return [
      e.at,
      r.status,
      JSON.stringify(redactHeaders(r.headers, 'response')),
      capped.text,
      r.bodyBytes,
      r.truncated || capped.cut ? 1 : 0,
      r.timings.ttfb,
      r.timings.total,
      null,
      null,
      r.status < 200 || r.status > 299 ? 1 : 0,
    ];
  }

  type Settled = Extract<RunEvent, { type: 'records-settled' }>;

  /** Failures get a row each; the succeeded records of the event become one batch row. */
  function settle(e: Settled): void {
    const run = runKey(e.at);
    const sentKeys = e.requestId === null ? undefined : requestKeys.get(e.requestId);
    if (e.requestId !== null) requestKeys.delete(e.requestId);
    const all = e.outcomes;
    let okCount = 0;
    for (let i = 0; i < all.length; i++) {
      const o = all[i]!;
      if (o.ok) {
        okCount++;
        continue;
      }
      ops.push([Stmt.UpsertFailure, run, session, e.requestId, run, o.seq, o.key, o.action, o.reason ?? 'failed', null, e.requestId, o.line ?? null, e.at]);
      failedSeqs.add(o.seq);
    }
    if (okCount === 0) return;

    const seqs = Buffer.allocUnsafe(okCount * 4);
    const first = all.find((o) => o.ok)!;
    let min = first.seq;
    let max = first.seq;
    let sameAction = true;
    const lineOffset = first.line === undefined ? undefined : first.line - first.seq;
    let sameOffset = lineOffset !== undefined;
    // Keys are stored only when they are not the request's own keys, in order (a request
    // sent in this session has its row, written before this one).
    let keysAreSent = sentKeys !== undefined && sentKeys.length === okCount;
    let j = 0;
    for (let i = 0; i < all.length; i++) {
      const o = all[i]!;
      if (!o.ok) continue;
      seqs.writeInt32LE(o.seq, j * 4);
      if (o.seq < min) min = o.seq;
      else if (o.seq > max) max = o.seq;
      if (o.action !== first.action) sameAction = false;
      if (sameOffset && (o.line === undefined || o.line - o.seq !== lineOffset)) sameOffset = false;
      if (keysAreSent && sentKeys![j] !== o.key) keysAreSent = false;
      if (failedSeqs.size > 0 && failedSeqs.delete(o.seq)) ops.push([Stmt.DeleteFailure, run, o.seq]);
      j++;
    }
    const oks = sameAction && keysAreSent && sameOffset ? null : all.filter((o) => o.ok);
    ops.push([
      Stmt.InsertBatch,
      run,
      session,
      e.requestId,
      run,
      e.requestId,
      min,
      max,
      seqs,
      keysAreSent ? null : JSON.stringify(oks!.map((o) => o.key)),
      sameAction ? first.action : null,
      sameAction ? null : oks!.map((o) => (o.action === 'remove' ? '-' : '+')).join(''),
      sameOffset ? lineOffset : null,
      sameOffset ? null : packInt32(oks!.map((o) => o.line ?? -1)),
      e.at,
    ]);
    if (max - min > batchSpan) {
      batchSpan = max - min;
      countersDirty = true;
    }
  }

  /** Turns one event into rows (a sent event directly followed by its answer is one row). */
  function rowsOf(e: RunEvent, next: RunEvent | undefined): boolean {
    switch (e.type) {
      case 'run-started': {
        runKey(e.at);
        ops.push([Stmt.UpsertRun, runId, e.at, e.at, e.config.destination, e.config.audience]);
        return false;
      }
      case 'request-sent': {
        if (e.recordKeys.length > 0) requestKeys.set(e.id, e.recordKeys);
        requests.sent++;
        countersDirty = true;
        if (next?.type === 'request-answered' && next.id === e.id && next.attempt === e.attempt) {
          ops.push([Stmt.UpsertAttempt, runKey(e.at), session, e.id, e.step, e.attempt, ...sentValues(e), ...answerValues(next)]);
          return true;
        }
        ops.push([Stmt.UpsertSent, runKey(e.at), session, e.id, e.step, e.attempt, ...sentValues(e)]);
        return false;
      }
      case 'request-answered': {
        ops.push([Stmt.UpsertAnswer, runKey(e.at), session, e.id, e.step, e.attempt, ...answerValues(e)]);
        return false;
      }
      case 'request-retry': {
        const run = runKey(e.at);
        ops.push([Stmt.MarkRetry, e.delayMs, e.reason, run, session, e.id, run, session, e.id, e.attempt]);
        requests.retried++;
        countersDirty = true;
        return false;
      }
      case 'records-settled': {
        settle(e);
        return false;
      }
      case 'record-failed': {
        const run = runKey(e.at);
        const f = e.failure;
        ops.push([Stmt.UpsertFailure, run, session, null, run, f.seq, f.key ?? null, null, f.reason, f.where, null, f.line, e.at]);
        failedSeqs.add(f.seq);
        return false;
      }
      case 'progress': {
        Object.assign(records, e.records);
        countersDirty = true;
        return false;
      }
      case 'run-finished': {
        Object.assign(records, e.records);
        countersDirty = true;
        ops.push([Stmt.FinishRun, e.status, e.at, e.error ?? null, runKey(e.at)]);
        return false;
      }
    }
  }

  let pendingEvents: RunEvent[] = [];

  /** Hands the queued events to the writer as rows, counters last (committed with them). */
  function handOver(): void {
    if (timer !== null) {
      if (interval > 0) clearTimeout(timer as NodeJS.Timeout);
      else clearImmediate(timer as NodeJS.Immediate);
      timer = null;
    }
    const events = pendingEvents;
    if (events.length === 0) return;
    pendingEvents = [];
    queued = 0;
    for (let i = 0; i < events.length; i++) if (rowsOf(events[i]!, events[i + 1])) i++;
    if (countersDirty) {
      ops.push([Stmt.WriteCounters, records.total, records.succeeded, records.failed, requests.sent, requests.retried, batchSpan, runKey(Date.now())]);
      countersDirty = false;
    }
    const batch = ops;
    ops = [];
    writer.write(batch);
  }

  function flush(): void {
    try {
      handOver();
    } catch (err) {
      lastError = toStoreError(err, store.path, `recording run ${runId}`);
      throw lastError;
    }
    lastError = writer.flush();
    if (lastError) throw lastError;
  }

  function backgroundHandOver(): void {
    timer = null;
    try {
      handOver();
    } catch (err) {
      lastError = toStoreError(err, store.path, `recording run ${runId}`);
      opts.onError?.(lastError);
      return;
    }
    const failed = writer.poll(); // an earlier commit that failed, reported by now
    if (failed) {
      lastError = failed;
      opts.onError?.(failed);
    }
  }

  function schedule(): void {
    if (timer !== null) return;
    timer = interval > 0 ? setTimeout(backgroundHandOver, interval) : setImmediate(backgroundHandOver);
  }

  const recorder: RunRecorder = {
    onEvent(e: RunEvent): void {
      pendingEvents.push(e);
      queued++;
      if (e.type === 'run-finished' || closed) {
        try {
          flush();
        } catch (err) {
          opts.onError?.(err as StoreError);
        }
      } else if (queued >= maxBatch) backgroundHandOver();
      else schedule();
    },
    flush,
    close(): void {
      if (closed) return;
      closed = true;
      try {
        flush();
      } finally {
        const err = writer.close();
        lastError ??= err;
      }
    },
    get error() {
      return lastError;
    },
  };
  return recorder;
}
