// How many records of a request the endpoint acknowledged (DESIGN "successPath"): a record
// counts as delivered only after a 2xx and, when set, the success path agrees.
import { evaluate } from './jmes.js';

export interface SuccessCount {
  succeeded: number;
  /** Why not all records succeeded; absent when they all did. */
  reason?: string;
  /** The success path's array, when it gave one: lets the runner tell which records it names. */
  acknowledged?: unknown[];
}

const EXCERPT_CHARS = 300;

/** One line, at most EXCERPT_CHARS, for reasons shown next to a failed record. */
export function bodyExcerpt(body: string, max = EXCERPT_CHARS): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  const t = typeof v;
  return t === 'object' ? 'an object' : `a ${t}`;
}

export function countSucceeded(
  status: number,
  body: string,
  successPath: string | undefined,
  recordCount: number,
  /** Masks secrets in the body before it is cut to an excerpt (a cut secret could not be found after). */
  redact: (text: string) => string = (t) => t,
): SuccessCount {
  if (status < 200 || status > 299) {
    const excerpt = bodyExcerpt(redact(body));
    return { succeeded: 0, reason: excerpt ? `HTTP ${status}: ${excerpt}` : `HTTP ${status}` };
  }
  const path = successPath?.trim() ?? '';
  if (path === '') return { succeeded: recordCount };

  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return { succeeded: 0, reason: `response is not JSON; successPath "${path}" cannot be read` };
  }

  const evaluated = evaluate(path, doc, 'successPath');
  if (!evaluated.ok) return { succeeded: 0, reason: `successPath "${path}": ${evaluated.error.message}` };
  const value = evaluated.value;

  const partial = (n: number, detail = ''): SuccessCount =>
    n >= recordCount
      ? { succeeded: recordCount }
      : { succeeded: n, reason: `endpoint acknowledged ${n} of ${recordCount} records (successPath "${path}"${detail})` };

  if (Array.isArray(value)) {
    const r = partial(Math.min(value.length, recordCount));
    return r.succeeded < recordCount ? { ...r, acknowledged: value } : r;
  }
  if (typeof value === 'boolean') return value ? { succeeded: recordCount } : partial(0, ' is false');
  if (typeof value === 'number') {
    const n = Number.isFinite(value) ? Math.floor(value) : 0;
    return partial(Math.min(Math.max(0, n), recordCount), ` is ${value}`);
  }
  if (value === null || value === undefined) {
    return { succeeded: 0, reason: `successPath "${path}" found nothing in the response: ${bodyExcerpt(redact(body), 200)}` };
  }
  return {
    succeeded: 0,
    reason: `successPath "${path}" gave ${typeName(value)}; expected an array, a boolean or a number`,
  };
}
