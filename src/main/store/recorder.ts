// Writes a run's events to the store. Events are queued and written in batches, one
// transaction per batch, with prepared statements, so logging costs an export little.
// Each batch commits the record outcomes together with the run's counters: that commit is
// the checkpoint a resume starts from. `run-finished` is written at once.
import type { RunCounts, RunEvent } from '../engine/types.js';
import type { Store } from './db.js';
import { StoreError, toStoreError } from './errors.js';
import { acquireCheckpointer } from './checkpointer.js';
import { packInt32 } from './outcomes.js';

export interface RecorderOptions {
  /** Applied to request and response headers before they are stored (the engine redacts too). */
  redactHeaders?: (headers: Record<string, string>, where: 'request' | 'response') => Record<string, string>;
  /** Applied to request and response bodies before they are stored. */
  redactBody?: (body: string, where: 'request' | 'response') => string;
  /** The store's own cap on a stored response body, in bytes (default 1 MiB). */
  maxStoredBodyBytes?: number;
  /** Flush as soon as this many events are queued (default 1000). */
  maxBatch?: number;
  /**
   * How long events may wait before they are written (default 0 = the next setImmediate:
   * everything settled in one event-loop turn is one commit). A longer wait batches more,
   * but a crash in that window re-sends acknowledged records on resume (still at least once).
   */
  flushIntervalMs?: number;
  /** Told when a background write fails (e.g. disk full); the host should stop the run. */
  onError?: (err: StoreError) => void;
}

export interface RunRecorder {
  onEvent(e: RunEvent): void;
  /** Writes everything queued now; throws a StoreError when the write fails. */
  flush(): void;
  /** Flushes, stops the timer and hands WAL checkpoints back to SQLite. */
  close(): void;
  /** The last write failure, if the latest write failed. */
  readonly error: StoreError | null;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

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

