// The Parquet reader: every type as the README says, nulls, row numbers across row groups
// and slices, and a broken file refused with its name (and row group and column when known).
import { closeSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, zstdCompressSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parquetMetadata } from 'hyparquet';
import { readParquet, planRanges } from '../../src/main/sources/parquet.js';
import { checkParquetFile, parquetRowCount } from '../../src/main/sources/parquet-file.js';
import { openSource } from '../../src/main/sources/index.js';
import { checkInputFile, countInput } from '../../src/main/app/run/input.js';
import { holdsExactIntegers } from '../../src/main/engine/exact.js';
import { TYPED_JSON, writeLogicalOnlyParquet, writeProfilesParquet, writeTypedParquet } from '../helpers/parquet.js';
import { collect, tempDir } from './sources-helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const at = (name: string) => join(tmp.dir, name);

describe('Parquet types', () => {
  it('maps every type to the JSON the README promises, byte for byte; nulls stay null', async () => {
    const items = await collect(openSource(writeTypedParquet(at('typed.parquet'))));
    expect(items.map((i) => i.line)).toEqual([1, 2, 3]);
    expect(items.map((i) => (i.ok ? JSON.stringify(i.value) : i.error))).toEqual(TYPED_JSON);
  });

  it('leaves no bigint behind and marks rows that hold an exact number', async () => {
    const [first, , last] = await collect(readParquet(at('typed.parquet')));
    const value = (first as { value: Record<string, unknown> }).value;
    expect(typeof value.small).toBe('number');
    expect(holdsExactIntegers(value)).toBe(true);
    expect(holdsExactIntegers((last as { value: unknown }).value)).toBe(false);
  });

  it('reads JSON and DATE annotated the new way only; a JSON value that is not JSON fails its row alone', async () => {
    const items = await collect(readParquet(writeLogicalOnlyParquet(at('logical.parquet'))));
    expect(items.map((i) => (i.ok ? JSON.stringify(i.value) : i))).toEqual([
      '{"id":"j1","doc":{"n":12345678901234567890},"day":"1970-01-02"}',
      { ok: false, line: 2, error: expect.stringMatching(/^column "doc": invalid JSON: /) },
      '{"id":"j3","doc":[1],"day":"1969-12-31"}',
    ]);
    expect(holdsExactIntegers((items[0] as { value: unknown }).value)).toBe(true);
  });
});

