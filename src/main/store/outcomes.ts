// The record outcome tables, reads and writes together: succeeded records live in
// settled_batches (one row per settling event, seqs packed as int32), failures in
// record_failures (one row each). A seq's outcome is its failure row when it has one
// (the recorder deletes it when the seq later succeeds), else the latest batch holding it.
import type { Action, RunCounts } from '../engine/types.js';
import { Batch, int32At, type BatchDbRow } from './batch.js';
import type { Connection } from './connection.js';
import type { OutcomeQuery, OutcomeRow } from './rows.js';
import { batchSpan } from './runs.js';
import { SeqBitset } from './settled.js';
import type { StatementSql } from './writer.js';

const PAGE = 4096;

const BATCH_COLS = `b.n, b.min_seq, b.seqs, b.keys, CASE WHEN b.keys IS NULL THEN r.record_keys END AS record_keys, b.action, b.actions,
  b.line_offset, b.lines, b.settled_at, coalesce(b.request_id, r.request_id) AS request_id`;
const FAILURE_COLS = `f.seq, f.key, f.action, 'failed' AS status, f.reason, f.unconfirmed, f.location, coalesce(f.request_id, r.request_id) AS request_id,
  f.line, f.settled_at`;

const SQL = {
  batchSeqPage: `SELECT min_seq, n, seqs FROM settled_batches WHERE run = ? AND (min_seq, n) > (?, ?) ORDER BY min_seq, n LIMIT ${PAGE}`,
  failureSeqs: 'SELECT seq FROM record_failures WHERE run = ? ORDER BY seq',
  unconfirmedSeqs: 'SELECT seq FROM record_failures WHERE run = ? AND unconfirmed = 1 ORDER BY seq',
  maxBatchSeq: 'SELECT max(max_seq) FROM settled_batches WHERE run = ?',
  maxFailureSeq: 'SELECT max(seq) FROM record_failures WHERE run = ?',
  countFailures: 'SELECT count(*) FROM record_failures WHERE run = ?',
  failurePage: `SELECT ${FAILURE_COLS} FROM record_failures f LEFT JOIN requests r ON r.n = f.request_n
     WHERE f.run = ? AND f.seq > ? ORDER BY f.seq LIMIT ? OFFSET ?`,
  // Batches that may hold seqs above a point, by min_seq (see outcomePage).
  batchPage: `SELECT ${BATCH_COLS} FROM settled_batches b LEFT JOIN requests r ON r.n = b.request_n
     WHERE b.run = ? AND (b.min_seq, b.n) > (?, ?) AND b.max_seq > ? ORDER BY b.min_seq, b.n LIMIT 256`,
  failuresByKeys: 'SELECT key, reason, unconfirmed FROM record_failures WHERE run = ? AND key IN (SELECT value FROM json_each(?))',
  batchKeysMentioning: `SELECT coalesce(b.keys, r.record_keys) AS keys FROM settled_batches b LEFT JOIN requests r ON r.n = b.request_n
     WHERE b.run = ? AND instr(coalesce(b.keys, r.record_keys), ?) > 0`,
} as const;

/** The settling attempt, found at commit time by (run, session, request id). */
type AttemptRef = [attemptRun: number, attemptSession: number, attemptRequestId: string | null];
/** The same, when the recorder knows the attempt's number (its latest one recorded). */
type ExactAttemptRef = [...AttemptRef, attempt: number];

type FailureParams = [
  run: number,
  seq: number,
  key: string | null,
  action: Action | null,
  reason: string,
  location: string | null,
  unrecordedRequestId: string | null,
  line: number | null,
  unconfirmed: 0 | 1,
  settledAt: number,
];
type BatchParams = [
  run: number,
  unrecordedRequestId: string | null,
  minSeq: number,
  maxSeq: number,
  seqs: Buffer,
  keys: string | null,
  action: Action | null,
  actions: string | null,
  lineOffset: number | null,
  lines: Buffer | null,
  settledAt: number,
];

/** The recorder's writes to the outcome tables, by name, with their parameters in order. */
export type OutcomeWrites = {
  upsertFailure: [...AttemptRef, ...FailureParams];
  upsertFailureAt: [...ExactAttemptRef, ...FailureParams];
  deleteFailure: [run: number, seq: number];
  insertBatch: [...AttemptRef, ...BatchParams];
  insertBatchAt: [...ExactAttemptRef, ...BatchParams];
};

