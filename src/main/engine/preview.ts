// Preview is the run with the sender switched off (invariant 2): it drives runExport in a
// dry run and collects the planned requests, so nothing here renders on its own.
import type { ExportConfig } from '../../shared/config.js';
import type { Issue } from '../../shared/issues.js';
import { createRedactor, type Secret } from './redact.js';
import { ConfigError, runExport, type SyncHooks } from './runner.js';
import type { PlannedRequest, PreparedRecord, SourceItem } from './types.js';

export interface PreviewOutput {
  /** `refused`: rendered but not sendable (its body is not JSON), shown with the reason (option `showRefused`). */
  requests: Array<PlannedRequest & { refused?: string }>;
  errors: Issue[];
  records: PreparedRecord[];
  /** True when the limit stopped the preview before the input ended. */
  truncated: boolean;
  /** What became of the records read: planned, skipped or invalid, and why. */
  explanation: PreviewExplanation;
  /** `remote_audience.…` values shown as `‹remote_audience.id›` (known only when a run looks the audience up). */
  placeholders: string[];
}

export interface PreviewExplanation {
  /** Records read before the preview stopped. */
  read: number;
  /** Records carried by the planned add/remove requests. */
  planned: number;
  skipped: number;
  invalid: number;
  /** One row per reason, most frequent first, with a few records as examples. */
  reasons: Array<{ kind: 'skipped' | 'invalid'; reason: string; count: number; examples: Array<{ key?: string; line?: number }> }>;
}

export interface PreviewOptions {
  /** Stop after this many send-step requests (audience steps not counted). */
  limit?: number;
  file?: string;
  secrets?: Secret[];
  remoteAudience?: unknown;
  /** Keep at most this many mapped records in the output. Default 1000. */
  maxRecords?: number;
  /**
   * Without a remote audience, render `remote_audience.x` as the visible placeholder
   * `‹remote_audience.x›` rather than as the empty string a dry run gives it.
   */
  placeholders?: boolean;
  /** Include requests refused after rendering (a body that is not JSON), marked `refused`. */
  showRefused?: boolean;
  /** A membership diff: only its adds and removes are planned (runner.ts SyncHooks). */
  sync?: SyncHooks;
}

const MAX_REASONS = 10;
const MAX_EXAMPLES = 3;
/** Survives every escaping (JSON string, percent-encoding, form, XML): letters, digits, `_` and `.`. */
const SENTINEL = /__outbound_rt__([A-Za-z0-9_.]+?)__/g;

async function* fromIterable(items: Iterable<SourceItem> | AsyncIterable<SourceItem>): AsyncGenerator<SourceItem> {
  yield* items;
}

async function* counted(items: AsyncIterable<SourceItem>, tally: { read: number }): AsyncGenerator<SourceItem> {
  for await (const item of items) {
    tally.read++;
    yield item;
  }
}

