// Runs the studio drives: the dry run, start, resume and retry-failed (app/ decides their
// preconditions), executed in the background while the renderer polls one small progress
// snapshot (LiveRun); pause, resume and cancel of a live run; shutdown.
import { resolve as resolvePath } from 'node:path';
import type { RunInputSpec, StudioApi } from '../../../shared/api.js';
import { STEP_NAMES, type StepName } from '../../../shared/config.js';
import { formatIssues } from '../../../shared/issues.js';
import { dryRun } from '../../app/dry-run.js';
import { executeRun } from '../../app/run/execute.js';
import { countInput, inputLabel, openRunInput, type RunInput } from '../../app/run/input.js';
import { loadRunConfig } from '../../app/run/stored-config.js';
import { checkRun, prepareContinue, prepareStart, type ContinueMode, type Prepared, type RunPlan } from '../../app/run/prepare.js';
import { ConfigError } from '../../app/types.js';
import type { Store } from '../../store/db.js';
import type { StudioContext } from '../context.js';
import { CANCEL_REASON } from './cancelled.js';
import { LiveRun } from './live.js';

interface Active {
  live: LiveRun;
  abort: AbortController;
  release: (() => void) | null;
  done: Promise<void>;
}

export type LaunchArea = Pick<
  StudioApi,
  'dryRun' | 'startRun' | 'runProgress' | 'pauseRun' | 'resumeRun' | 'cancelRun' | 'resumeInterrupted' | 'retryFailed'
> & {
  /** True while the run is live in this process (until its run-finished event). */
  isLive(runId: string): boolean;
  /** Stops every live run (they stay resumable) and waits for their logs to be written. */
  stopAll(): Promise<void>;
};

/** Only the last few finished runs keep a live snapshot; older ones show from history. */
const FINISHED_KEPT = 20;

export function toRunInput(spec: RunInputSpec): RunInput {
  return 'setId' in spec ? { kind: 'samples', setId: spec.setId } : { kind: 'file', path: resolvePath(spec.path) };
}

function refusalError(prepared: Exclude<Prepared, { ok: true }>, configPrefix = 'the config cannot run: '): Error {
  return new Error(prepared.kind === 'config' ? `${configPrefix}${formatIssues(prepared.issues)}` : prepared.message);
}