  const upsertRun = store.stmt(
    `INSERT INTO runs (id, created_at, started_at, destination, audience, config, status)
     VALUES (?, ?, ?, ?, ?, '{}', 'running')
     ON CONFLICT(id) DO UPDATE SET
       started_at = coalesce(runs.started_at, excluded.started_at),
       destination = coalesce(nullif(runs.destination, ''), excluded.destination),
       audience = coalesce(nullif(runs.audience, ''), excluded.audience),
       status = 'running', finished_at = NULL, error = NULL`,
  );
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
  const upsertSent = store.stmt(
    `INSERT INTO requests (${KEY_COLS}, ${SENT_COLS}) VALUES (${marks(12)})
     ON CONFLICT(run, session, request_id, attempt) DO UPDATE SET step = excluded.step, ${setAll(SENT_COLS)}`,
  );
  const upsertAnswer = store.stmt(
    `INSERT INTO requests (${KEY_COLS}, ${ANSWER_COLS}) VALUES (${marks(16)})
     ON CONFLICT(run, session, request_id, attempt) DO UPDATE SET ${setAll(ANSWER_COLS)}`,
  );
  // The engine emits an attempt's sent and answered events together: one row write for both.
  const upsertAttempt = store.stmt(
    `INSERT INTO requests (${KEY_COLS}, ${SENT_COLS}, ${ANSWER_COLS}) VALUES (${marks(23)})
     ON CONFLICT(run, session, request_id, attempt) DO UPDATE SET step = excluded.step, ${setAll(SENT_COLS)}, ${setAll(ANSWER_COLS)}`,
  );
  // The retry belongs to the latest attempt sent so far (whether the event numbers the
  // failed attempt or the next one).
  const markRetry = store.stmt(
    `UPDATE requests SET retry_delay_ms = ?, retry_reason = ?
     WHERE run = ? AND session = ? AND request_id = ? AND attempt =
       (SELECT max(attempt) FROM requests WHERE run = ? AND session = ? AND request_id = ? AND attempt <= ?)`,
  );
  const upsertFailure = store.stmt(
    `INSERT INTO record_failures (run, seq, key, action, reason, location, request_n, request_id, line, settled_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(run, seq) DO UPDATE SET
       key = coalesce(excluded.key, key), action = coalesce(excluded.action, action),
       reason = excluded.reason, location = excluded.location,
       request_n = excluded.request_n, request_id = excluded.request_id,
       line = coalesce(excluded.line, line), settled_at = excluded.settled_at`,
  );
  const deleteFailure = store.stmt('DELETE FROM record_failures WHERE run = ? AND seq = ?');
  const insertBatch = store.stmt(
    `INSERT INTO settled_batches (run, request_n, request_id, min_seq, max_seq, seqs, keys, action, actions, line_offset, lines, settled_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // Outcomes point at their attempt's row (an integer) rather than repeat its id string.
  const attemptRow = store.stmt(
    'SELECT n FROM requests WHERE run = ? AND session = ? AND request_id = ? ORDER BY attempt DESC LIMIT 1',
  ).pluck();
  const writeCounters = store.stmt(
    `UPDATE runs SET records_total = ?, records_succeeded = ?, records_failed = ?, requests_sent = ?, requests_retried = ?,
       batch_span = max(batch_span, ?)
     WHERE n = ?`,
  );
  const finishRun = store.stmt('UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE n = ?');

  // Record counts are the engine's (progress / run-finished): on resume it already counts
  // the records settled before. Request counts are the run's whole history: what the row
  // held when this session began plus the attempts and retries seen here (the engine counts
  // only the current session's).
  const existing = store.getRun(runId);
  let records: RunCounts = existing ? { ...existing.records } : { total: 0, succeeded: 0, failed: 0 };
  let requests = existing ? { ...existing.requests } : { sent: 0, retried: 0 };
  let countersDirty = false;
  // A resume or retry-failed of this run starts a new session of attempts.
  const existingKey = store.runKey(runId);
  const session =
    existingKey === undefined
      ? 1
      : (store.stmt('SELECT coalesce(max(session), 0) + 1 FROM requests WHERE run = ?').pluck().get(existingKey) as number);

  // Seqs with a failure row: a later success must delete it (failures are few, so this
  // costs a lookup per settled record rather than a DELETE).
  let failedSeqs = loadFailedSeqs();
  // The keys each request of this session carried: a batch whose succeeded keys are exactly
  // those stores no keys of its own.
  const requestKeys = new Map<string, string[]>();
  let batchSpan = 0;

  function loadFailedSeqs(): Set<number> {
    const n = store.runKey(runId);
    if (n === undefined) return new Set();
    return new Set(store.stmt('SELECT seq FROM record_failures WHERE run = ?').pluck().all(n) as number[]);
  }

  // Checkpoints move to a worker while this run writes (see checkpointer.ts).
  const releaseCheckpointer = acquireCheckpointer(store);

  let queue: RunEvent[] = [];
  let timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  let lastError: StoreError | null = null;
  let closed = false;

  function runKey(at: number): number {
    const n = store.runKey(runId);
    if (n !== undefined) return n;
    // Events before run-started and without createRun: keep them rather than drop them.
    upsertRun.run(runId, at, null, '', '');
    return store.runKey(runId)!;
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
    const requestN = e.requestId === null ? null : ((attemptRow.get(run, session, e.requestId) as number | undefined) ?? null);
    const requestId = requestN === null ? e.requestId : null;
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
      upsertFailure.run(run, o.seq, o.key, o.action, o.reason ?? 'failed', null, requestN, requestId, o.line ?? null, e.at);
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
    // Keys are stored only when they are not the request's own keys, in order.
    let keysAreSent = requestN !== null && sentKeys !== undefined && sentKeys.length === okCount;
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
      if (failedSeqs.size > 0 && failedSeqs.delete(o.seq)) deleteFailure.run(run, o.seq);
      j++;
    }
    const oks = sameAction && keysAreSent && sameOffset ? null : all.filter((o) => o.ok);
    insertBatch.run(
      run,
      requestN,
      requestId,
      min,
      max,
      seqs,
      keysAreSent ? null : JSON.stringify(oks!.map((o) => o.key)),
      sameAction ? first.action : null,
      sameAction ? null : oks!.map((o) => (o.action === 'remove' ? '-' : '+')).join(''),
      sameOffset ? lineOffset : null,
      sameOffset ? null : packInt32(oks!.map((o) => o.line ?? -1)),
      e.at,
    );
    if (max - min > batchSpan) {
      batchSpan = max - min;
      countersDirty = true;
    }
  }

  function apply(e: RunEvent): void {
    switch (e.type) {
      case 'run-started': {
        upsertRun.run(runId, e.at, e.at, e.config.destination, e.config.audience);
        return;
      }
      case 'request-sent': {
        if (e.recordKeys.length > 0) requestKeys.set(e.id, e.recordKeys);
        upsertSent.run(runKey(e.at), session, e.id, e.step, e.attempt, ...sentValues(e));
        requests.sent++;
        countersDirty = true;
        return;
      }
      case 'request-answered': {
        upsertAnswer.run(runKey(e.at), session, e.id, e.step, e.attempt, ...answerValues(e));
        return;
      }
      case 'request-retry': {
        const run = runKey(e.at);
        markRetry.run(e.delayMs, e.reason, run, session, e.id, run, session, e.id, e.attempt);
        requests.retried++;
        countersDirty = true;
        return;
      }
      case 'records-settled': {
        settle(e);
        return;
      }
      case 'record-failed': {
        const run = runKey(e.at);
        const f = e.failure;
        upsertFailure.run(run, f.seq, f.key ?? null, null, f.reason, f.where, null, null, f.line, e.at);
        failedSeqs.add(f.seq);
        return;
      }
      case 'progress': {
        records = { ...e.records };
        countersDirty = true;
        return;
      }
      case 'run-finished': {
        const run = runKey(e.at);
        records = { ...e.records };
        countersDirty = true;
        finishRun.run(e.status, e.at, e.error ?? null, run);
        return;
      }
    }
  }

  const writeBatch = store.db.transaction((events: RunEvent[]) => {
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const next = events[i + 1];
      if (e.type === 'request-sent' && next?.type === 'request-answered' && next.id === e.id && next.attempt === e.attempt) {
        if (e.recordKeys.length > 0) requestKeys.set(e.id, e.recordKeys);
        upsertAttempt.run(runKey(e.at), session, e.id, e.step, e.attempt, ...sentValues(e), ...answerValues(next));
        requests.sent++;
        countersDirty = true;
        i++;
        continue;
      }
      apply(e);
    }
    if (countersDirty) {
      const run = runKey(Date.now());
      writeCounters.run(records.total, records.succeeded, records.failed, requests.sent, requests.retried, batchSpan, run);
    }
  });

  function flush(): void {
    if (timer !== null) {
      if (interval > 0) clearTimeout(timer as NodeJS.Timeout);
      else clearImmediate(timer as NodeJS.Immediate);
      timer = null;
    }
    if (queue.length === 0) return;
    const batch = queue;
    // Counters are recomputed from events, so a failed batch must not leave them advanced.
    const saved = { records: { ...records }, requests: { ...requests }, countersDirty, batchSpan };
    try {
      writeBatch(batch);
      queue = [];
      countersDirty = false;
      lastError = null;
    } catch (err) {
      records = saved.records;
      requests = saved.requests;
      countersDirty = saved.countersDirty;
      batchSpan = saved.batchSpan;
      store.forgetRunKey(runId); // a run row inserted by the rolled-back batch is gone
      try {
        failedSeqs = loadFailedSeqs(); // the rolled-back writes changed the set
      } catch {
        // the database is failing; the next flush reloads nothing better
      }
      // The transaction rolled back; the events stay queued and are retried on the next flush.
      lastError = toStoreError(err, store.path, `recording run ${runId}`);
      throw lastError;
    }
  }

  let lockedInARow = 0;
  function backgroundFlush(): void {
    timer = null;
    try {
      flush();
      lockedInARow = 0;
    } catch (err) {
      const e = err as StoreError;
      // Another process writing briefly (the studio, a second CLI run) is not a failure:
      // each try already waited the busy timeout; keep the events and try again a few times.
      if (e.code === 'locked' && ++lockedInARow < 5) {
        schedule();
        return;
      }
      lockedInARow = 0;
      opts.onError?.(e);
    }
  }

  function schedule(): void {
    if (timer !== null) return;
    timer = interval > 0 ? setTimeout(backgroundFlush, interval) : setImmediate(backgroundFlush);
  }

  return {
    onEvent(e: RunEvent): void {
      queue.push(e);
      if (e.type === 'run-finished' || closed || queue.length >= maxBatch) backgroundFlush();
      else schedule();
    },
    flush,
    close(): void {
      closed = true;
      try {
        flush();
      } finally {
        releaseCheckpointer();
      }
    },
    get error() {
      return lastError;
    },
  };
}
