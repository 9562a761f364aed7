// The studio's runs: start, pause, resume and cancel exports; their history, requests and
// the detail of one; cURL, replay and export. Runs go through src/main/runs/execute.ts,
// the same path the CLI takes (invariant 1). Live progress is aggregated in main (LiveRun)
// and polled by the renderer as one small snapshot.
import { randomUUID } from 'node:crypto';
import { resolve as resolvePath } from 'node:path';
import type {
  ApiIssue,
  BodyView,
  DryRunResult,
  ReplayResult,
  RequestDetail,
  RequestFilterView,
  RequestPage,
  RequestRowView,
  ResponseView,
  RunInputSpec,
  RunProgress,
  RunView,
  StudioApi,
} from '../../../shared/api.js';
import { STEP_NAMES, type ExportConfig, type StepName } from '../../../shared/config.js';
import type { LoadResult } from '../../engine/load.js';
import { createHttpClient, type HttpClient } from '../../engine/http.js';
import { createTokenProvider, withBearer } from '../../engine/oauth.js';
import { MASK, type Redactor } from '../../engine/redact.js';
import { ConfigError, runExport } from '../../engine/runner.js';
import type { HttpRequestSpec, HttpResult, PlannedRequest } from '../../engine/types.js';
import { toCurl } from '../../app/log/curl.js';
import { executeRun, prepareContinuation, type ContinueMode } from '../../app/run/execute.js';
import { checkInput, countInput, inputFromPath, inputIdentity, inputLabel, inputPathOf, openRunInput, type RunInput } from '../../app/run/input.js';
import { LiveRun } from './live.js';
import type { Store } from '../../store/db.js';
import { runToHar } from '../../store/har.js';
import type { RequestFilter, RequestRow, RunRow } from '../../store/rows.js';
import { responseView } from '../views.js';

export type Loaded = { ok: true; config: ExportConfig; redactor: Redactor; secrets: string[] } | { ok: false; issues: ApiIssue[] };

export interface RunManagerDeps {
  open(): Promise<Store>;
  /** A config from the renderer (may hold `${stored:…}` references) → runnable config. */
  load(value: unknown): Promise<Loaded>;
  /** A config as stored with a run → runnable config (for resume and retry-failed). */
  resolveStored(raw: unknown): Promise<LoadResult>;
  /** What to store as the run's config: never clear secrets. */
  configForStore(value: unknown, destinationId?: string): unknown;
}

/** Bodies shown in the detail pane are cut here; the full stored body is in HAR/NDJSON exports. */
export const DETAIL_BODY_BYTES = 64 * 1024;
const DEFAULT_PAGE = 200;

interface Active {
  live: LiveRun;
  abort: AbortController;
  release: (() => void) | null;
  done: Promise<void>;
}

/** The run half of the studio API (the signatures are StudioApi's), plus shutdown. */
export type RunManager = Pick<
  StudioApi,
  | 'dryRun'
  | 'startRun'
  | 'runProgress'
  | 'pauseRun'
  | 'resumeRun'
  | 'cancelRun'
  | 'resumeInterrupted'
  | 'retryFailed'
  | 'listRuns'
  | 'getRun'
  | 'runRequests'
  | 'requestDetail'
  | 'copyAsCurl'
  | 'replayRequest'
  | 'exportRun'
> & {
  /** Stops every live run (they stay resumable) and waits for their logs to be written. */
  stopAll(): Promise<void>;
};

function toInput(spec: RunInputSpec): RunInput {
  return 'setId' in spec ? { kind: 'samples', setId: spec.setId } : { kind: 'file', path: resolvePath(spec.path) };
}

function bodyView(text: string | null, bytes?: number | null): BodyView | null {
  if (text === null) return null;
  const buf = Buffer.from(text, 'utf8');
  const whole = Math.max(bytes ?? buf.length, buf.length);
  if (buf.length <= DETAIL_BODY_BYTES) return { text, bytes: whole, shownBytes: buf.length, cut: whole > buf.length };
  let end = DETAIL_BODY_BYTES;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return { text: buf.subarray(0, end).toString('utf8'), bytes: whole, shownBytes: end, cut: true };
}

function toFilter(f: RequestFilterView | undefined): RequestFilter {
  const out: RequestFilter = {};
  if (!f) return out;
  if (f.step) out.step = f.step;
  if (f.failedOnly) out.failedOnly = true;
  if (f.errorKind) out.errorKind = f.errorKind;
  if (f.key) out.key = f.key;
  if (f.status === 'none') out.status = null;
  else if (f.status && /^[1-5]xx$/.test(f.status)) out.status = f.status as RequestFilter['status'];
  else if (f.status) out.status = Number(f.status);
  return out;
}

