// Preview is the run with the sender switched off (invariant 2): it drives runExport in a
// dry run and collects the planned requests, so nothing here renders on its own.
import type { ExportConfig } from '../../shared/config.js';
import type { Issue } from '../../shared/issues.js';
import { createRedactor, type Secret } from './redact.js';
import { ConfigError, runExport } from './runner.js';
import type { PlannedRequest, PreparedRecord, SourceItem } from './types.js';

export interface PreviewOutput {
  requests: PlannedRequest[];
  errors: Issue[];
  records: PreparedRecord[];
  /** True when the limit stopped the preview before the input ended. */
  truncated: boolean;
}

export interface PreviewOptions {
  /** Stop after this many send-step requests (audience steps not counted). */
  limit?: number;
  file?: string;
  secrets?: Secret[];
  remoteAudience?: unknown;
  /** Keep at most this many mapped records in the output. Default 1000. */
  maxRecords?: number;
}

async function* fromIterable(items: Iterable<SourceItem> | AsyncIterable<SourceItem>): AsyncGenerator<SourceItem> {
  yield* items;
}

export async function previewExport(config: ExportConfig, items: Iterable<SourceItem> | AsyncIterable<SourceItem>, opts: PreviewOptions = {}): Promise<PreviewOutput> {
  const requests: PlannedRequest[] = [];
  const errors: Issue[] = [];
  const records: PreparedRecord[] = [];
  const maxRecords = opts.maxRecords ?? 1000;
  const redactor = createRedactor(opts.secrets ?? []);
  const stop = new AbortController();
  let sendRequests = 0;
  try {
    await runExport({
      config,
      source: fromIterable(items),
      file: opts.file ?? 'input',
      runId: 'preview',
      dryRun: true,
      signal: stop.signal,
      ...(opts.remoteAudience !== undefined ? { remoteAudience: opts.remoteAudience } : {}),
      onRecord: (r) => {
        if (records.length < maxRecords) records.push(r);
      },
      onPlanned: (req) => {
        if (opts.limit !== undefined && sendRequests >= opts.limit && (req.step === 'add' || req.step === 'remove')) return;
        const shown: PlannedRequest = { ...req, url: redactor.text(req.url), headers: redactor.headers(req.headers) };
        if (shown.warnings && opts.remoteAudience === undefined && config.destination.getAudience.enabled) {
          // Not a data problem: the audience is looked up only when the export runs.
          shown.warnings = shown.warnings.map((w) => (w.startsWith('remote_audience') ? `${w.replace(/ \(rendered as [^)]*\)$/, '')}: known once the get/create audience step runs (empty in this preview)` : w));
        }
        if (req.body !== undefined) shown.body = redactor.text(req.body);
        requests.push(shown);
        if (req.step === 'add' || req.step === 'remove') {
          sendRequests++;
          if (opts.limit !== undefined && sendRequests >= opts.limit) stop.abort();
        }
      },
      onEvent: (e) => {
        if (e.type === 'record-failed') {
          errors.push({ path: e.failure.where, message: e.failure.reason, ...(e.failure.key ? { recordKey: e.failure.key } : {}) });
        } else if (e.type === 'records-settled') {
          for (const o of e.outcomes) if (!o.ok) errors.push({ path: `record ${o.key}`, message: o.reason ?? 'failed', recordKey: o.key });
        }
      },
    });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    errors.push(...err.issues);
  }
  return { requests, errors, records, truncated: stop.signal.aborted };
}
