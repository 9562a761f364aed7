// `run --shard i/N --continue` (a retried pod): which recorded run of this group and shard,
// if any, this invocation is. Only a run over the same input (path and identity), with the
// same stored config (overrides applied, secrets masked) and the same --limit/--only-key is
// this invocation's: a stale aborted run from last night over another file, or another
// export sharing the store and the group name, is never taken for it.
// - the latest such run unfinished (aborted, or running with its process gone): go on with it;
// - the latest such run finished (succeeded, partial, failed): nothing to start; the host
//   ends with that run's exit code (a pod retried after exit 1 does not send its shard again);
// - none: start a new run, saying why the group's latest run of this shard was not taken.
import type { Store } from '../../store/db.js';
import type { RunRow } from '../../store/rows.js';
import type { RecordSelection } from './selection.js';
import { describeInputChange, inputPathOf, type RunInput } from './input.js';
import { shardText, type Shard } from './shard.js';

export type ShardContinuation =
  | { kind: 'continue'; run: RunRow }
  | { kind: 'finished'; run: RunRow }
  /** `why`: the latest run of this group and shard, and why it is not this invocation's. */
  | { kind: 'new'; why?: string };

export interface ShardInvocation {
  group: string;
  shard: Shard;
  /** The config as a new run would store it. */
  storedConfig: unknown;
  input: RunInput;
  selection?: RecordSelection | undefined;
}

/** The runs of `group` and `shard` in the store, latest first. */
function shardRuns(runs: readonly RunRow[], group: string, shard: Shard): RunRow[] {
  return runs
    .filter((r) => {
      const s = r.options?.shard;
      return r.options?.group === group && !!s && s.index === shard.index && s.count === shard.count;
    })
    .sort((a, b) => b.createdAt - a.createdAt);
}

const canonical = (v: unknown): string => JSON.stringify(v ?? null);

/** Why `run` is not a run of this invocation, or null when it is. */
async function mismatch(store: Store, run: RunRow, inv: ShardInvocation): Promise<string | null> {
  const path = inputPathOf(inv.input);
  if (run.inputPath !== path) return `it read another input (${run.inputPath ?? 'none recorded'})`;
  if (run.inputIdentity) {
    const changed = await describeInputChange(store, inv.input, run.inputIdentity);
    if (changed) return `its input changed since (${changed})`;
  }
  if (canonical(run.config) !== canonical(inv.storedConfig)) return 'it was started with another config';
  const sel = inv.selection;
  if ((run.options?.limit ?? null) !== (sel?.limit ?? null) || canonical(run.options?.onlyKeys ?? []) !== canonical(sel?.onlyKeys ?? [])) {
    return 'it was started with another --limit or --only-key';
  }
  return null;
}

/** What `run --shard --continue` does in this store (see the header). */
export async function shardContinuation(store: Store, inv: ShardInvocation): Promise<ShardContinuation> {
  const runs = shardRuns(store.listRuns(), inv.group, inv.shard);
  let firstWhy: string | undefined;
  for (const run of runs) {
    const why = await mismatch(store, run, inv);
    if (why === null) return run.status === 'running' || run.status === 'aborted' ? { kind: 'continue', run } : { kind: 'finished', run };
    firstWhy ??= `the latest run of shard ${shardText(inv.shard)} in group ${inv.group}, ${run.id} (${run.status}), is not this export's: ${why}`;
  }
  return firstWhy ? { kind: 'new', why: firstWhy } : { kind: 'new' };
}
