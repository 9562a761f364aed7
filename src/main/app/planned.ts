// "Plan as the run would, and stop at this request": the dry run behind Send this one and
// replay with the current template, so the request sent is the request a run would send.
import type { ExportConfig } from '../../shared/config.js';
import { runExport } from '../engine/runner.js';
import type { PlannedRequest, SourceItem } from '../engine/types.js';

export interface FindPlannedOptions {
  config: ExportConfig;
  source: AsyncIterable<SourceItem>;
  /** The input's name in record errors. */
  file: string;
  /** The remote audience templates see (a dry run does not look it up). */
  remoteAudience?: unknown;
  /** Stops an input being read (the planner stops too). */
  signal?: AbortSignal;
}

/** The first planned request `match` accepts (unredacted), or undefined when none is. */
export async function findPlanned(o: FindPlannedOptions, match: (req: PlannedRequest) => boolean): Promise<PlannedRequest | undefined> {
  let found: PlannedRequest | undefined;
  const stop = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal;
  await runExport({
    config: o.config,
    source: o.source,
    file: o.file,
    runId: 'find-planned',
    dryRun: true,
    signal,
    ...(o.remoteAudience !== undefined && o.remoteAudience !== null ? { remoteAudience: o.remoteAudience } : {}),
    onPlanned: (req) => {
      if (found || !match(req)) return;
      found = req;
      stop.abort();
    },
  }).catch((err: unknown) => {
    if (!found) throw err;
  });
  return found;
}

/** Matches the `index`-th request (0-based) of `step`. */
export function nthOf(step: PlannedRequest['step'], index: number): (req: PlannedRequest) => boolean {
  let seen = 0;
  return (req) => req.step === step && seen++ === index;
}

/** Matches the request of `step` carrying exactly these record keys. */
export function carrying(step: PlannedRequest['step'], keys: readonly string[]): (req: PlannedRequest) => boolean {
  const want = new Set(keys);
  return (req) => req.step === step && req.recordKeys.length === want.size && req.recordKeys.every((k) => want.has(k));
}
