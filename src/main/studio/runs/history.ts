// The studio's run history: runs with their live state, a page of the request log with
// filters, the detail of one request (its attempts and the records it carried), and the
// HAR/NDJSON export, and the failed records ready to re-run. Reads only.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportFailed } from '../../app/run/export-failed.js';
import { loadRunConfig } from '../../app/run/stored-config.js';
import type { BodyView, RequestDetail, RequestFilterView, RequestRowView, RunView, StudioApi } from '../../../shared/api.js';
import type { Store } from '../../store/db.js';
import { runToHar } from '../../store/har.js';
import type { RequestFilter, RequestRow, RunRow } from '../../store/rows.js';
import type { StudioContext } from '../context.js';
import { isCancelled } from './cancelled.js';

export type HistoryArea = Pick<StudioApi, 'listRuns' | 'getRun' | 'runRequests' | 'requestDetail' | 'exportRun' | 'exportFailed'>;

/** Bodies shown in the detail pane are cut here; the full stored body is in HAR/NDJSON exports. */
export const DETAIL_BODY_BYTES = 64 * 1024;
const DEFAULT_PAGE = 200;

export function createRunHistory(ctx: StudioContext, isLive: (runId: string) => boolean): HistoryArea {
  const runView = (r: RunRow): RunView => {
    // Live until its run-finished event, even while its log is still being closed.
    const live = isLive(r.id);
    const start = r.startedAt ?? r.createdAt;
    const cancelled = !live && isCancelled(r);
    return {
      id: r.id,
      destination: r.destination,
      audience: r.audience,
      status: r.status,
      live,
      // A 'running' run another live process drives (it holds the lease) is running, not
      // interrupted; one whose driver is gone reads as aborted (store/lease.ts).
      // A run the user cancelled is not interrupted (cancelled.ts).
      interrupted: !live && !cancelled && (r.status === 'aborted' || (r.status === 'running' && !r.lease?.held)),
      cancelled,
      records: r.records,
      requests: r.requests,
      createdAt: r.createdAt,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      durationMs: r.finishedAt !== null ? r.finishedAt - start : null,
      input: r.inputPath,
      error: r.error,
    };
  };

  return {
    async listRuns() {
      return (await ctx.store()).listRuns().reverse().map(runView);
    },

    async getRun(runId) {
      const r = (await ctx.store()).getRun(runId);
      return r ? runView(r) : null;
    },

    async runRequests({ runId, filter, offset, limit }) {
      const store = await ctx.store();
      const f = toFilter(filter);
      const off = offset ?? 0;
      const rows = store.runRequests(runId, { ...f, offset: off, limit: limit ?? DEFAULT_PAGE });
      return { total: store.countRequests(runId, f), offset: off, rows: rows.map(rowView) };
    },

    async requestDetail({ runId, id }) {
      const store = await ctx.store();
      const [row] = store.runRequests(runId, { afterId: id - 1, limit: 1 });
      if (!row || row.id !== id) return null;
      // Every attempt of the same request (same session), in order.
      const attempts: RequestRow[] = [];
      for (const r of store.iterateRequests(runId, row.recordKeys[0] !== undefined ? { key: row.recordKeys[0], step: row.step } : { step: row.step }, 200)) {
        if (r.requestId === row.requestId && r.session === row.session) attempts.push(r);
        if (attempts.length >= 50) break;
      }
      const records = outcomesFor(store, runId, row);
      return {
        id: row.id,
        requestId: row.requestId,
        step: row.step,
        attempt: row.attempt,
        request: { method: row.method, url: row.url, headers: row.requestHeaders, body: bodyView(row.requestBody) },
        response: row.status === null ? null : { status: row.status, headers: row.responseHeaders ?? {}, body: bodyView(row.responseBody, row.bodyBytes) },
        error: row.errorKind || row.errorMessage ? { kind: row.errorKind, message: row.errorMessage } : null,
        timings: { startedAt: row.startedAt, answeredAt: row.answeredAt, ttfbMs: row.ttfbMs, totalMs: row.totalMs },
        attempts: attempts.map((a) => ({ id: a.id, attempt: a.attempt, status: a.status, errorKind: a.errorKind, totalMs: a.totalMs, retryDelayMs: a.retryDelayMs, retryReason: a.retryReason })),
        records,
      };
    },

    async exportRun({ runId, format }) {
      const store = await ctx.store();
      if (!store.getRun(runId)) throw new Error(`no run ${runId}`);
      if (format === 'har') return JSON.stringify(runToHar(store, runId), null, 2);
      const lines: string[] = [];
      for (const r of store.iterateRequests(runId)) lines.push(JSON.stringify(r));
      return lines.length ? `${lines.join('\n')}\n` : '';
    },

    async exportFailed({ runId }) {
      const store = await ctx.store();
      // The one export-failed of both hosts writes files; the studio hands their text to the page.
      const dir = await mkdtemp(join(tmpdir(), 'outbound-failed-'));
      try {
        const out = join(dir, 'failed');
        // A PostgreSQL input reopens through the run's config, against the environment it started with.
        const loadConfig = async (run: RunRow) => {
          const env = await ctx.envNamed(store.runEnvironment(run.id));
          return env ? loadRunConfig(run, env, (stored) => ctx.load(stored, env)) : { ok: false as const, issues: [] };
        };
        const res = await exportFailed(store, runId, out, { loadConfig });
        if (!res.ok) throw new Error(res.message);
        const [records, reasons] = await Promise.all([readFile(out, 'utf8'), readFile(res.reasonsPath, 'utf8')]);
        return { records, format: res.format, reasons, exported: res.exported };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },

  };
}

function bodyView(text: string | null, bytes?: number | null): BodyView | null {
  if (text === null) return null;
  const buf = Buffer.from(text, 'utf8');
  const whole = Math.max(bytes ?? buf.length, buf.length);
  if (buf.length <= DETAIL_BODY_BYTES) return { text, bytes: whole, shownBytes: buf.length, cut: whole > buf.length };
  let end = DETAIL_BODY_BYTES;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return { text: buf.subarray(0, end).toString('utf8'), bytes: whole, shownBytes: end, cut: true };
}

function toFilter(f: RequestFilterView | undefined): RequestFilter {
  const out: RequestFilter = {};
  if (!f) return out;
  if (f.step) out.step = f.step;
  if (f.failedOnly) out.failedOnly = true;
  if (f.errorKind) out.errorKind = f.errorKind;
  if (f.key) out.key = f.key;
  if (f.status === 'none') out.status = null;
  else if (f.status && /^[1-5]xx$/.test(f.status)) out.status = f.status as RequestFilter['status'];
  else if (f.status) out.status = Number(f.status);
  return out;
}

function rowView(r: RequestRow): RequestRowView {
  return {
    id: r.id,
    requestId: r.requestId,
    session: r.session,
    step: r.step,
    attempt: r.attempt,
    method: r.method,
    url: r.url,
    status: r.status,
    errorKind: r.errorKind,
    recordCount: r.recordCount,
    totalMs: r.totalMs,
    startedAt: r.startedAt,
    failed: r.failed,
    retryDelayMs: r.retryDelayMs,
  };
}

/**
 * The records a request carried and how each ended. Failures come from the store's failure
 * list (small: only failed records have rows); a record that did not fail was delivered
 * when an attempt of this request was acknowledged, else it is still unsettled.
 */
/** The records a request carried and their outcome as the store has it (latest wins). */
function outcomesFor(store: Store, runId: string, row: RequestRow): RequestDetail['records'] {
  const keys = row.recordKeys.slice(0, 1000);
  if (keys.length === 0) return [];
  const known = store.outcomesByKey(runId, keys);
  return keys.map((key) => {
    const o = known.get(key);
    return o ? { key, status: o.status, reason: o.reason } : { key, status: 'unsettled' as const, reason: null };
  });
}
