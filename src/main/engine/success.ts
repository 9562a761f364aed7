// Which records of a request the endpoint acknowledged (DESIGN invariant 4 and "successPath").
// A record is delivered only after a 2xx whose answer can be tied to it: named by the
// success path's array (successKeyPath, or an unambiguous id/key/email), or covered by an
// answer that acknowledges every record not listed as rejected (errorsPath). A count that
// cannot be tied to records is counted as the seeds define (n succeeded) but never applied
// to records in order: those records stay `unconfirmed`, so resume and retry-failed send
// them again. Pure: no I/O.
import { isRawJson, parseJsonExact } from './exact.js';
import { compileJmes, evaluate } from './jmes.js';

/** The step fields that read an answer (shared/config.ts batchFields). */
export interface AckRules {
  successPath?: string | undefined;
  successKeyPath?: string | undefined;
  errorsPath?: string | undefined;
  errorKeyPath?: string | undefined;
}

/** One record's outcome. `unconfirmed`: covered by a count that does not say which records. */
export type RecordAck = { status: 'delivered' } | { status: 'failed'; reason: string } | { status: 'unconfirmed'; reason: string };

export interface Acknowledgement {
  /** Records the run counts as succeeded: the answer's count as the seeds define it. */
  succeeded: number;
  /** Why no record was delivered, when `records` is absent and `succeeded` is 0. */
  reason?: string;
  /**
   * Per record, in batch order, when outcomes differ or cannot be tied to records. Absent:
   * every record was delivered (`succeeded` equals the batch) or none (`reason`).
   */
  records?: RecordAck[];
  /** How many of `succeeded` are unconfirmed (counted, not delivered). */
  unconfirmed?: number;
}

const EXCERPT_CHARS = 300;
const REASON_CHARS = 500;

/** One line, at most EXCERPT_CHARS, for reasons shown next to a failed record. */
export function bodyExcerpt(body: string, max = EXCERPT_CHARS): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Reads an answer for a request carrying records with these keys (batch order). */
export function acknowledge(
  status: number,
  body: string,
  rules: AckRules,
  keys: readonly string[],
  /** Masks secrets in the answer before it is cut to an excerpt (a cut secret could not be found after). */
  redact: (text: string) => string = (t) => t,
): Acknowledgement {
  const n = keys.length;
  const successPath = rules.successPath?.trim() ?? '';
  const errorsPath = rules.errorsPath?.trim() ?? '';
  const ok = status >= 200 && status <= 299;
  if (ok && successPath === '' && errorsPath === '') return { succeeded: n };

  let doc: unknown;
  let json = false;
  if (successPath !== '' || errorsPath !== '') {
    try {
      // Exactly: a key beyond 2^53 the endpoint echoes as a number still names its record.
      doc = parseJsonExact(body);
      json = true;
    } catch {
      // not JSON: handled below (a success path cannot be read; no errors listed)
    }
  }

  // Records the endpoint rejected, by batch index, with its reason.
  let rejected: Map<number, string> | null = null;
  if (errorsPath !== '' && json) {
    const read = readErrors(doc, errorsPath, rules.errorKeyPath?.trim() || undefined, keys, redact);
    if (!read.ok) {
      if (!ok) return { succeeded: 0, reason: httpReason(status, body, redact) };
      return { succeeded: 0, reason: read.reason };
    }
    if (read.rejected.size > 0) rejected = read.rejected;
  }

  const verdict: SuccessVerdict = !ok
    ? { kind: 'none', reason: httpReason(status, body, redact) }
    : successPath === ''
      ? { kind: 'count', count: n }
      : !json
        ? { kind: 'none', reason: `response is not JSON; successPath "${successPath}" cannot be read` }
        : readSuccess(doc, body, successPath, rules.successKeyPath?.trim() || undefined, keys, redact);

  return combine(verdict, rejected, keys, successPath, rules.successKeyPath?.trim() || undefined);
}

type SuccessVerdict =
  | { kind: 'none'; reason: string }
  | { kind: 'count'; count: number; detail?: string }
  | { kind: 'named'; named: Set<string>; how: string };

function httpReason(status: number, body: string, redact: (text: string) => string): string {
  const excerpt = bodyExcerpt(redact(body));
  return excerpt ? `HTTP ${status}: ${excerpt}` : `HTTP ${status}`;
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  const t = typeof v;
  return t === 'object' ? 'an object' : `a ${t}`;
}

