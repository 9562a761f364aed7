// The planner: config + records → the exact HTTP requests. Preview and run both call it,
// so a previewed request is byte-for-byte the request that is sent (invariant 2).
import { createHash } from 'node:crypto';
import type { ExportConfig, SendStep, StepName } from '../../shared/config.js';
import type { Issue } from '../../shared/issues.js';
import { compileJmes } from './jmes.js';
import { createPaginator, type Paginator } from './pages.js';
import { knownRecordFields } from './records.js';
import { createSigner } from './signing.js';
import { bodyKindFor } from './template/body-kind.js';
import { checkTemplateFields, compileTemplate, type CompiledTemplate, type TemplateError, type TemplateKind } from './template/compile.js';
import type { Action, PlannedRequest, PreparedRecord } from './types.js';

export interface TopContext {
  audience_name: string;
  audience_id: string | undefined;
  organization_name: string | undefined;
  remote_audience: unknown;
}

/** A refused request may carry what was rendered (its body not JSON), for the preview to show. */
export type PlanResult = { ok: true; request: PlannedRequest } | { ok: false; reason: string; refused?: PlannedRequest };

interface StepTemplates {
  url: CompiledTemplate;
  body: CompiledTemplate | null;
}

export interface Planner {
  /** Steps that run, in order. */
  readonly steps: { get: boolean; create: boolean; add: boolean; remove: boolean };
  context(remoteAudience?: unknown): TopContext;
  planAudience(step: 'getAudience' | 'createAudience', ctx: TopContext): PlanResult;
  /** Applies the get step's filter path to a response; `found: false` means missing. */
  findAudience(status: number, body: string, ctx: TopContext): { ok: true; found: boolean; value: unknown } | { ok: false; reason: string };
  /** The get step's pagination, when configured. */
  readonly paginator: Paginator | null;
  /** `request` sent to another URL (a next page): signed again, since `{path}` may be signed. */
  readdress(request: PlannedRequest, url: string): PlannedRequest;
  planBatch(action: Action, records: PreparedRecord[], ctx: TopContext): PlanResult;
  batchSize(action: Action): number;
}

const NO_BODY_METHODS = new Set(['GET', 'DELETE']);
/** The JMESPath fields of a send step that read the endpoint's answer (success.ts). */
const ACK_FIELDS = ['successPath', 'successKeyPath', 'errorsPath', 'errorKeyPath'] as const;

function isTemplateError(v: CompiledTemplate | TemplateError): v is TemplateError {
  return typeof (v as CompiledTemplate).render !== 'function';
}

/** The error's message with its place appended, unless the message already says it. */
function located(e: TemplateError): string {
  const where = e.line !== undefined ? ` (line ${e.line}, column ${e.column ?? 1})` : '';
  return `${e.message}${e.message.includes('line ') ? '' : where}`;
}

function issueFrom(path: string, e: TemplateError): Issue {
  return {
    path,
    message: located(e),
    template: path,
    ...(e.line !== undefined ? { line: e.line } : {}),
    ...(e.column !== undefined ? { column: e.column } : {}),
    ...(e.field !== undefined ? { field: e.field } : {}),
  };
}

