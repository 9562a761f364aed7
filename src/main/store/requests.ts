// The requests table: one row per attempt, keyed by (run, session, request id, attempt).
// Reads (filtered pages, counts) and the recorder's writes live together here, with the
// functions that turn an attempt's events into column values, since those must match the
// column lists of the statements.
import type { StepName } from '../../shared/config.js';
import type { RunEvent } from '../engine/types.js';
import type { Connection } from './connection.js';
import { parseJson, type RequestFilter, type RequestQuery, type RequestRow } from './rows.js';
import type { StatementSql } from './writer.js';

const SQL = {
  nextSession: 'SELECT coalesce(max(session), 0) + 1 FROM requests WHERE run = ?',
} as const;

type Sent = Extract<RunEvent, { type: 'request-sent' }>;
type Answered = Extract<RunEvent, { type: 'request-answered' }>;

type AttemptKey = [run: number, session: number, requestId: string, step: StepName, attempt: number];
const KEY_COLS = 'run, session, request_id, step, attempt';

/** What a request-sent event stores, in SENT_COLS order. */
export type SentValues = [
  method: string,
  url: string,
  requestHeaders: string,
  requestBody: string | null,
  recordKeys: string,
  recordCount: number,
  startedAt: number,
];
const SENT_COLS = 'method, url, request_headers, request_body, record_keys, record_count, started_at';

/** What a request-answered event stores, in ANSWER_COLS order. */
export type AnswerValues = [
  answeredAt: number,
  status: number | null,
  responseHeaders: string | null,
  responseBody: string | null,
  bodyBytes: number | null,
  truncated: 0 | 1,
  ttfbMs: number,
  totalMs: number,
  errorKind: string | null,
  errorMessage: string | null,
  failed: 0 | 1,
];
const ANSWER_COLS =
  'answered_at, status, response_headers, response_body, body_bytes, truncated, ttfb_ms, total_ms, error_kind, error_message, failed';

/** The recorder's writes to requests, by name, with their parameters in order. */
export type RequestWrites = {
  upsertSent: [...AttemptKey, ...SentValues];
  upsertAnswer: [...AttemptKey, ...AnswerValues];
  upsertAttempt: [...AttemptKey, ...SentValues, ...AnswerValues];
  markRetry: [delayMs: number, reason: string, run: number, session: number, requestId: string, sameRun: number, sameSession: number, sameRequestId: string, upToAttempt: number];
};

const setAll = (cols: string): string =>
  cols
    .split(', ')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
const marks = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

export const REQUEST_WRITES: StatementSql<RequestWrites> = {
  upsertSent: `INSERT INTO requests (${KEY_COLS}, ${SENT_COLS}) VALUES (${marks(12)})
     ON CONFLICT(run, session, request_id, attempt) DO UPDATE SET step = excluded.step, ${setAll(SENT_COLS)}`,
  upsertAnswer: `INSERT INTO requests (${KEY_COLS}, ${ANSWER_COLS}) VALUES (${marks(16)})
     ON CONFLICT(run, session, request_id, attempt) DO UPDATE SET ${setAll(ANSWER_COLS)}`,
  // The engine emits an attempt's sent and answered events together: one row write for both.
  upsertAttempt: `INSERT INTO requests (${KEY_COLS}, ${SENT_COLS}, ${ANSWER_COLS}) VALUES (${marks(23)})
     ON CONFLICT(run, session, request_id, attempt) DO UPDATE SET step = excluded.step, ${setAll(SENT_COLS)}, ${setAll(ANSWER_COLS)}`,
  // The retry belongs to the latest attempt sent so far (whether the event numbers the
  // failed attempt or the next one).
  markRetry: `UPDATE requests SET retry_delay_ms = ?, retry_reason = ?
     WHERE run = ? AND session = ? AND request_id = ? AND attempt =
       (SELECT max(attempt) FROM requests WHERE run = ? AND session = ? AND request_id = ? AND attempt <= ?)`,
};

/** How an attempt's headers and bodies are cut down before they are stored. */
export interface StoredForm {
  headers: (headers: Record<string, string>, where: 'request' | 'response') => Record<string, string>;
  body: (body: string, where: 'request' | 'response') => string;
  /** The store's own cap on a stored response body, in bytes. */
  maxBodyBytes: number;
}

/** Cuts a string to at most `maxBytes` of UTF-8, never inside a character. */
function capUtf8(text: string, maxBytes: number): { text: string; cut: boolean } {
  if (text.length <= maxBytes / 3) return { text, cut: false }; // fast path: cannot exceed
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return { text, cut: false };
  let end = maxBytes;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--; // back off a continuation byte
  return { text: buf.subarray(0, end).toString('utf8'), cut: true };
}

export function sentValues(e: Sent, form: StoredForm): SentValues {
  return [
    e.request.method,
    e.request.url,
    JSON.stringify(form.headers(e.request.headers, 'request')),
    e.request.body === undefined ? null : form.body(e.request.body, 'request'),
    JSON.stringify(e.recordKeys),
    e.recordKeys.length,
    e.at,
  ];
}

