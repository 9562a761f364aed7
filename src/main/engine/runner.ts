// The runner: source → records → batches → planned requests → pacer → sender → outcomes,
// reported as RunEvents. It knows no host: the CLI, the studio and the tests drive it alike.
// Memory is bounded by concurrency × batch size: the source is read only when a send slot
// is free.
import type { ExportConfig, StepName } from '../../shared/config.js';
import { formatIssue, type Issue } from '../../shared/issues.js';
import { createHttpClient, type HttpClient } from './http.js';
import { bearerHooks, createTokenProvider, TokenError, type TokenProvider } from './oauth.js';
import { createPacer, type Pacer } from './pacing.js';
import { findOrCreateAudience } from './audience.js';
import { createPlanner, type TopContext } from './plan.js';
import { createRecordPreparer } from './records.js';
import { Slots } from './slots.js';
import { createRedactor, type Redactor, type Secret } from './redact.js';
import { describeResult, sendWithRetry, type RetryDelayOptions } from './retry.js';
import { countSucceeded } from './success.js';
import type { Action, HttpRequestSpec, HttpResult, PlannedRequest, PreparedRecord, RunCounts, RunEvent, RunStatus, SourceItem } from './types.js';

export class ConfigError extends Error {
  constructor(readonly issues: Issue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Everything that makes a config unable to run (templates, fields, JMESPath); empty when it can. */
export function checkExport(config: ExportConfig, file = 'input'): Issue[] {
  const planned = createPlanner(config);
  const preparer = createRecordPreparer(config, file);
  return [...(planned.ok ? [] : planned.issues), ...(preparer.ok ? [] : preparer.issues)];
}

export interface RunOptions {
  config: ExportConfig;
  /** Resolved secret values, masked in every event. */
  secrets?: Secret[];
  source: AsyncIterable<SourceItem>;
  /** The input's name, used in record errors (`file:line`). */
  file: string;
  runId: string;
  onEvent?: (e: RunEvent) => void;
  /** Stops the run, resumable; a string reason is reported as the run's error (else "interrupted"). */
  signal?: AbortSignal;
  /** Plan everything, send nothing. */
  dryRun?: boolean;
  /** Resume: outcome already settled for a record (it is counted, not re-sent). */
  previous?: (seq: number) => 'succeeded' | 'failed' | undefined;
  /** retry-failed: re-send only these records (others count as `previous` says). */
  only?: (seq: number) => boolean;
  /** Tests and benchmarks may inject a client. */
  http?: HttpClient;
  /** Every planned request, before it is sent (preview collects these in a dry run). */
  onPlanned?: (req: PlannedRequest) => void;
  /** Every prepared record (mapped and coerced), before batching. */
  onRecord?: (rec: PreparedRecord) => void;
  /** Dry run only: the remote audience templates see (a real run gets it from the get/create step). */
  remoteAudience?: unknown;
  /** Pause: awaited before every request start (a paused run holds here; in-flight requests finish). */
  gate?: () => Promise<void>;
  /** Backoff tuning; tests shorten the base delay so fault runs stay quick. */
  retryDelay?: RetryDelayOptions;
  /** Progress events at most this often (ms). Default 250. */
  progressEveryMs?: number;
}

export interface RunSummary {
  runId: string;
  status: RunStatus;
  records: RunCounts & { skipped: number };
  requests: { sent: number; retried: number; planned: Record<StepName, number> };
  remoteAudience?: unknown;
  error?: string;
  durationMs: number;
  dryRun: boolean;
}

class AbortRun extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AbortRun';
  }
}

