// Parquet values → the JSON values records hold, decided from the file's schema once per
// file, so columns that need nothing (strings, 32-bit ints, booleans) cost nothing per row.
//   INT64 (and UINT_64)    → a number when safe (|n| ≤ 2^53), else an exact integer (exact.ts)
//   DECIMAL                → a number when the number prints the exact decimal, else exact digits
//   TIMESTAMP              → ISO 8601 string in the column's precision (ms: 3, µs: 6, ns: 9
//                            fraction digits); UTC ones end in Z, local ones have no zone
//   INT96 (legacy stamps)  → ISO 8601 UTC with 9 fraction digits
//   DATE → "YYYY-MM-DD";   TIME → "HH:MM:SS.fff…" in the column's precision
//   BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY without a text annotation (also BSON, INTERVAL) → base64
//   STRING / ENUM / UUID → string; JSON → its value (a bad JSON value fails its row alone)
//   (DATE and JSON are read here in both annotation forms; hyparquet knows the legacy one only)
//   LIST → array; STRUCT → object; MAP → object (keys as strings); VARIANT → its JSON value
//   FLOAT/DOUBLE NaN and ±Infinity → null (JSON has no such numbers); a null stays null.
// No bigint, Date or byte array is left in a record: JSON.stringify never meets one.
import type { FileMetaData, ParquetParsers, SchemaElement, SchemaTree } from 'hyparquet';
import { isListLike, isMapLike } from 'hyparquet/src/schema.js';
import { exactDecimal, exactInteger, holdsExactIntegers, parseJsonExact } from '../engine/exact.js';

export type Convert = (v: unknown) => unknown;

/** A value that cannot become JSON (a JSON column holding bad JSON): fails its row. */
export class BadValue {
  constructor(readonly message: string) {}
}

/** Set by a converter that produced an exact integer/decimal; the row is then marked. */
export const exactState = { seen: false };

const TEXT = new TextDecoder();
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

/** The parser hyparquet calls for INT96, the one annotation-less type it converts itself. */
export const PARSERS: Partial<ParquetParsers> = {
  timestampFromNanoseconds: (nanos: bigint) => isoFromUnits(nanos, 1_000_000_000n, 9, true),
};

/** Annotations the reader converts itself (hyparquet gets the raw values: exact, and local time kept). */
function ownConversion(el: SchemaElement): boolean {
  const c = el.converted_type;
  const l = el.logical_type?.type;
  return (
    c === 'DECIMAL' || l === 'DECIMAL' || c === 'TIMESTAMP_MILLIS' || c === 'TIMESTAMP_MICROS' || l === 'TIMESTAMP' ||
    c === 'TIME_MILLIS' || c === 'TIME_MICROS' || l === 'TIME' || c === 'ENUM' || l === 'ENUM' || c === 'BSON' || l === 'BSON' || c === 'INTERVAL' || l === 'INTERVAL' ||
    // hyparquet reads DATE and JSON from the legacy annotation only; both forms are read here.
    c === 'DATE' || l === 'DATE' || c === 'JSON' || l === 'JSON'
  );
}

/** The metadata hyparquet reads with: the annotations above removed from leaf columns. */
export function readingMetadata(md: FileMetaData): FileMetaData {
  const schema = md.schema.map((el) => {
    if (el.type === undefined || !ownConversion(el)) return el;
    const { converted_type: _c, logical_type: _l, ...rest } = el;
    return rest;
  });
  return { ...md, schema };
}

/** The converter for one top-level column (its schema subtree), or null when values pass as they are. */
export function compileColumn(node: SchemaTree): Convert | null {
  const shape = compileShape(node);
  if (node.element.repetition_type !== 'REPEATED') return shape;
  return arrayOf(shape ?? plainJson);
}

