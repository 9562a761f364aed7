// The request journal: a fixed-capacity ring buffer of everything the mock received
// (except its own `/_mock` routes). Entries are appended on the hot path, so an append is
// one object and one array store; nothing is copied until someone reads.

import type { IncomingHttpHeaders } from 'node:http';

export interface JournalEntry {
  /** 1-based, strictly increasing for the life of the server (not reset by clear()). */
  seq: number;
  /** When the request arrived, ms since the epoch, sub-ms precision. */
  time: number;
  method: string;
  /** Path including the query string, as received. */
  path: string;
  /** Header names are lowercase (Node joins repeated headers). */
  headers: IncomingHttpHeaders;
  body: string;
  /** The status answered, or null when the socket was reset or the request left hanging. */
  status: number | null;
  /** Route key (`token`, `add`, ...) or null for an unknown path or method. */
  route: string | null;
  /** True when a scenario chose the answer instead of the normal route logic. */
  injected: boolean;
  /** Set when a scenario reset the socket or left the request hanging. */
  fault?: 'reset' | 'hang';
}

export type JournalListener = (entry: JournalEntry) => void;

export class Journal {
  readonly limit: number;
  private buf: JournalEntry[] = [];
  /** Index in `buf` of the oldest entry once the buffer is full. */
  private head = 0;
  private lastSeq = 0;
  private listeners = new Set<JournalListener>();

  constructor(limit = 100_000) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`journalLimit must be a positive integer, got ${String(limit)}`);
    }
    this.limit = limit;
  }

  get size(): number {
    return this.buf.length;
  }

  /** Seq of the newest entry ever appended (0 before the first request). */
  get latestSeq(): number {
    return this.lastSeq;
  }

  /** Appends an entry (its seq is assigned here) and notifies subscribers. */
  append(entry: Omit<JournalEntry, 'seq'>): JournalEntry {
    const e = entry as JournalEntry;
    e.seq = ++this.lastSeq;
    if (this.buf.length < this.limit) {
      this.buf.push(e);
    } else {
      this.buf[this.head] = e;
      this.head = (this.head + 1) % this.limit;
    }
    if (this.listeners.size > 0) {
      for (const l of this.listeners) {
        // A broken live view must not take the server down with it.
        try {
          l(e);
        } catch {
          /* ignored on purpose */
        }
      }
    }
    return e;
  }

  /** All retained entries, oldest first. */
  entries(): JournalEntry[] {
    if (this.head === 0) return this.buf.slice();
    return this.buf.slice(this.head).concat(this.buf.slice(0, this.head));
  }

  /** Retained entries with seq > `seq`, oldest first, at most `limit` of them. */
  since(seq: number, limit = Infinity): JournalEntry[] {
    const n = this.buf.length;
    if (n === 0) return [];
    // Retained seqs are contiguous: oldest = lastSeq - n + 1.
    const oldest = this.lastSeq - n + 1;
    const skip = Math.max(0, Math.min(n, Math.floor(seq) - oldest + 1));
    const count = Math.max(0, Math.min(n - skip, limit));
    const out: JournalEntry[] = new Array<JournalEntry>(count);
    for (let i = 0; i < count; i++) {
      out[i] = this.buf[(this.head + skip + i) % n] as JournalEntry;
    }
    return out;
  }

  clear(): void {
    this.buf = [];
    this.head = 0;
  }

  /** Calls `cb` for every new entry; returns the unsubscribe function. */
  onEntry(cb: JournalListener): () => void {
    this.listeners.add(cb);
    return () => {
      this.listeners.delete(cb);
    };
  }
}