function rowView(r: RequestRow): RequestRowView {
  return {
    id: r.id,
    requestId: r.requestId,
    session: r.session,
    step: r.step,
    attempt: r.attempt,
    method: r.method,
    url: r.url,
    status: r.status,
    errorKind: r.errorKind,
    recordCount: r.recordCount,
    totalMs: r.totalMs,
    startedAt: r.startedAt,
    failed: r.failed,
    retryDelayMs: r.retryDelayMs,
  };
}

function loggedResponse(r: RequestRow): ResponseView {
  if (r.status === null) {
    return { ok: false, errorKind: r.errorKind ?? 'none', error: r.errorMessage ?? 'no response recorded', ...(r.totalMs !== null ? { timings: { ttfb: r.ttfbMs ?? 0, total: r.totalMs } } : {}) };
  }
  return {
    ok: r.status >= 200 && r.status <= 299,
    status: r.status,
    headers: r.responseHeaders ?? {},
    body: r.responseBody ?? '',
    bodyBytes: r.bodyBytes ?? 0,
    truncated: r.truncated,
    ...(r.totalMs !== null ? { timings: { ttfb: r.ttfbMs ?? 0, total: r.totalMs } } : {}),
  };
}

export function createRunManager(deps: RunManagerDeps): RunManager {
  const active = new Map<string, Active>();

  const rowOf = async (runId: string, id: number): Promise<{ store: Store; row: RequestRow }> => {
    const store = await deps.open();
    const [row] = store.runRequests(runId, { afterId: id - 1, limit: 1 });
    if (!row || row.id !== id) throw new Error(`run ${runId}: no request #${id}`);
    return { store, row };
  };

  const runView = (r: RunRow): RunView => {
    // Live until its run-finished event, even while its log is still being closed.
    const entry = active.get(r.id);
    const a = entry && entry.live.state !== 'finished' ? entry : undefined;
    const start = r.startedAt ?? r.createdAt;
    return {
      id: r.id,
      destination: r.destination,
      audience: r.audience,
      status: r.status,
      live: Boolean(a),
      interrupted: !a && (r.status === 'running' || r.status === 'aborted'),
      records: r.records,
      requests: r.requests,
      createdAt: r.createdAt,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      durationMs: r.finishedAt !== null ? r.finishedAt - start : null,
      input: r.inputPath,
      error: r.error,
    };
  };

  /** Starts an execution in the background; the renderer follows it through runProgress. */
  const launch = (
    store: Store,
    runId: string,
    input: RunInput,
    config: ExportConfig,
    secrets: string[],
    extra: { previous?: (seq: number) => 'succeeded' | 'failed' | undefined; only?: (seq: number) => boolean; total?: number | null } = {},
  ): void => {
    const live = new LiveRun(runId, { total: extra.total ?? null });
    const abort = new AbortController();
    const entry: Active = { live, abort, release: null, done: Promise.resolve() };
    let pausedWait: Promise<void> | null = null;
    const gate = (): Promise<void> => {
      if (!live.paused || abort.signal.aborted) return Promise.resolve();
      pausedWait ??= new Promise<void>((r) => {
        entry.release = () => {
          pausedWait = null;
          entry.release = null;
          r();
        };
      });
      return pausedWait;
    };
    if (extra.total === undefined) {
      // A file's size in records is only known by reading it: count it alongside the run.
      countInput(store, input, abort.signal)
        .then((n) => {
          live.total = n;
        })
        .catch(() => undefined);
    }
    entry.done = (async () => {
      try {
        const { summary } = await executeRun({
          store,
          config,
          secrets,
          source: openRunInput(store, input, abort.signal),
          file: inputLabel(store, input),
          runId,
          dryRun: false,
          onEvent: (e) => live.onEvent(e),
          signal: abort.signal,
          gate,
          ...(extra.previous ? { previous: extra.previous } : {}),
          ...(extra.only ? { only: extra.only } : {}),
        });
        live.finish(summary.status, summary.error);
      } catch (err) {
        const message = err instanceof ConfigError ? err.issues.map((i) => `${i.path}: ${i.message}`).join('; ') : (err as Error).message;
        try {
          store.markRunStatus(runId, 'aborted', { error: message });
        } catch {
          // the store is closing; the run stays resumable as 'running'
        }
        live.finish('aborted', message);
      } finally {
        // The finished snapshot stays readable from `finished`; the run is no longer live, so
        // an aborted one is offered for resumption at once.
        finished.set(runId, live);
        if (active.get(runId) === entry) active.delete(runId);
        // Only the last few finished runs keep a live snapshot; older ones show from history.
        for (const id of finished.keys()) {
          if (finished.size <= 20) break;
          finished.delete(id);
        }
      }
    })();
    active.set(runId, entry);
  };
  /** Snapshots of runs that ended in this session (their rows in `active` expire). */
  const finished = new Map<string, LiveRun>();

  const continueRun = async (runId: string, mode: ContinueMode): Promise<{ runId: string }> => {
    const store = await deps.open();
    const a = active.get(runId);
    if (a && a.live.state !== 'finished') throw new Error(`run ${runId} is still running`);
    const run = store.getRun(runId);
    if (!run) throw new Error(`no run ${runId}`);
    if (mode === 'resume' && run.status !== 'running' && run.status !== 'aborted') {
      throw new Error(`run ${runId} already finished (${run.status}); nothing to resume`);
    }
    if (mode === 'retry-failed' && run.records.failed === 0 && run.status !== 'aborted') {
      throw new Error(`run ${runId} has no failed records to retry`);
    }
    const prepared = await prepareContinuation(store, run, mode, deps.resolveStored);
    if (!prepared.ok) {
      throw new Error(prepared.kind === 'config' ? prepared.issues.map((i) => `${i.path}: ${i.message}`).join('; ') : prepared.message);
    }
    store.markRunStatus(runId, 'running');
    const total = prepared.input.kind === 'samples' ? await countInput(store, prepared.input) : undefined;
    launch(store, runId, prepared.input, prepared.config, prepared.secrets, {
      previous: prepared.previous,
      ...(prepared.only ? { only: prepared.only } : {}),
      ...(total !== undefined ? { total } : {}),
    });
    return { runId };
  };

  /** Headers of a logged request with masked values put back (config headers, a fresh token). */
  const unmask = async (store: Store, runId: string, req: HttpRequestSpec, client: HttpClient, configOverride?: ExportConfig): Promise<HttpRequestSpec> => {
    const masked = Object.entries(req.headers).filter(([, v]) => v.includes(MASK));
    if (masked.length === 0) return req;
    let config = configOverride;
    if (!config) {
      const run = store.getRun(runId);
      const resolved = run ? await deps.resolveStored(run.config) : null;
      if (!resolved?.ok) throw new Error(`run ${runId}: its config cannot be resolved to reveal secrets`);
      config = resolved.config;
    }
    const headers: Record<string, string> = { ...req.headers };
    const configured = Object.entries(config.destination.headers as Record<string, string>);
    for (const [name] of masked) {
      const own = configured.find(([h]) => h.toLowerCase() === name.toLowerCase());
      if (own && !own[1].includes('{{')) headers[name] = own[1];
    }
    let out: HttpRequestSpec = { ...req, headers };
    const auth = Object.keys(headers).find((h) => h.toLowerCase() === 'authorization');
    if (auth && headers[auth]!.includes(MASK) && config.destination.oauth) {
      const token = await createTokenProvider(config.destination.oauth, client).getToken();
      out = withBearer(out, token);
    }
    return out;
  };

  const loggedSpec = (row: RequestRow): HttpRequestSpec => ({
    method: row.method,
    url: row.url,
    headers: row.requestHeaders,
    ...(row.requestBody !== null ? { body: row.requestBody } : {}),
  });

  const manager: RunManager = {
    async dryRun({ config, input: spec }) {
      const started = performance.now();
      const requests = Object.fromEntries(STEP_NAMES.map((s) => [s, 0])) as Record<StepName, number>;
      const records = { total: 0, add: 0, remove: 0, skipped: 0, failed: 0 };
      const loaded = await deps.load(config);
      if (!loaded.ok) return { ok: false, issues: loaded.issues, records, requests, elapsedMs: Math.round(performance.now() - started) };
      const store = await deps.open();
      const input = toInput(spec);
      const problem = await checkInput(store, input);
      if (problem) return { ok: false, issues: [{ path: 'input', message: problem }], records, requests, elapsedMs: Math.round(performance.now() - started) };
      try {
        const summary = await runExport({
          config: loaded.config,
          secrets: loaded.secrets,
          source: openRunInput(store, input),
          file: inputLabel(store, input),
          runId: 'dry-run',
          dryRun: true,
          onRecord: (r) => {
            records[r.action]++;
          },
        });
        Object.assign(requests, summary.requests.planned);
        records.total = summary.records.total;
        records.skipped = summary.records.skipped;
        records.failed = summary.records.failed;
      } catch (err) {
        if (err instanceof ConfigError) {
          return { ok: false, issues: err.issues.map((i) => ({ path: i.path, message: loaded.redactor.text(i.message) })), records, requests, elapsedMs: Math.round(performance.now() - started) };
        }
        throw new Error(loaded.redactor.text((err as Error).message));
      }
      const rph = loaded.config.destination.requestsPerHour;
      const planned = Object.values(requests).reduce((a, b) => a + b, 0);
      return {
        ok: true,
        issues: [],
        records,
        requests,
        ...(rph ? { requestsPerHour: rph, impliedMs: Math.round((planned / rph) * 3_600_000) } : {}),
        elapsedMs: Math.round(performance.now() - started),
      };
    },

    async startRun({ config, destinationId, input: spec }) {
      const loaded = await deps.load(config);
      if (!loaded.ok) throw new Error(`the config cannot run: ${loaded.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
      const store = await deps.open();
      const input = toInput(spec);
      const problem = await checkInput(store, input);
      if (problem) throw new Error(problem);
      const runId = randomUUID();
      store.createRun({
        id: runId,
        destination: loaded.config.destination.name,
        audience: loaded.config.audience.name,
        config: deps.configForStore(config, destinationId),
        inputPath: inputPathOf(input),
        inputIdentity: await inputIdentity(store, input),
      });
      const total = input.kind === 'samples' ? await countInput(store, input) : undefined;
      launch(store, runId, input, loaded.config, loaded.secrets, total !== undefined ? { total } : {});
      return { runId };
    },

    async runProgress(runId) {
      return (active.get(runId)?.live ?? finished.get(runId))?.snapshot() ?? null;
    },

    async pauseRun(runId) {
      const a = active.get(runId);
      if (!a) return null;
      a.live.paused = true;
      return a.live.snapshot();
    },

    async resumeRun(runId) {
      const a = active.get(runId);
      if (!a) return null;
      a.live.paused = false;
      a.release?.();
      return a.live.snapshot();
    },

    async cancelRun(runId) {
      const a = active.get(runId);
      if (!a) return null;
      a.abort.abort(new Error('cancelled in the studio'));
      a.live.paused = false;
      a.release?.();
      await a.done;
      return a.live.snapshot();
    },

    resumeInterrupted: (runId) => continueRun(runId, 'resume'),
    retryFailed: (runId) => continueRun(runId, 'retry-failed'),

    async listRuns() {
      return (await deps.open()).listRuns().reverse().map(runView);
    },

    async getRun(runId) {
      const r = (await deps.open()).getRun(runId);
      return r ? runView(r) : null;
    },

    async runRequests({ runId, filter, offset, limit }) {
      const store = await deps.open();
      const f = toFilter(filter);
      const off = offset ?? 0;
      const rows = store.runRequests(runId, { ...f, offset: off, limit: limit ?? DEFAULT_PAGE });
      return { total: store.countRequests(runId, f), offset: off, rows: rows.map(rowView) };
    },

    async requestDetail({ runId, id }) {
      const store = await deps.open();
      const [row] = store.runRequests(runId, { afterId: id - 1, limit: 1 });
      if (!row || row.id !== id) return null;
      // Every attempt of the same request (same session), in order.
      const attempts: RequestRow[] = [];
      for (const r of store.iterateRequests(runId, row.recordKeys[0] !== undefined ? { key: row.recordKeys[0], step: row.step } : { step: row.step }, 200)) {
        if (r.requestId === row.requestId && r.session === row.session) attempts.push(r);
        if (attempts.length >= 50) break;
      }
      const records = outcomesFor(store, runId, row);
      return {
        id: row.id,
        requestId: row.requestId,
        step: row.step,
        attempt: row.attempt,
        request: { method: row.method, url: row.url, headers: row.requestHeaders, body: bodyView(row.requestBody) },
        response: row.status === null ? null : { status: row.status, headers: row.responseHeaders ?? {}, body: bodyView(row.responseBody, row.bodyBytes) },
        error: row.errorKind || row.errorMessage ? { kind: row.errorKind, message: row.errorMessage } : null,
        timings: { startedAt: row.startedAt, answeredAt: row.answeredAt, ttfbMs: row.ttfbMs, totalMs: row.totalMs },
        attempts: attempts.map((a) => ({ id: a.id, attempt: a.attempt, status: a.status, errorKind: a.errorKind, totalMs: a.totalMs, retryDelayMs: a.retryDelayMs, retryReason: a.retryReason })),
        records,
      };
    },

    async copyAsCurl({ runId, id, reveal }) {
      const { store, row } = await rowOf(runId, id);
      const spec = loggedSpec(row);
      if (!reveal) return toCurl(spec);
      const client = createHttpClient({ timeoutMs: 30_000 });
      try {
        return toCurl(await unmask(store, runId, spec, client));
      } finally {
        await client.close();
      }
    },

    async replayRequest({ runId, id, mode, config }) {
      const { store, row } = await rowOf(runId, id);
      const run = store.getRun(runId)!;
      const loaded = config !== undefined ? await deps.load(config) : await resolvedRun(run);
      if (!loaded.ok) throw new Error(`the config cannot be used: ${loaded.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
      const client = createHttpClient({ timeoutMs: loaded.config.destination.timeoutMs });
      try {
        let spec: HttpRequestSpec;
        if (mode === 'logged') {
          spec = await unmask(store, runId, loggedSpec(row), client, loaded.config);
        } else {
          const planned = await rerender(store, run, row, loaded.config);
          if (!planned) throw new Error(`request #${id}: its records no longer plan a ${row.step} request with the current template`);
          spec = planned;
          if (loaded.config.destination.oauth) {
            const token = await createTokenProvider(loaded.config.destination.oauth, client).getToken();
            loaded.redactor.add(token);
            spec = withBearer(spec, token);
          }
        }
        const result: HttpResult = await client.execute(spec);
        if (result.ok) {
          const auth = spec.headers['authorization'];
          if (auth?.startsWith('Bearer ')) loaded.redactor.add(auth.slice(7));
        }
        const replayed = responseView(result, loaded.redactor);
        const logged = loggedResponse(row);
        return {
          mode,
          request: { method: spec.method, url: loaded.redactor.text(spec.url), headers: loaded.redactor.headers(spec.headers), ...(spec.body !== undefined ? { body: loaded.redactor.text(spec.body) } : {}) },
          logged,
          replayed,
          same: logged.status === replayed.status && (logged.body ?? '') === (replayed.body ?? ''),
        };
      } finally {
        await client.close();
      }
    },

    async exportRun({ runId, format }) {
      const store = await deps.open();
      if (!store.getRun(runId)) throw new Error(`no run ${runId}`);
      if (format === 'har') return JSON.stringify(runToHar(store, runId), null, 2);
      const lines: string[] = [];
      for (const r of store.iterateRequests(runId)) lines.push(JSON.stringify(r));
      return lines.length ? `${lines.join('\n')}\n` : '';
    },

    async stopAll() {
      for (const a of active.values()) {
        a.abort.abort(new Error('the studio closed'));
        a.release?.();
      }
      await Promise.all([...active.values()].map((a) => a.done));
      active.clear();
    },
  };

  const resolvedRun = async (run: RunRow): Promise<Loaded> => {
    const r = await deps.resolveStored(run.config);
    if (!r.ok) return { ok: false, issues: r.issues.map((i) => ({ path: i.path, message: i.message })) };
    return deps.load(r.raw);
  };

  /** Plans the request again with `config` for the same records (a dry run over the run's input). */
  const rerender = async (store: Store, run: RunRow, row: RequestRow, config: ExportConfig): Promise<PlannedRequest | undefined> => {
    if (!run.inputPath) return undefined;
    const input = inputFromPath(run.inputPath);
    const want = new Set(row.recordKeys);
    const stop = new AbortController();
    let found: PlannedRequest | undefined;
    await runExport({
      config,
      source: openRunInput(store, input, stop.signal),
      file: inputLabel(store, input),
      runId: 'replay',
      dryRun: true,
      signal: stop.signal,
      ...(run.remoteAudience !== null && run.remoteAudience !== undefined ? { remoteAudience: run.remoteAudience } : {}),
      onPlanned: (req) => {
        if (found || req.step !== row.step) return;
        const same = req.recordKeys.length === want.size && req.recordKeys.every((k) => want.has(k));
        if (same || (want.size === 0 && req.recordKeys.length === 0)) {
          found = req;
          stop.abort();
        }
      },
    }).catch((err: unknown) => {
      if (!found) throw err;
    });
    return found;
  };

  return manager;
}

/**
 * The records a request carried and how each ended. Failures come from the store's failure
 * list (small: only failed records have rows); a record that did not fail was delivered
 * when an attempt of this request was acknowledged, else it is still unsettled.
 */
/** The records a request carried and their outcome as the store has it (latest wins). */
function outcomesFor(store: Store, runId: string, row: RequestRow): RequestDetail['records'] {
  const keys = row.recordKeys.slice(0, 1000);
  if (keys.length === 0) return [];
  const known = store.outcomesByKey(runId, keys);
  return keys.map((key) => {
    const o = known.get(key);
    return o ? { key, status: o.status, reason: o.reason } : { key, status: 'unsettled' as const, reason: null };
  });
}
