// Preview for both hosts: the run with the sender off (engine/preview.ts), its issues
// redacted, and the one rule for when a preview means the config itself cannot plan.
import { formatIssues, mapMessage } from '../../shared/issues.js';
import { findOrCreateAudience } from '../engine/audience.js';
import { createHttpClient } from '../engine/http.js';
import { TokenError } from '../engine/oauth.js';
import { createPlanner, recordsPerRequest } from '../engine/plan.js';
import { previewExport, type PreviewOutput } from '../engine/preview.js';
import type { HttpResult, PlannedRequest, SourceItem } from '../engine/types.js';
import { createAuthorizer } from './authorize.js';
import type { LoadedConfig } from './config.js';
import type { BodyEscaping } from '../../shared/api.js';
import type { SyncDiff } from '../../shared/sync.js';
import type { SyncHooks } from '../engine/runner.js';
import type { Store } from '../store/db.js';
import { stageSync, syncExecution, syncModeOf } from './run/sync.js';
import type { Shard } from './run/shard.js';
import { bodyEscaping, bodyKindFor } from '../engine/template/body-kind.js';

export interface PreviewRun extends PreviewOutput {
  /** Nothing planned because of the config (a template, an expression, a field), not the data. */
  configRefused: boolean;
  /** How the bodies' values are escaped (from the destination's Content-Type). */
  escaping: BodyEscaping;
  /** A membership diff (sync.mode diff): how the input compares with the delivered membership. */
  sync?: SyncDiff;
}

/** How many records fill `limit` requests of the largest batch: what a preview must read. */
export function recordsForPreview(loaded: LoadedConfig, limit: number): number {
  const d = loaded.config.destination;
  const perRequest = Math.max(d.add.enabled ? recordsPerRequest(d.add) : 1, d.remove.enabled ? recordsPerRequest(d.remove) : 1);
  return limit * perRequest;
}

export async function preview(
  loaded: LoadedConfig,
  source: Iterable<SourceItem> | AsyncIterable<SourceItem>,
  opts: {
    file: string;
    limit?: number;
    maxRecords?: number;
    placeholders?: boolean;
    showRefused?: boolean;
    remoteAudience?: unknown;
    /** A membership diff: the store with the delivered membership, and the input again for staging (dropped after). */
    sync?: { store: Store; stagingSource: AsyncIterable<SourceItem>; shard?: Shard };
  },
): Promise<PreviewRun> {
  const staged = syncModeOf(loaded.config) === 'diff' && opts.sync ? await stageSync(opts.sync.store, loaded.config, opts.sync.stagingSource, opts.file, null, opts.sync.shard) : null;
  try {
    const hooks = staged && opts.sync ? syncExecution(opts.sync.store, staged.staging, staged.setN, loaded.config).hooks : undefined;
    const run = await previewRun(loaded, source, { ...opts, ...(hooks ? { hooks } : {}) });
    return staged && opts.sync ? { ...run, sync: opts.sync.store.syncSummary(staged.staging) } : run;
  } finally {
    if (staged && opts.sync) opts.sync.store.deleteSyncStaging(staged.staging);
  }
}

async function previewRun(
  loaded: LoadedConfig,
  source: Iterable<SourceItem> | AsyncIterable<SourceItem>,
  opts: { file: string; limit?: number; maxRecords?: number; placeholders?: boolean; showRefused?: boolean; remoteAudience?: unknown; hooks?: SyncHooks },
): Promise<PreviewRun> {
  const out = await previewExport(loaded.config, source, {
    ...(opts.hooks ? { sync: opts.hooks } : {}),
    file: opts.file,
    secrets: loaded.secrets,
    ...(opts.placeholders ? { placeholders: true } : {}),
    ...(opts.showRefused ? { showRefused: true } : {}),
    ...(opts.remoteAudience !== undefined ? { remoteAudience: opts.remoteAudience } : {}),
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
    ...(opts.maxRecords !== undefined ? { maxRecords: opts.maxRecords } : {}),
  });
  const errors = out.errors.map((e) => mapMessage(e, (t) => loaded.redactor.text(t)));
  const aboutConfig = errors.some((e) => e.template !== undefined || e.path.startsWith('destination.') || e.path.startsWith('records.'));
  return { ...out, errors, configRefused: aboutConfig && out.requests.length === 0, escaping: bodyEscaping(bodyKindFor(loaded.config.destination.headers)) };
}

export type AudienceLookup =
  | { status: 'found'; value: unknown; request: PlannedRequest; result: HttpResult }
  /** `missing`: answered, no such audience; `failed`: no usable answer; `none`: no get step. */
  | { status: 'missing' | 'failed' | 'none'; message: string; request?: PlannedRequest; result?: HttpResult };

/**
 * The get-audience step alone, sent once: what `remote_audience` would be for a run, so a
 * preview can show real values. Read-only: a missing audience is reported, never created.
 * Messages are redacted; the found value is not (the caller masks it for its view).
 */
export async function lookUpAudience(loaded: LoadedConfig): Promise<AudienceLookup> {
  const { config: cfg, redactor } = loaded;
  const planned = createPlanner(cfg);
  if (!planned.ok) return { status: 'failed', message: redactor.text(formatIssues(planned.issues)) };
  const planner = planned.planner;
  if (!planner.steps.get) return { status: 'none', message: 'get audience is not enabled: templates see an empty remote_audience' };
  const client = createHttpClient({ timeoutMs: cfg.destination.timeoutMs, network: loaded.network });
  let request: PlannedRequest | undefined;
  let result: HttpResult | undefined;
  try {
    const authorize = createAuthorizer(cfg, client, redactor);
    const out = await findOrCreateAudience(planner, cfg.audience.name, {
      findOnly: true,
      redact: (t) => redactor.text(t),
      send: async (req) => {
        request = req;
        result = await client.execute(await authorize(req));
        return result;
      },
    });
    const sent = { ...(request ? { request } : {}), ...(result ? { result } : {}) };
    if (out.ok) return { status: 'found', value: out.value, request: request!, result: result! };
    return { status: out.missing ? 'missing' : 'failed', message: redactor.text(out.reason), ...sent };
  } catch (err) {
    if (err instanceof TokenError) return { status: 'failed', message: redactor.text(`OAuth token: ${err.message}`) };
    return { status: 'failed', message: redactor.text((err as Error).message) };
  } finally {
    await client.close();
  }
}
