// Parquet, streamed: one row range at a time (a row group, or a slice of a big row group
// when its columns carry an offset index, so only those pages are read), decoded column by
// column through a file handle and turned into records one row at a time. Memory follows
// one range's column data (plus the next one, read ahead), never the file. Each row is a
// record whose `line` is its 1-based row number (errors say "row N").
import { parquetRead, parquetSchema, type ColumnData, type FileMetaData, type RowGroup } from 'hyparquet';
import type { SourceItem } from '../engine/types.js';
import { markExact } from '../engine/exact.js';
import type { ReadOptions } from './file-read.js';
import { COMPRESSORS, openParquet, ParquetFileError, type OpenParquet } from './parquet-file.js';
import { BadValue, compileColumn, exactState, PARSERS, readingMetadata, type Convert } from './parquet-values.js';

/** Rows decoded at once within a row group that has an offset index. */
export const PARQUET_RANGE_ROWS = 65_536;

export interface ParquetReadOptions extends ReadOptions {
  /** Rows per range (tests lower it to cross range boundaries). */
  rangeRows?: number;
}

interface Range {
  group: number;
  start: number;
  end: number;
  /** Read only the pages of this slice (the group's columns have offset indexes). */
  sliced: boolean;
}

/** Column pieces of one range: per top-level column, decoded runs of rows in order. */
type Pieces = Map<string, ColumnData[]>;

export async function* readParquet(path: string, opts: ParquetReadOptions = {}): AsyncGenerator<SourceItem> {
  opts.signal?.throwIfAborted();
  const opened = await openParquet(path);
  try {
    const reading = readingMetadata(opened.metadata);
    const tree = parquetSchema(opened.metadata);
    const columns = tree.children.map((node) => ({ name: node.element.name, convert: compileColumn(node) }));
    const ranges = planRanges(opened.metadata, opts.rangeRows ?? PARQUET_RANGE_ROWS);
    const read = (r: Range) => readRange(path, opened, reading, r);
    let next = ranges.length > 0 ? settle(read(ranges[0]!)) : null;
    for (let i = 0; i < ranges.length; i++) {
      const range = ranges[i]!;
      const pieces = await unwrap(next!);
      // Read ahead: the next range decodes while this one's rows are sent.
      next = i + 1 < ranges.length ? settle(read(ranges[i + 1]!)) : null;
      const cursors = columns.map((c) => new Cursor(pieces.get(c.name) ?? [], c.name, range, path));
      for (let row = range.start; row < range.end; row++) {
        if (opts.signal?.aborted) return;
        yield buildRow(columns, cursors, row);
      }
    }
  } finally {
    await opened.handle.close();
  }
}

/** Whole row groups; a big one in slices when every column chunk has an offset index. */
export function planRanges(md: FileMetaData, rangeRows: number): Range[] {
  const out: Range[] = [];
  let start = 0;
  md.row_groups.forEach((group: RowGroup, g) => {
    const rows = Number(group.num_rows);
    const end = start + rows;
    const sliceable = rows > rangeRows && group.columns.every((c) => c.offset_index_offset !== undefined && !!c.offset_index_length);
    if (!sliceable) {
      if (rows > 0) out.push({ group: g, start, end, sliced: false });
    } else {
      for (let s = start; s < end; s += rangeRows) out.push({ group: g, start: s, end: Math.min(end, s + rangeRows), sliced: true });
    }
    start = end;
  });
  return out;
}

async function readRange(path: string, opened: OpenParquet, metadata: FileMetaData, range: Range, only?: string): Promise<Pieces> {
  const pieces: Pieces = new Map();
  try {
    await parquetRead({
      file: opened.file,
      metadata,
      rowStart: range.start,
      rowEnd: range.end,
      ...(only ? { columns: [only] } : {}),
      compressors: COMPRESSORS,
      parsers: PARSERS,
      utf8: false,
      useOffsetIndex: range.sliced,
      onChunk: (chunk) => {
        let list = pieces.get(chunk.columnName);
        if (!list) pieces.set(chunk.columnName, (list = []));
        list.push(chunk);
      },
    });
  } catch (err) {
    if (only !== undefined || err instanceof ParquetFileError) throw err;
    throw await rangeError(path, opened, metadata, range, err);
  }
  return pieces;
}

/** Names the column that cannot be decoded, by reading the range again one column at a time. */
async function rangeError(path: string, opened: OpenParquet, metadata: FileMetaData, range: Range, err: unknown): Promise<Error> {
  const where = `row group ${range.group + 1} (rows ${range.start + 1}–${range.end})`;
  let column: string | undefined;
  for (const node of parquetSchema(metadata).children) {
    try {
      await readRange(path, opened, metadata, range, node.element.name);
    } catch (inner) {
      if (inner instanceof ParquetFileError) return inner;
      column = node.element.name;
      err = inner;
      break;
    }
  }
  const what = column === undefined ? where : `${where}, column "${column}"`;
  const reason = err instanceof Error ? err.message.replace(/^parquet /, '') : String(err);
  return new ParquetFileError(`${path}: ${what} cannot be decoded: ${reason} (corrupt file?)`, { cause: err });
}

/** Walks one column's pieces forward, row by row. */
class Cursor {
  private i = 0;
  constructor(
    private readonly pieces: ColumnData[],
    private readonly name: string,
    private readonly range: Range,
    private readonly path: string,
  ) {}

  at(row: number): unknown {
    let p = this.pieces[this.i];
    while (p && row >= p.rowEnd) p = this.pieces[++this.i];
    if (!p || row < p.rowStart) {
      throw new ParquetFileError(`${this.path}: row group ${this.range.group + 1}, column "${this.name}" holds no value for row ${row + 1} (corrupt file?)`);
    }
    return p.columnData[row - p.rowStart];
  }
}

function buildRow(columns: Array<{ name: string; convert: Convert | null }>, cursors: Cursor[], row: number): SourceItem {
  const line = row + 1;
  const value: Record<string, unknown> = {};
  exactState.seen = false;
  for (let c = 0; c < columns.length; c++) {
    const { name, convert } = columns[c]!;
    let v = cursors[c]!.at(row);
    if (convert) {
      try {
        v = convert(v);
      } catch (err) {
        if (err instanceof BadValue) return { ok: false, line, error: `column "${name}": ${err.message}` };
        throw err;
      }
    }
    if (v === undefined) v = null;
    if (name === '__proto__') Object.defineProperty(value, name, { value: v, enumerable: true, writable: true, configurable: true });
    else value[name] = v;
  }
  if (exactState.seen) markExact(value);
  return { ok: true, line, value };
}

/** A promise that never rejects unobserved (a read-ahead may fail while rows are still sent). */
function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

async function unwrap<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw r.error;
  return r.value;
}