/** Compiles every template and checks field names. Issues mean nothing may be sent. */
export function createPlanner(config: ExportConfig, opts: { bearerPlaceholder?: boolean; runId?: string; now?: number; clock?: () => number } = {}): { ok: true; planner: Planner } | { ok: false; issues: Issue[] } {
  const d = config.destination;
  // `{{now}}` is fixed once per planner (one run, one preview): every request renders the same instant.
  const renderOpts = { now: opts.now ?? Date.now() };
  const issues: Issue[] = [];
  const known = knownRecordFields(config);

  const compile = (source: string, kind: TemplateKind, path: string, mode?: 'individual' | 'batched' | 'audience'): CompiledTemplate | null => {
    const t = compileTemplate(source, kind, { name: path });
    if (isTemplateError(t)) {
      issues.push(issueFrom(path, t));
      return null;
    }
    if (mode) {
      const fieldMode = mode === 'audience' ? 'individual' : mode;
      // Audience steps see no records: any record field is an error there.
      const fieldErrors = checkTemplateFields(source, kind, fieldMode, mode === 'audience' ? [] : known);
      for (const e of fieldErrors) {
        if (mode === 'audience' && !e.field) continue;
        issues.push(issueFrom(path, e));
      }
    }
    return t;
  };

  const headerTemplates: Array<[string, CompiledTemplate]> = [];
  for (const [name, value] of Object.entries(d.headers)) {
    const t = compile(value, 'header', `destination.headers.${name}`);
    if (t) headerTemplates.push([name, t]);
  }
  const hasHeader = (name: string) => Object.keys(d.headers).some((h) => h.toLowerCase() === name);
  const bodyKind = bodyKindFor(d.headers);

  const stepTemplates = (step: StepName, mode: 'individual' | 'batched' | 'audience'): StepTemplates | null => {
    const s = d[step];
    const url = compile(s.url, 'url', `destination.${step}.url`, mode);
    const body = s.bodyTemplate !== undefined && s.bodyTemplate.trim() !== '' ? compile(s.bodyTemplate, bodyKind, `destination.${step}.bodyTemplate`, mode) : null;
    return url ? { url, body } : null;
  };

  const get = d.getAudience.enabled ? stepTemplates('getAudience', 'audience') : null;
  const create = d.createAudience.enabled ? stepTemplates('createAudience', 'audience') : null;
  const add = d.add.enabled ? stepTemplates('add', d.add.batchMode) : null;
  const remove = d.remove.enabled ? stepTemplates('remove', d.remove.batchMode) : null;
  for (const step of ['add', 'remove'] as const) {
    if (!d[step].enabled) continue;
    for (const field of ACK_FIELDS) {
      const expr = d[step][field]?.trim();
      if (!expr) continue;
      const c = compileJmes(expr, `destination.${step}.${field}`);
      if (!c.ok) issues.push({ path: `destination.${step}.${field}`, message: c.error.message, ...(c.error.column !== undefined ? { column: c.error.column } : {}) });
    }
    // A key path without the path it reads elements of would be silently ignored.
    if (d[step].successKeyPath?.trim() && !d[step].successPath?.trim()) {
      issues.push({ path: `destination.${step}.successKeyPath`, message: 'needs successPath: it is read on each element of the success path\'s array' });
    }
    if (d[step].errorKeyPath?.trim() && !d[step].errorsPath?.trim()) {
      issues.push({ path: `destination.${step}.errorKeyPath`, message: 'needs errorsPath: it is read on each element of the errors path\'s array' });
    }
  }
  // Every request to the destination is signed (audience steps too): a receiver that verifies
  // only some ignores the header; one that verifies all would refuse an unsigned request.
  const signer = d.signing ? createSigner(d.signing) : null;
  // The signing clock: a time-dependent signature is computed for this moment.
  const clock = opts.clock ?? Date.now;
  const filter = d.getAudience.enabled && d.getAudience.filterPath ? compile(d.getAudience.filterPath, 'jmespath', 'destination.getAudience.filterPath', 'audience') : null;
  let paginator: Paginator | null = null;
  if (d.getAudience.enabled && d.getAudience.pagination) {
    const p = createPaginator(d.getAudience.pagination);
    if (p.ok) paginator = p.paginator;
    else issues.push(...p.issues);
  }
  if (issues.length > 0) return { ok: false, issues };

  const renderHeaders = (ctx: object, hasBody: boolean): { ok: true; headers: Record<string, string> } | { ok: false; reason: string } => {
    const headers: Record<string, string> = {};
    for (const [name, t] of headerTemplates) {
      const r = t.render(ctx, renderOpts);
      if (!r.ok) return { ok: false, reason: `header ${name}: ${r.error.message}` };
      headers[name] = r.text;
    }
    if (hasBody && !hasHeader('content-type')) headers['content-type'] = 'application/json';
    if (d.oauth && opts.bearerPlaceholder) headers['authorization'] = 'Bearer ●●●●';
    return { ok: true, headers };
  };

  const build = (step: StepName, t: StepTemplates, ctx: object, recordKeys: string[], defaultBody: () => string | undefined): PlanResult => {
    const s = d[step];
    const warnings: string[] = [];
    const url = t.url.render(ctx, renderOpts);
    if (!url.ok) return { ok: false, reason: `destination.${step}.url: ${url.error.message}` };
    warnings.push(...url.warnings);
    let body: string | undefined;
    if (t.body) {
      const b = t.body.render(ctx, renderOpts);
      if (!b.ok) {
        const reason = `destination.${step}.bodyTemplate: ${located(b.error)}`;
        if (b.error.rendered === undefined) return { ok: false, reason };
        const h = renderHeaders(ctx, true);
        return { ok: false, reason, refused: { step, method: s.method, url: url.text, headers: h.ok ? h.headers : {}, recordKeys, body: b.error.rendered } };
      }
      warnings.push(...b.warnings);
      body = b.text;
    } else if (!NO_BODY_METHODS.has(s.method)) {
      body = defaultBody();
    }
    const headers = renderHeaders(ctx, body !== undefined);
    if (!headers.ok) return { ok: false, reason: headers.reason };
    if (d.idempotencyKey !== false) {
      const name = d.idempotencyKey === true ? 'Idempotency-Key' : d.idempotencyKey;
      headers.headers[name] = idempotencyKey(opts.runId ?? 'preview', step, recordKeys, url.text, body);
    }
    const request: PlannedRequest = { step, method: s.method, url: url.text, headers: headers.headers, recordKeys };
    if (body !== undefined) request.body = body;
    if (warnings.length > 0) request.warnings = dedupe(warnings);
    if (signer) {
      const at = clock();
      const signed = signer.sign(request, at);
      signed.notes = [signer.describe(at)];
      return { ok: true, request: signed };
    }
    return { ok: true, request };
  };

  const planner: Planner = {
    steps: { get: !!get, create: !!create, add: !!add, remove: !!remove },
    paginator,
    readdress: (request, url) => (signer ? signer.sign({ ...request, url }, clock()) : { ...request, url }),
    context: (remoteAudience) => ({
      audience_name: config.audience.name,
      audience_id: config.audience.id,
      organization_name: config.audience.organizationName,
      remote_audience: remoteAudience ?? {},
    }),
    planAudience(step, ctx) {
      const t = step === 'getAudience' ? get : create;
      if (!t) return { ok: false, reason: `${step} is not enabled` };
      return build(step, t, ctx, [], () => JSON.stringify({ name: ctx.audience_name }));
    },
    findAudience(status, body, ctx) {
      if (status === 404) return { ok: true, found: false, value: null };
      if (status < 200 || status > 299) return { ok: false, reason: `get audience answered HTTP ${status}: ${excerpt(body)}` };
      let json: unknown;
      try {
        json = body.trim() === '' ? null : JSON.parse(body);
      } catch {
        return { ok: false, reason: `get audience response is not JSON: ${excerpt(body)}` };
      }
      let value: unknown = json;
      if (filter) {
        const rendered = filter.render(ctx, renderOpts);
        if (!rendered.ok) return { ok: false, reason: `destination.getAudience.filterPath: ${rendered.error.message}` };
        const compiled = compileJmes(rendered.text, 'destination.getAudience.filterPath');
        if (!compiled.ok) return { ok: false, reason: `destination.getAudience.filterPath "${rendered.text}": ${compiled.error.message}` };
        try {
          value = compiled.search(json);
        } catch (err) {
          return { ok: false, reason: `destination.getAudience.filterPath: ${(err as Error).message}` };
        }
      }
      return { ok: true, ...audienceIn(value) };
    },
    planBatch(action, records, ctx) {
      const t = action === 'add' ? add : remove;
      if (!t) return { ok: false, reason: `${action} is not enabled` };
      const s = d[action];
      const keys = records.map((r) => r.key);
      if (s.batchMode === 'individual') {
        const user = records[0]?.data ?? {};
        return build(action, t, { ...ctx, user }, keys, () => JSON.stringify(user));
      }
      const users = records.map((r) => r.data);
      return build(action, t, { ...ctx, users }, keys, () => JSON.stringify({ users }));
    },
    batchSize: (action) => recordsPerRequest(d[action]),
  };
  return { ok: true, planner };
}

