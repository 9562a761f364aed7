// `run`, `resume` and `retry-failed`: one path through the engine and the store, so a
// resumed run ends with the same summary and exit codes as a fresh one.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { ExportConfig } from '../../shared/config.js';
import { loadConfigFile, resolveConfig } from '../../main/engine/load.js';
import { checkExport, ConfigError, type RunSummary } from '../../main/engine/runner.js';
import { executeRun, prepareContinuation, type ExecuteRunResult } from '../../main/app/run/execute.js';
import { checkInputFile } from '../../main/app/run/input.js';
import { fileIdentity, openSource } from '../../main/sources/index.js';
import { openStore, type Store } from '../../main/store/db.js';
import { defaultDbPath } from '../../main/store/paths.js';
import { parse, str } from '../args.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { printIssues } from '../issues.js';
import { createProgressReporter } from '../progress.js';

export function exitCodeFor(status: RunSummary['status']): number {
  if (status === 'succeeded') return EXIT.ok;
  if (status === 'aborted') return EXIT.aborted;
  return EXIT.failedRecords;
}

function printSummary(io: CliIo, s: RunSummary, json: boolean, extra: Record<string, unknown>): void {
  if (json) {
    io.stdout(
      `${JSON.stringify({
        runId: s.runId,
        status: s.status,
        records: s.records,
        requests: { sent: s.requests.sent, retried: s.requests.retried },
        ...(s.dryRun ? { dryRun: true, planned: s.requests.planned } : {}),
        durationMs: s.durationMs,
        ...(s.error ? { error: s.error } : {}),
        ...extra,
      })}\n`,
    );
    return;
  }
  const r = s.records;
  const lines = [
    `run ${s.runId} ${s.status}${s.dryRun ? ' (dry run: nothing sent)' : ''}`,
    `  records   ${r.total} total · ${r.succeeded} succeeded · ${r.failed} failed${r.skipped ? ` · ${r.skipped} skipped (no action)` : ''}`,
    s.dryRun
      ? `  planned   ${Object.entries(s.requests.planned).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(' · ') || 'no requests'}`
      : `  requests  ${s.requests.sent} sent · ${s.requests.retried} retried`,
    `  took      ${(s.durationMs / 1000).toFixed(2)} s`,
  ];
  if (s.error) lines.push(`  error     ${s.error}`);
  for (const [k, v] of Object.entries(extra)) if (typeof v === 'string') lines.push(`  ${k.padEnd(9)} ${v}`);
  io.stdout(`${lines.join('\n')}\n`);
}

function openStoreOrReport(io: CliIo, dbPath: string): Store | null {
  try {
    return openStore(dbPath);
  } catch (err) {
    io.stderr(`${(err as Error).message}\n`);
    return null;
  }
}

interface Execution {
  config: ExportConfig;
  secrets: string[];
  input: string;
  runId: string;
  store: Store | null;
  json: boolean;
  previous?: (seq: number) => 'succeeded' | 'failed' | undefined;
  only?: (seq: number) => boolean;
  dryRun: boolean;
  label: string;
  dbPath?: string;
}

