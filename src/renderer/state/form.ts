// The editor's form state and its two conversions (config → form, form → config), plus
// validation as you type. Pure: no React, no window, so unit tests cover it directly.
import {
  FIELD_TYPES,
  parseExportConfig,
  type ExportConfigInput,
  type FieldType,
} from '../../shared/config.js';
import type { Issue } from '../../shared/issues.js';

export interface StepForm {
  enabled: boolean;
  url: string;
  method: string;
  bodyTemplate: string;
}

export interface SendStepForm extends StepForm {
  batchMode: 'individual' | 'batched';
  /** Inputs hold text; conversion turns it into a number (blank ⇒ default). */
  batchSize: string;
  successPath: string;
  successKeyPath: string;
  errorsPath: string;
  errorKeyPath: string;
}

export interface SigningForm {
  header: string;
  secret: string;
  algorithm: 'sha256' | 'sha1' | 'sha512';
  encoding: 'hex' | 'base64';
  prefix: string;
  payload: string;
  timestampHeader: string;
}

/** Get audience's pagination, one style at a time; numbers are text (blank ⇒ default). */
export interface PaginationForm {
  style: 'none' | 'link' | 'cursor' | 'page';
  nextUrlPath: string;
  cursorParam: string;
  cursorPath: string;
  pageParam: string;
  startPage: string;
  itemsPath: string;
  maxPages: string;
}

/** destination.retry, compact: blank fields keep today's rules. */
export interface RetryForm {
  /** `429, 500-504`; blank ⇒ the default statuses. */
  statuses: string;
  untilStopped: boolean;
  /** A numeric retry.maxAttempts read from a file, kept as is (the form edits destination.maxAttempts). */
  attempts: string;
  maxElapsedMs: string;
  retryAfterCapMs: string;
}

export interface NetworkForm {
  proxy: string;
  ca: string;
  clientCert: string;
  clientKey: string;
  clientKeyPassphrase: string;
  insecureSkipVerify: boolean;
}

export interface OutputRow {
  name: string;
  type: FieldType;
  required: boolean;
}

export interface MappingRow {
  field: string;
  path: string;
}

export interface FormState {
  name: string;
  description: string;
  marketingUseCase: string;
  /** JSON object text or the `h1:v1,h2:v2` string form. */
  headersText: string;
  oauthEnabled: boolean;
  oauth: {
    tokenUrl: string;
    clientId: string;
    clientSecret: string;
    scope: string;
    audience: string;
    clientAuth: 'basic' | 'basic-raw' | 'body';
  };
  /** '' or 'aep': the platform whose rules apply (kept so a save does not drop it). */
  platform: string;
  signingEnabled: boolean;
  signing: SigningForm;
  retryOnErrors: boolean;
  maxAttempts: string;
  requestsPerHour: string;
  concurrency: string;
  timeoutMs: string;
  /** Blank ⇒ off; otherwise the header name (`Idempotency-Key` for `true`). */
  idempotencyKey: string;
  /** `destination.network`: blank fields are left out (no `network` key when all are). */
  network: NetworkForm;
  outputSchemaEnabled: boolean;
  outputSchema: OutputRow[];
  getAudience: StepForm & { filterPath: string; pagination: PaginationForm };
  retry: RetryForm;
  /** Per-step retry overrides, not edited by the form: kept as read so saving loses nothing. */
  stepRetry: Partial<Record<'getAudience' | 'createAudience' | 'add' | 'remove', unknown>>;
  createAudience: StepForm;
  add: SendStepForm;
  remove: SendStepForm;
  audience: { name: string; id: string; organizationName: string };
  records: { key: string; mapping: MappingRow[]; action: string };
  /** The config's `schedule` (issue 12): none, every or cron; blank timezone ⇒ the machine's. */
  schedule: ScheduleForm;
  /** `sync.mode`: 'full' writes no `sync` key (the config as before the field existed). */
  syncMode: 'full' | 'diff';
}

export interface ScheduleForm {
  mode: 'none' | 'every' | 'cron';
  every: string;
  cron: string;
  timezone: string;
}

type Loose = Record<string, unknown>;

function obj(value: unknown): Loose {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : {};
}
function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : fallback;
}
function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

function stepForm(value: unknown, defaults: { enabled: boolean; method: string }): StepForm {
  const s = obj(value);
  return {
    enabled: bool(s.enabled, defaults.enabled),
    url: str(s.url),
    method: str(s.method, defaults.method),
    bodyTemplate: str(s.bodyTemplate),
  };
}

