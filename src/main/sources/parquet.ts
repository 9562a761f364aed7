// Parquet, streamed: one row range at a time, decoded column by column through a file
// handle and turned into records one row at a time. A big row group is read in slices of
// PARQUET_RANGE_ROWS rows (or its rows per page, up to twice that): through its offset index (only those pages are read) or, without
// one (pandas/pyarrow's default), from its compressed column chunks, read once and kept for
// the group while each slice decodes only the pages it needs. Memory follows one slice's
// decoded pages (plus the next slice, read ahead) and one group's compressed bytes, never the
// decoded group or the file. A group without offset index that has a nested column (list,
// struct, map: hyparquet cannot skip its pages) or pages of more than twice a slice is
// decoded whole, and never read ahead.
// Each row is a record whose `line` is its 1-based row number (errors say "row N").
import { parquetRead, parquetSchema, type AsyncBuffer, type ColumnData, type FileMetaData, type RowGroup } from 'hyparquet';
import type { SourceItem } from '../engine/types.js';
import { markExact } from '../engine/exact.js';
import type { ReadOptions } from './file-read.js';
import { COMPRESSORS, openParquet, ParquetFileError } from './parquet-file.js';
import { BadValue, compileColumn, exactState, PARSERS, readingMetadata, type Convert } from './parquet-values.js';

/** Rows decoded at once within a bigger row group. */
export const PARQUET_RANGE_ROWS = 65_536;

export interface ParquetReadOptions extends ReadOptions {
  /** Rows per range (tests lower it to cross range boundaries). */
  rangeRows?: number;
}

interface Range {
  group: number;
  start: number;
  end: number;
  /** A slice of a bigger row group. */
  sliced: boolean;
  /** Its pages are found through the offset index (else from the group's cached chunks). */
  indexed: boolean;
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
    const rangeRows = opts.rangeRows ?? PARQUET_RANGE_ROWS;
    const ranges = planRanges(opened.metadata, rangeRows);
    let chunks: { group: number; file: AsyncBuffer } | null = null;
    const read = (r: Range) => {
      // Slices of a group without offset index share its compressed chunks, read once and
      // let go when the next range is read (the ranges before were decoded already).
      const shared = r.sliced && !r.indexed;
      if (!shared) chunks = null;
      else if (chunks?.group !== r.group) chunks = { group: r.group, file: rememberingBuffer(opened.file) };
      return settle(readRange(path, reading, r, chunks?.file ?? opened.file));
    };
    let next = ranges.length > 0 ? read(ranges[0]!) : null;
    for (let i = 0; i < ranges.length; i++) {
      const range = ranges[i]!;
      const pieces = await unwrap(next ?? read(range));
      // Read ahead: the next range decodes while this one's rows are sent; not a whole
      // group bigger than a slice (that would hold two of them).
      const following = ranges[i + 1];
      next = following && (following.sliced || following.end - following.start <= rangeRows) ? read(following) : null;
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

/**
 * Whole row groups; a big one in slices of `rangeRows` when every column chunk has an offset
 * index. Without one, a group of flat columns (hyparquet skips a flat column's pages before
 * a slice without decompressing them, and stops after it; a nested column's it decodes to
 * the chunk's end) is sliced too, in slices of at least the rows its data pages hold on
 * average (from the footer's encoding stats): a page overlapping a slice is decoded whole,
 * so smaller slices would decode the same pages again and again. Pages of more than twice
 * `rangeRows` (or of unknown size) would make slices as big as that: the group is read whole.
 */
export function planRanges(md: FileMetaData, rangeRows: number): Range[] {
  const out: Range[] = [];
  const flat = parquetSchema(md).children.every((c) => c.children.length === 0 && c.element.repetition_type !== 'REPEATED');
  let start = 0;
  md.row_groups.forEach((group: RowGroup, g) => {
    const rows = Number(group.num_rows);
    const end = start + rows;
    const indexed = group.columns.every((c) => c.offset_index_offset !== undefined && !!c.offset_index_length);
    const size = indexed ? rangeRows : flat ? Math.max(rangeRows, rowsPerPage(group)) : Infinity;
    if (rows <= size || size > 2 * rangeRows) {
      if (rows > 0) out.push({ group: g, start, end, sliced: false, indexed: false });
    } else {
      for (let s = start; s < end; s += size) out.push({ group: g, start: s, end: Math.min(end, s + size), sliced: true, indexed });
    }
    start = end;
  });
  return out;
}

/** Rows a data page holds on average in the group's column with the fewest pages (Infinity: the footer does not say). */
function rowsPerPage(group: RowGroup): number {
  let most = 0;
  for (const chunk of group.columns) {
    const stats = chunk.meta_data?.encoding_stats;
    const pages = stats?.reduce((n, s) => n + (s.page_type === 'DATA_PAGE' || s.page_type === 'DATA_PAGE_V2' ? s.count : 0), 0) ?? 0;
    if (pages === 0) return Infinity;
    most = Math.max(most, Math.ceil(Number(group.num_rows) / pages));
  }
  return most;
}

/**
 * The file, remembering each byte range it was asked for: hyparquet asks for the same column
 * chunks for every slice of a group without offset index, so they are read from disk once.
 */
function rememberingBuffer(file: AsyncBuffer): AsyncBuffer {
  const kept = new Map<string, Promise<ArrayBuffer>>();
  return {
    byteLength: file.byteLength,
    slice(start: number, end?: number) {
      const key = `${start}:${end}`;
      let bytes = kept.get(key);
      if (!bytes) kept.set(key, (bytes = Promise.resolve(file.slice(start, end))));
      return bytes;
    },
  };
}

async function readRange(path: string, metadata: FileMetaData, range: Range, file: AsyncBuffer, only?: string): Promise<Pieces> {
  const pieces: Pieces = new Map();
  try {
    await parquetRead({
      file,
      metadata,
      rowStart: range.start,
      rowEnd: range.end,
      ...(only ? { columns: [only] } : {}),
      compressors: COMPRESSORS,
      parsers: PARSERS,
      utf8: false,
      useOffsetIndex: range.indexed,
      onChunk: (chunk) => {
        let list = pieces.get(chunk.columnName);
        if (!list) pieces.set(chunk.columnName, (list = []));
        list.push(chunk);
      },
    });
  } catch (err) {
    if (only !== undefined || err instanceof ParquetFileError) throw err;
    throw await rangeError(path, metadata, range, file, err);
  }
  return pieces;
}

/** Names the column that cannot be decoded, by reading the range again one column at a time. */
async function rangeError(path: string, metadata: FileMetaData, range: Range, file: AsyncBuffer, err: unknown): Promise<Error> {
  const where = `row group ${range.group + 1} (rows ${range.start + 1}–${range.end})`;
  let column: string | undefined;
  for (const node of parquetSchema(metadata).children) {
    try {
      await readRange(path, metadata, range, file, node.element.name);
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