export async function previewExport(config: ExportConfig, items: Iterable<SourceItem> | AsyncIterable<SourceItem>, opts: PreviewOptions = {}): Promise<PreviewOutput> {
  const requests: PreviewOutput['requests'] = [];
  let refusedShown = 0;
  const errors: Issue[] = [];
  const records: PreparedRecord[] = [];
  const maxRecords = opts.maxRecords ?? 1000;
  const redactor = createRedactor(opts.secrets ?? []);
  const stop = new AbortController();
  let sendRequests = 0;
  const why = explainer();
  const placeholder = opts.placeholders && opts.remoteAudience === undefined && config.destination.getAudience.enabled ? placeholderAudience(config) : undefined;
  const remoteAudience = opts.remoteAudience ?? placeholder?.value;
  const used = new Set<string>();
  const shownText = (text: string): string => {
    if (!placeholder) return redactor.text(text);
    return redactor.text(text).replace(SENTINEL, (_m, path: string) => {
      used.add(path);
      return `‹${path}›`;
    });
  };
  try {
    await runExport({
      config,
      source: counted(fromIterable(items), why),
      file: opts.file ?? 'input',
      runId: 'preview',
      dryRun: true,
      signal: stop.signal,
      ...(remoteAudience !== undefined ? { remoteAudience } : {}),
      ...(opts.sync ? { sync: opts.sync } : {}),
      onRecord: (r) => {
        if (records.length < maxRecords) records.push(r);
      },
      onSkipped: (sk) => {
        why.add('skipped', sk.reason, { key: sk.key, line: sk.line });
      },
      onRefused: (req, reason) => {
        if (!opts.showRefused || refusedShown >= (opts.limit ?? 20)) return;
        refusedShown++;
        const headers = redactor.headers(req.headers);
        requests.push({ ...req, url: shownText(req.url), headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, shownText(v)])), body: shownText(req.body ?? ''), refused: redactor.text(reason) });
      },
      onPlanned: (req) => {
        if (opts.limit !== undefined && sendRequests >= opts.limit && (req.step === 'add' || req.step === 'remove')) return;
        const headers = redactor.headers(req.headers);
        const shown: PlannedRequest = { ...req, url: shownText(req.url), headers: placeholder ? Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, shownText(v)])) : headers };
        if (req.step === 'add' || req.step === 'remove') why.planned += req.recordKeys.length;
        if (shown.warnings && remoteAudience === undefined && config.destination.getAudience.enabled) {
          // Not a data problem: the audience is looked up only when the export runs.
          shown.warnings = shown.warnings.map((w) => (w.startsWith('remote_audience') ? `${w.replace(/ \(rendered as [^)]*\)$/, '')}: known once the get/create audience step runs (empty in this preview)` : w));
        }
        if (req.body !== undefined) shown.body = shownText(req.body);
        requests.push(shown);
        if (req.step === 'add' || req.step === 'remove') {
          sendRequests++;
          if (opts.limit !== undefined && sendRequests >= opts.limit) stop.abort();
        }
      },
      onEvent: (e) => {
        if (e.type === 'record-failed') {
          why.add('invalid', e.failure.reason, { ...(e.failure.key ? { key: e.failure.key } : {}), line: e.failure.line });
          errors.push({ path: e.failure.where, message: e.failure.reason, ...(e.failure.key ? { recordKey: e.failure.key } : {}) });
        } else if (e.type === 'records-settled') {
          for (const o of e.outcomes) {
            if (o.ok) continue;
            why.add('invalid', o.reason ?? 'failed', { key: o.key, ...(o.line !== undefined ? { line: o.line } : {}) });
            errors.push({ path: `record ${o.key}`, message: o.reason ?? 'failed', recordKey: o.key });
          }
        }
      },
    });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    errors.push(...err.issues);
  }
  return { requests, errors, records, truncated: stop.signal.aborted, explanation: why.done(), placeholders: [...used] };
}

/** Counts and groups what happened to each record; a few examples per reason. */
function explainer() {
  const byReason = new Map<string, PreviewExplanation['reasons'][number]>();
  let skipped = 0;
  let invalid = 0;
  const self = {
    read: 0,
    planned: 0,
    add(kind: 'skipped' | 'invalid', reason: string, example: { key?: string; line?: number }) {
      if (kind === 'skipped') skipped++;
      else invalid++;
      const id = `${kind}|${reason}`;
      let row = byReason.get(id);
      if (!row) {
        if (byReason.size >= MAX_REASONS * 10) return; // many distinct reasons: the counts still hold
        row = { kind, reason, count: 0, examples: [] };
        byReason.set(id, row);
      }
      row.count++;
      if (row.examples.length < MAX_EXAMPLES) row.examples.push(example);
    },
    done(): PreviewExplanation {
      const reasons = [...byReason.values()].sort((a, b) => b.count - a.count).slice(0, MAX_REASONS);
      return { read: self.read, planned: self.planned, skipped, invalid, reasons };
    },
  };
  return self;
}

/**
 * A stand-in remote audience: every `remote_audience.a.b` the templates read holds a
 * sentinel that comes out of any escaping unchanged and is then shown as `‹remote_audience.a.b›`.
 */
function placeholderAudience(config: ExportConfig): { value: Record<string, unknown> } | undefined {
  const d = config.destination;
  const sources = [d.headers, ...(['add', 'remove', 'createAudience'] as const).flatMap((s) => [d[s].url, d[s].bodyTemplate])];
  const text = sources.map((t) => (typeof t === 'string' ? t : JSON.stringify(t ?? ''))).join('\n');
  const value: Record<string, unknown> = {};
  let any = false;
  for (const m of text.matchAll(/remote_audience((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
    const parts = m[1]!.slice(1).split('.');
    let node = value;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        if (!(part in node)) node[part] = `__outbound_rt__remote_audience.${parts.join('.')}__`;
      } else {
        if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
        node = node[part] as Record<string, unknown>;
      }
    });
    any = true;
  }
  return any ? { value } : undefined;
}
