// The shard runs of one export (`run --shard i/N --group G`) seen together: `runs --group G`
// over one store or several (each shard keeps its own SQLite file: one file is never shared
// between machines, see README "Scale out"). Each shard counts with its latest run (a
// re-run or a resumed run supersedes nothing it delivered: the latest row holds the whole run).
import type { RunRow } from '../../store/rows.js';

export interface GroupRun {
  run: RunRow;
  /** The store the run was read from. */
  db: string;
}

export interface GroupShard {
  index: number;
  /** The shard's latest run (the one the total counts). */
  latest: GroupRun;
  /** Runs of this shard in the group, the latest included. */
  runs: number;
}

export interface GroupSummary {
  group: string;
  /** N, the shard count the runs were started with; several when runs disagree. */
  counts: number[];
  /** Every run of the group, oldest first. */
  runs: GroupRun[];
  shards: GroupShard[];
  /** Summed over each shard's latest run. `pending`: read but not settled yet (an unfinished shard may read more). */
  total: { records: number; delivered: number; failed: number; skipped: number; pending: number; requests: { sent: number; retried: number } };
  /** Shard indexes with no run in the stores read. */
  missing: number[];
  /** Shards whose latest run is still running (or was interrupted: its lease tells), or aborted: resumable. */
  running: number[];
  aborted: number[];
  /** Every shard has a latest run that finished (succeeded, partial or failed). */
  finished: boolean;
}

/** The runs of `group` among `runs` (several stores' runs, each with its store), summarised. */
export function summarizeGroup(group: string, all: readonly GroupRun[]): GroupSummary {
  const runs = all.filter((r) => r.run.options?.group === group).sort((a, b) => a.run.createdAt - b.run.createdAt);
  const counts = [...new Set(runs.map((r) => r.run.options?.shard?.count ?? 1))].sort((a, b) => a - b);
  const byIndex = new Map<number, GroupShard>();
  for (const r of runs) {
    const index = r.run.options?.shard?.index ?? 0;
    const known = byIndex.get(index);
    byIndex.set(index, { index, latest: r, runs: (known?.runs ?? 0) + 1 });
  }
  const shards = [...byIndex.values()].sort((a, b) => a.index - b.index);
  const total = { records: 0, delivered: 0, failed: 0, skipped: 0, pending: 0, requests: { sent: 0, retried: 0 } };
  for (const { latest } of shards) {
    const c = latest.run.records;
    total.records += c.total;
    total.delivered += c.succeeded;
    total.failed += c.failed;
    total.skipped += c.skipped;
    total.pending += Math.max(0, c.total - c.succeeded - c.failed - c.skipped);
    total.requests.sent += latest.run.requests.sent;
    total.requests.retried += latest.run.requests.retried;
  }
  const n = counts.length > 0 ? Math.max(...counts) : 0;
  const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !byIndex.has(i));
  const running = shards.filter((s) => s.latest.run.status === 'running').map((s) => s.index);
  const aborted = shards.filter((s) => s.latest.run.status === 'aborted').map((s) => s.index);
  return { group, counts, runs, shards, total, missing, running, aborted, finished: n > 0 && missing.length === 0 && running.length === 0 && aborted.length === 0 };
}