export async function runExport(opts: RunOptions): Promise<RunSummary> {
  const { config, runId, signal } = opts;
  const d = config.destination;
  const started = performance.now();
  const emit = opts.onEvent;
  const redactor: Redactor = createRedactor(opts.secrets ?? []);

  const planned = createPlanner(config, { runId, bearerPlaceholder: !!opts.dryRun });
  const preparer = createRecordPreparer(config, opts.file);
  const issues = [...(planned.ok ? [] : planned.issues), ...(preparer.ok ? [] : preparer.issues)];
  if (!planned.ok || !preparer.ok) throw new ConfigError(issues);
  const planner = planned.planner;
  const prepare = preparer.prepare;

  const counts = { total: 0, succeeded: 0, failed: 0, skipped: 0 };
  const requests = { sent: 0, retried: 0, planned: { getAudience: 0, createAudience: 0, add: 0, remove: 0 } as Record<StepName, number> };
  let requestSeq = 0;
  let lastProgress = 0;
  const progressEvery = opts.progressEveryMs ?? 250;

  const progress = (force = false): void => {
    if (!emit) return;
    const now = performance.now();
    if (!force && now - lastProgress < progressEvery) return;
    lastProgress = now;
    emit({ type: 'progress', records: { total: counts.total, succeeded: counts.succeeded, failed: counts.failed }, requests: { sent: requests.sent, retried: requests.retried }, at: Date.now() });
  };

  emit?.({ type: 'run-started', runId, at: Date.now(), config: { destination: d.name, audience: config.audience.name } });

  const ownsHttp = !opts.http && !opts.dryRun;
  const http = opts.http ?? (opts.dryRun ? null : createHttpClient({ timeoutMs: d.timeoutMs, connections: d.concurrency }));
  const pacer: Pacer = createPacer(d.requestsPerHour);
  let tokens: TokenProvider | undefined;
  if (d.oauth && http) {
    tokens = createTokenProvider(d.oauth, http, { retry: { maxAttempts: d.retryOnErrors ? d.maxAttempts : 1, ...(opts.retryDelay ? { delay: opts.retryDelay } : {}) } });
  }

  let fatal: string | undefined;
  let remoteAudience: unknown;
  const internal = new AbortController();
  const onOuterAbort = () => internal.abort(signal?.reason);
  signal?.addEventListener('abort', onOuterAbort, { once: true });
  const runSignal = internal.signal;

  /** Sends one planned request with retries, emitting events; throws AbortRun on auth failure. */
  let lastToken = '';
  const nextRequestId = () => `${runId}:${++requestSeq}`;
  const send = async (req: PlannedRequest, id: string = nextRequestId()): Promise<HttpResult> => {
    const step = req.step;
    const spec: HttpRequestSpec = { method: req.method, url: req.url, headers: req.headers, ...(req.body !== undefined ? { body: req.body } : {}) };
    const hooks = tokens ? bearerHooks(tokens) : undefined;
    let lastSent: HttpRequestSpec = spec;
    try {
      const outcome = await sendWithRetry(http!, spec, {
        maxAttempts: d.maxAttempts,
        retryOnErrors: d.retryOnErrors,
        signal: runSignal,
        ...(opts.retryDelay ? { delay: opts.retryDelay } : {}),
        before: async (s) => {
          if (opts.gate) await opts.gate();
          await pacer.acquire(s);
        },
        ...(hooks
          ? {
              authorize: async (r: HttpRequestSpec) => {
                lastSent = await hooks.authorize(r);
                const token = (lastSent.headers.authorization ?? '').replace(/^Bearer /, '');
                if (token !== lastToken) {
                  lastToken = token;
                  redactor.add(token); // tokens fetched mid-run are masked in events too
                }
                return lastSent;
              },
              onUnauthorized: hooks.onUnauthorized,
            }
          : {}),
        onAttempt: (attempt, result) => {
          requests.sent++;
          if (emit) {
            const at = Date.now();
            emit({ type: 'request-sent', id, step, attempt, request: redactSpec(redactor, lastSent), recordKeys: req.recordKeys, at: at - Math.round(result.timings.total) });
            emit({ type: 'request-answered', id, step, attempt, result: redactResult(redactor, result), at });
          }
        },
        onRetry: (attempt, delayMs, reason) => {
          requests.retried++;
          emit?.({ type: 'request-retry', id, step, attempt, delayMs, reason: redactor.text(reason), at: Date.now() });
        },
      });
      return outcome.result;
    } catch (err) {
      if (err instanceof TokenError) throw new AbortRun(`OAuth token: ${redactor.text(err.message)}`);
      throw err;
    }
  };

  const settle = (requestId: string | null, records: PreparedRecord[], succeeded: number, reason: string | undefined, acknowledged?: unknown[]): void => {
    const named = succeeded < records.length && acknowledged ? acknowledgedKeys(acknowledged, records) : null;
    if (!emit && !named) {
      // Nobody listens for outcomes: count them without building one object per record.
      const ok = Math.min(records.length, succeeded);
      counts.succeeded += ok;
      counts.failed += records.length - ok;
      return;
    }
    const outcomes: Array<{ seq: number; key: string; action: Action; ok: boolean; reason?: string; line?: number }> = [];
    records.forEach((r, i) => {
      const ok = named ? named.has(r.key) : i < succeeded;
      if (ok) counts.succeeded++;
      else counts.failed++;
      outcomes.push(ok ? { seq: r.seq, key: r.key, action: r.action, ok, line: r.line } : { seq: r.seq, key: r.key, action: r.action, ok, reason: reason ?? 'not acknowledged', line: r.line });
    });
    emit?.({ type: 'records-settled', requestId, outcomes, at: Date.now() });
    progress();
  };

  const ctxHolder: { ctx: TopContext } = { ctx: planner.context(opts.dryRun ? opts.remoteAudience : undefined) };

  const runAudience = async (): Promise<void> => {
    if (!planner.steps.get) return;
    if (opts.dryRun) {
      // Nothing is sent, so both steps are planned: the dry run counts what could be sent.
      const ctx = planner.context();
      const get = planner.planAudience('getAudience', ctx);
      if (!get.ok) throw new AbortRun(`get audience: ${get.reason}`);
      requests.planned.getAudience++;
      opts.onPlanned?.(get.request);
      const create = planner.steps.create ? planner.planAudience('createAudience', ctx) : null;
      if (create?.ok) {
        requests.planned.createAudience++;
        opts.onPlanned?.(create.request);
      }
      remoteAudience = opts.remoteAudience;
      ctxHolder.ctx = planner.context(remoteAudience);
      return;
    }
    const outcome = await findOrCreateAudience(planner, config.audience.name, {
      send: (req) => send(req),
      onPlanned: (req) => {
        requests.planned[req.step]++;
        opts.onPlanned?.(req);
      },
      redact: (text) => redactor.text(text),
    });
    if (!outcome.ok) throw new AbortRun(outcome.reason);
    remoteAudience = outcome.value;
    ctxHolder.ctx = planner.context(remoteAudience);
  };

  const slots = new Slots(d.concurrency);
  const pending: Record<Action, PreparedRecord[]> = { add: [], remove: [] };

  const dispatch = async (action: Action, batch: PreparedRecord[]): Promise<void> => {
    const plan = planner.planBatch(action, batch, ctxHolder.ctx);
    if (!plan.ok) {
      settle(null, batch, 0, plan.reason);
      return;
    }
    requests.planned[action]++;
    opts.onPlanned?.(plan.request);
    if (opts.dryRun) return;
    if (fatal || runSignal.aborted) return; // left unsettled: resumable
    await slots.acquire();
    if (fatal || runSignal.aborted) {
      slots.release();
      return;
    }
    const requestId = nextRequestId();
    send(plan.request, requestId)
      .then((result) => {
        if (!result.ok) {
          if (result.kind === 'abort') return; // interrupted: resumable, not failed
          settle(requestId, batch, 0, redactor.text(describeResult(result)));
          return;
        }
        const verdict = countSucceeded(result.status, result.body, d[action].successPath, batch.length, (t) => redactor.text(t));
        settle(requestId, batch, verdict.succeeded, verdict.reason ? redactor.text(verdict.reason) : undefined, verdict.acknowledged);
      })
      .catch((err: unknown) => {
        if (!fatal) fatal = err instanceof Error ? err.message : String(err);
        internal.abort();
      })
      .finally(() => slots.release());
  };

  const disabledReason = (action: Action) => `record action is ${action}, but the ${action} step is not enabled`;

  try {
    await runAudience();
    let seq = 0;
    for await (const item of opts.source) {
      if (fatal || runSignal.aborted) break;
      const s = seq++;
      counts.total++;
      const prev = opts.previous?.(s);
      if (prev && !(opts.only?.(s) ?? false)) {
        if (prev === 'succeeded') counts.succeeded++;
        else counts.failed++;
        continue;
      }
      if (opts.only && !opts.only(s)) continue;
      const p = prepare(item, s);
      if (p.ok === 'skip') {
        counts.skipped++;
        continue;
      }
      if (!p.ok) {
        counts.failed++;
        emit?.({ type: 'record-failed', failure: p.failure, at: Date.now() });
        progress();
        continue;
      }
      const rec = p.record;
      opts.onRecord?.(rec);
      if (!planner.steps[rec.action]) {
        settle(null, [rec], 0, disabledReason(rec.action));
        continue;
      }
      const buf = pending[rec.action];
      buf.push(rec);
      if (buf.length >= planner.batchSize(rec.action)) {
        pending[rec.action] = [];
        await dispatch(rec.action, buf);
      }
    }
    for (const action of ['add', 'remove'] as const) {
      const buf = pending[action];
      if (buf.length > 0 && !fatal && !runSignal.aborted) {
        pending[action] = [];
        await dispatch(action, buf);
      }
    }
    await slots.idle();
  } catch (err) {
    if (err instanceof AbortRun) fatal = err.message;
    else if (runSignal.aborted) fatal ??= stopReason(signal);
    else {
      await slots.idle();
      if (ownsHttp) await http?.close();
      signal?.removeEventListener('abort', onOuterAbort);
      throw err;
    }
  }
  await slots.idle();
  if (ownsHttp) await http?.close();
  signal?.removeEventListener('abort', onOuterAbort);

  if (!fatal && signal?.aborted) fatal = stopReason(signal);
  const status: RunStatus = fatal ? 'aborted' : counts.failed === 0 ? 'succeeded' : counts.succeeded === 0 ? 'failed' : 'partial';
  const records = { total: counts.total, succeeded: counts.succeeded, failed: counts.failed };
  progress(true);
  // What the run reports is recorded and shown: secrets masked, the audience's echo included.
  if (fatal) fatal = redactor.text(fatal);
  emit?.({ type: 'run-finished', status, records, requests: { sent: requests.sent, retried: requests.retried }, ...(fatal ? { error: fatal } : {}), at: Date.now() });
  return {
    runId,
    status,
    records: { ...records, skipped: counts.skipped },
    requests,
    ...(remoteAudience !== undefined ? { remoteAudience: redactedJson(redactor, remoteAudience) } : {}),
    ...(fatal ? { error: fatal } : {}),
    durationMs: Math.round(performance.now() - started),
    dryRun: !!opts.dryRun,
  };
}

