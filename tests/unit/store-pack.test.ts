// Packed seqs and lines go to the store's writer thread by structured clone, which copies a
// view's whole ArrayBuffer: a slice of Buffer's shared 8 KiB pool would carry the pool along.
import { describe, expect, it } from 'vitest';
import { int32At, packInt32 } from '../../src/main/store/batch.js';

describe('packInt32', () => {
  it('packs little-endian int32 into a buffer of its own', () => {
    const buf = packInt32([1, -1, 2 ** 31 - 1]);
    expect([0, 1, 2].map((i) => int32At(buf, i))).toEqual([1, -1, 2 ** 31 - 1]);
    expect(buf.byteOffset).toBe(0);
    expect(buf.buffer.byteLength).toBe(12);
  });
});
