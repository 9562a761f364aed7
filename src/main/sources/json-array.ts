// A `.json` file holding one array of records, read streaming: a small scanner tracks
// strings, escapes and bracket nesting across chunks, cuts out each top-level element and
// JSON.parses only that slice. Memory is one chunk plus the largest element, never the file.
import type { SourceItem } from '../engine/types.js';
import { readTextChunks, type ReadOptions } from './file-read.js';
import { jsonErrorDetail } from './json-error.js';
import { nestedTooDeep, parseJsonExact, TOO_DEEP } from '../engine/exact.js';

/** A larger element is reported as an error and skipped. */
export const MAX_ELEMENT_CHARS = 64 * 1024 * 1024;

export interface JsonArrayOptions extends ReadOptions {
  maxElementChars?: number;
}

type Phase = 'start' | 'value' | 'element' | 'tail' | 'done';

const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const QUOTE = 34;
const COMMA = 44;
const NEWLINE = 10;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff;
}

/** Incremental scanner: push() decoded text, get back the elements completed so far. */
export class JsonArrayScanner {
  private phase: Phase = 'start';
  private buf = '';
  /** Absolute offset (in characters) of buf[0], and of the last newline seen. */
  private base = 0;
  private lastNewline = -1;
  private line = 1;
  private elements = 0;
  private afterComma = false;
  // The element being scanned.
  private elemStart = -1; // index into buf; -1 while an oversized element is being skipped
  private elemLine = 0;
  private elemCol = 0;
  private elemChars = 0;
  private stack: number[] = [];
  private inString = false;
  private escaped = false;

  constructor(private readonly maxElementChars = MAX_ELEMENT_CHARS) {}

  /** True once nothing more can be read (not an array, or content after `]` reported). */
  get done(): boolean {
    return this.phase === 'done';
  }

  push(text: string): SourceItem[] {
    const out: SourceItem[] = [];
    if (this.phase === 'done') return out;
    let pos = this.buf.length;
    const buf = (this.buf = this.buf + text);
    const len = buf.length;
    while (pos < len && this.phase !== 'done') {
      if (this.phase === 'element') {
        pos = this.scanElement(buf, pos, len, out);
        continue;
      }
      const c = buf.charCodeAt(pos);
      if (c === NEWLINE) this.newline(pos);
      if (isSpace(c)) {
        pos++;
        continue;
      }
      const col = this.base + pos - this.lastNewline;
      if (this.phase === 'start') {
        if (c === OPEN_BRACKET) {
          this.phase = 'value';
          pos++;
        } else {
          out.push({
            ok: false,
            line: this.line,
            error:
              `not a JSON array: expected '[' at line ${this.line} column ${col}, found ${describeChar(buf, pos)}` +
              ' (a .json input must hold one array of records; use .ndjson for one record per line)',
          });
          this.phase = 'done';
        }
      } else if (this.phase === 'value') {
        if (c === CLOSE_BRACKET && !this.afterComma) {
          this.phase = 'tail';
          pos++;
        } else if (c === CLOSE_BRACKET || c === COMMA) {
          out.push({
            ok: false,
            line: this.line,
            error: `invalid JSON at line ${this.line} column ${col}: expected an array element, found ${describeChar(buf, pos)}`,
          });
          pos++;
          if (c === CLOSE_BRACKET) this.phase = 'tail';
        } else {
          this.phase = 'element';
          this.elemStart = pos;
          this.elemLine = this.line;
          this.elemCol = col;
          this.elemChars = 0;
          this.stack.length = 0;
          this.inString = false;
          this.escaped = false;
        }
      } else {
        // 'tail': only whitespace may follow the closing bracket.
        out.push({
          ok: false,
          line: this.line,
          error: `invalid JSON at line ${this.line} column ${col}: unexpected ${describeChar(buf, pos)} after the closing ']' of the array; the rest of the file is ignored`,
        });
        this.phase = 'done';
      }
    }
    this.compact(pos);
    return out;
  }

  /** Called at end of input: completes or reports the last element and a missing `]`. */
  end(): SourceItem[] {
    const out: SourceItem[] = [];
    switch (this.phase) {
      case 'start':
        out.push({ ok: false, line: 1, error: 'not a JSON array: the file is empty (expected one array of records)' });
        break;
      case 'value':
        out.push(this.unclosed());
        break;
      case 'element':
        if (this.inString || this.stack.length > 0) {
          out.push({
            ok: false,
            line: this.elemLine,
            error: `unexpected end of file: the element starting at line ${this.elemLine} column ${this.elemCol} is incomplete (truncated file?)`,
          });
        } else {
          out.push(this.finishElement(this.buf.length));
          out.push(this.unclosed());
        }
        break;
    }
    this.phase = 'done';
    this.buf = '';
    return out;
  }

