// The shapes the store hands out (its public types). Each table module maps its own
// SQLite rows to them.
import type { StepName } from '../../shared/config.js';
import type { RunStatus as SharedRunStatus } from '../../shared/status.js';
import type { Action, RunCounts } from '../engine/types.js';
import type { RunLease } from './lease.js';

/** A run's status as stored: the shared vocabulary (shared/status.ts). */
export type StoredRunStatus = SharedRunStatus;

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
  /** The config as the user wrote it (`${env:…}` unresolved, literal secrets masked): a JSON string or a value. */
  config: unknown;
  /** The config file it came from (absolute path, sha256 of its bytes): a resume re-reads it for masked secrets. */
  configSource?: { path: string; sha256: string } | null;
  inputPath?: string | null;
  inputIdentity?: InputIdentity | null;
  /** What the run was started with besides config and input (--limit, --only-key, --set, --env-file). */
  options?: RunStartOptions | null;
  createdAt?: number;
}

/**
 * What a run was started with besides its config and input, kept so resume and
 * retry-failed apply it again. Never a secret: override values are stored as the stored
 * config holds them (literal secrets masked), env files by path only.
 */
export interface RunStartOptions {
  /** Only the first `limit` records of the input (by position) were part of the run. */
  limit?: number;
  /** Only records whose key is one of these were part of the run. */
  onlyKeys?: string[];
  /** `--set` overrides, in the order given: the full config path and the value. */
  overrides?: Array<{ path: string; value: unknown }>;
  /** Absolute paths of the env files `${env:…}` was resolved against (values never stored). */
  envFiles?: string[];
  /** `--shard i/N`: only records whose key hashes to shard `index` of `count` (app/run/shard.ts). */
  shard?: { index: number; count: number };
  /** The group of shard runs this run belongs to (`--group`, or derived: app/run/shard.ts). */
  group?: string;
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
  configSource: { path: string; sha256: string } | null;
  inputPath: string | null;
  inputIdentity: InputIdentity | null;
  /** What the run was started with besides config and input; null when nothing. */
  options: RunStartOptions | null;
  status: StoredRunStatus;
  /** `unconfirmed` is part of `succeeded`; `log --failed` lists `failed + unconfirmed` records. */
  records: Required<RunCounts>;
  requests: { sent: number; retried: number };
  remoteAudience: unknown;
  error: string | null;
  /** Who drives (or last drove) a 'running' run; null otherwise or for a run from before leases. */
  lease: RunLease | null;
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
  /** Failed because the answer counted records without naming which: resume and retry-failed send it again. */
  unconfirmed: boolean;
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

/** A JSON column's value, for every table module; text that is not JSON comes back as is. */
export function parseJson(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text; // stored as a plain string (e.g. a config that was not JSON)
  }
}
