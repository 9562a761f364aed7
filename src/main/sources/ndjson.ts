// NDJSON / JSON Lines: one JSON value per line. A bad line fails alone; blank lines are
// skipped (but still counted, so line numbers match the file as an editor shows it).
import type { SourceItem } from '../engine/types.js';
import { readTextChunks, type ReadOptions } from './file-read.js';
import { jsonErrorDetail } from './json-error.js';

/** A longer line is reported as an error and skipped, so one runaway line cannot eat memory. */
export const MAX_LINE_CHARS = 32 * 1024 * 1024;

export interface NdjsonOptions extends ReadOptions {
  maxLineChars?: number;
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
  try {
    return { ok: true, line, value: JSON.parse(text) };
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

/** Streams an NDJSON file item by item, in constant memory. */
export async function* readNdjson(path: string, opts: NdjsonOptions = {}): AsyncGenerator<SourceItem> {
  const decoder = new NdjsonDecoder(opts.maxLineChars);
  for await (const text of readTextChunks(path, opts)) {
    const items = decoder.push(text);
    for (let i = 0; i < items.length; i++) yield items[i]!;
  }
  for (const item of decoder.end()) yield item;
}
