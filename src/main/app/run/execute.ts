// Executing a prepared run (run/prepare.ts) against the store, the one way for both hosts:
// the recorder writes every event, the remote audience is kept for a resume, and a resumed
// run reports its whole request count.
import { runExport, type RunSummary } from '../../engine/runner.js';
import type { RunEvent } from '../../engine/types.js';
import type { Store } from '../../store/db.js';
import { createRunRecorder } from '../../store/recorder.js';
import type { RunPlan } from './prepare.js';
import { openRunInput } from './input.js';

export interface ExecuteHooks {
  onEvent?: (e: RunEvent) => void;
  /** Stops the run, resumable. */
  signal?: AbortSignal;
  /** Awaited before each request starts (the studio's pause). */
  gate?: () => Promise<void>;
}

export interface ExecuteRunResult {
  summary: RunSummary;
  /** Set when the run log could not be written completely (the export itself finished). */
  warning?: string;
}

/** Runs the export, recording it; rethrows the engine's errors (ConfigError…) after closing the recorder. */
export async function executeRun(store: Store, plan: RunPlan, hooks: ExecuteHooks = {}): Promise<ExecuteRunResult> {
  // A run whose log cannot be written stops (resumable) rather than send records nobody
  // could account for; the store's message says what is wrong and what to do.
  const storeFailed = new AbortController();
  const recorder = createRunRecorder(store, plan.runId, {
    onError: (err) => {
      if (!storeFailed.signal.aborted) storeFailed.abort(`the run log could not be written, so the run stopped (resumable): ${err.message}`);
    },
  });
  const signal = hooks.signal ? AbortSignal.any([hooks.signal, storeFailed.signal]) : storeFailed.signal;
  const onEvent = hooks.onEvent
    ? (e: RunEvent) => {
        recorder.onEvent(e);
        hooks.onEvent!(e);
      }
    : (e: RunEvent) => recorder.onEvent(e);
  let summary: RunSummary;
  try {
    summary = await runExport({
      config: plan.loaded.config,
      secrets: plan.loaded.secrets,
      source: openRunInput(store, plan.input, signal),
      file: plan.file,
      runId: plan.runId,
      onEvent,
      dryRun: false,
      signal,
      ...(hooks.gate ? { gate: hooks.gate } : {}),
      ...(plan.previous ? { previous: plan.previous } : {}),
      ...(plan.only ? { only: plan.only } : {}),
    });
  } catch (err) {
    try {
      recorder.close();
    } catch {
      // the engine's error is the one to report
    }
    throw err;
  }
  try {
    if (summary.remoteAudience !== undefined) store.setRemoteAudience(plan.runId, summary.remoteAudience);
    recorder.close();
    // A resumed run reports the whole run: requests of earlier sessions included.
    const stored = store.getRun(plan.runId);
    if (stored) summary = { ...summary, requests: { ...summary.requests, sent: stored.requests.sent, retried: stored.requests.retried } };
    return { summary };
  } catch (err) {
    return { summary, warning: `the run log could not be written completely (${(err as Error).message}); the export itself finished as summarised` };
  }
}
