// The dry run for both hosts: plan every request of the whole input, send nothing, and say
// what a run would do (requests per step, records per action, the time the
// requests-per-hour limit implies).
import { mapMessage, type Issue } from '../../shared/issues.js';
import { ConfigError, runExport, type RunSummary } from '../engine/runner.js';
import type { RunEvent, SourceItem } from '../engine/types.js';
import type { LoadedConfig } from './config.js';
import { retryWorstCases, type RetryWorstCase } from './retry-worst-case.js';
import { createSelector, type RecordSelection } from './run/selection.js';
import { shardLoaded } from './run/shard.js';
import { impliedMs } from './time-estimate.js';
import type { Store } from '../store/db.js';
import type { SyncDiff } from '../../shared/sync.js';
import { stageSync, syncExecution, syncModeOf } from './run/sync.js';

export type DryRunOutcome =
  /** `retries`: the worst case the retry policy allows, per enabled step. */
  | {
      ok: true;
      summary: RunSummary;
      actions: { add: number; remove: number };
      impliedMs?: number;
      missingKeys?: string[];
      retries: RetryWorstCase[];
      /** `--shard`: the records of the input this shard takes, of those read (the limit applied). */
      shard?: { index: number; count: number; taken: number; of: number };
      sync?: SyncDiff;
    }
  | { ok: false; issues: Issue[] };

/** `whole`: the config at the destination's whole requestsPerHour; a shard's share is taken here. */
export async function dryRun(
  whole: LoadedConfig,
  source: AsyncIterable<SourceItem>,
  opts: {
    file: string;
    runId: string;
    onEvent?: (e: RunEvent) => void;
    signal?: AbortSignal;
    selection?: RecordSelection;
    /** A membership diff (sync.mode diff): the store holding the delivered membership, and the input again for staging. */
    sync?: { store: Store; stagingSource: AsyncIterable<SourceItem> };
  },
): Promise<DryRunOutcome> {
  // A shard's time estimate is at its share of requestsPerHour, as its run paces.
  const loaded = shardLoaded(whole, opts.selection?.shard);
  const actions = { add: 0, remove: 0 };
  const selector = createSelector(loaded.config, opts.file, opts.selection);
  let summary: RunSummary;
  // A diff is staged like a run's, compared, and dropped: the membership never moves in a dry run.
  const staged = syncModeOf(loaded.config) === 'diff' && opts.sync ? await stageSync(opts.sync.store, loaded.config, opts.sync.stagingSource, opts.file, null, opts.selection?.shard) : null;
  const sync = staged && opts.sync ? syncExecution(opts.sync.store, staged.staging, staged.setN, loaded.config) : null;
  let diff: SyncDiff | undefined;
  try {
    summary = await runExport({
      config: loaded.config,
      secrets: loaded.secrets,
      source,
      file: opts.file,
      runId: opts.runId,
      dryRun: true,
      onRecord: (r) => {
        actions[r.action]++;
      },
      ...(sync ? { sync: sync.hooks } : {}),
      ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(selector ? { select: (item, seq) => selector.select(item, seq) } : {}),
    });
    if (staged && opts.sync) diff = opts.sync.store.syncSummary(staged.staging);
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, issues: err.issues.map((i) => mapMessage(i, (t) => loaded.redactor.text(t))) };
    throw new Error(loaded.redactor.text((err as Error).message));
  } finally {
    if (staged && opts.sync) opts.sync.store.deleteSyncStaging(staged.staging);
  }
  const rph = loaded.config.destination.requestsPerHour;
  const planned = Object.values(summary.requests.planned).reduce((a, b) => a + b, 0);
  const missing = selector && summary.status !== 'aborted' ? selector.missingKeys() : [];
  const retries = retryWorstCases(loaded.config.destination);
  const shard = opts.selection?.shard && selector ? { ...opts.selection.shard, taken: selector.counts().taken, of: selector.counts().seen } : undefined;
  return {
    ok: true,
    summary,
    actions,
    ...(rph ? { impliedMs: impliedMs(planned, rph) } : {}),
    ...(missing.length > 0 ? { missingKeys: missing } : {}),
    retries,
    ...(shard ? { shard } : {}),
    ...(diff ? { sync: diff } : {}),
  };
}
