// The studio API: one typed interface. The service implements it in main, ipc.ts
// registers one handler per method (validating arguments), the preload exposes exactly
// these methods on window.outbound, and the renderer calls nothing else.
import type { SyncDiff } from './sync.js';
import type { ExportConfigInput, StepName } from './config.js';
import type { Issue } from './issues.js';
import type { RunStatus } from './status.js';


export interface DestinationSummary {
  id: string;
  name: string;
  updatedAt: number;
}

export interface SavedDestination {
  id: string;
  /** The whole export config, secrets as `${env:NAME}` references or masked. */
  config: ExportConfigInput;
  updatedAt: number;
}

export interface SampleSetSummary {
  id: string;
  name: string;
  count: number;
}

export interface PreviewRequestView {
  step: StepName;
  method: string;
  url: string;
  /** Secrets masked. */
  headers: Record<string, string>;
  body?: string;
  recordKeys: string[];
  warnings: string[];
  /** What is no warning but shapes the request, e.g. how and when it was signed. */
  notes?: string[];
  /** Rendered but refused (its body is not JSON): why, with the position. Never sent. */
  refused?: string;
}

export interface PreviewResult {
  requests: PreviewRequestView[];
  issues: Issue[];
  /** The mapped, schema-coerced records the templates saw. */
  records: Array<{ key: string; action: 'add' | 'remove'; data: Record<string, unknown> }>;
  elapsedMs: number;
  /** What became of the records read: planned, skipped or invalid, why, with examples. */
  explanation?: PreviewExplanationView;
  /** `remote_audience.…` values shown as `‹remote_audience.id›`: the get-audience step supplies them at run time. */
  placeholders?: string[];
  /** How values are escaped in the bodies, from the destination's Content-Type (issue 11). */
  escaping?: BodyEscaping;
}

/** Body escaping in force: JSON (no or a JSON Content-Type), form (application/x-www-form-urlencoded), XML (any xml type), none (other types). */
export type BodyEscaping = 'json' | 'form' | 'xml' | 'none';

/** How a preview names it: `escaping: JSON`. */
export const BODY_ESCAPING_LABEL: Record<BodyEscaping, string> = { json: 'JSON', form: 'form', xml: 'XML', none: 'none' };

export interface PreviewExplanationView {
  read: number;
  planned: number;
  skipped: number;
  invalid: number;
  reasons: Array<{ kind: 'skipped' | 'invalid'; reason: string; count: number; examples: Array<{ key?: string; line?: number }> }>;
}

/** "Resolve now": what the read-only get-audience step found at the endpoint. */
export interface AudienceResolution {
  found: boolean;
  /** The remote audience (secrets masked): what templates see as `remote_audience`. */
  value?: unknown;
  /** The request it sent and the status it got, when one was sent. */
  request?: { method: string; url: string };
  status?: number;
  /** One line: found, not found (create would run), or why it failed. */
  message: string;
}

export interface ResponseView {
  ok: boolean;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  bodyBytes?: number;
  truncated?: boolean;
  errorKind?: string;
  error?: string;
  timings?: { ttfb: number; total: number };
  /** The success path's verdict for a send step. */
  verdict?: string;
}

export interface TokenView {
  ok: boolean;
  error?: string;
  errorKind?: string;
  request?: { method: string; url: string; headers: Record<string, string>; body: string };
  response?: { status: number; headers: Record<string, string>; body: string };
  tokenType?: string;
  scope?: string;
  expiresAt?: number;
  accessTokenMasked?: string;
  jwtClaims?: Record<string, unknown>;
}

export interface MockStatus {
  running: boolean;
  url?: string;
  port?: number;
  scenario: string;
  journalSize: number;
  /** What the mock answers (method, path, what it does); paths are relative to `url`. */
  routes?: MockRouteView[];
  /** What a destination needs to talk to the mock: it is a local test endpoint, so these are shown (masked until revealed). */
  credentials?: MockCredentials;
}

