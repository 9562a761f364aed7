// The runner: source → records → batches → planned requests → pacer → sender → outcomes,
// reported as RunEvents. It knows no host: the CLI, the studio and the tests drive it alike.
// Memory is bounded by concurrency × batch size: the source is read only when a send slot
// is free.
import { setTimeout as sleepTimer } from 'node:timers/promises';
import type { ExportConfig, StepName } from '../../shared/config.js';
import { formatIssue, type Issue } from '../../shared/issues.js';
import { formatDuration } from '../../shared/format.js';
import { recordPlace } from '../../shared/record-place.js';
import type { NetworkSettings } from './dispatcher.js';
import { createHttpClient, type HttpClient } from './http.js';
import { bearerHooks, createTokenProvider, TokenError, type TokenProvider } from './oauth.js';
import { createPacer, type Pacer } from './pacing.js';
import { findOrCreateAudience } from './audience.js';
import { createPlanner, type TopContext } from './plan.js';
import { createRecordPreparer } from './records.js';
import { createSigner } from './signing.js';
import { Slots } from './slots.js';
import { createRedactor, redactJson, redactRequest, redactResult, type Redactor, type Secret } from './redact.js';
import { describeResult, sendWithRetry, type RetryDelayOptions, type SendOutcome } from './retry.js';
import { retriesResult, retryPolicyFor, type RetryPolicy } from './retry-policy.js';
import { judgeAnswer } from './answer.js';
import { createSettler } from './settle.js';
import { createUnauthorizedStreak } from './unauthorized.js';
import { PACING_NOTICE_MS, pacingWait, retryWait } from './waits.js';
import type { Action, HttpRequestSpec, HttpResult, PlannedRequest, PreparedRecord, RecordFailure, RunCounts, RunEvent, RunStatus, SourceItem } from './types.js';

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
  /** What `{{now}}` renders (epoch ms), the same for every request; default: when the run starts. */
  now?: number;
  onEvent?: (e: RunEvent) => void;
  /** Stops the run, resumable; a string reason is reported as the run's error (else "interrupted"). */
  signal?: AbortSignal;
  /** Plan everything, send nothing. */
  dryRun?: boolean;
  /** Resume: outcome already settled for a record (it is counted, not re-sent). */
  previous?: (seq: number) => 'succeeded' | 'failed' | undefined;
  /** retry-failed: re-send only these records (others count as `previous` says). */
  only?: (seq: number) => boolean;
  /**
   * Which records take part at all (the host's --limit / --only-key): 'skip' leaves a record
   * out of the run (not counted), 'stop' ends the input there. Positions (`seq`) stay the input's.
   */
  select?: (item: SourceItem, seq: number) => 'take' | 'skip' | 'stop';
  /** Tests and benchmarks may inject a client. */
  http?: HttpClient;
  /** Proxy and TLS of the client the run builds (app/network.ts); absent ⇒ direct, default TLS. */
  network?: NetworkSettings;
  /** Every planned request, before it is sent (preview collects these in a dry run). */
  onPlanned?: (req: PlannedRequest) => void;
  /** Every prepared record (mapped and coerced), before batching. */
  onRecord?: (rec: PreparedRecord) => void;
  /** Dry run only: the remote audience templates see (a real run gets it from the get/create step). */
  remoteAudience?: unknown;
  /** Told of a request refused after rendering (its body is not JSON): the preview shows it broken. */
  onRefused?: (request: PlannedRequest, reason: string) => void;
  /** Told of each skipped record (the preview explains them with examples). */
  onSkipped?: (skipped: { key: string; line: number; reason: string }) => void;
  /** Pause: awaited before every request start (a paused run holds here; in-flight requests finish). */
  gate?: () => Promise<void>;
  /** Backoff tuning; tests shorten the base delay so fault runs stay quick. */
  retryDelay?: RetryDelayOptions;
  /** Progress events at most this often (ms). Default 250. */
  progressEveryMs?: number;
  /** A membership diff (config `sync.mode: diff`): which prepared records are sent, and the removes after the input. */
  sync?: SyncHooks;
  /**
   * Another process creates the audience (shard 0 of a sharded run): a missing audience is
   * looked up again, with backoff, for up to `waitMs`, never created here.
   */
  audienceCreatedBy?: { by: string; waitMs: number };
}

