// The packed form of a settled_batches row: seqs (and lines, when they do not follow the
// seqs) as little-endian int32, keys as a JSON array or the request's own, actions as one
// character each. The recorder packs; `Batch` unpacks one row for outcome reads.
import type { Action } from '../engine/types.js';
import type { OutcomeRow } from './rows.js';

/** Packs seqs (or lines) as little-endian int32, in a buffer of its own (not the shared pool: see the recorder). */
export function packInt32(values: ArrayLike<number>): Buffer {
  const buf = Buffer.allocUnsafeSlow(values.length * 4);
  for (let i = 0; i < values.length; i++) buf.writeInt32LE(values[i]!, i * 4);
  return buf;
}

export function int32At(buf: Buffer, i: number): number {
  return buf.readInt32LE(i * 4);
}

export interface BatchDbRow {
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
export class Batch {
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
      unconfirmed: false,
      location: null,
      requestId: r.request_id,
      line: line < 0 ? null : line,
      settledAt: r.settled_at,
    };
  }
}
