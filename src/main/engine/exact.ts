// Exact integers: an integer the JavaScript number cannot hold (beyond ±2^53) is carried as
// a JSON.rawJSON value holding its digits, so JSON.stringify writes it back byte for byte and
// the templates, the record key and the schema coercion read its digits. Records that hold
// one are remembered (a WeakSet, no cost for the others) so an expression that would compute
// with such a value fails the record instead of changing it. Node 24 has JSON.rawJSON.

/** A JSON.rawJSON value: frozen, null prototype, its text in `rawJSON`. */
export interface RawJson {
  readonly rawJSON: string;
}

interface JsonRaw {
  rawJSON(text: string): RawJson;
  isRawJSON(v: unknown): v is RawJson;
}
const J = JSON as unknown as JsonRaw;

export const isRawJson = (v: unknown): v is RawJson => typeof v === 'object' && v !== null && J.isRawJSON(v);

/** The exact value of an integer written as digits, as JSON text. */
export function exactInteger(digits: string): RawJson {
  return J.rawJSON(digits);
}

/**
 * A decimal written as canonical text (no exponent, no leading zeros, no trailing zeros in
 * its fraction): a number when the double prints these very digits back, else the exact
 * digits as a raw JSON number (never a string, never rounded). The one rule of every source
 * that reads decimals (Parquet DECIMAL, PostgreSQL numeric).
 */
export function exactDecimal(text: string): number | RawJson {
  const n = Number(text);
  return String(n) === text ? n : J.rawJSON(text);
}

const DIGITS = /^-?\d+$/;

function exactReviver(this: unknown, _key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    const src = context?.source;
    if (src !== undefined && DIGITS.test(src)) return J.rawJSON(src);
  }
  return value;
}

/** Sixteen digits (spelled out: V8 runs this form faster than \d{16}). */
const SIXTEEN_DIGITS = /\d\d\d\d\d\d\d\d\d\d\d\d\d\d\d\d/g;

/**
 * True when `text` may hold an integer beyond 2^53: a run of 16+ digits where a JSON number
 * can start (after ':', ',' or '[', maybe a '-' and spaces). Only such lines are parsed
 * with the reviver; a digit run inside a string (an ECID) is looked at and passed over.
 */
function mayHoldBigInteger(text: string): boolean {
  SIXTEEN_DIGITS.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SIXTEEN_DIGITS.exec(text)) !== null) {
    let i = m.index - 1;
    if (text.charCodeAt(i) === 45) i--; // '-'
    let c = text.charCodeAt(i);
    while (c === 32 || c === 9 || c === 10 || c === 13) c = text.charCodeAt(--i);
    if (c === 58 || c === 44 || c === 91) return true; // ':' ',' '['
    let end = m.index + 16;
    while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
    SIXTEEN_DIGITS.lastIndex = end;
  }
  return false;
}

const holders = new WeakSet<object>();

/** JSON.parse, carrying integers beyond 2^53 exactly (see above). */
export function parseJsonExact(text: string): unknown {
  if (!mayHoldBigInteger(text)) return JSON.parse(text);
  const value = JSON.parse(text, exactReviver as (k: string, v: unknown) => unknown) as unknown;
  if (value !== null && typeof value === 'object' && holdsRaw(value)) holders.add(value);
  return value;
}

function holdsRaw(v: object): boolean {
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (x === null || typeof x !== 'object') continue;
    if (isRawJson(x)) return true;
    for (const k in x) stack.push((x as Record<string, unknown>)[k]);
  }
  return false;
}

/** True when `record` (as parsed by parseJsonExact) holds an integer beyond 2^53. */
export function holdsExactIntegers(record: unknown): boolean {
  return record !== null && typeof record === 'object' && holders.has(record);
}

/** Marks a record built elsewhere (a CSV row coerced, a mapping's result) as holding one. */
export function markExact(record: object): void {
  holders.add(record);
}

/**
 * `v` for a view that crosses a structured clone (Electron IPC cannot clone a rawJSON
 * value): an exact integer becomes its digits, as a string, never a rounded number.
 */
export function forView<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (isRawJson(x) ? x.rawJSON : x))) as T;
}

/**
 * The deepest nesting a record may have. Deeper values overflow the stack of the JSON
 * writer (V8's JSON.stringify fails near 4,000 levels, less inside a render), which would
 * fail the record's whole batch; a record deeper than this fails alone, when it is read.
 */
export const MAX_DEPTH = 1000;

/**
 * True when JSON `text` nests objects/arrays more than MAX_DEPTH deep. Called only for
 * texts longer than 2 × MAX_DEPTH characters (a shorter one cannot be that deep).
 */
export function nestedTooDeep(text: string): boolean {
  if (text.length <= 2 * MAX_DEPTH) return false;
  // Most long lines are long because of their strings, with few brackets: counting them
  // with indexOf (native, fast) rules those out before the character scan below.
  if (fewerThan(text, '{', '[', MAX_DEPTH + 1)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > MAX_DEPTH) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/** True when `text` holds fewer than `n` of the characters a and b together. */
function fewerThan(text: string, a: string, b: string, n: number): boolean {
  let count = 0;
  for (const ch of [a, b]) {
    for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) {
      if (++count >= n) return false;
    }
  }
  return true;
}

export const TOO_DEEP = `record is nested more than ${MAX_DEPTH} levels deep; skipped (deeper values cannot be written as JSON safely)`;
