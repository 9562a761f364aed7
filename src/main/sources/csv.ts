// CSV with a header row, streamed through csv-parse. Values stay strings (the output schema
// coerces later; an empty cell is ''). A dotted header such as `person.email` becomes a
// nested object ({ person: { email } }) so one JMESPath mapping serves CSV and JSON inputs.
// A row csv-parse rejects (wrong field count, bad quotes) fails alone and reading goes on.
import { Parser, type CsvError, type Info, type Options } from 'csv-parse';
import type { SourceItem } from '../engine/types.js';
import { fileError, openFileStream, type ReadOptions } from './file-read.js';

/** The bits of csv-parse 7's parser state we touch to recover from a bad closing quote. */
interface ParserState {
  quoting: boolean;
  record: unknown[];
}

export async function* readCsv(path: string, opts: ReadOptions = {}): AsyncGenerator<SourceItem> {
  opts.signal?.throwIfAborted();
  const queue: SourceItem[] = [];
  const nester = new HeaderNester();
  // One failed record can trigger several errors; report only the first. csv-parse starts a
  // new `state.record` array for every record, so its identity tells records apart.
  let lastFailedRecord: unknown = undefined;
  // csv-parse counts a CR and an LF inside quotes as two lines each time they form one CRLF
  // break, so its count runs ahead by one per quoted CRLF from then on.
  let crlfBefore = 0;
  const options: Options<Record<string, string>> = {
    bom: true,
    columns: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_record: (record: Record<string, string>, info: Info) => {
      const breaks = quotedBreaks(record);
      queue.push({ ok: true, line: info.lines - breaks.counted - crlfBefore, value: nester.nest(record) });
      crlfBefore += breaks.crlf;
      return null; // consumed here; nothing goes to the readable side
    },
    on_skip: (err: CsvError | undefined) => {
      const state = (parser as unknown as { state: ParserState }).state;
      // In skip mode csv-parse 7 stays inside the quoted field after `"abc"x`, swallowing the
      // rest of the file; leave the quote so only this record is lost.
      if (err?.code === 'CSV_INVALID_CLOSING_QUOTE') state.quoting = false;
      if (state.record === lastFailedRecord) return undefined;
      lastFailedRecord = state.record;
      queue.push(csvErrorItem(err, crlfBefore));
      return undefined;
    },
  };
  // Options is generic over the record type; Parser's constructor takes the default one.
  const parser = new Parser(options as unknown as Options);
  let fatal: Error | undefined;
  parser.on('error', (err: Error) => {
    fatal ??= err;
  });
  // The readable side never carries data (on_record returns null); keep it flowing anyway.
  parser.resume();
  const write = (chunk: Buffer | null): Promise<void> =>
    new Promise((resolve, reject) => {
      const done = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (chunk === null) parser.end(done);
      else parser.write(chunk, done);
    });

  const stream = openFileStream(path, opts);
  try {
    try {
      for await (const buf of stream as AsyncIterable<Buffer>) {
        await write(buf);
        if (fatal) throw fatal;
        for (let i = 0; i < queue.length; i++) yield queue[i]!;
        queue.length = 0;
      }
    } catch (err) {
      if (fatal && err === fatal) throw new Error(`cannot parse CSV file ${path}: ${fatal.message}`, { cause: fatal });
      throw fileError(path, err);
    }
    await write(null).catch((err: Error) => {
      fatal ??= err;
    });
    for (const item of queue) yield item;
    if (fatal) throw new Error(`cannot parse CSV file ${path}: ${fatal.message}`, { cause: fatal });
  } finally {
    stream.destroy();
    parser.destroy();
  }
}

function csvErrorItem(err: CsvError | undefined, crlfBefore: number): SourceItem {
  const e = err as (CsvError & { lines?: number; column?: string | number; record?: unknown[] }) | undefined;
  const line = typeof e?.lines === 'number' ? e.lines - crlfBefore : 0;
  if (!e) return { ok: false, line, error: 'invalid CSV row' };
  if (e.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' || e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
    const expected = /columns length is (\d+)|expect (\d+)/.exec(e.message);
    const want = expected?.[1] ?? expected?.[2];
    const got = Array.isArray(e.record) ? e.record.length : undefined;
    return {
      ok: false,
      line,
      error: `invalid CSV row: expected ${want ?? 'as many'} fields as the header has, got ${got ?? 'a different number'}`,
    };
  }
  const field = e.column === undefined ? '' : ` in field ${JSON.stringify(e.column)}`;
  return { ok: false, line, error: `invalid CSV row${field}: ${e.message}` };
}

/**
 * Quoted fields may hold line breaks; subtracting what csv-parse counted for them (every CR
 * and every LF) gives the line the record starts on. `crlf` is how many of those pairs were
 * one break, which csv-parse counted twice.
 */
function quotedBreaks(record: Record<string, string>): { counted: number; crlf: number } {
  let counted = 0;
  let crlf = 0;
  for (const key in record) {
    const v = record[key];
    if (typeof v !== 'string') continue;
    // indexOf keeps the common case (no break at all) to two native scans per value.
    for (let i = v.indexOf('\n'); i !== -1; i = v.indexOf('\n', i + 1)) counted++;
    for (let i = v.indexOf('\r'); i !== -1; i = v.indexOf('\r', i + 1)) {
      counted++;
      if (v.charCodeAt(i + 1) === 10) crlf++;
    }
  }
  return { counted, crlf };
}

/**
 * Turns `{ "person.email": "a@x" }` into `{ person: { email: "a@x" } }`. A header is split
 * on dots unless a part would be empty (`a..b`, `.a`) or a prefix of it is itself a header
 * (`person` next to `person.email`, or `a.b` next to `a.b.c`): such a header stays flat.
 */
export class HeaderNester {
  private paths: Map<string, string[] | null> | undefined;

  nest(record: Record<string, string>): Record<string, unknown> {
    const paths = (this.paths ??= HeaderNester.plan(Object.keys(record)));
    const out: Record<string, unknown> = {};
    for (const key in record) {
      const value = record[key];
      const path = paths.get(key);
      if (!path) {
        setOwn(out, key, value);
        continue;
      }
      let target: Record<string, unknown> = out;
      for (let i = 0; i < path.length - 1; i++) {
        const part = path[i]!;
        let next = Object.hasOwn(target, part) ? target[part] : undefined;
        if (next === undefined) {
          next = {};
          setOwn(target, part, next);
        }
        target = next as Record<string, unknown>;
      }
      setOwn(target, path[path.length - 1]!, value);
    }
    return out;
  }

  /** Decides once, from the header row, which headers nest and along which path. */
  static plan(headers: string[]): Map<string, string[] | null> {
    const all = new Set(headers);
    const paths = new Map<string, string[] | null>();
    for (const h of headers) {
      const parts = h.split('.');
      let nested = parts.length > 1 && parts.every((p) => p.length > 0);
      for (let i = 1; nested && i < parts.length; i++) {
        if (all.has(parts.slice(0, i).join('.'))) nested = false;
      }
      paths.set(h, nested ? parts : null);
    }
    return paths;
  }
}

/** Plain assignment, except `__proto__`, which must become an own key, not a prototype. */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else obj[key] = value;
}