export interface MockRouteView {
  methods: string[];
  path: string;
  /** Needs a bearer token from the token route, or the API key. */
  auth: boolean;
  description: string;
}

export interface MockCredentials {
  /** Path of the OAuth2 client-credentials token route. */
  tokenPath: string;
  clientId: string;
  clientSecret: string;
  /** A reference to the secret that the studio resolves (`${env:…}`), so a destination using the mock saves without OS encryption. */
  clientSecretRef?: string;
  /** Accepted in the `apiKeyHeader` header instead of a bearer token. */
  apiKey: string;
  /** A reference to the API key that the studio resolves, like `clientSecretRef`. */
  apiKeyRef?: string;
  apiKeyHeader: string;
}

export interface JmesEvalResult {
  ok: boolean;
  value?: unknown;
  error?: string;
  /** What Outbound would conclude, e.g. "audience found" or "97 of 100 records succeeded". */
  conclusion?: string;
  /** 1-based column of a syntax error in the expression (may be one past its end: it stopped too early). */
  column?: number;
}


/** What a run reads: a saved sample set, or a file on this machine (any size: it is streamed). */
export type RunInputSpec = { setId: string } | { path: string };

export interface DryRunResult {
  ok: boolean;
  issues: Issue[];
  records: { total: number; add: number; remove: number; skipped: number; failed: number };
  /** Requests the run would send, per step. */
  requests: Record<StepName, number>;
  requestsPerHour?: number;
  /** How long `requestsPerHour` alone makes the run take (ms); absent without a limit. */
  impliedMs?: number;
  /** The retry policy's worst case per enabled step (attempts and longest time a request may take). */
  retries?: Array<{ step: StepName; attempts: number | 'until-stopped'; worstMs?: number; text: string }>;
  elapsedMs: number;
  /** A membership diff (config sync.mode diff): how the input compares with the last delivered membership. */
  sync?: SyncDiff;
}

export type RunState = 'running' | 'paused' | 'finished';