// Outcomes point at their request's latest attempt row (an integer) rather than repeat its
// id string; the id is kept only when no such row exists.
const ATTEMPT_ROW = `WITH r(n) AS (SELECT (SELECT n FROM requests WHERE run = ? AND session = ? AND request_id = ? ORDER BY attempt DESC LIMIT 1))`;
// The same row by its whole key, when the recorder knows which attempt was its latest: a
// unique-key lookup, several times cheaper per row than the ordered scan above (measured
// ~5 µs against ~20 µs a row), which in individual mode is one row per request.
const EXACT_ATTEMPT_ROW = `WITH r(n) AS (SELECT (SELECT n FROM requests WHERE run = ? AND session = ? AND request_id = ? AND attempt = ?))`;

const UPSERT_FAILURE = `
     INSERT INTO record_failures (run, seq, key, action, reason, location, request_n, request_id, line, unconfirmed, settled_at)
     SELECT ?, ?, ?, ?, ?, ?, r.n, CASE WHEN r.n IS NULL THEN ? END, ?, ?, ? FROM r WHERE true
     ON CONFLICT(run, seq) DO UPDATE SET
       key = coalesce(excluded.key, key), action = coalesce(excluded.action, action),
       reason = excluded.reason, location = excluded.location, unconfirmed = excluded.unconfirmed,
       request_n = excluded.request_n, request_id = excluded.request_id,
       line = coalesce(excluded.line, line), settled_at = excluded.settled_at`;
const INSERT_BATCH = `
     INSERT INTO settled_batches (run, request_n, request_id, min_seq, max_seq, seqs, keys, action, actions, line_offset, lines, settled_at)
     SELECT ?, r.n, CASE WHEN r.n IS NULL THEN ? END, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM r`;

export const OUTCOME_WRITES: StatementSql<OutcomeWrites> = {
  upsertFailure: `${ATTEMPT_ROW}${UPSERT_FAILURE}`,
  upsertFailureAt: `${EXACT_ATTEMPT_ROW}${UPSERT_FAILURE}`,
  deleteFailure: 'DELETE FROM record_failures WHERE run = ? AND seq = ?',
  insertBatch: `${ATTEMPT_ROW}${INSERT_BATCH}`,
  insertBatchAt: `${EXACT_ATTEMPT_ROW}${INSERT_BATCH}`,
};

interface OutcomeDbRow {
  seq: number;
  key: string | null;
  action: Action | null;
  status: 'succeeded' | 'failed';
  reason: string | null;
  unconfirmed?: number;
  location: string | null;
  request_id: string | null;
  line: number | null;
  settled_at: number;
}

function toOutcomeRow(r: OutcomeDbRow): OutcomeRow {
  return {
    seq: r.seq,
    key: r.key ?? '',
    action: r.action,
    status: r.status,
    reason: r.reason,
    unconfirmed: r.unconfirmed === 1,
    location: r.location,
    requestId: r.request_id,
    line: r.line,
    settledAt: r.settled_at,
  };
}

/** Every seq of the run's batches (a seq may be in several), streamed by pages. */
function forEachBatchSeq(conn: Connection, run: number, fn: (seq: number) => void): void {
  const page = conn.stmt(SQL.batchSeqPage);
  let afterMin = -Infinity;
  let afterN = -1;
  for (;;) {
    const rows = page.all(run, afterMin, afterN) as Array<{ min_seq: number; n: number; seqs: Buffer }>;
    for (const r of rows) {
      const count = r.seqs.length / 4;
      for (let i = 0; i < count; i++) fn(int32At(r.seqs, i));
    }
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    afterMin = last.min_seq;
    afterN = last.n;
  }
}

/** Seqs whose failure row is unconfirmed (counted by an answer that did not name them), ascending. */
export function unconfirmedSet(conn: Connection, run: number): SeqBitset {
  const seqs = conn.stmt(SQL.unconfirmedSeqs).pluck().all(run) as number[];
  return SeqBitset.from(seqs, seqs.length === 0 ? -1 : seqs[seqs.length - 1]!);
}

/** Seqs with a failure row, ascending. */
export function failureSeqs(conn: Connection, run: number): number[] {
  return conn.stmt(SQL.failureSeqs).pluck().all(run) as number[];
}

function maxSeq(conn: Connection, run: number): number {
  const b = conn.stmt(SQL.maxBatchSeq).pluck().get(run) as number | null;
  const f = conn.stmt(SQL.maxFailureSeq).pluck().get(run) as number | null;
  return Math.max(b ?? -1, f ?? -1);
}

/** Seqs whose latest outcome is a success. */
export function succeededSet(conn: Connection, run: number): SeqBitset {
  const max = maxSeq(conn, run);
  if (max < 0) return new SeqBitset(0);
  const set = new SeqBitset(max + 1);
  forEachBatchSeq(conn, run, (seq) => set.add(seq));
  for (const seq of failureSeqs(conn, run)) set.delete(seq);
  return set;
}