async function execute(io: CliIo, ex: Execution): Promise<number> {
  const progress = createProgressReporter(io, ex.label);
  let result: ExecuteRunResult;
  try {
    result = await executeRun({
      store: ex.store,
      config: ex.config,
      secrets: ex.secrets,
      source: openSource(ex.input, io.signal ? { signal: io.signal } : {}),
      file: ex.input,
      runId: ex.runId,
      onEvent: (e) => progress.onEvent(e),
      dryRun: ex.dryRun,
      ...(io.signal ? { signal: io.signal } : {}),
      ...(ex.previous ? { previous: ex.previous } : {}),
      ...(ex.only ? { only: ex.only } : {}),
    });
  } catch (err) {
    progress.done();
    if (err instanceof ConfigError) return printIssues(io, 'config', err.issues);
    io.stderr(`run failed: ${(err as Error).message}\n`);
    return EXIT.aborted;
  }
  progress.done();
  const summary = result.summary;
  if (result.warning) io.stderr(`warning: ${result.warning}\n`);
  printSummary(io, summary, ex.json, ex.dbPath && !ex.dryRun ? { db: ex.dbPath } : {});
  const db = ex.dbPath ? ` --db ${ex.dbPath}` : '';
  if (summary.status === 'aborted' && !ex.dryRun) io.stderr(`resume with: outbound resume ${summary.runId}${db}\n`);
  if (summary.records.failed > 0 && !ex.dryRun && ex.store) {
    io.stderr(`why records failed: outbound log ${summary.runId} --failed${db} · re-send them: outbound retry-failed ${summary.runId}${db}\n`);
  }
  return exitCodeFor(summary.status);
}

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('run', argv, {
    input: { type: 'string', short: 'i' },
    db: { type: 'string' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const configPath = positionals[0];
  const input = str(values.input);
  if (!configPath || positionals.length > 1) throw new UsageError('run: usage: outbound run <config> --input <file> [--db <path>] [--dry-run] [--json]');
  if (!input) throw new UsageError('run: --input <file> is required');
  const loaded = await loadConfigFile(configPath, io.env);
  if (!loaded.ok) return printIssues(io, configPath, loaded.issues);
  const inputProblem = await checkInputFile(input);
  if (inputProblem) {
    io.stderr(`${inputProblem}\n`);
    return EXIT.invalid;
  }
  const issues = checkExport(loaded.config, input);
  if (issues.length > 0) return printIssues(io, configPath, issues);
  const dryRun = values['dry-run'] === true;
  const runId = randomUUID();
  if (dryRun) {
    return execute(io, { config: loaded.config, secrets: loaded.secrets, input, runId, store: null, json: values.json === true, dryRun, label: 'dry run' });
  }
  const dbPath = str(values.db) ?? defaultDbPath({ env: io.env });
  const store = openStoreOrReport(io, dbPath);
  if (!store) return EXIT.invalid;
  try {
    const identity = await fileIdentity(input);
    store.createRun({
      id: runId,
      destination: loaded.config.destination.name,
      audience: loaded.config.audience.name,
      config: loaded.raw,
      inputPath: resolve(input),
      inputIdentity: identity,
    });
    return await execute(io, { config: loaded.config, secrets: loaded.secrets, input, runId, store, json: values.json === true, dryRun, label: 'run', dbPath });
  } finally {
    store.close();
  }
}

/** `resume <runId>` and `retry-failed <runId>`: the same run, the same summary. */
export async function continueCommand(mode: 'resume' | 'retry-failed', argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(mode, argv, { db: { type: 'string' }, json: { type: 'boolean' } });
  const given = positionals[0];
  if (!given || positionals.length > 1) throw new UsageError(`${mode}: usage: outbound ${mode} <runId> [--db <path>] [--json]`);
  const dbPath = str(values.db) ?? defaultDbPath({ env: io.env });
  const store = openStoreOrReport(io, dbPath);
  if (!store) return EXIT.invalid;
  try {
    const runId = store.resolveRunId(given) ?? given;
    const run = store.getRun(runId);
    if (!run) {
      io.stderr(`${mode}: no run ${given} in ${dbPath} (see: outbound runs --db ${dbPath})\n`);
      return EXIT.invalid;
    }
    if (mode === 'resume' && run.status !== 'running' && run.status !== 'aborted') {
      io.stderr(`run ${runId} already finished (${run.status}); nothing to resume${run.status !== 'succeeded' ? `; to re-send its failed records: outbound retry-failed ${runId}` : ''}\n`);
      return exitCodeFor(run.status);
    }
    const prepared = await prepareContinuation(store, run, mode, (raw) => resolveConfig(raw, io.env));
    if (!prepared.ok) {
      if (prepared.kind === 'config') return printIssues(io, `run ${runId} config`, prepared.issues);
      io.stderr(`${prepared.message}\n`);
      return EXIT.invalid;
    }
    if (prepared.input.kind !== 'file') {
      io.stderr(`run ${runId} read a studio sample set; resume it in the studio\n`);
      return EXIT.invalid;
    }
    const input = prepared.input.path;
    store.markRunStatus(runId, 'running');
    return await execute(io, {
      config: prepared.config,
      secrets: prepared.secrets,
      input,
      runId,
      store,
      json: values.json === true,
      dryRun: false,
      label: mode,
      dbPath,
      previous: prepared.previous,
      ...(prepared.only ? { only: prepared.only } : {}),
    });
  } finally {
    store.close();
  }
}