/** One second of a run: throughput and latency. */
export interface RunSeriesPoint {
  /** Seconds since the run started. */
  t: number;
  recordsPerSec: number;
  requestsPerSec: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

/** A small aggregated snapshot of a live run: the renderer polls it, never one message per record. */
export interface RunProgress {
  runId: string;
  state: RunState;
  status: RunStatus;
  startedAt: number;
  elapsedMs: number;
  /** `done` counts skipped records too (a disabled step's, or no action): they are finished. */
  records: { total: number | null; done: number; succeeded: number; failed: number; skipped: number };
  /** Records per second over the last few seconds. */
  rate: number;
  etaMs: number | null;
  /** Attempts by HTTP status class (`2xx`…`5xx`) or `error` for no response. */
  byStatus: Record<string, number>;
  requests: { sent: number; retried: number };
  /** Retries that waited for a server's Retry-After, and how long in total. */
  retryAfter: { count: number; totalMs: number };
  /**
   * What the run waits for now, when it waits (a server's Retry-After, retry backoff,
   * pacing): `waiting 42 s: Retry-After from HTTP 429 (add #12)`, as of the snapshot.
   */
  waiting?: { text: string; until: number };
  series: RunSeriesPoint[];
  error?: string;
  /** Stopped because the user cancelled it (not interrupted): resumable, never offered in the banner. */
  cancelled?: boolean;
}

export interface RunView {
  id: string;
  destination: string;
  audience: string;
  status: RunStatus;
  /** Running in this studio now. */
  live: boolean;
  /** Left unfinished by a crash or a close: offered for resumption in the banner. */
  interrupted: boolean;
  /** Stopped because the user cancelled it: resumable from its view, not offered in the banner. */
  cancelled: boolean;
  /** `unconfirmed` is part of `succeeded`: counted by an answer that did not name them, so listed as failed records. */
  records: { total: number; succeeded: number; failed: number; skipped: number; unconfirmed: number };
  requests: { sent: number; retried: number };
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  input: string | null;
  error: string | null;
}

export interface RequestFilterView {
  step?: StepName;
  /** An HTTP status (`404`), a class (`4xx`) or `none` for no response. */
  status?: string;
  errorKind?: string;
  key?: string;
  failedOnly?: boolean;
}

export interface RequestRowView {
  id: number;
  requestId: string;
  session: number;
  step: StepName;
  attempt: number;
  method: string;
  url: string;
  status: number | null;
  errorKind: string | null;
  recordCount: number;
  totalMs: number | null;
  startedAt: number | null;
  failed: boolean;
  retryDelayMs: number | null;
}

export interface RequestPage {
  total: number;
  offset: number;
  rows: RequestRowView[];
}

export interface BodyView {
  /** The body as shown (cut at `shownBytes` when large). */
  text: string;
  /** Size of the whole body. */
  bytes: number;
  shownBytes: number;
  cut: boolean;
}

export interface RequestDetail {
  id: number;
  requestId: string;
  step: StepName;
  attempt: number;
  request: { method: string; url: string; headers: Record<string, string>; body: BodyView | null };
  response: { status: number; headers: Record<string, string>; body: BodyView | null } | null;
  error: { kind: string | null; message: string | null } | null;
  timings: { startedAt: number | null; answeredAt: number | null; ttfbMs: number | null; totalMs: number | null };
  attempts: Array<{ id: number; attempt: number; status: number | null; errorKind: string | null; totalMs: number | null; retryDelayMs: number | null; retryReason: string | null }>;
  /** `unconfirmed`: the answer counted records without naming which, so it is not taken as delivered (retry failed sends it again). */
  records: Array<{ key: string; status: 'succeeded' | 'failed' | 'unconfirmed' | 'unsettled'; reason: string | null }>;
}

export interface ReplayResult {
  mode: 'logged' | 'rerendered';
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  /** The response the run logged. */
  logged: ResponseView;
  /** The response to the replay just sent. */
  replayed: ResponseView;
  /** Whether status and body are the same. */
  same: boolean;
}

export interface MockJournalView {
  latestSeq: number;
  entries: Array<{
    seq: number;
    time: number;
    method: string;
    path: string;
    status: number | null;
    route: string | null;
    injected: boolean;
    fault?: string;
    /** The request body, cut at 4 KiB (`bodyBytes` is its whole size). */
    body: string;
    bodyBytes: number;
  }>;
}

/** One variable of an environment as the renderer sees it: a secret's value never crosses. */
export interface EnvironmentVariableView {
  name: string;
  secret: boolean;
  /** The plain value; absent for a secret (shown masked, replaced by typing a new one). */
  value?: string;
  /** A secret has a value this studio can use (saved encrypted, or kept for this session). */
  set: boolean;
  /** A secret kept in memory for this session only (the OS could not encrypt it): not saved. */
  sessionOnly: boolean;
  /** A saved secret this machine cannot decrypt (enter it again). */
  locked?: boolean;
}

export interface EnvironmentView {
  id: string;
  name: string;
  variables: EnvironmentVariableView[];
}

export interface EnvironmentsState {
  environments: EnvironmentView[];
  /** The environment `${env:…}` resolves against (over the process environment); null: none. */
  selectedId: string | null;
  /** False when the OS cannot encrypt (no safeStorage): secrets can be kept for this session only. */
  canEncrypt: boolean;
}

export interface EnvironmentVariableInput {
  name: string;
  secret: boolean;
  /** For a secret: absent keeps what is stored (or kept for the session). */
  value?: string;
  /** Keep this secret for this session only (in memory, never saved). */
  sessionOnly?: boolean;
}

export interface SaveEnvironmentResult {
  /** The saved environment's id; absent when nothing was saved. */
  id?: string;
  /** Why it was not saved, each at its field (`variables[2].value`, `name`). */
  issues: Issue[];
  state: EnvironmentsState;
}

export interface StudioApi {
  listDestinations(): Promise<DestinationSummary[]>;
  getDestination(id: string): Promise<SavedDestination | null>;
  saveDestination(input: { id?: string; config: ExportConfigInput }): Promise<{ id: string; issues: Issue[] }>;
  deleteDestination(id: string): Promise<void>;
  validateConfig(config: unknown): Promise<Issue[]>;

