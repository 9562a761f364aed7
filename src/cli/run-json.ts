// How the CLI describes a run as JSON: `run --json`, `runs --json` and `log --json` print
// the same fields for the same run (run adds what only a finished execution knows).
import type { RunRow } from '../main/store/rows.js';

export interface RunJson {
  runId: string;
  status: RunRow['status'];
  records: { total: number; succeeded: number; failed: number; skipped?: number };
  requests: { sent: number; retried: number };
  destination: string;
  audience: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  inputPath: string | null;
  remoteAudience: unknown;
  error: string | null;
  /** Only the first `limit` records of the input took part (--limit). */
  limit?: number;
  /** Only records with these keys took part (--only-key). */
  onlyKeys?: string[];
  /** The --set overrides the run was started with (values as stored: secrets masked). */
  overrides?: Array<{ path: string; value: unknown }>;
  /** The env files `${env:…}` resolved against (paths only). */
  envFiles?: string[];
  /** `--shard i/N`: the run took the records whose key hashes to shard `index` of `count`. */
  shard?: { index: number; count: number };
  /** The group of shard runs it belongs to (`runs --group`). */
  group?: string;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function runJson(run: RunRow): RunJson {
  const start = run.startedAt ?? run.createdAt;
  return {
    runId: run.id,
    status: run.status,
    records: { ...run.records },
    requests: { ...run.requests },
    destination: run.destination,
    audience: run.audience,
    createdAt: iso(run.createdAt)!,
    startedAt: iso(start),
    finishedAt: iso(run.finishedAt),
    durationMs: run.finishedAt === null ? null : run.finishedAt - start,
    inputPath: run.inputPath,
    remoteAudience: run.remoteAudience,
    error: run.error,
    ...(run.options ?? {}),
  };
}
