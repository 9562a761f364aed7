// `run`, `resume` and `retry-failed`: argv → app/ (which decides every precondition) →
// print. One execution path, so a resumed run ends with the same summary and exit codes.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { RunStatus } from '../../shared/status.js';
import type { LoadedConfig } from '../../main/app/config.js';
import { dryRun } from '../../main/app/dry-run.js';
import { networkWarnings } from '../../main/app/network.js';
import { executeRun, type ExecuteRunResult } from '../../main/app/run/execute.js';
import { inputIdentity, inputLabel, inputWarnings, openRunInput, type RunInput } from '../../main/app/run/input.js';
import { loadRunConfig, runEnv } from '../../main/app/run/stored-config.js';
import type { RecordSelection } from '../../main/app/run/selection.js';
import { startOptions } from '../../main/app/run/start-options.js';
import { defaultGroup, groupProblem, shardText } from '../../main/app/run/shard.js';
import { shardContinuation } from '../../main/app/run/continue-shard.js';
import { checkRun, prepareContinue, prepareStart, type ContinueMode, type Refusal, type RunPlan } from '../../main/app/run/prepare.js';
import { ConfigError, type RunSummary } from '../../main/app/types.js';
import { openStore, type Store } from '../../main/store/db.js';
import { defaultDbPath } from '../../main/store/paths.js';
import { recordCounts } from '../../shared/format.js';
import type { SyncDiff } from '../../shared/sync.js';
import { syncModeOf, syncSelectionProblem } from '../../main/app/run/sync.js';
import { parse, str } from '../args.js';
import { CONFIG_FLAGS, loadWithFlags, many, SELECTION_FLAGS, selectionFlags } from '../config-flags.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { printIssues } from '../issues.js';
import { INPUT_FLAGS, inputFromFlags } from '../input-flags.js';
import { createProgressReporter } from '../progress.js';
import { runJson } from '../run-json.js';

export const RUN_USAGE =
  'outbound run <config> --input <file | postgres://…> [--query "select …"] [--db <path>] [--dry-run] [--json] [--sync full|diff] [--limit N] [--only-key K]... [--shard i/N [--group G] [--continue] [--audience-wait S]] [--env-file <path>]... [--set path=value]...';

export function exitCodeFor(status: RunStatus): number {
  if (status === 'succeeded') return EXIT.ok;
  if (status === 'aborted' || status === 'running') return EXIT.aborted;
  return EXIT.failedRecords;
}

/** What the summary adds about the record selection (--limit, --only-key, --shard). */
interface Selected {
  selection?: RecordSelection | undefined;
  missingKeys?: string[] | undefined;
  /** The dry run of a shard: the records it takes of those read. */
  shardCounts?: { taken: number; of: number } | undefined;
  group?: string | undefined;
  /** A membership diff run's comparison with the delivered membership. */
  sync?: SyncDiff | undefined;
}

/** The membership diff as the summary prints it: counts, then a few keys of each class. */
function syncLines(d: SyncDiff): string[] {
  const examples = (label: string, count: number, keys: string[]) => (count > 0 ? [`    ${label.padEnd(9)} ${keys.join(', ')}${count > keys.length ? ', …' : ''}`] : []);
  return [
    `  diff      ${d.added} added · ${d.changed} changed (sent as adds) · ${d.removed} removed · ${d.unchanged} unchanged${d.duplicates > 0 ? ` · ${d.duplicates} duplicate keys` : ''}${d.kept > 0 ? ` · ${d.kept} kept (record failed)` : ''}`,
    ...examples('added', d.added, d.examples.added),
    ...examples('changed', d.changed, d.examples.changed),
    ...examples('removed', d.removed, d.examples.removed),
    ...examples('unchanged', d.unchanged, d.examples.unchanged),
    ...(d.removalsHeld ? [`  warning   ${d.removalsHeld}`] : []),
  ];
}

function selectionLine(sel: RecordSelection | undefined, selected: Selected = {}): string | null {
  if (!sel) return null;
  const counts = selected.shardCounts;
  const parts = [
    ...(sel.limit !== undefined ? [`first ${sel.limit} record${sel.limit === 1 ? '' : 's'} of the input`] : []),
    ...(sel.onlyKeys?.length ? [`only key${sel.onlyKeys.length === 1 ? '' : 's'} ${sel.onlyKeys.join(', ')}`] : []),
    ...(sel.shard
      ? [
          `shard ${shardText(sel.shard)}${counts ? `: ${counts.taken} of ${counts.of} record${counts.of === 1 ? '' : 's'} read` : ''}${selected.group !== undefined ? ` (group ${selected.group})` : ''}`,
        ]
      : []),
  ];
  return `  selected  ${parts.join(' · ')}`;
}