  listSampleSets(): Promise<SampleSetSummary[]>;
  generateSamples(input: { name?: string; count: number; seed?: number }): Promise<SampleSetSummary>;
  importSamples(input: { name: string; format: 'ndjson' | 'csv' | 'json' | 'parquet'; text: string }): Promise<{ set: SampleSetSummary; issues: Issue[] }>;
  getSamples(input: { setId: string; offset?: number; limit?: number }): Promise<unknown[]>;
  renameSampleSet(input: { setId: string; name: string }): Promise<SampleSetSummary>;
  /** The set and its profiles. */
  deleteSampleSet(setId: string): Promise<void>;

  /** `remoteAudience`: what Resolve now found; without it `remote_audience.…` shows as placeholders. */
  preview(input: { config: unknown; setId: string; limit?: number; remoteAudience?: unknown }): Promise<PreviewResult>;
  resolveAudience(input: { config: unknown }): Promise<AudienceResolution>;
  sendPreviewed(input: { config: unknown; setId: string; step: StepName; index: number }): Promise<ResponseView>;
  evaluateJmes(input: { expression: string; data: unknown; purpose?: 'filter' | 'success' | 'mapping'; recordCount?: number }): Promise<JmesEvalResult>;
  testOAuth(input: { config: unknown }): Promise<TokenView>;

  mockStatus(): Promise<MockStatus>;
  startMock(input: { scenario?: string }): Promise<MockStatus>;
  stopMock(): Promise<MockStatus>;
  mockJournal(input: { since?: number; limit?: number }): Promise<MockJournalView>;

  dryRun(input: { config: unknown; input: RunInputSpec }): Promise<DryRunResult>;
  startRun(input: { config: unknown; destinationId?: string; input: RunInputSpec }): Promise<{ runId: string }>;
  runProgress(runId: string): Promise<RunProgress | null>;
  pauseRun(runId: string): Promise<RunProgress | null>;
  resumeRun(runId: string): Promise<RunProgress | null>;
  cancelRun(runId: string): Promise<RunProgress | null>;
  resumeInterrupted(runId: string): Promise<{ runId: string }>;
  retryFailed(runId: string): Promise<{ runId: string }>;
  listRuns(): Promise<RunView[]>;
  getRun(runId: string): Promise<RunView | null>;
  runRequests(input: { runId: string; filter?: RequestFilterView; offset?: number; limit?: number }): Promise<RequestPage>;
  requestDetail(input: { runId: string; id: number }): Promise<RequestDetail | null>;
  copyAsCurl(input: { runId: string; id: number; reveal?: boolean }): Promise<string>;
  replayRequest(input: { runId: string; id: number; mode: 'logged' | 'rerendered'; config?: unknown }): Promise<ReplayResult>;
  exportRun(input: { runId: string; format: 'har' | 'ndjson' }): Promise<string>;
  /** The run's failed input records, ready to fix and re-run, and their reasons (app/run/export-failed). */
  exportFailed(input: { runId: string }): Promise<FailedExport>;

  listEnvironments(): Promise<EnvironmentsState>;
  saveEnvironment(input: { id?: string; name: string; variables: EnvironmentVariableInput[] }): Promise<SaveEnvironmentResult>;
  deleteEnvironment(id: string): Promise<EnvironmentsState>;
  selectEnvironment(id: string | null): Promise<EnvironmentsState>;