/** What a membership diff tells the runner; the host computed it (app/run/sync.ts). */
export interface SyncHooks {
  /**
   * For each prepared input record: send it, leave it out (skipped with the reason, e.g.
   * unchanged since the last delivered sync) or fail it (e.g. a duplicate key).
   */
  classify(rec: PreparedRecord): SyncVerdict;
  /** Members gone from the input, as remove records (their stored fields, seqs after the input's), read after it. */
  removals(): Iterable<PreparedRecord>;
  /** Why a remove must not be sent (its stored record lacks what the remove URL names), or null. */
  removalProblem?(rec: PreparedRecord): string | null;
}

export type SyncVerdict = { send: true } | { send: false; skip: string } | { send: false; fail: string };

export interface RunSummary {
  runId: string;
  status: RunStatus;
  records: Required<RunCounts>;
  /** Why records were skipped, with how many each (e.g. the remove step is disabled). */
  skippedReasons: Array<{ reason: string; count: number }>;
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

  const planned = createPlanner(config, { runId, bearerPlaceholder: !!opts.dryRun, now: opts.now ?? Date.now() });
  const preparer = createRecordPreparer(config, opts.file);
  const issues = [...(planned.ok ? [] : planned.issues), ...(preparer.ok ? [] : preparer.issues)];
  if (!planned.ok || !preparer.ok) throw new ConfigError(issues);
  const planner = planned.planner;
  const prepare = preparer.prepare;

  const counts: Required<RunCounts> = { total: 0, succeeded: 0, failed: 0, skipped: 0, unconfirmed: 0 };
  const skippedBy = new Map<string, number>();
  const skip = (reason: string): void => {
    counts.skipped++;
    skippedBy.set(reason, (skippedBy.get(reason) ?? 0) + 1);
  };
  const requests = { sent: 0, retried: 0, planned: { getAudience: 0, createAudience: 0, add: 0, remove: 0 } as Record<StepName, number> };
  let requestSeq = 0;
  let lastProgress = 0;
  const progressEvery = opts.progressEveryMs ?? 250;

  const progress = (force = false): void => {
    if (!emit) return;
    const now = performance.now();
    if (!force && now - lastProgress < progressEvery) return;
    lastProgress = now;
    emit({ type: 'progress', records: { ...counts }, requests: { sent: requests.sent, retried: requests.retried }, at: Date.now() });
  };

  emit?.({ type: 'run-started', runId, at: Date.now(), config: { destination: d.name, audience: config.audience.name } });

  const ownsHttp = !opts.http && !opts.dryRun;
  const http = opts.http ?? (opts.dryRun ? null : createHttpClient({ timeoutMs: d.timeoutMs, connections: d.concurrency, ...(opts.network ? { network: opts.network } : {}) }));
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

  // The planner signed each request; a signature that depends on the time is made again
  // for every attempt, so a retry carries a fresh timestamp (never a stale one).
  const resigner = d.signing ? createSigner(d.signing) : null;
  const resign = resigner?.timed ? resigner : null;

