// One way to run an export against the store, shared by the CLI and the studio (invariant 1):
// the recorder writes every event, the remote audience is kept for a resume, and a resumed
// run reports its whole request count. Resume and retry-failed are prepared here too.
import type { ExportConfig } from '../../../shared/config.js';
import type { LoadResult } from '../../engine/load.js';
import { runExport, type RunSummary } from '../../engine/runner.js';
import type { RunEvent, SourceItem } from '../../engine/types.js';
import type { Store } from '../../store/db.js';
import { createRunRecorder } from '../../store/recorder.js';
import type { RunRow } from '../../store/rows.js';
import { checkInput, describeInputChange, inputFromPath, type RunInput } from './input.js';

export interface ExecuteRunOptions {
  /** Null for a dry run: nothing is recorded. */
  store: Store | null;
  config: ExportConfig;
  secrets: string[];
  source: AsyncIterable<SourceItem>;
  file: string;
  runId: string;
  dryRun: boolean;
  onEvent?: (e: RunEvent) => void;
  signal?: AbortSignal;
  gate?: () => Promise<void>;
  previous?: (seq: number) => 'succeeded' | 'failed' | undefined;
  only?: (seq: number) => boolean;
}

export interface ExecuteRunResult {
  summary: RunSummary;
  /** Set when the run log could not be written completely (the export itself finished). */
  warning?: string;
}

/** Runs the export, recording it; rethrows the engine's errors (ConfigError…) after closing the recorder. */
export async function executeRun(o: ExecuteRunOptions): Promise<ExecuteRunResult> {
  // A run whose log cannot be written stops (resumable) rather than send records nobody
  // could account for; the store's message says what is wrong and what to do.
  const storeFailed = new AbortController();
  const recorder =
    o.store && !o.dryRun
      ? createRunRecorder(o.store, o.runId, {
          onError: (err) => {
            if (!storeFailed.signal.aborted) storeFailed.abort(`the run log could not be written, so the run stopped (resumable): ${err.message}`);
          },
        })
      : null;
  const signal = o.signal ? AbortSignal.any([o.signal, storeFailed.signal]) : storeFailed.signal;
  const onEvent = (e: RunEvent) => {
    recorder?.onEvent(e);
    o.onEvent?.(e);
  };
  let summary: RunSummary;
  try {
    summary = await runExport({
      config: o.config,
      secrets: o.secrets,
      source: o.source,
      file: o.file,
      runId: o.runId,
      onEvent,
      dryRun: o.dryRun,
      signal,
      ...(o.gate ? { gate: o.gate } : {}),
      ...(o.previous ? { previous: o.previous } : {}),
      ...(o.only ? { only: o.only } : {}),
    });
  } catch (err) {
    try {
      recorder?.close();
    } catch {
      // the engine's error is the one to report
    }
    throw err;
  }
  if (!o.store || !recorder) return { summary };
  try {
    if (summary.remoteAudience !== undefined) o.store.setRemoteAudience(o.runId, summary.remoteAudience);
    recorder.close();
    // A resumed run reports the whole run: requests of earlier sessions included.
    const stored = o.store.getRun(o.runId);
    if (stored) summary = { ...summary, requests: { ...summary.requests, sent: stored.requests.sent, retried: stored.requests.retried } };
    return { summary };
  } catch (err) {
    return { summary, warning: `the run log could not be written completely (${(err as Error).message}); the export itself finished as summarised` };
  }
}

export type ContinueMode = 'resume' | 'retry-failed';

export type Continuation =
  | {
      ok: true;
      config: ExportConfig;
      secrets: string[];
      input: RunInput;
      previous: (seq: number) => 'succeeded' | 'failed' | undefined;
      only?: (seq: number) => boolean;
    }
  | { ok: false; kind: 'config'; issues: Array<{ path: string; message: string }> }
  | { ok: false; kind: 'input'; message: string };

/**
 * What a resume or retry-failed of `run` needs: its config resolved, its input checked
 * unchanged, and which records are already settled. `resolve` turns the stored config into
 * a runnable one (the CLI resolves `${env:…}`, the studio also its stored secrets).
 */
export async function prepareContinuation(
  store: Store,
  run: RunRow,
  mode: ContinueMode,
  resolve: (raw: unknown) => Promise<LoadResult> | LoadResult,
): Promise<Continuation> {
  const resolved = await resolve(run.config);
  if (!resolved.ok) return { ok: false, kind: 'config', issues: resolved.issues };
  if (!run.inputPath) return { ok: false, kind: 'input', message: `run ${run.id} has no input file recorded; it cannot be resumed` };
  const input = inputFromPath(run.inputPath);
  const problem = await checkInput(store, input);
  if (problem) return { ok: false, kind: 'input', message: problem };
  if (run.inputIdentity) {
    const what = await describeInputChange(store, input, run.inputIdentity);
    if (what) {
      return {
        ok: false,
        kind: 'input',
        message: `input ${run.inputPath} changed since run ${run.id} started (${what}); refusing to ${mode}: records would be matched to the wrong lines`,
      };
    }
  }
  const succeeded = store.settledSeqs(run.id);
  const failed = store.failedSeqs(run.id);
  const previous = (seq: number) => (succeeded.has(seq) ? 'succeeded' : failed.has(seq) ? 'failed' : undefined);
  return {
    ok: true,
    config: resolved.config,
    secrets: resolved.secrets,
    input,
    previous,
    ...(mode === 'retry-failed' ? { only: (seq: number) => failed.has(seq) } : {}),
  };
}
