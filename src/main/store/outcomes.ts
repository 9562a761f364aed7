// Record outcomes, read back from their compact form: succeeded records live in
// settled_batches (one row per settling event, seqs packed as int32), failures in
// record_failures (one row each). A seq's outcome is its failure row when it has one
// (the recorder deletes it when the seq later succeeds), else the latest batch holding it.
import type Database from 'better-sqlite3';
import type { Action, RunCounts } from '../engine/types.js';
import { toOutcomeRow, type OutcomeDbRow, type OutcomeQuery, type OutcomeRow } from './rows.js';
import { SeqBitset } from './settled.js';

type Db = Database.Database;

/** Packs seqs (or lines) as little-endian int32. */
export function packInt32(values: ArrayLike<number>): Buffer {
  const buf = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) buf.writeInt32LE(values[i]!, i * 4);
  return buf;
}

function int32At(buf: Buffer, i: number): number {
  return buf.readInt32LE(i * 4);
}

interface BatchDbRow {
  n: number;
  min_seq: number;
  seqs: Buffer;
  keys: string | null;
  record_keys: string | null;
  action: Action | null;
  actions: string | null;
  line_offset: number | null;
  lines: Buffer | null;
  settled_at: number;
  request_id: string | null;
}

/** One batch, its keys parsed only when a row of it is handed out. */
class Batch {
  private parsedKeys: unknown[] | null = null;
  constructor(readonly row: BatchDbRow) {}

  get size(): number {
    return this.row.seqs.length / 4;
  }

  seq(i: number): number {
    return int32At(this.row.seqs, i);
  }

  outcome(i: number): OutcomeRow {
    const r = this.row;
    if (this.parsedKeys === null) {
      let keys: unknown = null;
      try {
        keys = JSON.parse(r.keys ?? r.record_keys ?? '[]');
      } catch {
        keys = null;
      }
      this.parsedKeys = Array.isArray(keys) ? keys : [];
    }
    const seq = this.seq(i);
    const key = this.parsedKeys[i];
    const action: Action | null = r.action ?? (r.actions ? (r.actions[i] === '-' ? 'remove' : 'add') : null);
    const line = r.line_offset !== null ? seq + r.line_offset : r.lines ? int32At(r.lines, i) : -1;
    return {
      seq,
      key: key === undefined || key === null ? '' : String(key),
      action,
      status: 'succeeded',
      reason: null,
      location: null,
      requestId: r.request_id,
      line: line < 0 ? null : line,
      settledAt: r.settled_at,
    };
  }
}

const BATCH_COLS = `b.n, b.min_seq, b.seqs, b.keys, CASE WHEN b.keys IS NULL THEN r.record_keys END AS record_keys, b.action, b.actions,
  b.line_offset, b.lines, b.settled_at, coalesce(b.request_id, r.request_id) AS request_id`;
const FAILURE_COLS = `f.seq, f.key, f.action, 'failed' AS status, f.reason, f.location, coalesce(f.request_id, r.request_id) AS request_id,
  f.line, f.settled_at`;

/** Prepared statements, cached per connection by the Store. */
export type Prepare = (sql: string) => Database.Statement<unknown[], unknown>;

const PAGE = 4096;

