// CLI handlers over the store: `outbound runs`, `outbound log`, `outbound log --har`.
// They print and return an exit code (0 ok, 2 usage: unknown run, bad database).
import { existsSync } from 'node:fs';
import { openStore, StoreRefusal, type Store } from '../../main/store/db.js';
import { StoreError } from '../../main/store/errors.js';
import { writeHar } from '../../main/store/har.js';
import { defaultDbPath } from '../../main/store/paths.js';
import { runJson } from '../run-json.js';
import { formatDuration } from '../../shared/format.js';
import { summarizeGroup, type GroupRun, type GroupSummary } from '../../main/app/run/group.js';
import { describeStartOptions, formatWhen, runLogLines } from './runlog.js';

export interface CommandIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

/** Opens the database, runs `fn`, closes; a missing file, a StoreError or a store's refusal is reported, exit 2. */
export function withStore(db: string | undefined, io: CommandIo, command: string, fn: (store: Store) => number, onMissing?: (path: string) => number): number {
  let file: string;
  try {
    file = db ?? defaultDbPath({ create: false });
  } catch (err) {
    io.stderr(`outbound ${command}: cannot find the database folder: ${(err as Error).message}\n`);
    return 2;
  }
  if (!existsSync(file)) {
    if (onMissing) return onMissing(file);
    io.stderr(`outbound ${command}: no database at ${file} (no runs recorded yet; use --db to pick another file)\n`);
    return 2;
  }
  let store: Store;
  try {
    store = openStore(file);
  } catch (err) {
    if (err instanceof StoreError) {
      io.stderr(`outbound ${command}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  try {
    return fn(store);
  } catch (err) {
    if (err instanceof StoreError || err instanceof StoreRefusal) {
      io.stderr(`outbound ${command}: ${err.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    store.close();
  }
}

export function table(rows: string[][], rightAligned: ReadonlySet<number>): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 && !rightAligned.has(i) ? cell : rightAligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function runsCommand(args: { db?: string; json?: boolean }, io: CommandIo): number {
  const empty = (file: string): number => {
    if (args.json) io.stdout('[]\n');
    else io.stdout(`no runs yet (no database at ${file})\n`);
    return 0;
  };
  return withStore(
    args.db,
    io,
    'runs',
    (store) => {
      const runs = store.listRuns();
      if (args.json) {
        io.stdout(`${JSON.stringify(runs.map(runJson), null, 2)}\n`);
        return 0;
      }
      if (runs.length === 0) {
        io.stdout(`no runs yet in ${store.path}\n`);
        return 0;
      }
      // Started with --limit, --only-key, --set or --env-file: one more column says so.
      const withOptions = runs.some((r) => r.options !== null);
      const rows = [['WHEN', 'RUN', 'DESTINATION', 'AUDIENCE', 'RECORDS', 'OK', 'FAILED', 'SKIPPED', 'REQUESTS', 'RETRIED', 'STATUS', 'DURATION', ...(withOptions ? ['OPTIONS'] : [])]];
      for (const r of runs) {
        const start = r.startedAt ?? r.createdAt;
        rows.push([
          formatWhen(start),
          r.id,
          r.destination,
          r.audience,
          String(r.records.total),
          String(r.records.succeeded),
          String(r.records.failed),
          String(r.records.skipped),
          String(r.requests.sent),
          String(r.requests.retried),
          r.status,
          r.finishedAt === null ? '-' : formatDuration(r.finishedAt - start),
          ...(withOptions ? [describeStartOptions(r.options) || '-'] : []),
        ]);
      }
      io.stdout(`${table(rows, new Set([4, 5, 6, 7, 8, 9]))}\n`);
      return 0;
    },
    empty,
  );
}

/**
 * `runs --group G [--db <path>]...`: the group's runs from each store given (a shard's own
 * file, copied together), one row each, then the total over each shard's latest run and
 * the shards missing or unfinished.
 */
export function runsGroupCommand(args: { dbs: string[]; group: string; json?: boolean }, io: CommandIo): number {
  const all: GroupRun[] = [];
  for (const db of args.dbs) {
    const code = withStore(db, io, 'runs', (store) => {
      for (const run of store.listRuns()) all.push({ run, db: store.path });
      return 0;
    });
    if (code !== 0) return code;
  }
  const summary = summarizeGroup(args.group, all);
  if (args.json) {
    io.stdout(`${JSON.stringify(groupJson(summary, args.dbs.length > 1), null, 2)}\n`);
    return 0;
  }
  if (summary.runs.length === 0) {
    io.stdout(`no runs in group ${args.group} in ${args.dbs.join(', ')}\n`);
    return 0;
  }
  const manyDbs = args.dbs.length > 1;
  const rows = [['WHEN', 'RUN', 'SHARD', 'RECORDS', 'OK', 'FAILED', 'SKIPPED', 'REQUESTS', 'STATUS', 'DURATION', ...(manyDbs ? ['DB'] : [])]];
  const latest = new Set(summary.shards.map((s) => s.latest.run.id));
  for (const { run: r, db } of summary.runs) {
    const start = r.startedAt ?? r.createdAt;
    const shard = r.options?.shard;
    rows.push([
      formatWhen(start),
      r.id,
      `${shard ? `${shard.index}/${shard.count}` : '-'}${latest.has(r.id) ? '' : ' (earlier)'}`,
      String(r.records.total),
      String(r.records.succeeded),
      String(r.records.failed),
      String(r.records.skipped),
      String(r.requests.sent),
      r.status,
      r.finishedAt === null ? '-' : formatDuration(r.finishedAt - start),
      ...(manyDbs ? [db] : []),
    ]);
  }
  io.stdout(`${table(rows, new Set([3, 4, 5, 6, 7]))}\n${groupTotalLine(summary)}\n`);
  return 0;
}

/** The group's total and what keeps it from being complete, in one line. */
export function groupTotalLine(s: GroupSummary): string {
  const t = s.total;
  const counts = s.counts.length > 1 ? ` · shard counts disagree (${s.counts.join(', ')}): were these runs one export?` : '';
  const notes = [
    ...(s.missing.length > 0 ? [`missing shard${s.missing.length === 1 ? '' : 's'} ${s.missing.join(', ')}`] : []),
    ...(s.running.length > 0 ? [`still running (or interrupted) ${s.running.join(', ')}`] : []),
    ...(s.aborted.length > 0 ? [`aborted (resumable) ${s.aborted.join(', ')}`] : []),
  ];
  const n = s.counts.length > 0 ? Math.max(...s.counts) : 0;
  return (
    `group ${s.group}: ${s.shards.length} of ${n} shard${n === 1 ? '' : 's'} · ${t.records} records · ${t.delivered} delivered · ${t.failed} failed · ${t.skipped} skipped · ${t.pending} pending · ${t.requests.sent} requests` +
    `${notes.length > 0 ? ` · ${notes.join(' · ')}` : ' · complete'}${counts}`
  );
}

function groupJson(s: GroupSummary, withDb: boolean): unknown {
  return {
    group: s.group,
    shardCount: s.counts.length > 0 ? Math.max(...s.counts) : 0,
    runs: s.runs.map(({ run, db }) => ({ ...runJson(run), ...(withDb ? { db } : {}) })),
    total: s.total,
    shards: s.shards.map((sh) => ({ index: sh.index, runId: sh.latest.run.id, status: sh.latest.run.status, runs: sh.runs })),
    missing: s.missing,
    running: s.running,
    aborted: s.aborted,
    complete: s.finished,
  };
}

function unknownRun(io: CommandIo, command: string, runId: string, store: Store): number {
  io.stderr(`outbound ${command}: no run "${runId}" in ${store.path} (\`outbound runs\` lists the runs)\n`);
  return 2;
}

export function logCommand(args: { runId: string; db?: string; failedOnly?: boolean; json?: boolean }, io: CommandIo): number {
  return withStore(args.db, io, 'log', (store) => {
    const runId = store.resolveRunId(args.runId);
    const run = runId === null ? null : store.getRun(runId);
    if (runId === null || run === null) return unknownRun(io, 'log', args.runId, store);
    const failedOnly = args.failedOnly ?? false;
    if (!args.json) {
      for (const line of runLogLines(store, runId, { failedOnly })) io.stdout(`${line}\n`);
      return 0;
    }
    // One JSON object, written piece by piece so a large run is never one giant string.
    io.stdout(`{"run":${JSON.stringify(runJson(run))},"requests":[`);
    let first = true;
    for (const r of store.iterateRequests(runId, { failedOnly })) {
      io.stdout(`${first ? '\n' : ',\n'}${JSON.stringify(r)}`);
      first = false;
    }
    io.stdout('\n],"recordFailures":[');
    first = true;
    for (const o of store.iterateOutcomes(runId, { failedOnly: true })) {
      io.stdout(`${first ? '\n' : ',\n'}${JSON.stringify(o)}`);
      first = false;
    }
    io.stdout('\n]}\n');
    return 0;
  });
}

export function exportLogCommand(args: { runId: string; db?: string; harPath: string; version?: string }, io: CommandIo): number {
  if (!args.harPath || args.harPath.trim() === '') {
    io.stderr('outbound log: --har needs a file path\n');
    return 2;
  }
  return withStore(args.db, io, 'log', (store) => {
    const runId = store.resolveRunId(args.runId);
    if (runId === null) return unknownRun(io, 'log', args.runId, store);
    try {
      const { entries } = writeHar(store, runId, args.harPath, args.version ? { version: args.version } : {});
      io.stderr(`wrote ${entries} entr${entries === 1 ? 'y' : 'ies'} of run ${runId} to ${args.harPath}\n`);
      return 0;
    } catch (err) {
      if (err instanceof StoreError) throw err;
      const e = err as NodeJS.ErrnoException;
      io.stderr(`outbound log: cannot write ${args.harPath}: ${e.code ? `${e.code} ` : ''}${e.message}\n`);
      return 2;
    }
  });
}
