// Starting, resuming and retrying a run, with their preconditions decided here once for both
// hosts: the input can be read and has not changed, the config can run, the run is in a
// state that allows it, no other live process drives it (its lease, run/lease.ts). A host
// gets a RunPlan to execute (run/execute.ts) or a refusal; a new run can only start from
// what checkRun accepted.
import { randomUUID } from 'node:crypto';
import { formatIssues, type Issue } from '../../../shared/issues.js';
import type { RunStatus } from '../../../shared/status.js';
import type { Store } from '../../store/db.js';
import type { InputIdentity, RunRow, RunStartOptions } from '../../store/rows.js';
import { checkConfig } from '../check.js';
import type { Loaded, LoadedConfig } from '../config.js';
import { checkInput, countInput, describeInputChange, inputFromPath, inputIdentity, inputLabel, inputPathOf, reopenInput, type RunInput } from './input.js';
import { dropLease, takeLease, type HeldLease } from './lease.js';
import type { RecordSelection } from './selection.js';
import { shardLoaded } from './shard.js';

/** Everything an execution needs; made only by prepareStart and prepareContinue. */
export interface RunPlan {
  runId: string;
  loaded: LoadedConfig;
  input: RunInput;
  /** The input's name in record errors (`file:line`). */
  file: string;
  /** Records in the input when known without reading it (a sample set). */
  total?: number;
  /** What `{{now}}` renders (epoch ms): the run's creation, so a resume or retry-failed sends the same bodies. */
  now?: number;
  /** Resume: how a record already ended (it is counted, not re-sent). */
  previous?: (seq: number) => 'succeeded' | 'failed' | undefined;
  /** retry-failed: only these records are sent. */
  only?: (seq: number) => boolean;
  /** The run's lease, taken for this execution: executeRun keeps it and lets go (a plan is always executed). */
  lease: HeldLease;
  /** The input as the run first read it: the execution stops if it changes. */
  inputIdentity: InputIdentity | null;
  /** Which records take part (--limit, --only-key): the run's own, on every session. */
  selection?: RecordSelection;
}

export type Refusal =
  | { ok: false; kind: 'config'; issues: Issue[]; message: string }
  | { ok: false; kind: 'input' | 'not-found' | 'nothing-to-do' | 'busy'; message: string; status?: RunStatus };

export type Prepared = { ok: true; plan: RunPlan } | Refusal;

function refuse(kind: 'input' | 'not-found' | 'nothing-to-do' | 'busy', message: string, status?: RunStatus): Refusal {
  return { ok: false, kind, message, ...(status ? { status } : {}) };
}

function refuseConfig(issues: Issue[], prefix = ''): Refusal {
  return { ok: false, kind: 'config', issues, message: `${prefix}${formatIssues(issues)}` };
}

declare const checkedBrand: unique symbol;
/** A config and input checkRun accepted: the only way to prepareStart. */
export interface CheckedRun {
  readonly [checkedBrand]: true;
  readonly loaded: LoadedConfig;
  readonly input: RunInput;
}

/** What keeps `loaded` from running over `input` (the input first, then the config), or the checked pair. */
export async function checkRun(store: Store | null, loaded: LoadedConfig, input: RunInput): Promise<{ ok: true; run: CheckedRun } | Refusal> {
  const problem = await checkInput(store, input);
  if (problem) return refuse('input', problem);
  const issues = checkConfig(loaded, inputLabel(store, input));
  if (issues.length > 0) return refuseConfig(issues);
  return { ok: true, run: { loaded, input } as CheckedRun };
}

/** A new run from a checked config and input, recorded (config as written, never clear secrets). */
export async function prepareStart(store: Store, checked: CheckedRun, opts: { storedConfig: unknown; runId?: string; options?: RunStartOptions }): Promise<RunPlan> {
  const { loaded, input } = checked;
  const runId = opts.runId ?? randomUUID();
  const identity = await inputIdentity(store, input);
  store.createRun({
    id: runId,
    destination: loaded.config.destination.name,
    audience: loaded.config.audience.name,
    config: opts.storedConfig,
    configSource: loaded.source ?? null,
    inputPath: inputPathOf(input),
    inputIdentity: identity,
    ...(opts.options ? { options: opts.options } : {}),
  });
  const took = takeLease(store, runId, 'run');
  if (!took.ok) throw new Error(took.message); // a run just created: nobody else knows its id
  return planFor(store, runId, loaded, input, took.lease, identity, opts.options ?? null);
}

export type ContinueMode = 'resume' | 'retry-failed';

/**
 * Resume or retry-failed of a recorded run: it exists and is in a state that allows it, its
 * config still resolves (`resolve` turns the stored config into a runnable one: the CLI
 * resolves `${env:…}`, the studio also its stored secrets), its input is unchanged, and no
 * live process drives it (its lease is taken here). The run is marked running again.
 */