function sendStepForm(value: unknown, defaults: { enabled: boolean; method: string }): SendStepForm {
  const s = obj(value);
  return {
    ...stepForm(value, defaults),
    batchMode: s.batchMode === 'batched' ? 'batched' : 'individual',
    batchSize: str(s.batchSize, '100'),
    successPath: str(s.successPath),
    successKeyPath: str(s.successKeyPath),
    errorsPath: str(s.errorsPath),
    errorKeyPath: str(s.errorKeyPath),
  };
}

function paginationForm(value: unknown): PaginationForm {
  const p = obj(value);
  const style = value === undefined ? 'none' : str(p.nextUrlPath) ? 'link' : str(p.cursorParam) || str(p.cursorPath) ? 'cursor' : str(p.pageParam) ? 'page' : 'link';
  return {
    style,
    nextUrlPath: str(p.nextUrlPath),
    cursorParam: str(p.cursorParam),
    cursorPath: str(p.cursorPath),
    pageParam: str(p.pageParam),
    startPage: str(p.startPage),
    itemsPath: str(p.itemsPath),
    maxPages: str(p.maxPages),
  };
}

function retryForm(value: unknown): RetryForm {
  const r = obj(value);
  return {
    statuses: Array.isArray(r.statuses) ? r.statuses.map((x) => str(x)).join(', ') : '',
    untilStopped: r.maxAttempts === 'until-stopped',
    attempts: typeof r.maxAttempts === 'number' ? String(r.maxAttempts) : '',
    maxElapsedMs: str(r.maxElapsedMs),
    retryAfterCapMs: str(r.retryAfterCapMs),
  };
}

/** Headers as the user sees them: the string form stays a string, an object is pretty JSON. */
export function headersToText(headers: unknown): string {
  if (typeof headers === 'string') return headers;
  const h = obj(headers);
  return Object.keys(h).length === 0 ? '' : JSON.stringify(h, null, 2);
}

/** Accepts any parsed JSON (an imported file or a saved destination), fills defaults. */
export function configToForm(config: unknown): FormState {
  const c = obj(config);
  const d = obj(c.destination);
  const oauth = obj(d.oauth);
  const signing = obj(d.signing);
  const audience = obj(c.audience);
  const records = obj(c.records);
  const idem = d.idempotencyKey;
  const net = obj(d.network);
  return {
    name: str(d.name),
    description: str(d.description),
    marketingUseCase: str(d.marketingUseCase),
    headersText: headersToText(d.headers),
    oauthEnabled: d.oauth !== undefined,
    oauth: {
      tokenUrl: str(oauth.tokenUrl),
      clientId: str(oauth.clientId),
      clientSecret: str(oauth.clientSecret),
      scope: str(oauth.scope),
      audience: str(oauth.audience),
      clientAuth: oauth.clientAuth === 'body' || oauth.clientAuth === 'basic-raw' ? oauth.clientAuth : 'basic',
    },
    platform: str(d.platform),
    signingEnabled: d.signing !== undefined,
    signing: {
      header: str(signing.header, 'X-Signature'),
      secret: str(signing.secret),
      algorithm: signing.algorithm === 'sha1' || signing.algorithm === 'sha512' ? signing.algorithm : 'sha256',
      encoding: signing.encoding === 'base64' ? 'base64' : 'hex',
      prefix: str(signing.prefix),
      payload: str(signing.payload, '{body}'),
      timestampHeader: str(signing.timestampHeader),
    },
    retryOnErrors: bool(d.retryOnErrors, true),
    maxAttempts: str(d.maxAttempts, '6'),
    requestsPerHour: str(d.requestsPerHour),
    concurrency: str(d.concurrency, '8'),
    timeoutMs: str(d.timeoutMs, '30000'),
    idempotencyKey: idem === true ? 'Idempotency-Key' : typeof idem === 'string' ? idem : '',
    network: {
      proxy: str(net.proxy),
      ca: str(net.ca),
      clientCert: str(net.clientCert),
      clientKey: str(net.clientKey),
      clientKeyPassphrase: str(net.clientKeyPassphrase),
      insecureSkipVerify: bool(net.insecureSkipVerify, false),
    },
    outputSchemaEnabled: Array.isArray(d.outputSchema),
    outputSchema: (Array.isArray(d.outputSchema) ? d.outputSchema : []).map((f) => {
      const row = obj(f);
      const type = FIELD_TYPES.includes(row.type as FieldType) ? (row.type as FieldType) : 'string';
      return { name: str(row.name), type, required: bool(row.required, false) };
    }),
    getAudience: {
      ...stepForm(d.getAudience, { enabled: false, method: 'GET' }),
      filterPath: str(obj(d.getAudience).filterPath),
      pagination: paginationForm(obj(d.getAudience).pagination),
    },
    retry: retryForm(d.retry),
    stepRetry: Object.fromEntries(
      (['getAudience', 'createAudience', 'add', 'remove'] as const).flatMap((k) => (obj(d[k]).retry !== undefined ? [[k, obj(d[k]).retry]] : [])),
    ),
    createAudience: stepForm(d.createAudience, { enabled: false, method: 'POST' }),
    add: sendStepForm(d.add, { enabled: true, method: 'POST' }),
    remove: sendStepForm(d.remove, { enabled: false, method: 'DELETE' }),
    audience: {
      name: str(audience.name),
      id: str(audience.id),
      organizationName: str(audience.organizationName),
    },
    records: {
      key: str(records.key, 'id'),
      mapping: Object.entries(obj(records.mapping)).map(([field, path]) => ({ field, path: str(path) })),
      action: str(records.action),
    },
    schedule: scheduleForm(c.schedule),
    syncMode: obj(c.sync).mode === 'diff' ? 'diff' : 'full',
  };
}

