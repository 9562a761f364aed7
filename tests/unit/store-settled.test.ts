// The settled-seq set a resume consults for every input record: exact and small.
import { describe, expect, it } from 'vitest';
import { SeqBitset } from '../../src/main/store/settled.js';

describe('SeqBitset', () => {
  it('answers membership exactly, including the edges', () => {
    const set = SeqBitset.from([0, 7, 8, 9, 63, 1000], 1000);
    expect(set.size).toBe(6);
    expect(set.maxSeq).toBe(1000);
    for (const s of [0, 7, 8, 9, 63, 1000]) expect(set.has(s)).toBe(true);
    for (const s of [1, 6, 10, 62, 64, 999, 1001, 1_000_000, -1, 1.5, Number.NaN]) expect(set.has(s)).toBe(false);
    expect([...set.values()]).toEqual([0, 7, 8, 9, 63, 1000]);
  });

  it('counts a seq added twice once', () => {
    const set = SeqBitset.from([5, 5, 5], 5);
    expect(set.size).toBe(1);
  });

  it('is empty when nothing settled', () => {
    const set = new SeqBitset(0);
    expect(set.size).toBe(0);
    expect(set.maxSeq).toBe(-1);
    expect(set.has(0)).toBe(false);
    expect([...set.values()]).toEqual([]);
  });

  it('holds 10 million seqs in about a megabyte', () => {
    const n = 10_000_000;
    function* seqs() {
      for (let i = 0; i < n; i++) if (i % 10 !== 3) yield i;
    }
    const set = SeqBitset.from(seqs(), n - 1);
    expect(set.byteLength).toBe(n / 8);
    expect(set.size).toBe(9_000_000);
    expect(set.has(9_999_999)).toBe(true);
    expect(set.has(9_999_993)).toBe(false);
  });

  it('refuses a seq beyond its capacity or a negative one', () => {
    const set = new SeqBitset(8);
    expect(() => set.add(8)).toThrowError(RangeError);
    expect(() => set.add(-1)).toThrowError(/non-negative/);
  });
});