export async function prepareContinue(
  store: Store,
  runIdOrPrefix: string,
  mode: ContinueMode,
  resolve: (stored: unknown, run: RunRow) => Loaded | Promise<Loaded>,
  opts: { signal?: AbortSignal } = {},
): Promise<Prepared> {
  const runId = store.resolveRunId(runIdOrPrefix) ?? runIdOrPrefix;
  if (!store.getRun(runId)) return refuse('not-found', `no run ${runIdOrPrefix}`);
  // The lease first: while another process drives the run its state is still moving, and
  // once this process holds it, what the run row says is final.
  const took = takeLease(store, runId, mode);
  if (!took.ok) return refuse('busy', took.message);
  try {
    const prepared = await continueLeased(store, store.getRun(runId)!, mode, resolve, took.lease, opts.signal);
    if (!prepared.ok) dropLease(store, took.lease);
    return prepared;
  } catch (err) {
    dropLease(store, took.lease);
    throw err;
  }
}

/** prepareContinue once the lease is held: the run's state, its config and input, then the plan. */
async function continueLeased(
  store: Store,
  run: RunRow,
  mode: ContinueMode,
  resolve: (stored: unknown, run: RunRow) => Loaded | Promise<Loaded>,
  lease: HeldLease,
  signal?: AbortSignal,
): Promise<Prepared> {
  const runId = run.id;
  if (mode === 'resume' && run.status !== 'running' && run.status !== 'aborted') {
    const hint = run.status !== 'succeeded' ? `; to re-send its failed records: outbound retry-failed ${runId}` : '';
    return refuse('nothing-to-do', `run ${runId} already finished (${run.status}); nothing to resume${hint}`, run.status);
  }
  if (mode === 'retry-failed' && run.records.failed === 0 && run.status !== 'aborted') {
    return refuse('nothing-to-do', `run ${runId} has no failed records to retry`, run.status);
  }
  const loaded = await resolve(run.config, run);
  if (!loaded.ok) return refuseConfig(loaded.issues, `run ${runId} config: `);
  if (!run.inputPath) return refuse('input', `run ${runId} has no input file recorded; it cannot be resumed`);
  // A PostgreSQL input was recorded without its password: the config's source block supplies it.
  const input = reopenInput(inputFromPath(run.inputPath), loaded.config, loaded.pgEnv, signal);
  const problem = await checkInput(store, input);
  if (problem) return refuse('input', problem);
  if (run.inputIdentity) {
    const what = await describeInputChange(store, input, run.inputIdentity);
    if (what) {
      return refuse('input', `input ${run.inputPath} changed since run ${runId} started (${what}); refusing to ${mode}: records would be matched to the wrong lines`);
    }
  }
  if (store.syncStagingOfRun(runId)?.status === 'superseded') {
    return refuse('nothing-to-do', `run ${runId} is a membership diff, and a later run of this destination and audience has moved the delivered membership since; start a new run to send the current difference`, run.status);
  }
  const succeeded = store.settledSeqs(runId);
  const failed = store.failedSeqs(runId);
  // Records an answer counted without naming them were never taken as delivered: a resume
  // sends them again like unsettled ones (retry-failed does too: they are failure rows).
  const unconfirmed = store.unconfirmedSeqs(runId);
  store.markRunStatus(runId, 'running');
  return {
    ok: true,
    plan: {
      ...(await planFor(store, runId, loaded, input, lease, run.inputIdentity, run.options)),
      previous: (seq) => (succeeded.has(seq) ? 'succeeded' : failed.has(seq) && !unconfirmed.has(seq) ? 'failed' : undefined),
      ...(mode === 'retry-failed' ? { only: (seq: number) => failed.has(seq) } : {}),
    },
  };
}

async function planFor(
  store: Store,
  runId: string,
  loaded: LoadedConfig,
  input: RunInput,
  lease: HeldLease,
  identity: InputIdentity | null,
  options: RunStartOptions | null,
): Promise<RunPlan> {
  const selection = selectionOf(options);
  // A selected run's total is what the selection leaves, known only by reading the input.
  // A query's row count is known from the check that opened it (one probe per input).
  const total = (input.kind === 'samples' || input.kind === 'postgres') && !selection ? await countInput(store, input) : undefined;
  // `{{now}}` is the run's creation time: resume and retry-failed re-send the same bodies.
  const now = store.getRun(runId)?.createdAt;
  return {
    runId,
    // A shard paces at its share of requestsPerHour, on every session of the run.
    loaded: shardLoaded(loaded, selection?.shard),
    input,
    file: inputLabel(store, input),
    lease,
    inputIdentity: identity,
    ...(total !== undefined ? { total } : {}),
    ...(selection ? { selection } : {}),
    ...(now !== undefined ? { now } : {}),
  };
}

/** The record selection a run was started with (resume and retry-failed keep to it). */
export function selectionOf(options: RunStartOptions | null | undefined): RecordSelection | undefined {
  if (!options) return undefined;
  const selection: RecordSelection = {
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.onlyKeys?.length ? { onlyKeys: options.onlyKeys } : {}),
    ...(options.shard ? { shard: options.shard } : {}),
  };
  return Object.keys(selection).length > 0 ? selection : undefined;
}
