// The human log of a run (`outbound log <runId>`): one line per attempt, then the records
// that failed and why.
import { formatDuration, plural } from '../../shared/format.js';
import { recordUnit } from '../../shared/record-place.js';
import type { Store } from '../../main/store/db.js';
import type { RequestRow, RunRow } from '../../main/store/rows.js';

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local `YYYY-MM-DD HH:MM:SS`. */
export function formatWhen(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Local `HH:MM:SS.mmm`. */
function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function runHeadline(run: RunRow): string {
  const parts = [
    `run ${run.id}`,
    `${run.destination} → ${run.audience}`,
    run.status,
    `records ${run.records.succeeded}/${run.records.total} succeeded${unconfirmedNote(run.records.unconfirmed)}, ${run.records.failed} failed${run.records.skipped ? `, ${run.records.skipped} skipped` : ''}`,
    `requests ${run.requests.sent} sent, ${run.requests.retried} retried`,
    `started ${formatWhen(run.startedAt ?? run.createdAt)}`,
  ];
  if (run.finishedAt !== null) parts.push(`took ${formatDuration(run.finishedAt - (run.startedAt ?? run.createdAt))}`);
  const options = describeStartOptions(run.options);
  if (options) parts.push(options);
  return parts.join('  ·  ');
}

/** What a run was started with besides config and input, as `runs` and `log` show it; '' when nothing. */
export function describeStartOptions(options: RunRow['options']): string {
  if (!options) return '';
  const parts = [
    ...(options.limit !== undefined ? [`--limit ${options.limit}`] : []),
    ...(options.onlyKeys ?? []).map((k) => `--only-key ${k}`),
    ...(options.overrides ?? []).map((o) => `--set ${o.path}=${JSON.stringify(o.value)}`),
    ...(options.envFiles ?? []).map((f) => `--env-file ${f}`),
    ...(options.shard ? [`--shard ${options.shard.index}/${options.shard.count}`] : []),
    ...(options.group !== undefined ? [`--group ${options.group}`] : []),
  ];
  return parts.join(' ');
}

/** Unconfirmed records are counted in succeeded but listed under record failures: say so. */
function unconfirmedNote(n: number): string {
  return n > 0 ? ` (${n} unconfirmed: acknowledged by count without naming which, listed below and re-sent by retry-failed)` : '';
}

function outcomeOf(r: RequestRow): string {
  if (r.status !== null) return String(r.status);
  if (r.errorKind !== null || r.errorMessage !== null) return `ERR ${r.errorKind ?? 'error'}: ${r.errorMessage ?? ''}`.trimEnd();
  return 'no response';
}

export function requestLine(r: RequestRow): string {
  const cols = [
    r.startedAt !== null ? formatClock(r.startedAt) : '--:--:--.---',
    r.step.padEnd(14),
    r.method.padEnd(6),
    r.url,
    outcomeOf(r),
    `attempt ${r.attempt}`,
    r.totalMs !== null ? `${Math.round(r.totalMs)} ms` : '- ms',
    plural(r.recordCount, 'record'),
  ];
  let line = cols.join('  ');
  if (r.truncated) line += `  (response cut: ${r.bodyBytes ?? '?'} bytes in all)`;
  if (r.retryDelayMs !== null) line += `  → retry in ${formatDuration(r.retryDelayMs)}${r.retryReason ? ` (${r.retryReason})` : ''}`;
  return line;
}

/** The log as lines, streamed from the store. */
export function* runLogLines(store: Store, runId: string, opts: { failedOnly?: boolean } = {}): IterableIterator<string> {
  const run = store.getRun(runId);
  if (!run) throw new RangeError(`unknown run "${runId}" in ${store.path}`);
  yield runHeadline(run);
  if (run.error) yield `error: ${run.error}`;
  let n = 0;
  for (const r of store.iterateRequests(runId, { failedOnly: opts.failedOnly ?? false })) {
    if (n === 0) yield opts.failedOnly ? 'failed requests:' : 'requests:';
    yield `  ${requestLine(r)}`;
    n++;
  }
  if (n === 0) yield opts.failedOnly ? 'no failed requests' : 'no requests';
  let f = 0;
  for (const o of store.iterateOutcomes(runId, { failedOnly: true })) {
    if (f === 0) yield 'record failures:';
    const where = o.location ?? (o.line !== null ? `${recordUnit(run.inputPath)} ${o.line}` : `record #${o.seq + 1}`);
    const key = o.key !== '' ? ` key ${o.key}` : '';
    const via = o.requestId !== null ? ` (request ${o.requestId})` : '';
    yield `  ${where}${key}: ${o.reason ?? 'failed'}${via}`;
    f++;
  }
  if (f === 0 && opts.failedOnly) yield 'no failed records';
}

export function formatRunLog(store: Store, runId: string, opts: { failedOnly?: boolean } = {}): string[] {
  return [...runLogLines(store, runId, opts)];
}