/** A key path compiled once per answer, run on each element; an element it cannot read names nothing. */
function keyReader(expr: string, name: string): (el: unknown) => string | undefined {
  const c = compileJmes(expr, name);
  if (!c.ok) return () => undefined; // refused at check time; here only if checks were skipped
  return (el) => {
    try {
      return keyText(c.search(el));
    } catch {
      return undefined;
    }
  };
}

function keyText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (isRawJson(v)) return v.rawJSON;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function readSuccess(doc: unknown, body: string, path: string, keyPath: string | undefined, keys: readonly string[], redact: (text: string) => string): SuccessVerdict {
  const evaluated = evaluate(path, doc, 'successPath');
  if (!evaluated.ok) return { kind: 'none', reason: `successPath "${path}": ${evaluated.error.message}` };
  const value = evaluated.value;
  const n = keys.length;
  if (Array.isArray(value)) {
    if (keyPath) {
      const keyOf = keyReader(keyPath, 'successKeyPath');
      const named = new Set<string>();
      for (const el of value) {
        const text = keyOf(el);
        if (text !== undefined) named.add(text);
      }
      return { kind: 'named', named, how: `successPath "${path}", successKeyPath "${keyPath}"` };
    }
    if (value.length < n) {
      const named = nameUnambiguously(value, keys);
      if (named) return { kind: 'named', named, how: `successPath "${path}"` };
    }
    return { kind: 'count', count: Math.min(value.length, n) };
  }
  if (typeof value === 'boolean') return value ? { kind: 'count', count: n } : { kind: 'none', reason: `endpoint acknowledged 0 of ${n} records (successPath "${path}" is false)` };
  if (typeof value === 'number') {
    const c = Number.isFinite(value) ? Math.floor(value) : 0;
    return { kind: 'count', count: Math.min(Math.max(0, c), n), detail: ` is ${value}` };
  }
  if (value === null || value === undefined) return { kind: 'none', reason: `successPath "${path}" found nothing in the response: ${bodyExcerpt(redact(body), 200)}` };
  return { kind: 'none', reason: `successPath "${path}" gave ${typeName(value)}; expected an array, a boolean or a number` };
}

const NAME_FIELDS = ['id', 'key', 'email'] as const;

/**
 * The fallback without successKeyPath: the batch keys the array names, only when every
 * element names exactly one batch key (itself, or one of its id/key/email) and no two
 * elements name the same one. Null otherwise: then it is only a count.
 */
function nameUnambiguously(elements: unknown[], keys: readonly string[]): Set<string> | null {
  const batch = new Set(keys);
  const named = new Set<string>();
  for (const el of elements) {
    let found: string | undefined;
    const candidates = el !== null && typeof el === 'object' && !Array.isArray(el) ? NAME_FIELDS.map((f) => (el as Record<string, unknown>)[f]) : [el];
    for (const c of candidates) {
      const text = keyText(c);
      if (text === undefined || !batch.has(text)) continue;
      if (found !== undefined && found !== text) return null; // one element naming two records
      found = text;
    }
    if (found === undefined || named.has(found)) return null;
    named.add(found);
  }
  return named;
}

type ErrorsRead = { ok: true; rejected: Map<number, string> } | { ok: false; reason: string };

const ERROR_KEY_FIELDS = ['id', 'key', 'email', 'userId'] as const;
const ERROR_REASON_FIELDS = ['message', 'reason', 'error'] as const;