export function createRunLauncher(ctx: StudioContext): LaunchArea {
  const active = new Map<string, Active>();
  /** Snapshots of runs that ended in this session (their rows in `active` expire). */
  const finished = new Map<string, LiveRun>();

  /** Starts an execution in the background; the renderer follows it through runProgress. */
  const launch = (store: Store, plan: RunPlan): void => {
    const dest = plan.loaded.config.destination;
    // Records a request carries, for the time left under a requests-per-hour limit: the add
    // step's (most records are adds), else the remove step's.
    const step = dest.add.enabled ? dest.add : dest.remove;
    const live = new LiveRun(plan.runId, {
      total: plan.total ?? null,
      requestsPerHour: dest.requestsPerHour,
      recordsPerRequest: step.batchMode === 'batched' ? step.batchSize : 1,
    });
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
    // A file's size in records is only known by reading it: count it alongside the run. A run
    // selected by key or shard (a CLI run resumed here) has no total short of mapping every record.
    const selection = plan.selection;
    if (plan.total === undefined && !selection?.onlyKeys && !selection?.shard) {
      countInput(store, plan.input, abort.signal)
        .then((n) => {
          live.total = selection?.limit !== undefined ? Math.min(n, selection.limit) : n;
        })
        .catch(() => undefined);
    }
    if (dest.requestsPerHour && !plan.previous && !plan.only) {
      // A paced run is slow by design: plan its requests alongside it (local work, nothing
      // sent), so its time left is the dry run's own figure for what is left, batches and
      // audience steps counted exactly. Resumes and retries fall back to records per request.
      // A membership diff plans only its difference (staged apart from the run's, and dropped).
      dryRun(plan.loaded, openRunInput(store, plan.input, abort.signal), {
        file: plan.file,
        runId: `${plan.runId}-plan`,
        signal: abort.signal,
        ...(selection ? { selection } : {}),
        sync: { store, stagingSource: openRunInput(store, plan.input, abort.signal) },
      })
        .then((out) => {
          if (out.ok) live.plannedRequests = Object.values(out.summary.requests.planned).reduce((a, b) => a + b, 0);
        })
        .catch(() => undefined);
    }
    // The engine reports a cancel with its reason (CANCEL_REASON) whatever it cut short; only
    // when the engine threw instead is the cancel recorded here, so it is never offered as an
    // interrupted run.
    const cancelledByUser = () => abort.signal.aborted && abort.signal.reason === CANCEL_REASON;
    const recordCancel = () => {
      live.markCancelled();
      try {
        store.markRunStatus(plan.runId, 'aborted', { error: CANCEL_REASON });
      } catch {
        // the store is failing: the run reads as interrupted, which is still resumable
      }
    };
    entry.done = (async () => {
      try {
        const { summary } = await executeRun(store, plan, { onEvent: (e) => live.onEvent(e), signal: abort.signal, gate });
        live.finish(summary.status, summary.error);
      } catch (err) {
        // executeRun has marked the run aborted with this message (a cancel: see recordCancel).
        if (cancelledByUser()) {
          live.finish('aborted', CANCEL_REASON);
          recordCancel();
        } else {
          const message = err instanceof ConfigError ? formatIssues(err.issues) : plan.loaded.redactor.text((err as Error).message);
          live.finish('aborted', message);
        }
      } finally {
        // The finished snapshot stays readable; the run is no longer live, so an aborted one
        // is offered for resumption at once.
        finished.set(plan.runId, live);
        if (active.get(plan.runId) === entry) active.delete(plan.runId);
        for (const id of finished.keys()) {
          if (finished.size <= FINISHED_KEPT) break;
          finished.delete(id);
        }
      }
    })();
    active.set(plan.runId, entry);
  };

  const continueRun = async (runId: string, mode: ContinueMode): Promise<{ runId: string }> => {
    const store = await ctx.store();
    const id = store.resolveRunId(runId) ?? runId;
    const a = active.get(id);
    if (a && a.live.state !== 'finished') throw new Error(`run ${id} is still running`);
    // A run goes on against the environment it started with (by name), never the one selected now.
    const envName = store.runEnvironment(id);
    const env = await ctx.envNamed(envName);
    if (!env) throw new Error(`run ${id} resolved \${env:…} against the environment "${envName}", which no longer exists; create an environment named "${envName}" with its variables to go on, or start a new run`);
    // A run started from an unsaved config stored its literal secrets masked: refused, never sent as dots.
    const prepared = await prepareContinue(store, id, mode, (_stored, run) => loadRunConfig(run, env, (stored) => ctx.load(stored, env)));
    if (prepared.ok && envName !== null) store.recordRunEnvironment(prepared.plan.runId, envName);
    if (!prepared.ok) throw refusalError(prepared, '');
    launch(store, prepared.plan);
    return { runId: prepared.plan.runId };
  };

  return {
    async dryRun({ config, input: spec }) {
      const started = performance.now();
      const elapsedMs = () => Math.round(performance.now() - started);
      const requests = Object.fromEntries(STEP_NAMES.map((s) => [s, 0])) as Record<StepName, number>;
      const records = { total: 0, add: 0, remove: 0, skipped: 0, failed: 0 };
      const loaded = await ctx.load(config);
      if (!loaded.ok) return { ok: false, issues: loaded.issues, records, requests, elapsedMs: elapsedMs() };
      const store = await ctx.store();
      const input = toRunInput(spec);
      const checked = await checkRun(store, loaded, input);
      if (!checked.ok) {
        const issues = checked.kind === 'config' ? checked.issues : [{ path: 'input', message: checked.message }];
        return { ok: false, issues, records, requests, elapsedMs: elapsedMs() };
      }
      const out = await dryRun(loaded, openRunInput(store, input), { file: inputLabel(store, input), runId: 'dry-run', sync: { store, stagingSource: openRunInput(store, input) } });
      if (!out.ok) return { ok: false, issues: out.issues, records, requests, elapsedMs: elapsedMs() };
      const s = out.summary;
      Object.assign(requests, s.requests.planned);
      return {
        ok: true,
        issues: [],
        records: { total: s.records.total, add: out.actions.add, remove: out.actions.remove, skipped: s.records.skipped, failed: s.records.failed },
        requests,
        ...(out.impliedMs !== undefined ? { requestsPerHour: loaded.config.destination.requestsPerHour!, impliedMs: out.impliedMs } : {}),
        retries: out.retries,
        elapsedMs: elapsedMs(),
        ...(out.sync ? { sync: out.sync } : {}),
      };
    },

    async startRun({ config, destinationId, input: spec }) {
      const active = await ctx.activeEnv();
      const loaded = await ctx.load(config, active.env);
      if (!loaded.ok) throw new Error(`the config cannot run: ${formatIssues(loaded.issues)}`);
      const store = await ctx.store();
      const checked = await checkRun(store, loaded, toRunInput(spec));
      if (!checked.ok) throw refusalError(checked);
      const plan = await prepareStart(store, checked.run, { storedConfig: ctx.configForRun(config, destinationId) });
      // Recorded before the first request, so resume finds the same environment by name.
      if (active.name !== null) store.recordRunEnvironment(plan.runId, active.name);
      launch(store, plan);
      return { runId: plan.runId };
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
      // A string reason: the engine records it as the run's error, so the store tells a
      // cancel from an interruption (cancelled.ts).
      a.abort.abort(CANCEL_REASON);
      a.live.paused = false;
      a.release?.();
      await a.done;
      return a.live.snapshot();
    },

    resumeInterrupted: (runId) => continueRun(runId, 'resume'),
    retryFailed: (runId) => continueRun(runId, 'retry-failed'),

    isLive(runId) {
      const a = active.get(runId);
      return Boolean(a && a.live.state !== 'finished');
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
}
