// NDJSON / JSON Lines: one JSON value per line. A bad line fails alone; blank lines are
// skipped (but still counted, so line numbers match the file as an editor shows it).
import type { SourceItem } from '../engine/types.js';
import { fileError, openFileStream, type ReadOptions } from './file-read.js';
import { jsonErrorDetail } from './json-error.js';
import { nestedTooDeep, parseJsonExact, TOO_DEEP } from '../engine/exact.js';

/** A longer line (characters for text, bytes for files) is reported as an error and skipped,
 * so one runaway line cannot eat memory. */
export const MAX_LINE_CHARS = 32 * 1024 * 1024;

export interface NdjsonOptions extends ReadOptions {
  /** Longest line the file reader keeps, in bytes. */
  maxLineBytes?: number;
}

/**
 * Incremental line splitter + parser. Feed decoded text with push(); each call returns the
 * items completed so far (at most one chunk's worth, so memory stays bounded). Used by the
 * file reader and by parseNdjsonText, so both treat CRLF, BOM and blank lines alike.
 */
export class NdjsonDecoder {
  private carry = '';
  private lineNo = 0;
  private atStart = true;
  /** Set while discarding an over-long line until its newline. */
  private skippingLong = false;

  constructor(private readonly maxLineChars = MAX_LINE_CHARS) {}

  push(text: string): SourceItem[] {
    const out: SourceItem[] = [];
    if (this.atStart && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.atStart = false;
    }
    const chunk = this.carry.length > 0 ? this.carry + text : text;
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf('\n', start)) !== -1) {
      this.lineNo++;
      if (this.skippingLong) {
        this.skippingLong = false;
        out.push(this.tooLong());
      } else {
        const item = parseNdjsonLine(chunk, start, nl, this.lineNo);
        if (item !== null) out.push(item);
      }
      start = nl + 1;
    }
    if (this.skippingLong) {
      this.carry = '';
    } else if (chunk.length - start > this.maxLineChars) {
      this.skippingLong = true;
      this.carry = '';
    } else {
      // The unfinished last line; joined with the next chunk on the next push.
      this.carry = start === 0 ? chunk : chunk.slice(start);
    }
    return out;
  }

  /** Flushes a final line that has no newline. */
  end(): SourceItem[] {
    if (this.skippingLong) {
      this.skippingLong = false;
      this.lineNo++;
      return [this.tooLong()];
    }
    if (this.carry.length === 0) return [];
    const text = this.carry;
    this.carry = '';
    this.lineNo++;
    const item = parseNdjsonLine(text, 0, text.length, this.lineNo);
    return item === null ? [] : [item];
  }

  private tooLong(): SourceItem {
    return {
      ok: false,
      line: this.lineNo,
      error: `line is longer than ${this.maxLineChars} characters; skipped`,
    };
  }
}

/** Parses chunk[start, end) as one NDJSON line; null for a blank line. */
export function parseNdjsonLine(chunk: string, start: number, end: number, line: number): SourceItem | null {
  if (end > start && chunk.charCodeAt(end - 1) === 13) end--; // CRLF
  // Fast path: most lines start with '{'; only blank-looking lines need the trim test.
  const first = chunk.charCodeAt(start);
  if (end === start || ((first === 32 || first === 9 || first === 13) && chunk.slice(start, end).trim() === '')) {
    return null;
  }
  const text = start === 0 && end === chunk.length ? chunk : chunk.slice(start, end);
  if (nestedTooDeep(text)) return { ok: false, line, error: TOO_DEEP };
  try {
    return { ok: true, line, value: parseJsonExact(text) };
  } catch (err) {
    const { offset, reason } = jsonErrorDetail(text, err);
    const where = offset === undefined ? '' : ` at column ${offset + 1}`;
    return { ok: false, line, error: `invalid JSON${where}: ${reason}` };
  }
}

/** Same rules as the file reader, for text already in memory (studio paste/import). */
export function parseNdjsonText(text: string): SourceItem[] {
  const decoder = new NdjsonDecoder();
  const items = decoder.push(text);
  for (const item of decoder.end()) items.push(item);
  return items;
}