/** Seqs whose latest outcome is a failure. */
export function failedSet(conn: Connection, run: number): SeqBitset {
  const seqs = failureSeqs(conn, run);
  return SeqBitset.from(seqs, seqs.length === 0 ? -1 : seqs[seqs.length - 1]!);
}

export function outcomeCounts(conn: Connection, run: number): RunCounts {
  const succeeded = succeededSet(conn, run).size;
  const failed = conn.stmt(SQL.countFailures).pluck().get(run) as number;
  return { total: succeeded + failed, succeeded, failed };
}

function failurePage(conn: Connection, run: number, afterSeq: number, limit: number, offset: number): OutcomeRow[] {
  const rows = conn.stmt(SQL.failurePage).all(run, afterSeq, limit, offset) as OutcomeDbRow[];
  return rows.map(toOutcomeRow);
}

/** One page of outcomes in seq order: failures and succeeded records merged. */
export function outcomePage(conn: Connection, run: number, q: OutcomeQuery): OutcomeRow[] {
  const after = q.afterSeq ?? -1;
  const limit = Math.max(0, Math.floor(q.limit ?? 1000));
  const offset = Math.max(0, Math.floor(q.offset ?? 0));
  if (q.failedOnly) return failurePage(conn, run, after, limit, offset);
  const need = offset + limit;
  if (need === 0) return [];

  // The page's seqs are the smallest `need` seqs above `after` among failures and batch
  // seqs together, so the first `need` of each suffice.
  const failures = failurePage(conn, run, after, need, 0);
  const failed = new Map(failures.map((o) => [o.seq, o]));

  // Batches that can hold seqs above `after`: walked by min_seq from `after - span` (no
  // batch is wider than the run's widest), until the next one starts above the need-th seq.
  const span = batchSpan(conn, run);
  const page = conn.stmt(SQL.batchPage);
  const found = new Map<number, { batch: Batch; i: number }>();
  let afterMin = after - span - 1;
  let afterN = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const rows = page.all(run, afterMin, afterN, after) as BatchDbRow[];
    let stopAt = Infinity;
    if (found.size >= need) stopAt = [...found.keys()].sort((a, b) => a - b)[need - 1]!;
    let stopped = false;
    for (const row of rows) {
      if (row.min_seq > stopAt) {
        stopped = true;
        break;
      }
      const batch = new Batch(row);
      for (let i = 0; i < batch.size; i++) {
        const seq = batch.seq(i);
        if (seq <= after) continue;
        const prev = found.get(seq);
        if (!prev || prev.batch.row.n < row.n) found.set(seq, { batch, i }); // the latest batch wins
      }
    }
    if (stopped || rows.length < 256) break;
    const last = rows[rows.length - 1]!;
    afterMin = last.min_seq;
    afterN = last.n;
  }

  const seqs = new Set<number>([...found.keys(), ...failed.keys()]);
  const ordered = [...seqs].sort((a, b) => a - b).slice(offset, need);
  return ordered.map((seq) => failed.get(seq) ?? found.get(seq)!.batch.outcome(found.get(seq)!.i));
}

/** A record's latest outcome as a request's detail view shows it. */
export interface KeyOutcome {
  /** `unconfirmed`: stored as not delivered because the answer counted records without naming which. */
  status: 'succeeded' | 'failed' | 'unconfirmed';
  reason: string | null;
}

/** How the records with these keys ended (latest outcome), for a request's detail view. */
export function outcomesByKey(conn: Connection, run: number, keys: readonly string[]): Map<string, KeyOutcome> {
  const out = new Map<string, KeyOutcome>();
  if (keys.length === 0) return out;
  const failures = conn.stmt(SQL.failuresByKeys).all(run, JSON.stringify(keys)) as Array<{ key: string; reason: string; unconfirmed: number }>;
  for (const f of failures) out.set(f.key, { status: f.unconfirmed === 1 ? 'unconfirmed' : 'failed', reason: f.reason });
  // Succeeded keys: scan the batches that mention a still-unknown key (instr skips most
  // cheaply), and resolve every wanted key found in them.
  const want = new Set(keys.filter((k) => !out.has(k)));
  const scan = conn.stmt(SQL.batchKeysMentioning).pluck();
  const tried = new Set<string>();
  for (const key of want) {
    if (out.has(key) || tried.has(key)) continue;
    tried.add(key);
    for (const text of scan.all(run, JSON.stringify(key)) as Array<string | null>) {
      let list: unknown;
      try {
        list = JSON.parse(text ?? '[]');
      } catch {
        continue;
      }
      if (!Array.isArray(list)) continue;
      for (const k of list) if (typeof k === 'string' && want.has(k) && !out.has(k)) out.set(k, { status: 'succeeded', reason: null });
    }
  }
  return out;
}
