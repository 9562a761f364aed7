// Executing a prepared run (run/prepare.ts) against the store, the one way for both hosts:
// the recorder writes every event, the remote audience is kept for a resume, and a resumed
// run reports its whole request count. The run's lease is kept while it executes and let
// go when it ends; an input file that changes stops it; an engine exception leaves it
// aborted with the error, never 'running'.
import { formatIssues } from '../../../shared/issues.js';
import { runExport, type RunSummary } from '../../engine/runner.js';
import type { RunEvent } from '../../engine/types.js';
import type { Store } from '../../store/db.js';
import { createRunRecorder } from '../../store/recorder.js';
import { ConfigError } from '../types.js';
import type { RunPlan } from './prepare.js';
import { openRunInput } from './input.js';
import { readOneVersion } from './input-watch.js';
import { keepLease } from './lease.js';
import { createSelector } from './selection.js';
import { audienceCreator } from './shard.js';
import { stageSync, syncExecution, syncModeOf, type SyncExecution } from './sync.js';
import type { SyncDiff } from '../../../shared/sync.js';

export interface ExecuteHooks {
  onEvent?: (e: RunEvent) => void;
  /** Stops the run, resumable. */
  signal?: AbortSignal;
  /** Awaited before each request starts (the studio's pause). */
  gate?: () => Promise<void>;
  /** How long a shard other than 0 waits for the audience shard 0 creates (default AUDIENCE_WAIT_MS). */
  audienceWaitMs?: number;
}

export interface ExecuteRunResult {
  summary: RunSummary;
  /** Set when the run log could not be written completely (the export itself finished). */
  warning?: string;
  /** `--only-key` keys no record of the input had (known once the input was read to its end). */
  missingKeys?: string[];
  /** A membership diff run: how its input compared with the delivered membership. */
  sync?: SyncDiff;
}

/**
 * Runs the export, recording it; rethrows the engine's errors (ConfigError…) after closing
 * the recorder and marking the run aborted with the error.
 */
export async function executeRun(store: Store, plan: RunPlan, hooks: ExecuteHooks = {}): Promise<ExecuteRunResult> {
  // Reasons to stop (resumable) that come from around the engine: a run log that cannot be
  // written (rather than send records nobody could account for), the lease lost to another
  // process, the input file changed. Each message says what happened.
  const storeFailed = new AbortController();
  const stop = (reason: string): void => {
    if (!storeFailed.signal.aborted) storeFailed.abort(reason);
  };
  const letGo = keepLease(store, plan.lease, stop);
  try {
    return await executeLeased(store, plan, hooks, storeFailed, stop);
  } finally {
    letGo();
  }
}

async function executeLeased(store: Store, plan: RunPlan, hooks: ExecuteHooks, storeFailed: AbortController, stop: (reason: string) => void): Promise<ExecuteRunResult> {
  const signal = hooks.signal ? AbortSignal.any([hooks.signal, storeFailed.signal]) : storeFailed.signal;
  // A diff run classifies its input once (the first session, or one killed before it was
  // classified); a resume keeps that classification, whatever the membership became since.
  let sync: (SyncExecution & { staging: number }) | null = null;
  if (syncModeOf(plan.loaded.config) === 'diff') {
    let staged = store.syncStagingOfRun(plan.runId);
    if (staged?.status !== 'classified') {
      try {
        const { setN, staging } = await stageSync(store, plan.loaded.config, readOneVersion(plan.input, plan.inputIdentity, openRunInput(store, plan.input, signal), stop), plan.file, plan.runId, plan.selection?.shard);
        staged = { n: staging, setN, status: 'classified', inputItems: null };
      } catch (err) {
        const message = signal.aborted ? String(signal.reason ?? 'interrupted') : plan.loaded.redactor.text((err as Error).message);
        store.markRunStatus(plan.runId, 'aborted', { error: `staging the membership diff: ${message}` });
        throw err;
      }
    }
    sync = { ...syncExecution(store, staged.n, staged.setN, plan.loaded.config), staging: staged.n };
  }
  const recorder = createRunRecorder(store, plan.runId, {
    onError: (err) => stop(`the run log could not be written, so the run stopped (resumable): ${err.message}`),
    ...(sync ? { sync: sync.recorder } : {}),
  });
  const onEvent = hooks.onEvent
    ? (e: RunEvent) => {
        recorder.onEvent(e);
        hooks.onEvent!(e);
      }
    : (e: RunEvent) => recorder.onEvent(e);
  const selector = createSelector(plan.loaded.config, plan.file, plan.selection);
  const creator = audienceCreator(plan.selection?.shard, hooks.audienceWaitMs);
  let summary: RunSummary;
  try {
    summary = await runExport({
      config: plan.loaded.config,
      secrets: plan.loaded.secrets,
      ...(plan.loaded.network ? { network: plan.loaded.network } : {}),
      source: readOneVersion(plan.input, plan.inputIdentity, openRunInput(store, plan.input, signal), stop),
      file: plan.file,
      runId: plan.runId,
      ...(plan.now !== undefined ? { now: plan.now } : {}),
      onEvent,
      dryRun: false,
      signal,
      ...(hooks.gate ? { gate: hooks.gate } : {}),
      ...(plan.previous ? { previous: plan.previous } : {}),
      ...(plan.only ? { only: plan.only } : {}),
      ...(selector ? { select: (item, seq) => selector.select(item, seq) } : {}),
      ...(sync ? { sync: sync.hooks, onRecord: sync.onRecord } : {}),
      ...(creator ? { audienceCreatedBy: creator } : {}),
    });
  } catch (err) {
    try {
      recorder.close();
    } catch {
      // the engine's error is the one to report
    }
    const message = err instanceof ConfigError ? formatIssues(err.issues) : plan.loaded.redactor.text((err as Error).message);
    try {
      store.markRunStatus(plan.runId, 'aborted', { error: message });
    } catch {
      // the store is failing too: the lease, let go below, shows the run as interrupted
    }
    throw err;
  }
  try {
    if (summary.remoteAudience !== undefined) store.setRemoteAudience(plan.runId, summary.remoteAudience);
    recorder.close();
    // A resumed run reports the whole run: requests of earlier sessions included.
    const stored = store.getRun(plan.runId);
    if (stored) summary = { ...summary, requests: { ...summary.requests, sent: stored.requests.sent, retried: stored.requests.retried } };
    const missing = selector && summary.status !== 'aborted' ? selector.missingKeys() : [];
    return { summary, ...(missing.length > 0 ? { missingKeys: missing } : {}), ...(sync ? { sync: store.syncSummary(sync.staging) } : {}) };
  } catch (err) {
    return { summary, warning: `the run log could not be written completely (${(err as Error).message}); the export itself finished as summarised` };
  }
}
