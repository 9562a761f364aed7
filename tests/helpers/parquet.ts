// Parquet files for tests, written with hyparquet-writer: one with every type the reader
// maps (and a row of nulls), and plain profile files of any size in several row groups.
import { parquetWriteFile } from 'hyparquet-writer';

/** The schema type of hyparquet-writer (it carries its own copy of hyparquet's types). */
type SchemaElement = NonNullable<Parameters<typeof parquetWriteFile>[0]['schema']>[number];

/** Rows of the typed file, column by column (row 3 is all nulls). */
export const TYPED_COLUMNS = {
  id: ['u1', 'u2', 'u3'],
  small: [42n, -7n, null],
  big: [9007199254740993n, -12345678901234567n, null],
  i32: [1, -2, null],
  dbl: [1.5, Number.NaN, null],
  flag: [true, false, null],
  price: [12345n, -5n, null], // DECIMAL(18,2) in an INT64
  huge: [1234567890123456789n, 100n, null], // DECIMAL(19,2): 12345678901234567.89 is no double
  fixed: [-123456n, 7n, null], // DECIMAL(9,3) in 4 fixed bytes
  created: [new Date('2024-05-06T07:08:09.123Z'), new Date(0), null], // TIMESTAMP(MILLIS, UTC)
  micros: [1700000000123456n, -1n, null], // TIMESTAMP(MICROS, UTC)
  local: [1700000000123456789n, 0n, null], // TIMESTAMP(NANOS, local)
  birthday: [19000, -1, null], // DATE
  at: [45296789, 0, null], // TIME(MILLIS): 12:34:56.789
  raw: [new Uint8Array([0, 255, 1]), new Uint8Array([104, 105]), null], // BYTE_ARRAY, no annotation
  tags: [['a', 'b'], [], null], // LIST<STRING>
  address: [{ city: 'Paris', zip: 75001, since: 9007199254740995n }, { city: null, zip: 2, since: 1n }, null], // STRUCT
  attrs: [[{ key: 'tier', value: 7n }], [], null], // MAP<STRING, INT64>
  doc: [{ n: 1, deep: [true] }, 'text', null], // JSON
} as const;