/** Records one add/remove request carries. */
export function recordsPerRequest(step: SendStep): number {
  return step.batchMode === 'individual' ? 1 : step.batchSize;
}

/**
 * What the get step's (filtered) response says: a non-empty array is found (its first
 * element is the audience), an empty one, null, false or {} is missing.
 */
export function audienceIn(value: unknown): { found: boolean; value: unknown } {
  if (Array.isArray(value)) return value.length > 0 ? { found: true, value: value[0] } : { found: false, value: null };
  if (value === null || value === undefined || value === false) return { found: false, value: null };
  if (typeof value === 'object' && Object.keys(value).length === 0) return { found: false, value: null };
  return { found: true, value };
}

/** The create step's answer becomes remote_audience: its JSON, or {} when it has none. */
export function createdAudience(body: string): unknown {
  try {
    return body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    return {};
  }
}

/** Stable across retries and resumes: derived from what the request carries. */
function idempotencyKey(runId: string, step: string, keys: string[], url: string, body: string | undefined): string {
  const h = createHash('sha256');
  h.update(runId).update('\0').update(step).update('\0').update(url).update('\0').update(keys.join('\u0001')).update('\0').update(body ?? '');
  return h.digest('hex').slice(0, 32);
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

export function excerpt(body: string, max = 300): string {
  const s = body.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max)}…` : s || '(empty body)';
}
