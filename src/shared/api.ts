// The studio API: one typed interface. The service implements it in main, ipc.ts
// registers one handler per method (validating arguments), the preload exposes exactly
// these methods on window.outbound, and the renderer calls nothing else.
import type { ExportConfigInput, StepName } from './config.js';

export interface ApiIssue {
  /** Where: a config field path (`destination.add.url`) or `template:line:column`. */
  path: string;
  message: string;
  /** For template errors: which template (e.g. `add.bodyTemplate`) and where in it. */
  template?: string;
  line?: number;
  column?: number;
}

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
}

export interface PreviewResult {
  requests: PreviewRequestView[];
  issues: ApiIssue[];
  /** The mapped, schema-coerced records the templates saw. */
  records: Array<{ key: string; action: 'add' | 'remove'; data: Record<string, unknown> }>;
  elapsedMs: number;
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
}

export interface JmesEvalResult {
  ok: boolean;
  value?: unknown;
  error?: string;
  /** What Outbound would conclude, e.g. "audience found" or "97 of 100 records succeeded". */
  conclusion?: string;
}

export interface StudioApi {
  listDestinations(): Promise<DestinationSummary[]>;
  getDestination(id: string): Promise<SavedDestination | null>;
  saveDestination(input: { id?: string; config: ExportConfigInput }): Promise<{ id: string; issues: ApiIssue[] }>;
  deleteDestination(id: string): Promise<void>;
  validateConfig(config: unknown): Promise<ApiIssue[]>;

  listSampleSets(): Promise<SampleSetSummary[]>;
  generateSamples(input: { name?: string; count: number; seed?: number }): Promise<SampleSetSummary>;
  importSamples(input: { name: string; format: 'ndjson' | 'csv' | 'json'; text: string }): Promise<{ set: SampleSetSummary; issues: ApiIssue[] }>;
  getSamples(input: { setId: string; offset?: number; limit?: number }): Promise<unknown[]>;

  preview(input: { config: unknown; setId: string; limit?: number }): Promise<PreviewResult>;
  sendPreviewed(input: { config: unknown; setId: string; step: StepName; index: number }): Promise<ResponseView>;
  evaluateJmes(input: { expression: string; data: unknown; purpose?: 'filter' | 'success' | 'mapping'; recordCount?: number }): Promise<JmesEvalResult>;
  testOAuth(input: { config: unknown }): Promise<TokenView>;

  mockStatus(): Promise<MockStatus>;
  startMock(input: { scenario?: string }): Promise<MockStatus>;
  stopMock(): Promise<MockStatus>;
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
  'preview',
  'sendPreviewed',
  'evaluateJmes',
  'testOAuth',
  'mockStatus',
  'startMock',
  'stopMock',
] as const satisfies readonly StudioMethod[];

export const IPC_PREFIX = 'outbound:';
