// `run`, `resume` and `retry-failed`: one path through the engine and the store, so a
// resumed run ends with the same summary and exit codes as a fresh one.
import { randomUUID } from 'node:crypto';
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ExportConfig } from '../../shared/config.js';
import { loadConfigFile, resolveConfig } from '../../main/engine/load.js';
import { checkExport, ConfigError, runExport, type RunSummary } from '../../main/engine/runner.js';
import type { RunEvent } from '../../main/engine/types.js';
import { describeIdentityChange, detectFormat, fileIdentity, openSource } from '../../main/sources/index.js';
import { openStore, type Store } from '../../main/store/db.js';
import { defaultDbPath } from '../../main/store/paths.js';
import { createRunRecorder } from '../../main/store/recorder.js';
import { parse, str } from '../args.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { createProgressReporter } from '../progress.js';

function printIssues(io: CliIo, file: string, issues: Array<{ path: string; message: string }>): number {
  for (const i of issues) io.stderr(`${file}: ${i.path}: ${i.message}\n`);
  return EXIT.invalid;
}

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

async function checkInput(input: string): Promise<string | null> {
  try {
    detectFormat(input);
  } catch (err) {
    return (err as Error).message;
  }
  try {
    await access(input);
  } catch {
    return `input file not found: ${input}`;
  }
  return null;
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
  const recorder = ex.store ? createRunRecorder(ex.store, ex.runId) : null;
  const onEvent = (e: RunEvent) => {
    recorder?.onEvent(e);
    progress.onEvent(e);
  };
  let summary: RunSummary;
  try {
    summary = await runExport({
      config: ex.config,
      secrets: ex.secrets,
      source: openSource(ex.input, io.signal ? { signal: io.signal } : {}),
      file: ex.input,
      runId: ex.runId,
      onEvent,
      dryRun: ex.dryRun,
      ...(io.signal ? { signal: io.signal } : {}),
      ...(ex.previous ? { previous: ex.previous } : {}),
      ...(ex.only ? { only: ex.only } : {}),
    });
  } catch (err) {
    progress.done();
    try {
      recorder?.close();
    } catch {
      // the engine's error below is the one to report
    }
    if (err instanceof ConfigError) return printIssues(io, 'config', err.issues);
    io.stderr(`run failed: ${(err as Error).message}\n`);
    return EXIT.aborted;
  }
  progress.done();
  if (ex.store && recorder) {
    try {
      if (summary.remoteAudience !== undefined) ex.store.setRemoteAudience(ex.runId, summary.remoteAudience);
      recorder.close();
      // A resumed run reports the whole run: requests of earlier sessions included.
      const stored = ex.store.getRun(ex.runId);
      if (stored) summary = { ...summary, requests: { ...summary.requests, sent: stored.requests.sent, retried: stored.requests.retried } };
    } catch (err) {
      io.stderr(`warning: the run log could not be written completely (${(err as Error).message}); the export itself finished as summarised\n`);
    }
  }
  printSummary(io, summary, ex.json, ex.dbPath && !ex.dryRun ? { db: ex.dbPath } : {});
  if (summary.status === 'aborted' && !ex.dryRun) io.stderr(`resume with: outbound resume ${summary.runId}${ex.dbPath ? ` --db ${ex.dbPath}` : ''}\n`);
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
  const inputProblem = await checkInput(input);
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
    const resolved = resolveConfig(run.config, io.env);
    if (!resolved.ok) return printIssues(io, `run ${runId} config`, resolved.issues);
    const input = run.inputPath;
    if (!input) {
      io.stderr(`run ${runId} has no input file recorded; it cannot be resumed\n`);
      return EXIT.invalid;
    }
    const inputProblem = await checkInput(input);
    if (inputProblem) {
      io.stderr(`${inputProblem}\n`);
      return EXIT.invalid;
    }
    if (run.inputIdentity) {
      const what = describeIdentityChange(run.inputIdentity, await fileIdentity(input));
      if (what) {
        io.stderr(`input ${input} changed since run ${runId} started (${what}); refusing to ${mode}: records would be matched to the wrong lines\n`);
        return EXIT.invalid;
      }
    }
    const succeeded = store.settledSeqs(runId);
    const failed = store.failedSeqs(runId);
    const previous = (seq: number) => (succeeded.has(seq) ? 'succeeded' : failed.has(seq) ? 'failed' : undefined);
    store.markRunStatus(runId, 'running');
    return await execute(io, {
      config: resolved.config,
      secrets: resolved.secrets,
      input,
      runId,
      store,
      json: values.json === true,
      dryRun: false,
      label: mode,
      dbPath,
      previous,
      ...(mode === 'retry-failed' ? { only: (seq: number) => failed.has(seq) } : {}),
    });
  } finally {
    store.close();
  }
}