/**
 * The file reader's splitter works on bytes: it cuts at 0x0A (never part of a multi-byte
 * UTF-8 sequence, so a character split across reads stays whole) and decodes each line on
 * its own. A line of plain ASCII then becomes a one-byte string, which JSON.parse reads
 * markedly faster than the two-byte strings a whole decoded chunk turns into as soon as it
 * holds one emoji (measured ~30% on the sample profiles).
 */
export class NdjsonByteDecoder {
  private carry: Buffer | null = null;
  private lineNo = 0;
  private atStart = true;
  private skippingLong = false;

  constructor(private readonly maxLineBytes = MAX_LINE_CHARS) {}

  push(chunk: Buffer): SourceItem[] {
    const out: SourceItem[] = [];
    let buf = chunk;
    let start = 0;
    if (this.atStart) {
      if (this.carry) buf = Buffer.concat([this.carry, chunk]);
      this.carry = null;
      if (buf.length < 3 && buf.length > 0 && isBomPrefix(buf)) {
        this.carry = buf; // too short to tell yet
        return out;
      }
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      if (buf.length > 0) this.atStart = false;
    } else if (this.carry) {
      // The line begun in the last chunk: joined with its end alone, not the whole chunk
      // (copying every 256 KiB read once more cost ~1% of a run and churned native memory).
      const carry = this.carry;
      this.carry = null;
      const nl = chunk.indexOf(10);
      if (nl === -1) {
        if (carry.length + chunk.length > this.maxLineBytes) this.skippingLong = true;
        else this.carry = Buffer.concat([carry, chunk]);
        return out;
      }
      const line = Buffer.concat([carry, chunk.subarray(0, nl)]);
      const item = parseNdjsonBytes(line, 0, line.length, ++this.lineNo);
      if (item !== null) out.push(item);
      start = nl + 1;
    }
    let nl: number;
    while ((nl = buf.indexOf(10, start)) !== -1) {
      this.lineNo++;
      if (this.skippingLong) {
        this.skippingLong = false;
        out.push(tooLong(this.lineNo, this.maxLineBytes, 'bytes'));
      } else {
        const item = parseNdjsonBytes(buf, start, nl, this.lineNo);
        if (item !== null) out.push(item);
      }
      start = nl + 1;
    }
    if (this.skippingLong) return out;
    if (buf.length - start > this.maxLineBytes) this.skippingLong = true;
    // Copy the tail so the 256 KiB read buffer it came from can be freed.
    else if (start < buf.length) this.carry = Buffer.from(buf.subarray(start));
    return out;
  }

  end(): SourceItem[] {
    if (this.skippingLong) {
      this.skippingLong = false;
      return [tooLong(++this.lineNo, this.maxLineBytes, 'bytes')];
    }
    const buf = this.carry;
    this.carry = null;
    if (!buf || buf.length === 0) return [];
    const item = parseNdjsonBytes(buf, 0, buf.length, ++this.lineNo);
    return item === null ? [] : [item];
  }
}

function isBomPrefix(buf: Buffer): boolean {
  return buf[0] === 0xef && (buf.length < 2 || buf[1] === 0xbb);
}

function parseNdjsonBytes(buf: Buffer, start: number, end: number, line: number): SourceItem | null {
  if (end === start) return null;
  const text = buf.toString('utf8', start, end);
  return parseNdjsonLine(text, 0, text.length, line);
}

function tooLong(line: number, max: number, unit: string): SourceItem {
  return { ok: false, line, error: `line is longer than ${max} ${unit}; skipped` };
}

/** Streams an NDJSON file item by item, in constant memory. */
export async function* readNdjson(path: string, opts: NdjsonOptions = {}): AsyncGenerator<SourceItem> {
  opts.signal?.throwIfAborted();
  const decoder = new NdjsonByteDecoder(opts.maxLineBytes);
  const stream = openFileStream(path, opts);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const items = decoder.push(chunk);
      for (let i = 0; i < items.length; i++) yield items[i]!;
    }
  } catch (err) {
    throw fileError(path, err);
  } finally {
    stream.destroy();
  }
  for (const item of decoder.end()) yield item;
}
