// The shapes the store hands out, and the mapping from SQLite rows to them.
import type { StepName } from '../../shared/config.js';
import type { Action, RunCounts, RunStatus } from '../engine/types.js';

export type StoredRunStatus = RunStatus | 'running';

/** What identifies the input file, so a resume can refuse a file that changed. */
export interface InputIdentity {
  size: number;
  mtimeMs: number;
  /** Hash of the file's first bytes (the engine decides how many). */
  prefixHash: string;
}

export interface CreateRunInput {
  /** Defaults to a random UUID. */
  id?: string;
  destination: string;
  audience: string;
  /** The config as the user wrote it (`${env:…}` unresolved): a JSON string or a value. */
  config: unknown;
  inputPath?: string | null;
  inputIdentity?: InputIdentity | null;
  createdAt?: number;
}

export interface RunRow {
  id: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  destination: string;
  audience: string;
  /** The config as given at createRun (parsed when it was JSON). */
  config: unknown;
  inputPath: string | null;
  inputIdentity: InputIdentity | null;
  status: StoredRunStatus;
  records: RunCounts;
  requests: { sent: number; retried: number };
  remoteAudience: unknown;
  error: string | null;
}

export interface RequestFilter {
  /** Only attempts with no response or a status outside 2xx. */
  failedOnly?: boolean;
  step?: StepName;
  /** An HTTP status, `null` for attempts with no response, or a class such as `'4xx'`. */
  status?: number | null | `${1 | 2 | 3 | 4 | 5}xx`;
  errorKind?: string;
  /** Only requests that carried this record key. */
  key?: string;
}

export interface RequestQuery extends RequestFilter {
  offset?: number;
  /** Default 1000. */
  limit?: number;
  /** Keyset paging: only rows whose `id` is greater (faster than a large offset). */
  afterId?: number;
}

/** One attempt of one request. */
export interface RequestRow {
  /** Row id: increases in the order attempts were sent. */
  id: number;
  /** 1 for the run's first session, then +1 per resume / retry-failed. */
  session: number;
  requestId: string;
  step: StepName;
  attempt: number;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string | null;
  recordKeys: string[];
  recordCount: number;
  startedAt: number | null;
  answeredAt: number | null;
  /** HTTP status; null when no response came back. */
  status: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  /** Size of the whole response body, even when `responseBody` was cut. */
  bodyBytes: number | null;
  truncated: boolean;
  ttfbMs: number | null;
  totalMs: number | null;
  errorKind: string | null;
  errorMessage: string | null;
  failed: boolean;
  retryDelayMs: number | null;
  retryReason: string | null;
}

export interface OutcomeQuery {
  failedOnly?: boolean;
  offset?: number;
  /** Default 1000. */
  limit?: number;
  /** Keyset paging: only seqs greater than this. */
  afterSeq?: number;
}

export interface OutcomeRow {
  seq: number;
  /** The record's key; '' when it could not be read (a record that failed before mapping). */
  key: string;
  action: Action | null;
  status: 'succeeded' | 'failed';
  reason: string | null;
  /** For records that failed before sending: `file:line` plus the field. */
  location: string | null;
  requestId: string | null;
  line: number | null;
  settledAt: number;
}

export interface SecretCrypto {
  encrypt(plain: string): Buffer;
  decrypt(cipher: Buffer): string;
}

export interface DestinationInput {
  id?: string;
  name: string;
  /** The config with secrets as `${env:NAME}` references (or masked). */
  config: unknown;
  /** Replaces the stored secrets; `undefined` keeps them as they are. */
  secrets?: Record<string, string>;
}

export interface DestinationRow {
  id: string;
  name: string;
  config: unknown;
  /** Decrypted secrets; absent when none are stored or no crypto was given. */
  secrets?: Record<string, string>;
  /** True when encrypted secrets exist but could not be read (no crypto given). */
  secretsLocked: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface DestinationSummaryRow {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
}

export interface SampleSetRow {
  id: string;
  name: string;
  count: number;
  createdAt: number;
}

export function parseJson(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text; // stored as a plain string (e.g. a config that was not JSON)
  }
}

export interface RunDbRow {
  id: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  destination: string;
  audience: string;
  config: string;
  input_path: string | null;
  input_size: number | null;
  input_mtime_ms: number | null;
  input_prefix_hash: string | null;
  status: StoredRunStatus;
  records_total: number;
  records_succeeded: number;
  records_failed: number;
  requests_sent: number;
  requests_retried: number;
  remote_audience: string | null;
  error: string | null;
}

export function toRunRow(r: RunDbRow): RunRow {
  return {
    id: r.id,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    destination: r.destination,
    audience: r.audience,
    config: parseJson(r.config),
    inputPath: r.input_path,
    inputIdentity:
      r.input_size === null
        ? null
        : { size: r.input_size, mtimeMs: r.input_mtime_ms ?? 0, prefixHash: r.input_prefix_hash ?? '' },
    status: r.status,
    records: { total: r.records_total, succeeded: r.records_succeeded, failed: r.records_failed },
    requests: { sent: r.requests_sent, retried: r.requests_retried },
    remoteAudience: parseJson(r.remote_audience),
    error: r.error,
  };
}

export interface RequestDbRow {
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

export function toRequestRow(r: RequestDbRow): RequestRow {
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

export interface OutcomeDbRow {
  seq: number;
  key: string | null;
  action: Action | null;
  status: 'succeeded' | 'failed';
  reason: string | null;
  location: string | null;
  request_id: string | null;
  line: number | null;
  settled_at: number;
}

export function toOutcomeRow(r: OutcomeDbRow): OutcomeRow {
  return {
    seq: r.seq,
    key: r.key ?? '',
    action: r.action,
    status: r.status,
    reason: r.reason,
    location: r.location,
    requestId: r.request_id,
    line: r.line,
    settledAt: r.settled_at,
  };
}