  /** Scans inside an element from pos; returns where it stopped (end of buf or past the element). */
  private scanElement(buf: string, pos: number, len: number, out: SourceItem[]): number {
    const stack = this.stack;
    let inString = this.inString;
    let escaped = this.escaped;
    const startPos = pos;
    // Strings are most of the text: jump through them with indexOf instead of char by char.
    // Next newline / backslash at or after pos; -2 = not looked up yet, -1 = none in buf.
    let nextNl = -2;
    let nextBs = -2;
    for (; pos < len; pos++) {
      if (inString) {
        if (escaped) {
          escaped = false;
          if (buf.charCodeAt(pos) === NEWLINE) this.newline(pos);
          continue;
        }
        if (nextBs !== -1 && nextBs < pos) nextBs = buf.indexOf('\\', pos);
        const q = buf.indexOf('"', pos);
        let stop = q === -1 ? len : q;
        if (nextBs !== -1 && nextBs < stop) stop = nextBs;
        if (nextNl !== -1 && nextNl < pos) nextNl = buf.indexOf('\n', pos);
        while (nextNl !== -1 && nextNl < stop) {
          this.newline(nextNl);
          nextNl = buf.indexOf('\n', nextNl + 1);
        }
        if (stop === len) {
          pos = len;
          break;
        }
        if (stop === nextBs) escaped = true;
        else inString = false;
        pos = stop; // the loop's pos++ steps past the backslash or the closing quote
        continue;
      }
      const c = buf.charCodeAt(pos);
      if (c === NEWLINE) this.newline(pos);
      if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) stack.push(c);
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (stack.length === 0) {
          if (c === CLOSE_BRACKET) {
            // The array's own closing bracket ends the last element.
            this.elemChars += pos - startPos;
            out.push(this.finishElement(pos));
            this.inString = false;
            this.escaped = false;
            this.phase = 'tail';
            return pos + 1;
          }
          // A stray '}' at the top: JSON.parse will report it.
        } else {
          // Pop to the matching opener so one mismatched bracket does not swallow the file.
          const opener = c === CLOSE_BRACE ? OPEN_BRACE : OPEN_BRACKET;
          const at = stack.lastIndexOf(opener);
          if (at !== -1) stack.length = at;
        }
      } else if (c === COMMA && stack.length === 0) {
        this.elemChars += pos - startPos;
        out.push(this.finishElement(pos));
        this.inString = false;
        this.escaped = false;
        this.phase = 'value';
        this.afterComma = true;
        return pos + 1;
      }
    }
    this.inString = inString;
    this.escaped = escaped;
    this.elemChars += pos - startPos;
    if (this.elemStart !== -1 && this.elemChars > this.maxElementChars) this.elemStart = -1;
    return pos;
  }

  /** Parses buf[elemStart, end) as one element. */
  private finishElement(end: number): SourceItem {
    this.elements++;
    this.afterComma = false;
    const line = this.elemLine;
    if (this.elemStart === -1) {
      return {
        ok: false,
        line,
        error: `the element starting at line ${line} column ${this.elemCol} is longer than ${this.maxElementChars} characters; skipped`,
      };
    }
    const text = this.buf.slice(this.elemStart, end);
    this.elemStart = -1;
    if (nestedTooDeep(text)) return { ok: false, line, error: TOO_DEEP };
    try {
      return { ok: true, line, value: parseJsonExact(text) };
    } catch (err) {
      const { offset, reason } = jsonErrorDetail(text, err);
      if (offset === undefined) return { ok: false, line, error: `invalid JSON: ${reason}` };
      // Position of the error inside the file, from the element's own start.
      const before = text.lastIndexOf('\n', offset - 1);
      let errLine = line;
      for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) errLine++;
      const errCol = before === -1 ? this.elemCol + offset : offset - before;
      return { ok: false, line, error: `invalid JSON at line ${errLine} column ${errCol}: ${reason}` };
    }
  }

  private unclosed(): SourceItem {
    return {
      ok: false,
      line: this.line,
      error: `unexpected end of file at line ${this.line}: the array is not closed with ']' (truncated file?)`,
    };
  }

  private newline(pos: number): void {
    this.line++;
    this.lastNewline = this.base + pos;
  }

  /** Drops consumed text, keeping only an unfinished element. */
  private compact(pos: number): void {
    let keepFrom = pos;
    if (this.phase === 'element' && this.elemStart !== -1) keepFrom = this.elemStart;
    this.base += keepFrom;
    this.buf = keepFrom >= this.buf.length ? '' : this.buf.slice(keepFrom);
    if (this.elemStart !== -1) this.elemStart -= keepFrom;
  }
}

function describeChar(buf: string, pos: number): string {
  const cp = buf.codePointAt(pos);
  return cp === undefined ? 'end of input' : `'${String.fromCodePoint(cp)}'`;
}

/** Streams the elements of a JSON array file, one item per element. */
export async function* readJsonArray(path: string, opts: JsonArrayOptions = {}): AsyncGenerator<SourceItem> {
  const scanner = new JsonArrayScanner(opts.maxElementChars);
  for await (const text of readTextChunks(path, opts)) {
    const items = scanner.push(text);
    for (let i = 0; i < items.length; i++) yield items[i]!;
    if (scanner.done) return;
  }
  for (const item of scanner.end()) yield item;
}

/** The same scanner over text already in memory. */
export function parseJsonArrayText(text: string): SourceItem[] {
  const scanner = new JsonArrayScanner();
  const items = scanner.push(text);
  for (const item of scanner.end()) items.push(item);
  return items;
}