/**
 * When the success path's array names records (strings, or objects with id/key/email) that
 * match the batch's keys, those are the ones that succeeded; otherwise the count is applied
 * in order. Null when the array names none of the batch.
 */
function acknowledgedKeys(acknowledged: unknown[], records: PreparedRecord[]): Set<string> | null {
  const keys = new Set(records.map((r) => r.key));
  const named = new Set<string>();
  for (const a of acknowledged) {
    const candidates = typeof a === 'string' || typeof a === 'number' ? [a] : a && typeof a === 'object' ? [(a as Record<string, unknown>).id, (a as Record<string, unknown>).key, (a as Record<string, unknown>).email] : [];
    for (const c of candidates) if ((typeof c === 'string' || typeof c === 'number') && keys.has(String(c))) named.add(String(c));
  }
  return named.size > 0 ? named : null;
}

function stopReason(signal: AbortSignal | undefined): string {
  return typeof signal?.reason === 'string' ? signal.reason : 'interrupted';
}

function redactSpec(r: Redactor, spec: HttpRequestSpec): HttpRequestSpec {
  const out: HttpRequestSpec = { method: spec.method, url: r.text(spec.url), headers: r.headers(spec.headers) };
  if (spec.body !== undefined) out.body = r.text(spec.body);
  return out;
}

function redactResult(r: Redactor, res: HttpResult): HttpResult {
  if (!res.ok) return { ...res, message: r.text(res.message) };
  return { ...res, headers: r.headers(res.headers), body: r.text(res.body) };
}

/**
 * A value from an answer (the remote audience) with its secrets masked: a mask holds no quote
 * or backslash, so the JSON stays valid; should a raw secret span JSON syntax it would not,
 * and nothing is kept rather than the secret.
 */
function redactedJson(r: Redactor, value: unknown): unknown {
  try {
    return JSON.parse(r.text(JSON.stringify(value) ?? 'null')) as unknown;
  } catch {
    return null;
  }
}