export const TYPED_SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: Object.keys(TYPED_COLUMNS).length },
  { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'small', type: 'INT64', repetition_type: 'OPTIONAL' },
  { name: 'big', type: 'INT64', repetition_type: 'OPTIONAL' },
  { name: 'i32', type: 'INT32', repetition_type: 'OPTIONAL' },
  { name: 'dbl', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
  { name: 'flag', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
  { name: 'price', type: 'INT64', converted_type: 'DECIMAL', scale: 2, precision: 18, repetition_type: 'OPTIONAL' },
  { name: 'huge', type: 'FIXED_LEN_BYTE_ARRAY', type_length: 9, converted_type: 'DECIMAL', scale: 2, precision: 19, repetition_type: 'OPTIONAL' },
  { name: 'fixed', type: 'FIXED_LEN_BYTE_ARRAY', type_length: 4, converted_type: 'DECIMAL', scale: 3, precision: 9, repetition_type: 'OPTIONAL' },
  { name: 'created', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'OPTIONAL' },
  { name: 'micros', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' }, repetition_type: 'OPTIONAL' },
  { name: 'local', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'NANOS' }, repetition_type: 'OPTIONAL' },
  { name: 'birthday', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
  { name: 'at', type: 'INT32', converted_type: 'TIME_MILLIS', repetition_type: 'OPTIONAL' },
  { name: 'raw', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
  { name: 'tags', converted_type: 'LIST', repetition_type: 'OPTIONAL', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  { name: 'address', repetition_type: 'OPTIONAL', num_children: 3 },
  { name: 'city', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  { name: 'zip', type: 'INT32', repetition_type: 'OPTIONAL' },
  { name: 'since', type: 'INT64', repetition_type: 'OPTIONAL' },
  { name: 'attrs', converted_type: 'MAP', repetition_type: 'OPTIONAL', num_children: 1 },
  { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
  { name: 'key', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'value', type: 'INT64', repetition_type: 'OPTIONAL' },
  { name: 'doc', type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: 'OPTIONAL' },
];

/** What each typed row must become, as JSON text (exact bytes). */
export const TYPED_JSON = [
  '{"id":"u1","small":42,"big":9007199254740993,"i32":1,"dbl":1.5,"flag":true,"price":123.45,"huge":12345678901234567.89,"fixed":-123.456,' +
    '"created":"2024-05-06T07:08:09.123Z","micros":"2023-11-14T22:13:20.123456Z","local":"2023-11-14T22:13:20.123456789","birthday":"2022-01-08","at":"12:34:56.789",' +
    '"raw":"AP8B","tags":["a","b"],"address":{"city":"Paris","zip":75001,"since":9007199254740995},"attrs":{"tier":7},"doc":{"n":1,"deep":[true]}}',
  '{"id":"u2","small":-7,"big":-12345678901234567,"i32":-2,"dbl":null,"flag":false,"price":-0.05,"huge":1,"fixed":0.007,' +
    '"created":"1970-01-01T00:00:00.000Z","micros":"1969-12-31T23:59:59.999999Z","local":"1970-01-01T00:00:00.000000000","birthday":"1969-12-31","at":"00:00:00.000",' +
    '"raw":"aGk=","tags":[],"address":{"city":null,"zip":2,"since":1},"attrs":{},"doc":"text"}',
  '{"id":"u3","small":null,"big":null,"i32":null,"dbl":null,"flag":null,"price":null,"huge":null,"fixed":null,' +
    '"created":null,"micros":null,"local":null,"birthday":null,"at":null,"raw":null,"tags":null,"address":null,"attrs":null,"doc":null}',
];

export function writeTypedParquet(path: string): string {
  parquetWriteFile({
    filename: path,
    columnData: Object.entries(TYPED_COLUMNS).map(([name, data]) => ({ name, data: [...data] as unknown[] as never })),
    schema: TYPED_SCHEMA,
  });
  return path;
}

export interface ProfileFileOptions {
  rows: number;
  rowGroupSize?: number;
  /** Rows (0-based) written without an email (a record the output schema then refuses). */
  withoutEmail?: ReadonlySet<number>;
  codec?: 'SNAPPY' | 'UNCOMPRESSED' | 'GZIP' | 'ZSTD' | 'BROTLI' | 'LZ4' | 'LZ4_RAW' | 'LZO';
  compressors?: Record<string, (input: Uint8Array) => Uint8Array>;
  pageSize?: number;
  /** false: no offset index (pyarrow's default), so a big group has no page index to slice by. */
  offsetIndex?: boolean;
}

/** Simple profiles: id `p-<n>` (1-based), email, score (INT64), in row groups of `rowGroupSize`. */
export function writeProfilesParquet(path: string, opts: ProfileFileOptions): string {
  const ids: string[] = [];
  const emails: Array<string | null> = [];
  const scores: bigint[] = [];
  for (let i = 0; i < opts.rows; i++) {
    ids.push(`p-${i + 1}`);
    emails.push(opts.withoutEmail?.has(i) ? null : `p${i + 1}@example.com`);
    scores.push(BigInt(i) * 1000n);
  }
  const index = opts.offsetIndex === false ? { offsetIndex: false } : {};
  parquetWriteFile({
    filename: path,
    columnData: [
      { name: 'id', data: ids, type: 'STRING', ...index },
      { name: 'email', data: emails, type: 'STRING', ...index },
      { name: 'score', data: scores, type: 'INT64', ...index },
    ],
    rowGroupSize: opts.rowGroupSize ?? opts.rows,
    ...(opts.pageSize ? { pageSize: opts.pageSize } : {}),
    ...(opts.codec ? { codec: opts.codec } : {}),
    ...(opts.compressors ? { compressors: opts.compressors as never } : {}),
  });
  return path;
}

/**
 * JSON and DATE written with the logical annotation only (as newer writers may), and row 2's
 * JSON not JSON at all: that row must fail alone.
 */
export function writeLogicalOnlyParquet(path: string): string {
  const bytes = (s: string) => new TextEncoder().encode(s);
  parquetWriteFile({
    filename: path,
    columnData: [
      { name: 'id', data: ['j1', 'j2', 'j3'] },
      { name: 'doc', data: [bytes('{"n": 12345678901234567890}'), bytes('{oops'), bytes('[1]')] as never },
      { name: 'day', data: [1, 0, -1] },
    ],
    schema: [
      { name: 'root', num_children: 3 },
      { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
      { name: 'doc', type: 'BYTE_ARRAY', logical_type: { type: 'JSON' }, repetition_type: 'REQUIRED' },
      { name: 'day', type: 'INT32', logical_type: { type: 'DATE' }, repetition_type: 'REQUIRED' },
    ],
  });
  return path;
}