describe('Parquet streaming', () => {
  it('numbers rows across row groups, and slices of a big row group read the same rows', async () => {
    const path = writeProfilesParquet(at('groups.parquet'), { rows: 10_000, rowGroupSize: 3_000, pageSize: 4096 });
    const md = parquetMetadata(readFileSync(path));
    expect(md.row_groups.map((g) => Number(g.num_rows))).toEqual([3000, 3000, 3000, 1000]);
    // Pages of 4 KiB: every column chunk has an offset index, so a group is read in slices.
    const ranges = planRanges(md, 512);
    expect(ranges.every((r) => r.end - r.start <= 512)).toBe(true);
    expect(ranges.filter((r) => r.sliced).length).toBeGreaterThan(4);
    for (const rangeRows of [512, 1_000_000]) {
      const items = await collect(readParquet(path, { rangeRows }));
      expect(items).toHaveLength(10_000);
      items.forEach((item, i) => {
        expect(item).toEqual({ ok: true, line: i + 1, value: { id: `p-${i + 1}`, email: `p${i + 1}@example.com`, score: i * 1000 } });
      });
    }
  });

  it('slices a big row group without an offset index when its columns are flat and its pages small', async () => {
    const withoutEmail = new Set([0, 511, 512, 4095, 4999]);
    const path = writeProfilesParquet(at('no-index.parquet'), { rows: 5_000, pageSize: 2048, offsetIndex: false, withoutEmail });
    const md = parquetMetadata(readFileSync(path));
    expect(md.row_groups).toHaveLength(1);
    expect(md.row_groups[0]!.columns.every((c) => c.offset_index_offset === undefined)).toBe(true);
    const ranges = planRanges(md, 500); // pages of 2 KiB hold at most ~260 rows
    expect(ranges).toHaveLength(10);
    expect(ranges.every((r) => r.sliced && !r.indexed)).toBe(true);
    expect(ranges.map((r) => [r.start, r.end]).flat()).toEqual([0, ...ranges.slice(1).flatMap((r) => [r.start, r.start]), 5000]);
    for (const rangeRows of [500, 1_000_000]) {
      const items = await collect(readParquet(path, { rangeRows }));
      expect(items).toHaveLength(5_000);
      items.forEach((item, i) => {
        expect(item).toEqual({ ok: true, line: i + 1, value: { id: `p-${i + 1}`, email: withoutEmail.has(i) ? null : `p${i + 1}@example.com`, score: i * 1000 } });
      });
    }
  });

  it('reads a row group without offset index whole when it has nested columns, pages of more than two slices, or no page counts', async () => {
    const nested = parquetMetadata(readFileSync(writeTypedParquet(at('typed-whole.parquet'))));
    expect(planRanges(nested, 1).map((r) => [r.start, r.end, r.sliced])).toEqual([[0, 3, false]]);
    const flat = parquetMetadata(readFileSync(writeProfilesParquet(at('no-stats.parquet'), { rows: 2_000, rowGroupSize: 1_000, pageSize: 2048, offsetIndex: false })));
    expect(planRanges(flat, 500).every((r) => r.sliced)).toBe(true);
    // Slices are no smaller than the rows a page holds on average (in the column with fewest
    // pages), and a group is read whole when that is more than twice the slice size.
    const perPage = Math.max(...flat.row_groups[0]!.columns.map((c) => Math.ceil(1000 / c.meta_data!.encoding_stats!.filter((e) => e.page_type.startsWith('DATA_PAGE')).reduce((n, e) => n + e.count, 0))));
    expect(perPage).toBeGreaterThan(20);
    expect(planRanges(flat, Math.ceil(perPage / 2))[0]!.end).toBe(perPage);
    expect(planRanges(flat, Math.floor((perPage - 1) / 2)).map((r) => r.sliced)).toEqual([false, false]);
    for (const group of flat.row_groups) for (const c of group.columns) delete c.meta_data!.encoding_stats;
    expect(planRanges(flat, 500).map((r) => [r.start, r.end, r.sliced])).toEqual([
      [0, 1000, false],
      [1000, 2000, false],
    ]);
  });

  it('reads uncompressed, Snappy, GZIP, Brotli and ZSTD pages (the codecs Node can write here)', async () => {
    const compressors = { GZIP: (x: Uint8Array) => gzipSync(x), BROTLI: (x: Uint8Array) => brotliCompressSync(x), ZSTD: (x: Uint8Array) => zstdCompressSync(x) };
    for (const codec of ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'BROTLI', 'ZSTD'] as const) {
      const path = writeProfilesParquet(at(`${codec}.parquet`), { rows: 3, codec, compressors });
      expect(parquetMetadata(readFileSync(path)).row_groups[0]!.columns[0]!.meta_data!.codec).toBe(codec);
      const items = await collect(readParquet(path));
      expect(items.map((i) => (i.ok ? (i.value as { id: string }).id : i.error))).toEqual(['p-1', 'p-2', 'p-3']);
    }
  });

  it('stops at an aborted signal', async () => {
    const path = writeProfilesParquet(at('abort.parquet'), { rows: 100 });
    const ctl = new AbortController();
    let n = 0;
    for await (const _ of readParquet(path, { signal: ctl.signal })) if (++n === 10) ctl.abort();
    expect(n).toBe(10);
  });
});

