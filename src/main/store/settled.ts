// A compact set of record seqs (0-based input positions): one bit per seq up to the largest,
// so 10 M settled records cost 1.25 MB, built by streaming the seqs from SQLite.

export interface SettledSet {
  has(seq: number): boolean;
  readonly size: number;
  /** Largest seq in the set, -1 when empty. */
  readonly maxSeq: number;
  /** Seqs in ascending order. */
  values(): IterableIterator<number>;
}

export class SeqBitset implements SettledSet {
  private readonly bits: Uint8Array;
  private count = 0;
  private max = -1;

  constructor(capacity: number) {
    this.bits = new Uint8Array(Math.max(1, Math.ceil(Math.max(0, capacity) / 8)));
  }

  /** Builds a set from seqs (any order); `maxSeq` sizes the bitset. */
  static from(seqs: Iterable<number>, maxSeq: number): SeqBitset {
    const set = new SeqBitset(maxSeq + 1);
    for (const seq of seqs) set.add(seq);
    return set;
  }

  add(seq: number): void {
    if (!Number.isInteger(seq) || seq < 0) throw new RangeError(`record seq must be a non-negative integer, got ${seq}`);
    const byte = seq >>> 3;
    if (byte >= this.bits.length) throw new RangeError(`record seq ${seq} is beyond this set's capacity`);
    const mask = 1 << (seq & 7);
    if ((this.bits[byte]! & mask) === 0) {
      this.bits[byte] = this.bits[byte]! | mask;
      this.count++;
      if (seq > this.max) this.max = seq;
    }
  }

  /** Removes a seq (`maxSeq` stays an upper bound). */
  delete(seq: number): void {
    if (!this.has(seq)) return;
    const byte = seq >>> 3;
    this.bits[byte] = this.bits[byte]! & ~(1 << (seq & 7));
    this.count--;
    if (seq === this.max) {
      let s = seq - 1;
      while (s >= 0 && !this.has(s)) s--;
      this.max = s;
    }
  }

  has(seq: number): boolean {
    if (!Number.isInteger(seq) || seq < 0) return false;
    const byte = seq >>> 3;
    if (byte >= this.bits.length) return false;
    return (this.bits[byte]! & (1 << (seq & 7))) !== 0;
  }

  get size(): number {
    return this.count;
  }

  get maxSeq(): number {
    return this.max;
  }

  /** Memory the set holds. */
  get byteLength(): number {
    return this.bits.byteLength;
  }

  *values(): IterableIterator<number> {
    for (let byte = 0; byte < this.bits.length; byte++) {
      const b = this.bits[byte]!;
      if (b === 0) continue;
      for (let bit = 0; bit < 8; bit++) if (b & (1 << bit)) yield byte * 8 + bit;
    }
  }
}
