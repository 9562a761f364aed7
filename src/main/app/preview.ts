// Preview for both hosts: the run with the sender off (engine/preview.ts), its issues
// redacted, and the one rule for when a preview means the config itself cannot plan.
import { mapMessage } from '../../shared/issues.js';
import { recordsPerRequest } from '../engine/plan.js';
import { previewExport, type PreviewOutput } from '../engine/preview.js';
import type { SourceItem } from '../engine/types.js';
import type { LoadedConfig } from './config.js';

export interface PreviewRun extends PreviewOutput {
  /** Nothing planned because of the config (a template, an expression, a field), not the data. */
  configRefused: boolean;
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
  opts: { file: string; limit?: number; maxRecords?: number },
): Promise<PreviewRun> {
  const out = await previewExport(loaded.config, source, {
    file: opts.file,
    secrets: loaded.secrets,
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
    ...(opts.maxRecords !== undefined ? { maxRecords: opts.maxRecords } : {}),
  });
  const errors = out.errors.map((e) => mapMessage(e, (t) => loaded.redactor.text(t)));
  const aboutConfig = errors.some((e) => e.template !== undefined || e.path.startsWith('destination.') || e.path.startsWith('records.'));
  return { ...out, errors, configRefused: aboutConfig && out.requests.length === 0 };
}