  /** Sends one planned request with retries, emitting events; throws AbortRun on auth failure. */
  let lastToken = '';
  const unauthorized = createUnauthorizedStreak(!!tokens);
  const nextRequestId = () => `${runId}:${++requestSeq}`;
  const policies = new Map<StepName, RetryPolicy>();
  const policyOf = (step: StepName): RetryPolicy => {
    let p = policies.get(step);
    if (!p) policies.set(step, (p = retryPolicyFor(d, step)));
    return p;
  };
  const send = async (req: PlannedRequest, id: string = nextRequestId()): Promise<HttpResult> => (await sendOutcome(req, id)).result;
  const sendOutcome = async (req: PlannedRequest, id: string): Promise<SendOutcome> => {
    const step = req.step;
    const policy = policyOf(step);
    const spec: HttpRequestSpec = { method: req.method, url: req.url, headers: req.headers, ...(req.body !== undefined ? { body: req.body } : {}) };
    const hooks = tokens ? bearerHooks(tokens) : undefined;
    let lastSent: HttpRequestSpec = spec;
    try {
      const outcome = await sendWithRetry(http!, spec, {
        maxAttempts: policy.maxAttempts,
        retryOnErrors: policy.enabled,
        retryable: (r) => retriesResult(policy, r),
        ...(policy.maxElapsedMs !== undefined ? { maxElapsedMs: policy.maxElapsedMs } : {}),
        signal: runSignal,
        delay: { ...opts.retryDelay, retryAfterCapMs: policy.retryAfterCapMs },
        before: async (s) => {
          if (opts.gate) await opts.gate();
          await pacer.acquire(s, (ms) => {
            if (emit && ms >= PACING_NOTICE_MS) emit(pacingWait(id, step, ms, Date.now()));
          });
        },
        ...(hooks || resign
          ? {
              authorize: async (r: HttpRequestSpec) => {
                lastSent = hooks ? await hooks.authorize(r) : r;
                const token = (lastSent.headers.authorization ?? '').replace(/^Bearer /, '');
                if (hooks && token !== lastToken) {
                  lastToken = token;
                  redactor.add(token); // tokens fetched mid-run are masked in events too
                }
                if (resign) lastSent = resign.sign(lastSent, Date.now());
                return lastSent;
              },
            }
          : {}),
        ...(hooks ? { onUnauthorized: hooks.onUnauthorized } : {}),
        onAttempt: (attempt, result) => {
          requests.sent++;
          if (emit) {
            const at = Date.now();
            emit({ type: 'request-sent', id, step, attempt, request: redactRequest(redactor, lastSent), recordKeys: req.recordKeys, at: at - Math.round(result.timings.total) });
            emit({ type: 'request-answered', id, step, attempt, result: redactResult(redactor, result), at });
          }
        },
        onRetry: (attempt, delayMs, reason, result) => {
          requests.retried++;
          if (!emit) return;
          const at = Date.now();
          const wait = retryWait(id, step, delayMs, result, at, policy.retryAfterCapMs);
          // A Retry-After over the cap is stored as capped with the retry, not only shown live.
          const capped = wait.askedMs !== undefined ? `; Retry-After asked ${formatDuration(wait.askedMs)}, capped at ${formatDuration(policy.retryAfterCapMs)}` : '';
          emit({ type: 'request-retry', id, step, attempt, delayMs, reason: redactor.text(reason) + capped, at });
          emit(wait);
        },
      });
      const refused = unauthorized.observe(outcome.result);
      if (refused) throw new AbortRun(refused);
      return outcome;
    } catch (err) {
      if (err instanceof TokenError) throw new AbortRun(`OAuth token: ${redactor.text(err.message)}`);
      throw err;
    }
  };

