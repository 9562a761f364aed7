// Writes a run's events to the store. Events are turned into rows here, on the export's
// thread, and handed to a writer thread (writer.ts) that commits them in order, one
// transaction for all that is queued, so logging costs an export little. Each commit holds
// the record outcomes together with the run's counters: that commit is the checkpoint a
// resume starts from. `run-finished` is written at once.
import type { RecordOutcome, RunCounts, RunEvent } from '../engine/types.js';
import { packInt32 } from './batch.js';
import { connectionOf } from './connection.js';
import type { Store } from './db.js';
import { StoreError, toStoreError } from './errors.js';
import { failureSeqs, OUTCOME_WRITES, type OutcomeWrites } from './outcomes.js';
import { answerValues, nextSession, REQUEST_WRITES, sentValues, type RequestWrites, type StoredForm } from './requests.js';
import { ensureRun, RUN_WRITES, type RunWrites } from './runs.js';
import { SYNC_WRITES, type SyncWrites } from './sync.js';
import { openWriter, statementIds, type StatementSql, type WriteOp } from './writer.js';

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
  /**
   * A membership diff: each acknowledged add upserts its member (hash and record from
   * `member`, which forgets the seq), each acknowledged remove deletes it, in the commit of
   * the outcome itself, so a kill can never keep one without the other.
   */
  sync?: { setN: number; member(seq: number): { hash: Buffer; record: string } | undefined };
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

/** Everything the recorder writes, by statement name: what its writer thread prepares. */
type RecorderWrites = RunWrites & RequestWrites & OutcomeWrites & SyncWrites;
const WRITES: StatementSql<RecorderWrites> = { ...RUN_WRITES, ...REQUEST_WRITES, ...OUTCOME_WRITES, ...SYNC_WRITES };
/** How an op names its statement (see writer.ts). */
const W = statementIds(WRITES);
type Op = WriteOp<RecorderWrites>;