  /** The units that run this export on a schedule, and the next run times (issue 12, Schedules). */
  planSchedule(input: ScheduleRequest): Promise<ScheduleView>;
}

export type StudioMethod = keyof StudioApi;

/** The exact list the preload exposes and ipc.ts registers: nothing else crosses. */
export const STUDIO_METHODS = [
  'listDestinations',
  'getDestination',
  'saveDestination',
  'deleteDestination',
  'validateConfig',
  'listSampleSets',
  'generateSamples',
  'importSamples',
  'getSamples',
  'renameSampleSet',
  'deleteSampleSet',
  'preview',
  'sendPreviewed',
  'resolveAudience',
  'evaluateJmes',
  'testOAuth',
  'mockStatus',
  'startMock',
  'stopMock',
  'mockJournal',
  'dryRun',
  'startRun',
  'runProgress',
  'pauseRun',
  'resumeRun',
  'cancelRun',
  'resumeInterrupted',
  'retryFailed',
  'listRuns',
  'getRun',
  'runRequests',
  'requestDetail',
  'copyAsCurl',
  'replayRequest',
  'exportRun',
  'exportFailed',
  'listEnvironments',
  'saveEnvironment',
  'deleteEnvironment',
  'selectEnvironment',
  'planSchedule',
] as const satisfies readonly StudioMethod[];

export const IPC_PREFIX = 'outbound:';

/** A run's failed records as `outbound export-failed` writes them, for the studio to save. */
export interface FailedExport {
  /** The records in the input's own format (a sample set's: NDJSON). */
  records: string;
  format: 'ndjson' | 'csv' | 'json';
  /** One JSON object a line: seq, line, key, reason, exported. */
  reasons: string;
  exported: number;
}

// ── Schedules (issue 12) ──────────────────────────────────────────────────────

export type UnitFormat = 'crontab' | 'systemd' | 'launchd' | 'github' | 'k8s';

/** A schedule as the config's `schedule` block holds it: one of every or cron. */
export interface ScheduleInput {
  every?: string;
  cron?: string;
  timezone?: string;
}

export interface ScheduleRequest {
  /** The export config (the studio's form); its `schedule` is used when `schedule` is absent. */
  config: unknown;
  schedule?: ScheduleInput;
  /** Where the config file the unit runs lives (the studio's destinations live in its store). */
  configPath: string;
  /**
   * A file, or a `postgres://` URL (no password in it: refused). Absent: the config's
   * `source.postgres` block is the input.
   */
  inputPath?: string;
  /** The SQL query of a `postgres://` inputPath (as `run --query`). */
  query?: string;
  /** Default: the store the CLI uses when no --db is given. */
  dbPath?: string;
  /** KEY=VALUE file the unit reads `${env:…}` values from. Default: beside the config, `<name>.env`. */
  envFile?: string;
}

export interface ScheduleUnitView {
  format: UnitFormat;
  /** Where the text is meant to be saved (absent: crontab). */
  file?: string;
  text: string;
  /** Commands that install it. */
  install: string[];
  notes: string[];
  /** Why this scheduler cannot run this schedule (then `text` is empty). */
  problem?: string;
}

export interface ScheduleView {
  /** Refused (bad schedule or config): nothing else is set. */
  issues: Issue[];
  /** The five-field cron expression every unit runs on. */
  cron?: string;
  every?: string;
  timezone?: string;
  /** Where the schedule came from: the request (a flag, the panel) or the config's `schedule`. */
  source?: 'request' | 'config';
  /** Next five run times, ISO 8601 (UTC). */
  nextRuns?: string[];
  /** The argv the crontab, systemd and launchd units run (the env file read by --env-file in each). */
  command?: string[];
  /** `${env:…}` variables the export reads: the unit names them, never their values. */
  env?: string[];
  envFile?: string;
  units?: ScheduleUnitView[];
  warnings?: string[];
}