function compileShape(node: SchemaTree): Convert | null {
  const el = node.element;
  if (el.logical_type?.type === 'VARIANT') return plainJson;
  if (isListLike(node)) {
    let sub = node.children[0]!;
    if (sub.children.length === 1) sub = sub.children[0]!;
    const c = compileShape(sub);
    return c ? arrayOf(c) : null;
  }
  if (isMapLike(node)) {
    const valueNode = node.children[0]!.children.find((c) => c.element.name === 'value');
    const c = valueNode ? compileColumn(valueNode) : null;
    if (!c) return null;
    return (v) => {
      if (v === null || v === undefined || typeof v !== 'object') return nullish(v);
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) o[k] = c(o[k]);
      return o;
    };
  }
  if (node.children.length > 0) {
    const fields: Array<[string, Convert]> = [];
    for (const child of node.children) {
      const c = compileColumn(child);
      if (c) fields.push([child.element.name, c]);
    }
    if (fields.length === 0) return null;
    return (v) => {
      if (v === null || v === undefined || typeof v !== 'object') return nullish(v);
      const o = v as Record<string, unknown>;
      for (const [name, c] of fields) if (Object.hasOwn(o, name)) o[name] = c(o[name]);
      return o;
    };
  }
  return compileLeaf(el);
}