/** Every seq of the run's batches (a seq may be in several), streamed by pages. */
function forEachBatchSeq(prepare: Prepare, run: number, fn: (seq: number) => void): void {
  const page = prepare(
    'SELECT min_seq, n, seqs FROM settled_batches WHERE run = ? AND (min_seq, n) > (?, ?) ORDER BY min_seq, n LIMIT ' + PAGE,
  );
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

function failureSeqs(prepare: Prepare, run: number): number[] {
  return prepare('SELECT seq FROM record_failures WHERE run = ? ORDER BY seq').pluck().all(run) as number[];
}

function maxSeq(prepare: Prepare, run: number): number {
  const b = prepare('SELECT max(max_seq) FROM settled_batches WHERE run = ?').pluck().get(run) as number | null;
  const f = prepare('SELECT max(seq) FROM record_failures WHERE run = ?').pluck().get(run) as number | null;
  return Math.max(b ?? -1, f ?? -1);
}

/** Seqs whose latest outcome is a success. */
export function succeededSet(prepare: Prepare, run: number): SeqBitset {
  const max = maxSeq(prepare, run);
  if (max < 0) return new SeqBitset(0);
  const set = new SeqBitset(max + 1);
  forEachBatchSeq(prepare, run, (seq) => set.add(seq));
  for (const seq of failureSeqs(prepare, run)) set.delete(seq);
  return set;
}

/** Seqs whose latest outcome is a failure. */
export function failedSet(prepare: Prepare, run: number): SeqBitset {
  const seqs = failureSeqs(prepare, run);
  return SeqBitset.from(seqs, seqs.length === 0 ? -1 : seqs[seqs.length - 1]!);
}

export function outcomeCounts(prepare: Prepare, run: number): RunCounts {
  const succeeded = succeededSet(prepare, run).size;
  const failed = prepare('SELECT count(*) FROM record_failures WHERE run = ?').pluck().get(run) as number;
  return { total: succeeded + failed, succeeded, failed };
}

function failurePage(prepare: Prepare, run: number, afterSeq: number, limit: number, offset: number): OutcomeRow[] {
  const rows = prepare(
    `SELECT ${FAILURE_COLS} FROM record_failures f LEFT JOIN requests r ON r.n = f.request_n
     WHERE f.run = ? AND f.seq > ? ORDER BY f.seq LIMIT ? OFFSET ?`,
  ).all(run, afterSeq, limit, offset) as OutcomeDbRow[];
  return rows.map(toOutcomeRow);
}

/** One page of outcomes in seq order: failures and succeeded records merged. */
export function outcomePage(prepare: Prepare, run: number, q: OutcomeQuery): OutcomeRow[] {
  const after = q.afterSeq ?? -1;
  const limit = Math.max(0, Math.floor(q.limit ?? 1000));
  const offset = Math.max(0, Math.floor(q.offset ?? 0));
  if (q.failedOnly) return failurePage(prepare, run, after, limit, offset);
  const need = offset + limit;
  if (need === 0) return [];

  // The page's seqs are the smallest `need` seqs above `after` among failures and batch
  // seqs together, so the first `need` of each suffice.
  const failures = failurePage(prepare, run, after, need, 0);
  const failed = new Map(failures.map((o) => [o.seq, o]));

  // Batches that can hold seqs above `after`: walked by min_seq from `after - span` (no
  // batch is wider than the run's widest), until the next one starts above the need-th seq.
  const span = (prepare('SELECT batch_span FROM runs WHERE n = ?').pluck().get(run) as number | undefined) ?? 0;
  const page = prepare(
    `SELECT ${BATCH_COLS} FROM settled_batches b LEFT JOIN requests r ON r.n = b.request_n
     WHERE b.run = ? AND (b.min_seq, b.n) > (?, ?) AND b.max_seq > ? ORDER BY b.min_seq, b.n LIMIT 256`,
  );
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

/** How the records with these keys ended (latest outcome), for a request's detail view. */
export function outcomesByKey(
  prepare: Prepare,
  run: number,
  keys: readonly string[],
): Map<string, { status: 'succeeded' | 'failed'; reason: string | null }> {
  const out = new Map<string, { status: 'succeeded' | 'failed'; reason: string | null }>();
  if (keys.length === 0) return out;
  const failures = prepare(
    'SELECT key, reason FROM record_failures WHERE run = ? AND key IN (SELECT value FROM json_each(?))',
  ).all(run, JSON.stringify(keys)) as Array<{ key: string; reason: string }>;
  for (const f of failures) out.set(f.key, { status: 'failed', reason: f.reason });
  // Succeeded keys: scan the batches that mention a still-unknown key (instr skips most
  // cheaply), and resolve every wanted key found in them.
  const want = new Set(keys.filter((k) => !out.has(k)));
  const scan = prepare(
    `SELECT coalesce(b.keys, r.record_keys) AS keys FROM settled_batches b LEFT JOIN requests r ON r.n = b.request_n
     WHERE b.run = ? AND instr(coalesce(b.keys, r.record_keys), ?) > 0`,
  ).pluck();
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
