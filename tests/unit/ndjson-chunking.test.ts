// Differential test of the NDJSON byte reader's chunk handling: the same bytes cut into
// reads at random places (through a BOM, a CRLF, a multi-byte character, a line begun in
// one read and ended several reads later, over-long lines) give exactly the items the
// previous reader gave (it joined every read to the unfinished line; kept below as the
// reference), and, for lines within the limit, those of one read and of the text parser.
import { describe, expect, it } from 'vitest';
import { NdjsonByteDecoder, parseNdjsonLine, parseNdjsonText } from '../../src/main/sources/ndjson.js';
import type { SourceItem } from '../../src/main/engine/types.js';

/** The reader before the change (bench/perf/NOTES.md, 2026-12-02), as it was. */
class ReferenceDecoder {
  private carry: Buffer | null = null;
  private lineNo = 0;
  private atStart = true;
  private skippingLong = false;
  constructor(private readonly maxLineBytes: number) {}
  push(chunk: Buffer): SourceItem[] {
    const out: SourceItem[] = [];
    let buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    if (this.atStart) {
      if (buf.length < 3 && buf.length > 0 && buf[0] === 0xef && (buf.length < 2 || buf[1] === 0xbb)) {
        this.carry = buf;
        return out;
      }
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      if (buf.length > 0) this.atStart = false;
    }
    let start = 0;
    let nl: number;
    while ((nl = buf.indexOf(10, start)) !== -1) {
      this.lineNo++;
      if (this.skippingLong) {
        this.skippingLong = false;
        out.push(tooLong(this.lineNo, this.maxLineBytes));
      } else {
        const item = bytesItem(buf, start, nl, this.lineNo);
        if (item !== null) out.push(item);
      }
      start = nl + 1;
    }
    if (this.skippingLong) return out;
    if (buf.length - start > this.maxLineBytes) this.skippingLong = true;
    else if (start < buf.length) this.carry = Buffer.from(buf.subarray(start));
    return out;
  }
  end(): SourceItem[] {
    if (this.skippingLong) {
      this.skippingLong = false;
      return [tooLong(++this.lineNo, this.maxLineBytes)];
    }
    const buf = this.carry;
    this.carry = null;
    if (!buf || buf.length === 0) return [];
    const item = bytesItem(buf, 0, buf.length, ++this.lineNo);
    return item === null ? [] : [item];
  }
}
function bytesItem(buf: Buffer, start: number, end: number, line: number): SourceItem | null {
  if (end === start) return null;
  const text = buf.toString('utf8', start, end);
  return parseNdjsonLine(text, 0, text.length, line);
}
const tooLong = (line: number, max: number): SourceItem => ({ ok: false, line, error: `line is longer than ${max} bytes; skipped` });

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LINES = [
  '{"id":"p-1","n":1}',
  '{"id":"p-2","name":"Ben \\"B\\" Müller 🎉","big":12345678901234567890}',
  '',
  '   ',
  '{"id":"p-3","ecid":"27513252928111257095669698013400734497","x":-0,"e":1e400}',
  '{"__proto__":{"a":1},"k":"\\u00e9\\n","dup":1,"dup":2}',
  '{bad json',
  '[1,2,3]',
  '"日本語のテキスト"',
  '{"long":"' + 'x'.repeat(300) + '"}',
  '{"mid":"' + 'y'.repeat(110) + '"}', // just over the 100-byte limit some rounds use
  '{"ok":true}\r',
];

function decode(bytes: Buffer, cuts: number[], max: number, d: NdjsonByteDecoder | ReferenceDecoder = new NdjsonByteDecoder(max)): SourceItem[] {
  const out: SourceItem[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(...d.push(bytes.subarray(at, cut)));
    at = cut;
  }
  out.push(...d.end());
  return out;
}

describe('NdjsonByteDecoder, read in random chunks', () => {
  it('gives the items the previous reader gave, and of a single read within the limit', () => {
    const rand = rng(42);
    for (let round = 0; round < 300; round++) {
      const n = 1 + Math.floor(rand() * 25);
      const lines = Array.from({ length: n }, () => LINES[Math.floor(rand() * LINES.length)]!);
      let text = lines.join('\n') + (rand() < 0.5 ? '\n' : '');
      if (rand() < 0.3) text = '\uFEFF' + text;
      const bytes = Buffer.from(text, 'utf8');
      const max = rand() < 0.3 ? 100 : 1 << 20;
      const cuts: number[] = [];
      const step = 1 + Math.floor(rand() * 64);
      for (let at = Math.floor(rand() * step); at < bytes.length; at += 1 + Math.floor(rand() * step)) cuts.push(at);
      const chunked = decode(bytes, cuts, max);
      expect(chunked).toEqual(decode(bytes, cuts, max, new ReferenceDecoder(max)));
      if (max > bytes.length) {
        expect(chunked).toEqual(decode(bytes, [], max));
        expect(chunked).toEqual(parseNdjsonText(text));
      }
    }
  });

  it('a line that spans many reads is parsed whole, and one over the limit fails alone', () => {
    const long = '{"a":"' + 'é'.repeat(200) + '"}';
    const bytes = Buffer.from(`{"x":1}\n${long}\n{"y":2}\n`, 'utf8');
    const cuts = Array.from({ length: Math.floor(bytes.length / 7) }, (_, i) => (i + 1) * 7);
    expect(decode(bytes, cuts, 1 << 20).map((i) => (i.ok ? i.value : i.error))).toEqual([{ x: 1 }, { a: 'é'.repeat(200) }, { y: 2 }]);
    const capped = decode(bytes, cuts, 100);
    expect(capped.map((i) => i.line)).toEqual([1, 2, 3]);
    expect(capped[1]).toEqual({ ok: false, line: 2, error: 'line is longer than 100 bytes; skipped' });
    expect(capped[2]).toMatchObject({ ok: true, value: { y: 2 } });
  });
});