function scheduleForm(value: unknown): ScheduleForm {
  const s = obj(value);
  return { mode: value === undefined ? 'none' : s.cron !== undefined ? 'cron' : 'every', every: str(s.every, '1h'), cron: str(s.cron, '0 * * * *'), timezone: str(s.timezone) };
}

/** The form's schedule as the config holds it: absent when none. */
export function scheduleConfig(form: ScheduleForm): { every?: string; cron?: string; timezone?: string } | undefined {
  if (form.mode === 'none') return undefined;
  return dropUndefined({ ...(form.mode === 'every' ? { every: form.every } : { cron: form.cron }), timezone: optional(form.timezone) });
}

/** '' ⇒ undefined (the schema's default applies); a non-number stays text so zod names it. */
function num(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

function optional(text: string): string | undefined {
  return text.trim() === '' ? undefined : text;
}

function dropUndefined<T extends Loose>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

export interface FormConversion {
  /** The config as the CLI reads it; may be invalid (validation says where). */
  config: ExportConfigInput;
  /** Problems only the form can see (headers JSON that does not parse, duplicate mapping fields). */
  issues: Issue[];
}

export function parseHeadersText(text: string): { value?: Record<string, string> | string; error?: string } {
  const t = text.trim();
  if (t === '') return { value: undefined };
  if (t.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(t);
      const o = obj(parsed);
      for (const [k, v] of Object.entries(o)) {
        if (typeof v !== 'string') return { error: `header "${k}" must be a string value` };
      }
      return { value: o as Record<string, string> };
    } catch (err) {
      return { error: `headers JSON does not parse: ${(err as Error).message}` };
    }
  }
  return { value: t };
}