describe('broken Parquet files', () => {
  it('refuses a truncated file at check time, naming it', async () => {
    const good = writeProfilesParquet(at('whole.parquet'), { rows: 50 });
    const cut = at('cut.parquet');
    writeFileSync(cut, readFileSync(good).subarray(0, statSync(good).size - 100));
    const message = await checkParquetFile(cut);
    expect(message).toContain(cut);
    expect(message).toMatch(/not a readable Parquet file: .*truncated/);
    expect(await checkInputFile(cut)).toBe(message);
    await expect(collect(readParquet(cut))).rejects.toThrow(cut);
  });

  it('refuses a file that is not Parquet, and an empty one', async () => {
    const fake = tmp.write('fake.parquet', 'id,email\nu1,a@example.com\n');
    expect(await checkInputFile(fake)).toMatch(new RegExp(`^${fake}: not a readable Parquet file: it does not end with the Parquet marker "PAR1"`));
    const empty = tmp.write('empty.parquet', '');
    expect(await checkInputFile(empty)).toMatch(/is 0 bytes long/);
  });

  it('refuses a codec it cannot decompress, naming row group and column', async () => {
    const path = writeProfilesParquet(at('lzo.parquet'), { rows: 3, codec: 'LZO', compressors: { LZO: (x) => x } });
    expect(await checkInputFile(path)).toBe(`${path}: row group 1, column "id": compression codec LZO is not supported (supported: UNCOMPRESSED, SNAPPY, GZIP, BROTLI, ZSTD, LZ4, LZ4_RAW)`);
  });

  it('refuses a footer whose column data lies past the end of the file', async () => {
    const path = writeProfilesParquet(at('short-chunk.parquet'), { rows: 3000, codec: 'UNCOMPRESSED' });
    // Keep the footer, drop bytes before it: the chunks' offsets now point past the end.
    const bytes = readFileSync(path);
    const footerLength = bytes.readUInt32LE(bytes.length - 8) + 8;
    const shifted = Buffer.concat([bytes.subarray(0, 4), bytes.subarray(bytes.length - footerLength)]);
    writeFileSync(path, shifted);
    expect(await checkInputFile(path)).toMatch(/row group 1, column "id": its data \(bytes \d+–\d+\) lies beyond the end of the \d+-byte file/);
  });

  it('a page that cannot be decoded names the file, the row group and the column; the count needs no row', async () => {
    const path = writeProfilesParquet(at('bad-page.parquet'), { rows: 300, rowGroupSize: 100, codec: 'UNCOMPRESSED' });
    const md = parquetMetadata(readFileSync(path));
    const email = md.row_groups[1]!.columns.find((c) => c.meta_data?.path_in_schema[0] === 'email')!.meta_data!;
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(12, 0xff), 0, 12, Number(email.data_page_offset));
    closeSync(fd);
    expect(await checkInputFile(path)).toBeNull(); // the footer is sound
    expect(await countInput(null, { kind: 'file', path })).toBe(300); // from num_rows, no page decoded
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of readParquet(path)) seen.push(item.line);
      })(),
    ).rejects.toThrow(new RegExp(`^${path}: row group 2 \\(rows 101–200\\), column "email" cannot be decoded: .*\\(corrupt file\\?\\)$`));
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('a page that cannot be decoded in a slice of a group without offset index names the rows and the column', async () => {
    const path = writeProfilesParquet(at('bad-slice.parquet'), { rows: 2_000, pageSize: 2048, offsetIndex: false, codec: 'UNCOMPRESSED' });
    const md = parquetMetadata(readFileSync(path));
    expect(planRanges(md, 500).every((r) => r.sliced && !r.indexed)).toBe(true);
    const email = md.row_groups[0]!.columns.find((c) => c.meta_data?.path_in_schema[0] === 'email')!.meta_data!;
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(12, 0xff), 0, 12, Number(email.data_page_offset));
    closeSync(fd);
    await expect(collect(readParquet(path, { rangeRows: 500 }))).rejects.toThrow(
      new RegExp(`^${path}: row group 1 \\(rows 1–500\\), column "email" cannot be decoded: .*\\(corrupt file\\?\\)$`),
    );
  });

  it('counts rows from the footer', async () => {
    expect(await parquetRowCount(at('groups.parquet'))).toBe(10_000);
  });
});