export function createRunRecorder(store: Store, runId: string, opts: RecorderOptions = {}): RunRecorder {
  const maxBatch = Math.max(1, opts.maxBatch ?? 1000);
  const interval = opts.flushIntervalMs ?? 0;
  const form: StoredForm = {
    headers: opts.redactHeaders ?? ((h) => h),
    body: opts.redactBody ?? ((b) => b),
    maxBodyBytes: opts.maxStoredBodyBytes ?? DEFAULT_MAX_BODY,
  };
  const conn = connectionOf(store);

  // Record counts are the engine's (progress / run-finished): on resume it already counts
  // the records settled before. Request counts are the run's whole history: what the row
  // held when this session began plus the attempts and retries seen here (the engine counts
  // only the current session's).
  const existing = store.getRun(runId);
  const records: Required<RunCounts> = existing ? { ...existing.records } : { total: 0, succeeded: 0, failed: 0, skipped: 0, unconfirmed: 0 };
  const requests = existing ? { ...existing.requests } : { sent: 0, retried: 0 };
  let countersDirty = false;
  // A resume or retry-failed of this run starts a new session of attempts.
  const existingKey = store.runKey(runId);
  const session = existingKey === undefined ? 1 : nextSession(conn, existingKey);

  // Seqs with a failure row: a later success must delete it (failures are few, so this
  // costs a lookup per settled record rather than a DELETE). Kept as the rows will be once
  // everything handed to the writer is committed (a failed commit is retried, in order).
  const failedSeqs = new Set<number>(existingKey === undefined ? [] : failureSeqs(conn, existingKey));
  // What the recorder wrote for each request of this session that carried records, until it
  // settles: its keys (a batch whose succeeded keys are exactly those stores no keys of its
  // own) and its latest attempt number (its outcomes find that attempt's row by the whole
  // key, a cheaper lookup than the latest-attempt scan).
  const sentRequests = new Map<string, { keys: string[]; attempt: number }>();
  let batchSpan = 0;

  const writer = openWriter(conn, WRITES, `recording run ${runId}`, () => recorder.close());
  let ops: Op[] = [];
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
      run = ensureRun(conn, runId, at);
    } catch (err) {
      throw toStoreError(err, store.path, `recording run ${runId}`);
    }
    return run;
  }

  type Settled = Extract<RunEvent, { type: 'records-settled' }>;

  /** Failures get a row each; the succeeded records of the event become one batch row. */
  function settle(e: Settled): void {
    const run = runKey(e.at);
    const sent = e.requestId === null ? undefined : sentRequests.get(e.requestId);
    if (sent !== undefined) sentRequests.delete(e.requestId!);
    const sentKeys = sent?.keys;
    const all = e.outcomes;
    if (opts.sync) moveMembers(opts.sync, all, e.requestId !== null);
    let okCount = 0;
    for (let i = 0; i < all.length; i++) {
      const o = all[i]!;
      if (o.ok) {
        okCount++;
        continue;
      }
      const values = [run, o.seq, o.key, o.action, o.reason ?? 'failed', null, e.requestId, o.line ?? null, o.unconfirmed ? 1 : 0, e.at] as const;
      ops.push(sent ? [W.upsertFailureAt, run, session, e.requestId, sent.attempt, ...values] : [W.upsertFailure, run, session, e.requestId, ...values]);
      failedSeqs.add(o.seq);
    }
    if (okCount === 0) return;

    // Its own memory, not a slice of Buffer's shared 8 KiB pool: the row is cloned to the
    // writer thread, and cloning a pooled slice copies the whole pool (postMessage of an
    // individual run's rows cost ~3x more; bench/perf/NOTES.md).
    const seqs = Buffer.allocUnsafeSlow(okCount * 4);
    const first = all.find((o) => o.ok)!;
    let min = first.seq;
    let max = first.seq;
    let sameAction = true;
    const lineOffset = first.line === undefined ? null : first.line - first.seq;
    let sameOffset = lineOffset !== null;
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
      if (failedSeqs.size > 0 && failedSeqs.delete(o.seq)) ops.push([W.deleteFailure, run, o.seq]);
      j++;
    }
    const oks = sameAction && keysAreSent && sameOffset ? null : all.filter((o) => o.ok);
    const values = [
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
    ] as const;
    ops.push(sent ? [W.insertBatchAt, run, session, e.requestId, sent.attempt, ...values] : [W.insertBatch, run, session, e.requestId, ...values]);
    if (max - min > batchSpan) {
      batchSpan = max - min;
      countersDirty = true;
    }
  }

  /**
   * The delivered membership follows the acknowledged records only. A record that failed after
   * its request was sent (a timeout, a 5xx) may have been applied all the same: its member is
   * put in doubt, so the next run sends it again if present (removes it again if absent)
   * instead of trusting either state. One that failed unsent stays as it was.
   */
  function moveMembers(sync: NonNullable<RecorderOptions['sync']>, outcomes: RecordOutcome[], sent: boolean): void {
    for (const o of outcomes) {
      const m = o.action === 'remove' ? undefined : sync.member(o.seq);
      if (!o.ok) {
        if (sent) ops.push([W.doubtMember, sync.setN, o.key]);
        continue;
      }
      if (o.action === 'remove') ops.push([W.deleteMember, sync.setN, o.key]);
      else if (m) ops.push([W.upsertMember, sync.setN, o.key, m.hash, m.record]);
    }
  }

  /** Turns one event into rows (a sent event directly followed by its answer is one row). */
  function rowsOf(e: RunEvent, next: RunEvent | undefined): boolean {
    switch (e.type) {
      case 'run-started': {
        runKey(e.at);
        ops.push([W.upsertRun, runId, e.at, e.at, e.config.destination, e.config.audience]);
        return false;
      }
      case 'request-sent': {
        if (e.recordKeys.length > 0) {
          const sent = sentRequests.get(e.id);
          if (sent === undefined) sentRequests.set(e.id, { keys: e.recordKeys, attempt: e.attempt });
          else {
            sent.keys = e.recordKeys;
            sent.attempt = Math.max(sent.attempt, e.attempt);
          }
        }
        requests.sent++;
        countersDirty = true;
        if (next?.type === 'request-answered' && next.id === e.id && next.attempt === e.attempt) {
          ops.push([W.upsertAttempt, runKey(e.at), session, e.id, e.step, e.attempt, ...sentValues(e, form), ...answerValues(next, form)]);
          return true;
        }
        ops.push([W.upsertSent, runKey(e.at), session, e.id, e.step, e.attempt, ...sentValues(e, form)]);
        return false;
      }
      case 'request-answered': {
        const sent = sentRequests.get(e.id);
        if (sent !== undefined) sent.attempt = Math.max(sent.attempt, e.attempt);
        ops.push([W.upsertAnswer, runKey(e.at), session, e.id, e.step, e.attempt, ...answerValues(e, form)]);
        return false;
      }
      case 'request-retry': {
        const run = runKey(e.at);
        ops.push([W.markRetry, e.delayMs, e.reason, run, session, e.id, run, session, e.id, e.attempt]);
        requests.retried++;
        countersDirty = true;
        return false;
      }
      case 'records-settled': {
        settle(e);
        return false;
      }
      case 'waiting':
        // Live only: a retry's delay is already stored with its attempt (request-retry).
        return false;
      case 'record-failed': {
        const run = runKey(e.at);
        const f = e.failure;
        ops.push([W.upsertFailure, run, session, null, run, f.seq, f.key ?? null, null, f.reason, f.where, null, f.line, 0, e.at]);
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
        ops.push([W.finishRun, e.status, e.at, e.error ?? null, runKey(e.at)]);
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
      ops.push([W.writeCounters, records.total, records.succeeded, records.failed, records.skipped, records.unconfirmed, requests.sent, requests.retried, batchSpan, runKey(Date.now())]);
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