  const settle = createSettler({ counts, redactor, ...(emit ? { emit } : {}), progress });

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
      ...(opts.audienceCreatedBy
        ? {
            createdBy: {
              ...opts.audienceCreatedBy,
              sleep: (ms: number) => sleepTimer(ms, undefined, { signal: runSignal }),
              onWait: (delayMs: number) => {
                const at = Date.now();
                emit?.({ type: 'waiting', id: `${runId}:audience`, step: 'getAudience', reason: 'audience', cause: opts.audienceCreatedBy!.by, delayMs, until: at + delayMs, at });
              },
            },
          }
        : {}),
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
      if (plan.refused) opts.onRefused?.(plan.refused, plan.reason);
      settle.all(null, batch, false, plan.reason);
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
    sendOutcome(plan.request, requestId)
      .then(({ result, gaveUp }) => {
        const why = gaveUp ? ` (${gaveUp})` : '';
        if (!result.ok) {
          if (result.kind === 'abort') return; // interrupted: resumable, not failed
          settle.all(requestId, batch, false, redactor.text(describeResult(result)) + why);
          return;
        }
        const ack = judgeAnswer(result, plan.request.url, d[action], plan.request.recordKeys, http!.maxBodyBytes, (t) => redactor.text(t));
        settle.answer(requestId, batch, gaveUp && ack.reason !== undefined ? { ...ack, reason: ack.reason + why } : ack);
      })
      .catch((err: unknown) => {
        if (!fatal) fatal = err instanceof Error ? err.message : String(err);
        internal.abort();
      })
      .finally(() => slots.release());
  };

  const queue = async (rec: PreparedRecord): Promise<void> => {
    const buf = pending[rec.action];
    buf.push(rec);
    if (buf.length >= planner.batchSize(rec.action)) {
      pending[rec.action] = [];
      await dispatch(rec.action, buf);
    }
  };

  // GrowthLoop: a disabled step ignores its action, so its records are skipped, not failed.
  const disabledReason = (action: Action) => `record action is ${action} and the ${action} step is disabled`;

  try {
    await runAudience();
    // Resume: a record an earlier session settled is counted as it ended, not sent again
    // (retry-failed's `only` records excepted).
    const settledEarlier = (seq: number): boolean => {
      const prev = opts.previous?.(seq);
      if (!prev || (opts.only?.(seq) ?? false)) return false;
      if (prev === 'succeeded') counts.succeeded++;
      else counts.failed++;
      return true;
    };
    const failRecord = (failure: RecordFailure): void => {
      counts.failed++;
      emit?.({ type: 'record-failed', failure, at: Date.now() });
      progress();
    };
    let seq = 0;
    for await (const item of opts.source) {
      if (fatal || runSignal.aborted) break;
      const s = seq++;
      if (opts.select) {
        const verdict = opts.select(item, s);
        if (verdict === 'stop') break;
        if (verdict === 'skip') continue;
      }
      counts.total++;
      if (settledEarlier(s)) continue;
      if (opts.only && !opts.only(s)) {
        // retry-failed: a record with no outcome was skipped (or never sent, when the run
        // was interrupted); prepared again only to count the skipped ones.
        const p = prepare(item, s);
        if (p.ok === 'skip') skip(p.reason);
        else if (p.ok === true) {
          const verdict = opts.sync?.classify(p.record);
          if (verdict && !verdict.send && 'skip' in verdict) skip(verdict.skip);
          else if (!verdict && !planner.steps[p.record.action]) skip(disabledReason(p.record.action));
        }
        continue;
      }
      const p = prepare(item, s);
      if (p.ok === 'skip') {
        skip(p.reason);
        opts.onSkipped?.({ key: p.key, line: p.line, reason: p.reason });
        continue;
      }
      if (!p.ok) {
        failRecord(p.failure);
        continue;
      }
      const rec = p.record;
      if (opts.sync) {
        const verdict = opts.sync.classify(rec);
        if (!verdict.send) {
          if ('skip' in verdict) {
            skip(verdict.skip);
            opts.onSkipped?.({ key: rec.key, line: rec.line, reason: verdict.skip });
          } else failRecord({ seq: rec.seq, line: rec.line, key: rec.key, where: recordPlace(opts.file, rec.line), reason: verdict.fail });
          continue;
        }
      }
      opts.onRecord?.(rec);
      if (!planner.steps[rec.action]) {
        skip(disabledReason(rec.action));
        opts.onSkipped?.({ key: rec.key, line: rec.line, reason: disabledReason(rec.action) });
        continue;
      }
      await queue(rec);
    }
    // A membership diff's removes come after the input, each counted and resumed like an input record.
    if (opts.sync && !fatal && !runSignal.aborted) {
      for (const rec of opts.sync.removals()) {
        if (fatal || runSignal.aborted) break;
        counts.total++;
        if (settledEarlier(rec.seq)) continue;
        if (opts.only && !opts.only(rec.seq)) continue;
        if (!planner.steps.remove) {
          skip(disabledReason('remove'));
          continue;
        }
        const problem = opts.sync.removalProblem?.(rec);
        if (problem) {
          failRecord({ seq: rec.seq, line: rec.line, key: rec.key, where: `member ${rec.key}`, reason: problem });
          continue;
        }
        opts.onRecord?.(rec);
        await queue(rec);
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
      // The source failed (an unreadable Parquet page, an I/O error): the batches already in
      // flight have settled; their outcomes reach the run's counts before the error goes up.
      progress(true);
      if (ownsHttp) await http?.close();
      signal?.removeEventListener('abort', onOuterAbort);
      throw err;
    }
  }
  await slots.idle();
  if (ownsHttp) await http?.close();
  signal?.removeEventListener('abort', onOuterAbort);

  // A stop from outside is the cause: whatever it cut short (an audience request, the reader)
  // failed because of it, so the run reports the stop's reason, not that failure.
  if (signal?.aborted) fatal = stopReason(signal);
  const status: RunStatus = fatal ? 'aborted' : counts.failed === 0 ? 'succeeded' : counts.succeeded === 0 ? 'failed' : 'partial';
  const records = { ...counts };
  progress(true);
  // What the run reports is recorded and shown: secrets masked, the audience's echo included.
  if (fatal) fatal = redactor.text(fatal);
  emit?.({ type: 'run-finished', status, records, requests: { sent: requests.sent, retried: requests.retried }, ...(fatal ? { error: fatal } : {}), at: Date.now() });
  return {
    runId,
    status,
    records,
    skippedReasons: [...skippedBy].map(([reason, count]) => ({ reason, count })),
    requests,
    ...(remoteAudience !== undefined ? { remoteAudience: redactJson(redactor, remoteAudience) } : {}),
    ...(fatal ? { error: fatal } : {}),
    durationMs: Math.round(performance.now() - started),
    dryRun: !!opts.dryRun,
  };
}

function stopReason(signal: AbortSignal | undefined): string {
  return typeof signal?.reason === 'string' ? signal.reason : 'interrupted';
}