/** `429, 500-504` → [429, "500-504"]; blank ⇒ undefined (the default statuses). */
export function parseStatusesText(text: string): Array<number | string> | undefined {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function paginationConfig(p: PaginationForm): Loose | undefined {
  if (p.style === 'none') return undefined;
  const common = { itemsPath: optional(p.itemsPath), maxPages: num(p.maxPages) };
  if (p.style === 'link') return dropUndefined({ nextUrlPath: p.nextUrlPath, ...common });
  if (p.style === 'cursor') return dropUndefined({ cursorParam: p.cursorParam, cursorPath: p.cursorPath, ...common });
  return dropUndefined({ pageParam: p.pageParam, startPage: num(p.startPage), ...common });
}

function retryConfig(r: RetryForm): Loose | undefined {
  const out = dropUndefined({
    statuses: parseStatusesText(r.statuses),
    maxAttempts: r.untilStopped ? 'until-stopped' : num(r.attempts),
    maxElapsedMs: num(r.maxElapsedMs),
    retryAfterCapMs: num(r.retryAfterCapMs),
  } as Loose);
  return Object.keys(out).length > 0 ? out : undefined;
}

export function formToConfig(form: FormState): FormConversion {
  const issues: Issue[] = [];
  const headers = parseHeadersText(form.headersText);
  if (headers.error) issues.push({ path: 'destination.headers', message: headers.error });

  const step = (s: StepForm) =>
    dropUndefined({ enabled: s.enabled, url: s.url, method: s.method, bodyTemplate: optional(s.bodyTemplate) });
  const sendStep = (s: SendStepForm) =>
    dropUndefined({
      ...step(s),
      batchMode: s.batchMode,
      batchSize: num(s.batchSize),
      successPath: optional(s.successPath),
      successKeyPath: optional(s.successKeyPath),
      errorsPath: optional(s.errorsPath),
      errorKeyPath: optional(s.errorKeyPath),
    });

  const mapping: Record<string, string> = {};
  form.records.mapping.forEach((row, i) => {
    if (row.field.trim() === '' && row.path.trim() === '') return;
    if (row.field.trim() === '') {
      issues.push({ path: `records.mapping[${i}].field`, message: 'output field name must not be empty' });
      return;
    }
    if (row.field in mapping) {
      issues.push({ path: `records.mapping[${i}].field`, message: `duplicate output field "${row.field}"` });
    }
    mapping[row.field] = row.path;
  });

  // Shown on the field itself (zod names the entry's index, which no field has).
  for (const entry of parseStatusesText(form.retry.statuses) ?? []) {
    if (typeof entry === 'string' && !/^\d{3}\s*-\s*\d{3}$/.test(entry)) {
      issues.push({ path: 'destination.retry.statuses', message: `"${entry}" is not a status or a range like "500-504"` });
    }
  }

  const idem = form.idempotencyKey.trim();
  const n = form.network;
  const network = dropUndefined({
    proxy: optional(n.proxy),
    ca: optional(n.ca),
    clientCert: optional(n.clientCert),
    clientKey: optional(n.clientKey),
    clientKeyPassphrase: optional(n.clientKeyPassphrase),
    insecureSkipVerify: n.insecureSkipVerify ? true : undefined,
  });
  const destination = dropUndefined({
    name: form.name,
    description: optional(form.description),
    marketingUseCase: optional(form.marketingUseCase),
    headers: headers.error ? undefined : headers.value,
    oauth: form.oauthEnabled
      ? dropUndefined({
          tokenUrl: form.oauth.tokenUrl,
          clientId: form.oauth.clientId,
          clientSecret: form.oauth.clientSecret,
          scope: optional(form.oauth.scope),
          audience: optional(form.oauth.audience),
          clientAuth: form.oauth.clientAuth,
        })
      : undefined,
    signing: form.signingEnabled
      ? dropUndefined({
          header: form.signing.header,
          secret: form.signing.secret,
          algorithm: form.signing.algorithm,
          encoding: form.signing.encoding,
          prefix: optional(form.signing.prefix),
          payload: form.signing.payload.trim() === '' ? undefined : form.signing.payload,
          timestampHeader: optional(form.signing.timestampHeader),
        })
      : undefined,
    platform: optional(form.platform),
    retryOnErrors: form.retryOnErrors,
    maxAttempts: num(form.maxAttempts),
    retry: retryConfig(form.retry),
    requestsPerHour: num(form.requestsPerHour),
    concurrency: num(form.concurrency),
    timeoutMs: num(form.timeoutMs),
    idempotencyKey: idem === '' ? undefined : idem === 'Idempotency-Key' ? true : idem,
    network: Object.keys(network).length > 0 ? network : undefined,
    outputSchema: form.outputSchemaEnabled
      ? form.outputSchema.map((r) => (r.required ? { ...r } : { name: r.name, type: r.type }))
      : undefined,
    getAudience: dropUndefined({
      ...step(form.getAudience),
      filterPath: optional(form.getAudience.filterPath),
      pagination: paginationConfig(form.getAudience.pagination),
      retry: form.stepRetry.getAudience,
    }),
    createAudience: dropUndefined({ ...step(form.createAudience), retry: form.stepRetry.createAudience }),
    add: dropUndefined({ ...sendStep(form.add), retry: form.stepRetry.add }),
    remove: dropUndefined({ ...sendStep(form.remove), retry: form.stepRetry.remove }),
  });

  const config = {
    version: 1,
    destination,
    audience: dropUndefined({
      name: form.audience.name,
      id: optional(form.audience.id),
      organizationName: optional(form.audience.organizationName),
    }),
    records: dropUndefined({
      key: form.records.key.trim() === '' ? undefined : form.records.key,
      mapping: Object.keys(mapping).length > 0 ? mapping : undefined,
      action: optional(form.records.action),
    }),
    schedule: scheduleConfig(form.schedule),
    ...(form.syncMode === 'diff' ? { sync: { mode: 'diff' } } : {}),
  } as unknown as ExportConfigInput;
  if ((config as { schedule?: unknown }).schedule === undefined) delete (config as { schedule?: unknown }).schedule;
  return { config, issues };
}

/** Schema issues plus the form's own, each with the dotted path of its field. */
export function validateForm(form: FormState): FormConversion {
  const { config, issues } = formToConfig(form);
  const parsed = parseExportConfig(config);
  return { config, issues: parsed.ok ? issues : [...issues, ...parsed.issues] };
}

/** Keys in a config the schema does not know (each with its did-you-mean): the form drops them. */
export function unknownKeys(config: unknown): Issue[] {
  const parsed = parseExportConfig(config);
  return parsed.ok ? [] : parsed.issues.filter((i) => i.message.startsWith('unknown key'));
}

/** A config file's text without a leading UTF-8 byte order mark. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Issues for one field: exact path match (children are shown by their own rows). */
export function issuesAt(issues: readonly { path: string; message: string }[], path: string): string[] {
  return issues.filter((i) => i.path === path).map((i) => i.message);
}