function compileLeaf(el: SchemaElement): Convert | null {
  const c = el.converted_type;
  const l = el.logical_type;
  if (c === 'DECIMAL' || l?.type === 'DECIMAL') {
    const scale = el.scale ?? (l?.type === 'DECIMAL' ? l.scale : 0) ?? 0;
    return leaf((v) => decimal(unscaled(v), scale));
  }
  if (c === 'TIMESTAMP_MILLIS' || c === 'TIMESTAMP_MICROS' || l?.type === 'TIMESTAMP') {
    const unit = l?.type === 'TIMESTAMP' ? l.unit : c === 'TIMESTAMP_MICROS' ? 'MICROS' : 'MILLIS';
    const utc = l?.type === 'TIMESTAMP' ? l.isAdjustedToUTC : true;
    const [per, digits] = UNITS[unit];
    return leaf((v) => {
      const n = BigInt(v as bigint | number);
      // Beyond what a date can show (±275,000 years): the count itself, exactly.
      return isoFromUnits(n, per, digits, utc) ?? integer(n);
    });
  }
  if (c === 'TIME_MILLIS' || c === 'TIME_MICROS' || l?.type === 'TIME') {
    const unit = l?.type === 'TIME' ? l.unit : c === 'TIME_MICROS' ? 'MICROS' : 'MILLIS';
    const [per, digits] = UNITS[unit];
    return leaf((v) => timeOfDay(BigInt(v as bigint | number), per, digits));
  }
  if (c === 'DATE' || l?.type === 'DATE') return leaf((v) => isoDate(Number(v)) ?? v);
  if (c === 'ENUM' || l?.type === 'ENUM') return leaf((v) => (v instanceof Uint8Array ? TEXT.decode(v) : plainJson(v)));
  if (c === 'JSON' || l?.type === 'JSON') return leaf(jsonValue);
  switch (el.type) {
    case 'INT64':
      return leaf((v) => integer(v as bigint | number));
    case 'BYTE_ARRAY':
    case 'FIXED_LEN_BYTE_ARRAY':
      // Text (STRING, UUID…) was decoded by hyparquet: only raw bytes are left to encode.
      return leaf((v) => (v instanceof Uint8Array ? base64(v) : plainJson(v)));
    case 'FLOAT':
    case 'DOUBLE':
      return leaf((v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
    default:
      return null;
  }
}

const UNITS: Record<'MILLIS' | 'MICROS' | 'NANOS', [bigint, number]> = {
  MILLIS: [1000n, 3],
  MICROS: [1_000_000n, 6],
  NANOS: [1_000_000_000n, 9],
};

/** A converter for one value: null stays null; containers (a schema we did not foresee) get the generic walk. */
function leaf(f: Convert): Convert {
  return (v) => {
    if (v === null || v === undefined) return null;
    if (Array.isArray(v)) return v.map((x) => (x === null || x === undefined ? null : f(x)));
    return f(v);
  };
}

/** A JSON column's bytes as their value (exact integers kept); bad JSON fails the row. */
function jsonValue(v: unknown): unknown {
  if (!(v instanceof Uint8Array)) return plainJson(v);
  let value: unknown;
  try {
    value = parseJsonExact(TEXT.decode(v));
  } catch (err) {
    throw new BadValue(`invalid JSON: ${(err as Error).message}`);
  }
  if (value !== null && typeof value === 'object' && holdsExactIntegers(value)) exactState.seen = true;
  return value;
}

function arrayOf(c: Convert): Convert {
  return (v) => {
    if (!Array.isArray(v)) return c(v);
    for (let i = 0; i < v.length; i++) v[i] = c(v[i]);
    return v;
  };
}

function nullish(v: unknown): unknown {
  return v === undefined ? null : v;
}

/** An integer as a number when exact, else its digits (an exact integer). */
function integer(v: bigint | number): unknown {
  if (typeof v === 'number') return v;
  if (v <= MAX_SAFE && v >= MIN_SAFE) return Number(v);
  exactState.seen = true;
  return exactInteger(v.toString());
}

/** The unscaled integer of a DECIMAL: INT32, INT64 or big-endian two's complement bytes. */
function unscaled(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  if (v instanceof Uint8Array) {
    if (v.length === 0) return 0n;
    let n = 0n;
    for (const b of v) n = (n << 8n) | BigInt(b);
    if (v[0]! & 0x80) n -= 1n << BigInt(v.length * 8);
    return n;
  }
  throw new BadValue(`unexpected DECIMAL value ${String(v)}`);
}

/** The exact decimal: a number when the number prints these very digits, else the digits. */
export function decimal(n: bigint, scale: number): unknown {
  const negative = n < 0n;
  let digits = (negative ? -n : n).toString();
  let text: string;
  if (scale <= 0) text = digits + '0'.repeat(-scale);
  else {
    digits = digits.padStart(scale + 1, '0');
    const whole = digits.slice(0, digits.length - scale);
    const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
    text = frac === '' ? whole : `${whole}.${frac}`;
  }
  if (negative && text !== '0') text = `-${text}`;
  const value = exactDecimal(text);
  if (typeof value !== 'number') exactState.seen = true;
  return value;
}

/** ISO 8601 from an integer count of `per`-ths of a second since the epoch; null past the Date range. */
export function isoFromUnits(v: bigint, per: bigint, digits: number, utc: boolean): string | null {
  let sec = v / per;
  let frac = v % per;
  if (frac < 0n) {
    frac += per;
    sec -= 1n;
  }
  const ms = Number(sec) * 1000;
  if (!(Math.abs(ms) <= 8.64e15)) return null;
  const base = new Date(ms).toISOString();
  const seconds = base.slice(0, base.lastIndexOf('.'));
  return `${seconds}.${frac.toString().padStart(digits, '0')}${utc ? 'Z' : ''}`;
}

function isoDate(days: number): string | null {
  const ms = days * 86_400_000;
  if (!(Math.abs(ms) <= 8.64e15)) return null;
  const iso = new Date(ms).toISOString();
  return iso.slice(0, iso.indexOf('T'));
}

function timeOfDay(v: bigint, per: bigint, digits: number): string {
  const sec = v / per;
  const frac = v % per;
  const h = sec / 3600n;
  const m = (sec / 60n) % 60n;
  const s = sec % 60n;
  const two = (x: bigint) => x.toString().padStart(2, '0');
  return `${two(h)}:${two(m)}:${two(s)}.${frac.toString().padStart(digits, '0')}`;
}

function base64(v: Uint8Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

/** Any decoded value as JSON: for VARIANT columns and shapes the schema walk did not foresee. */
export function plainJson(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  switch (typeof v) {
    case 'bigint':
      return integer(v);
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'object': {
      if (v instanceof Uint8Array) return base64(v);
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
      if (v instanceof BadValue) throw v;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) v[i] = plainJson(v[i]);
        return v;
      }
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) o[k] = plainJson(o[k]);
      return o;
    }
    default:
      return v;
  }
}