/** The records errorsPath lists as rejected: an index, a key, or an object with either and a reason. */
function readErrors(doc: unknown, path: string, keyPath: string | undefined, keys: readonly string[], redact: (text: string) => string): ErrorsRead {
  const evaluated = evaluate(path, doc, 'errorsPath');
  if (!evaluated.ok) return { ok: false, reason: `errorsPath "${path}": ${evaluated.error.message}` };
  const value = evaluated.value;
  const rejected = new Map<number, string>();
  if (value === null || value === undefined) return { ok: true, rejected };
  if (!Array.isArray(value)) return { ok: false, reason: `errorsPath "${path}" gave ${typeName(value)}; expected an array of indexes, keys or objects` };
  if (value.length === 0) return { ok: true, rejected };

  let byKey: Map<string, number[]> | null = null;
  const indexesOf = (key: string): number[] => {
    if (!byKey) {
      byKey = new Map();
      keys.forEach((k, i) => {
        const list = byKey!.get(k);
        if (list) list.push(i);
        else byKey!.set(k, [i]);
      });
    }
    return byKey.get(key) ?? [];
  };
  const reject = (indexes: number[], detail: string | undefined) => {
    const reason = `rejected by the endpoint${detail ? `: ${detail}` : ''} (errorsPath "${path}")`;
    for (const i of indexes) if (i >= 0 && i < keys.length && !rejected.has(i)) rejected.set(i, reason);
  };

  let errorKeyOf: ((el: unknown) => string | undefined) | undefined;
  for (const el of value) {
    if (typeof el === 'number') {
      if (Number.isInteger(el)) reject([el], undefined);
    } else if (typeof el === 'string') {
      reject(indexesOf(el), undefined);
    } else if (el !== null && typeof el === 'object' && !Array.isArray(el)) {
      const obj = el as Record<string, unknown>;
      const detail = reasonOf(obj, redact);
      if (typeof obj.index === 'number' && Number.isInteger(obj.index)) {
        reject([obj.index], detail);
        continue;
      }
      let key: string | undefined;
      if (keyPath) key = (errorKeyOf ??= keyReader(keyPath, 'errorKeyPath'))(obj);
      else {
        for (const f of ERROR_KEY_FIELDS) if ((key = keyText(obj[f])) !== undefined) break;
      }
      if (key !== undefined) reject(indexesOf(key), detail);
    }
  }
  return { ok: true, rejected };
}

function reasonOf(obj: Record<string, unknown>, redact: (text: string) => string): string | undefined {
  for (const f of ERROR_REASON_FIELDS) {
    const v = obj[f];
    if (v === undefined || v === null) continue;
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    return bodyExcerpt(redact(text), REASON_CHARS);
  }
  return undefined;
}

function combine(verdict: SuccessVerdict, rejected: Map<number, string> | null, keys: readonly string[], successPath: string, keyPath: string | undefined): Acknowledgement {
  const n = keys.length;
  const r = rejected?.size ?? 0;
  if (verdict.kind === 'none') {
    if (r === 0) return { succeeded: 0, reason: verdict.reason };
    return { succeeded: 0, records: keys.map((_, i) => ({ status: 'failed', reason: rejected!.get(i) ?? verdict.reason })) };
  }
  if (verdict.kind === 'named') {
    const records: RecordAck[] = [];
    let delivered = 0;
    const missing = `not among the records the endpoint acknowledged (${verdict.named.size} named of ${n}, ${verdict.how})`;
    for (let i = 0; i < n; i++) {
      const why = rejected?.get(i);
      if (why !== undefined) records.push({ status: 'failed', reason: why });
      else if (verdict.named.has(keys[i]!)) {
        records.push({ status: 'delivered' });
        delivered++;
      } else records.push({ status: 'failed', reason: missing });
    }
    return delivered === n ? { succeeded: n } : { succeeded: delivered, records };
  }
  // A count: it covers every record not rejected, or it cannot say which.
  const open = n - r;
  if (verdict.count >= open) {
    if (r === 0) return { succeeded: n };
    return { succeeded: open, records: keys.map((_, i) => (rejected!.has(i) ? { status: 'failed', reason: rejected!.get(i)! } : { status: 'delivered' })) };
  }
  const counted = `endpoint acknowledged ${verdict.count} of ${n} records (successPath "${successPath}"${verdict.detail ?? ''})`;
  if (verdict.count === 0) {
    if (r === 0) return { succeeded: 0, reason: counted };
    return { succeeded: 0, records: keys.map((_, i) => ({ status: 'failed', reason: rejected!.get(i) ?? counted })) };
  }
  const unconfirmed = `${counted} without naming which: not taken as delivered; resume and retry-failed send it again${keyPath ? '' : ' (set successKeyPath to name them)'}`;
  const records: RecordAck[] = keys.map((_, i) => (rejected?.has(i) ? { status: 'failed', reason: rejected.get(i)! } : { status: 'unconfirmed', reason: unconfirmed }));
  return { succeeded: verdict.count, records, unconfirmed: verdict.count };
}