export function answerValues(e: Answered, form: StoredForm): AnswerValues {
  const r = e.result;
  if (!r.ok) return [e.at, null, null, null, null, 0, r.timings.ttfb, r.timings.total, r.kind, r.message, 1];
  const capped = capUtf8(form.body(r.body, 'response'), form.maxBodyBytes);
  return [
    e.at,
    r.status,
    JSON.stringify(form.headers(r.headers, 'response')),
    capped.text,
    r.bodyBytes,
    r.truncated || capped.cut ? 1 : 0,
    r.timings.ttfb,
    r.timings.total,
    null,
    null,
    r.status < 200 || r.status > 299 ? 1 : 0,
  ];
}

/** The session number the next resume or retry-failed of a run records its attempts under. */
export function nextSession(conn: Connection, run: number): number {
  return conn.stmt(SQL.nextSession).pluck().get(run) as number;
}

interface RequestDbRow {
  n: number;
  session: number;
  request_id: string;
  step: StepName;
  attempt: number;
  method: string;
  url: string;
  request_headers: string;
  request_body: string | null;
  record_keys: string;
  record_count: number;
  started_at: number | null;
  answered_at: number | null;
  status: number | null;
  response_headers: string | null;
  response_body: string | null;
  body_bytes: number | null;
  truncated: number;
  ttfb_ms: number | null;
  total_ms: number | null;
  error_kind: string | null;
  error_message: string | null;
  failed: number;
  retry_delay_ms: number | null;
  retry_reason: string | null;
}

function headersOf(text: string | null): Record<string, string> | null {
  const v = parseJson(text);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : null;
}

function toRequestRow(r: RequestDbRow): RequestRow {
  const keys = parseJson(r.record_keys);
  return {
    id: r.n,
    session: r.session,
    requestId: r.request_id,
    step: r.step,
    attempt: r.attempt,
    method: r.method,
    url: r.url,
    requestHeaders: headersOf(r.request_headers) ?? {},
    requestBody: r.request_body,
    recordKeys: Array.isArray(keys) ? keys.map(String) : [],
    recordCount: r.record_count,
    startedAt: r.started_at,
    answeredAt: r.answered_at,
    status: r.status,
    responseHeaders: headersOf(r.response_headers),
    responseBody: r.response_body,
    bodyBytes: r.body_bytes,
    truncated: r.truncated === 1,
    ttfbMs: r.ttfb_ms,
    totalMs: r.total_ms,
    errorKind: r.error_kind,
    errorMessage: r.error_message,
    failed: r.failed === 1,
    retryDelayMs: r.retry_delay_ms,
    retryReason: r.retry_reason,
  };
}

/** The WHERE clause of a filter (the filter decides the SQL text; each text is prepared once). */
function requestWhere(run: number, f: RequestFilter): { sql: string; params: unknown[] } {
  const where = ['run = ?'];
  const params: unknown[] = [run];
  if (f.failedOnly) where.push('failed = 1');
  if (f.step !== undefined) {
    where.push('step = ?');
    params.push(f.step);
  }
  if (f.status === null) {
    where.push('status IS NULL');
  } else if (typeof f.status === 'number') {
    where.push('status = ?');
    params.push(f.status);
  } else if (typeof f.status === 'string') {
    const cls = Number(f.status[0]) * 100;
    where.push('status BETWEEN ? AND ?');
    params.push(cls, cls + 99);
  }
  if (f.errorKind !== undefined) {
    where.push('error_kind = ?');
    params.push(f.errorKind);
  }
  if (f.key !== undefined) {
    // instr() cheaply skips most rows; json_each makes the match exact.
    where.push('instr(record_keys, ?) > 0 AND EXISTS (SELECT 1 FROM json_each(record_keys) WHERE value = ?)');
    params.push(JSON.stringify(String(f.key)), String(f.key));
  }
  return { sql: where.join(' AND '), params };
}

/** One page of a run's attempts, in the order they were sent. */
export function requestPage(conn: Connection, run: number, q: RequestQuery): RequestRow[] {
  const { sql, params } = requestWhere(run, q);
  const after = q.afterId !== undefined ? ' AND n > ?' : '';
  if (q.afterId !== undefined) params.push(q.afterId);
  params.push(Math.max(0, Math.floor(q.limit ?? 1000)), Math.max(0, Math.floor(q.offset ?? 0)));
  const rows = conn.stmt(`SELECT * FROM requests WHERE ${sql}${after} ORDER BY n LIMIT ? OFFSET ?`).all(...params) as RequestDbRow[];
  return rows.map(toRequestRow);
}

export function countRequests(conn: Connection, run: number, filter: RequestFilter): number {
  const { sql, params } = requestWhere(run, filter);
  return conn.stmt(`SELECT count(*) FROM requests WHERE ${sql}`).pluck().get(...params) as number;
}