function printSummary(io: CliIo, s: RunSummary, json: boolean, store: Store | null, db?: string, selected: Selected = {}): void {
  const missing = selected.missingKeys ?? [];
  if (missing.length > 0) io.stderr(`warning: --only-key: no record of the input has key${missing.length === 1 ? '' : 's'} ${missing.join(', ')}\n`);
  if (json) {
    const row = store?.getRun(s.runId);
    const sel = selected.selection;
    io.stdout(
      `${JSON.stringify({
        ...(row ? runJson(row) : {}),
        ...(!row && sel?.limit !== undefined ? { limit: sel.limit } : {}),
        ...(!row && sel?.onlyKeys ? { onlyKeys: sel.onlyKeys } : {}),
        ...(!row && sel?.shard ? { shard: { ...sel.shard, ...(selected.shardCounts ?? {}) } } : {}),
        ...(missing.length > 0 ? { missingKeys: missing } : {}),
        ...(selected.sync ? { sync: { mode: 'diff', ...selected.sync } } : {}),
        runId: s.runId,
        status: s.status,
        records: s.records,
        skippedReasons: s.skippedReasons,
        requests: { sent: s.requests.sent, retried: s.requests.retried },
        ...(s.dryRun ? { dryRun: true, planned: s.requests.planned } : {}),
        durationMs: s.durationMs,
        ...(s.error ? { error: s.error } : {}),
        ...(db ? { db } : {}),
      })}\n`,
    );
    return;
  }
  const r = s.records;
  const lines = [
    `run ${s.runId} ${s.status}${s.dryRun ? ' (dry run: nothing sent)' : ''}`,
    ...(selectionLine(selected.selection, selected) !== null ? [selectionLine(selected.selection, selected)!] : []),
    `  records   ${recordCounts(r)}`,
    ...(selected.sync ? syncLines(selected.sync) : []),
    ...s.skippedReasons.map((k) => `  skipped   ${k.count}: ${k.reason}`),
    s.dryRun
      ? `  planned   ${Object.entries(s.requests.planned).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(' · ') || 'no requests'}`
      : `  requests  ${s.requests.sent} sent · ${s.requests.retried} retried`,
    `  took      ${(s.durationMs / 1000).toFixed(2)} s`,
  ];
  if (s.error) lines.push(`  error     ${s.error}`);
  if (db) lines.push(`  db        ${db}`);
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

/** A refusal as the CLI says it: config issues one per line, anything else one line; exit 2. */
function printRefusal(io: CliIo, where: string, refused: Refusal): number {
  if (refused.kind === 'config') return printIssues(io, where, refused.issues);
  io.stderr(`${refused.message}\n`);
  if (refused.kind === 'nothing-to-do' && refused.status) return exitCodeFor(refused.status);
  return EXIT.invalid;
}

async function execute(io: CliIo, store: Store, plan: RunPlan, json: boolean, label: string, dbPath: string, audienceWaitMs?: number): Promise<number> {
  // Loud on every run, resumed ones included: an unverified certificate is a standing risk.
  for (const warning of networkWarnings(plan.loaded.config, plan.loaded.networkWarnings)) io.stderr(`${warning}\n`);
  for (const warning of inputWarnings(plan.input)) io.stderr(`warning: ${warning}\n`);
  const progress = createProgressReporter(io, label);
  let result: ExecuteRunResult;
  try {
    result = await executeRun(store, plan, { onEvent: (e) => progress.onEvent(e), ...(io.signal ? { signal: io.signal } : {}), ...(audienceWaitMs !== undefined ? { audienceWaitMs } : {}) });
  } catch (err) {
    progress.done();
    if (err instanceof ConfigError) return printIssues(io, 'config', err.issues);
    io.stderr(`run failed: ${plan.loaded.redactor.text((err as Error).message)}\n`);
    return EXIT.aborted;
  }
  progress.done();
  const summary = result.summary;
  if (result.warning) io.stderr(`warning: ${result.warning}\n`);
  printSummary(io, summary, json, store, dbPath, { selection: plan.selection, missingKeys: result.missingKeys, group: store.getRun(summary.runId)?.options?.group, sync: result.sync });
  const db = ` --db ${dbPath}`;
  if (summary.status === 'aborted') io.stderr(`resume with: outbound resume ${summary.runId}${db}\n`);
  if (summary.records.failed > 0 || summary.records.unconfirmed > 0) io.stderr(`why records failed: outbound log ${summary.runId} --failed${db} · re-send them: outbound retry-failed ${summary.runId}${db}\n`);
  return exitCodeFor(summary.status);
}

async function dryRunCommand(io: CliIo, loaded: LoadedConfig, input: RunInput, json: boolean, selection: RecordSelection | undefined, dbPath: string): Promise<number> {
  for (const warning of inputWarnings(input)) io.stderr(`warning: ${warning}\n`);
  // A diff compares with the membership the store delivered; with no store yet, every member is new.
  let store: Store | null = null;
  if (syncModeOf(loaded.config) === 'diff') {
    store = openStoreOrReport(io, existsSync(dbPath) ? dbPath : ':memory:');
    if (!store) return EXIT.invalid;
  }
  const progress = createProgressReporter(io, 'dry run');
  let out: Awaited<ReturnType<typeof dryRun>>;
  try {
    out = await dryRun(loaded, openRunInput(null, input, io.signal), {
      file: inputLabel(null, input),
      runId: randomUUID(),
      onEvent: (e) => progress.onEvent(e),
      ...(io.signal ? { signal: io.signal } : {}),
      ...(selection ? { selection } : {}),
      ...(store ? { sync: { store, stagingSource: openRunInput(null, input, io.signal) } } : {}),
    });
  } catch (err) {
    progress.done();
    io.stderr(`run failed: ${loaded.redactor.text((err as Error).message)}\n`);
    return EXIT.aborted;
  } finally {
    store?.close();
  }
  progress.done();
  if (!out.ok) return printIssues(io, 'config', out.issues);
  printSummary(io, out.summary, json, null, undefined, { selection, missingKeys: out.missingKeys, shardCounts: out.shard ? { taken: out.shard.taken, of: out.shard.of } : undefined, sync: out.sync });
  // The retry policy's worst case, per step (human output only: --json keeps its shape).
  if (!json) io.stdout(out.retries.map((r) => `  retries   ${r.step}: ${r.text}\n`).join(''));
  return exitCodeFor(out.summary.status);
}

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('run', argv, {
    ...INPUT_FLAGS,
    db: { type: 'string' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
    group: { type: 'string' },
    continue: { type: 'boolean' },
    'audience-wait': { type: 'string' },
    sync: { type: 'string' },
    ...SELECTION_FLAGS,
    ...CONFIG_FLAGS,
  });
  const configPath = positionals[0];
  if (!configPath || positionals.length > 1) throw new UsageError(`run: usage: ${RUN_USAGE}`);
  const selection = selectionFlags('run', values, io.env);
  const groupGiven = str(values.group);
  if (groupGiven !== undefined && !selection?.shard) throw new UsageError('run: --group names the shard runs of one export; give --shard i/N with it');
  const badGroup = groupGiven !== undefined ? groupProblem(groupGiven) : null;
  if (badGroup) throw new UsageError(`run: --group ${badGroup}`);
  if (values.continue === true && !selection?.shard) throw new UsageError("run: --continue goes on with a shard's unfinished run; give --shard i/N with it");
  const audienceWaitMs = audienceWaitFlag(str(values['audience-wait']), !!selection?.shard);
  // --sync is sugar for --set sync.mode=…: recorded with the run's overrides, so resume keeps it.
  const syncFlag = str(values.sync);
  if (syncFlag !== undefined && syncFlag !== 'full' && syncFlag !== 'diff') throw new UsageError(`run: --sync is full or diff (got "${syncFlag}")`);
  if (syncFlag !== undefined) values.set = [...many(values.set), `sync.mode=${syncFlag}`];
  const flagged = await loadWithFlags('run', configPath, values, io);
  if (!flagged.ok) return printIssues(io, configPath, flagged.issues);
  const { loaded, overrides, envFiles } = flagged;
  const input = inputFromFlags('run', values, loaded, io.signal);
  const json = values.json === true;
  const selectionProblem = syncSelectionProblem(loaded.config, selection);
  if (selectionProblem) throw new UsageError(`run: ${selectionProblem}`);
  // Refused before the store is opened: a config or input that cannot run leaves no trace.
  const checked = await checkRun(null, loaded, input);
  // Stopped while the input was checked (a count the server was still running): nothing began.
  if (!checked.ok && io.signal?.aborted) {
    io.stderr(`run: stopped before it started (${(io.signal.reason as Error)?.message ?? 'interrupted'}); nothing was sent or recorded\n`);
    return EXIT.aborted;
  }
  if (!checked.ok) return printRefusal(io, configPath, checked);
  const dbPath = str(values.db) ?? defaultDbPath({ env: io.env });
  if (values['dry-run'] === true) return dryRunCommand(io, loaded, input, json, selection, dbPath);
  const store = openStoreOrReport(io, dbPath);
  if (!store) return EXIT.invalid;
  try {
    // Stored with literal secrets masked; the file's path and hash let a resume re-read them.
    // So are the selection, the --set overrides (as stored: secrets masked) and the env files' paths.
    // A shard belongs to a group: the one given, else one every shard of this export derives alike.
    const group = selection?.shard ? (groupGiven ?? defaultGroup(loaded.stored, await inputIdentity(null, input), selection.shard.count)) : undefined;
    // A retried pod (--continue): this shard's run of this very export (same input, config
    // and selection) goes on where it stopped, with every precondition of `resume`; once it
    // finished, nothing starts again (the pod ends with that run's exit code).
    if (values.continue === true && group !== undefined && selection?.shard) {
      const here = await shardContinuation(store, { group, shard: selection.shard, storedConfig: loaded.stored, input, selection });
      const which = `shard ${shardText(selection.shard)} of group ${group}`;
      if (here.kind === 'continue') {
        io.stderr(`run: ${which} has an unfinished run (${here.run.status}); continuing run ${here.run.id}\n`);
        return await continueInStore(io, store, here.run.id, 'resume', envFiles, json, dbPath, audienceWaitMs);
      }
      if (here.kind === 'finished') {
        const code = exitCodeFor(here.run.status);
        const failed = here.run.records.failed > 0 ? `; re-send its failed records: outbound retry-failed ${here.run.id} --db ${dbPath}` : '';
        io.stderr(`run: ${which} already ran this input with this config: run ${here.run.id} ${here.run.status}; not starting another (exit ${code}; drop --continue to send it again)${failed}\n`);
        if (json) io.stdout(`${JSON.stringify({ ...runJson(here.run), db: dbPath })}\n`);
        return code;
      }
      if (here.why) io.stderr(`run: ${here.why}; starting a new run\n`);
    }
    const options = startOptions(loaded, { ...(selection ? { selection } : {}), overrides, envFiles, ...(group !== undefined ? { group } : {}) });
    const plan = await prepareStart(store, checked.run, { storedConfig: loaded.stored, options });
    return await execute(io, store, plan, json, 'run', dbPath, audienceWaitMs);
  } finally {
    store.close();
  }
}

/** `resume <runId>` and `retry-failed <runId>`: the same run, the same summary. */
export async function continueCommand(mode: ContinueMode, argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(mode, argv, { db: { type: 'string' }, json: { type: 'boolean' }, 'env-file': CONFIG_FLAGS['env-file']! });
  const given = positionals[0];
  if (!given || positionals.length > 1) throw new UsageError(`${mode}: usage: outbound ${mode} <runId> [--db <path>] [--env-file <path>]... [--json]`);
  const envFiles = many(values['env-file']);
  const dbPath = str(values.db) ?? defaultDbPath({ env: io.env });
  const store = openStoreOrReport(io, dbPath);
  if (!store) return EXIT.invalid;
  try {
    return await continueInStore(io, store, given, mode, envFiles, values.json === true, dbPath);
  } finally {
    store.close();
  }
}

/** A recorded run goes on (resume, retry-failed, run --continue); the store stays open. */
async function continueInStore(io: CliIo, store: Store, given: string, mode: ContinueMode, envFiles: readonly string[], json: boolean, dbPath: string, audienceWaitMs?: number): Promise<number> {
  // The run's own env files are read again (their values are never stored) unless others are given.
  const prepared = await prepareContinue(
    store,
    given,
    mode,
    async (_stored, run) => {
      const env = await runEnv(run, io.env, envFiles);
      return env.ok ? loadRunConfig(run, env.env) : env;
    },
    io.signal ? { signal: io.signal } : {},
  );
  if (!prepared.ok && io.signal?.aborted) {
    io.stderr(`${mode}: stopped before it started (${(io.signal.reason as Error)?.message ?? 'interrupted'})\n`);
    return EXIT.aborted;
  }
  if (!prepared.ok) {
    if (prepared.kind === 'not-found') {
      io.stderr(`${mode}: no run ${given} in ${dbPath} (see: outbound runs --db ${dbPath})\n`);
      return EXIT.invalid;
    }
    return printRefusal(io, `run ${store.resolveRunId(given) ?? given} config`, prepared);
  }
  return await execute(io, store, prepared.plan, json, mode, dbPath, audienceWaitMs);
}

/** `--audience-wait S`: how long a shard other than 0 looks for the audience shard 0 creates. */
function audienceWaitFlag(text: string | undefined, sharded: boolean): number | undefined {
  if (text === undefined) return undefined;
  if (!sharded) throw new UsageError('run: --audience-wait is how long a shard waits for the audience shard 0 creates; give --shard i/N with it');
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || Number(text) > 86_400) throw new UsageError(`run: --audience-wait is seconds, 0 to 86400 (got "${text}")`);
  return Math.round(Number(text) * 1000);
}
