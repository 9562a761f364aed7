// The membership diff (config `sync.mode: diff`, issue 12), decided once for both hosts:
// stage the input's keys and hashes in the store, classify them against the last delivered
// membership in SQL, then hand the runner which records to send and which members to
// remove. Memory stays flat: the staging is written in batches, the classes and the removes
// are read back in pages, and only in-flight records' hashes are held (for the recorder,
// which moves the membership in the commit of each outcome).
import type { ExportConfig, SyncMode } from '../../../shared/config.js';
import type { Issue } from '../../../shared/issues.js';
import { parseJsonExact } from '../../engine/exact.js';
import { createRecordPreparer, isStandInKey } from '../../engine/records.js';
import { templateFields } from '../../engine/template/compile.js';
import type { SyncHooks, SyncVerdict } from '../../engine/runner.js';
import { memberHash, memberJson } from '../../engine/sync-record.js';
import type { PreparedRecord, SourceItem } from '../../engine/types.js';
import type { Store } from '../../store/db.js';
import { STAGED, type StagedRow } from '../../store/sync.js';
import { shardOfKey, type Shard } from './shard.js';
import { recordPlace } from '../../../shared/record-place.js';

/** Rows per staging transaction, classes per page read back, removes per page. */
const STAGE_BATCH = 5000;
const CLASS_PAGE = 8192;
const REMOVAL_PAGE = 1000;

export const UNCHANGED_REASON = 'unchanged since the last delivered sync (membership diff)';
const NO_KEY_REASON = 'no key of its own (records.key): a membership diff tells members apart by their key, so this record is not sent and no member is removed this run';
const SUPERSEDED = "this run's membership diff no longer stands (a later diff run of this destination and audience replaced it, or `sync reset` forgot the membership): nothing more is sent; start a new run";
const REMOVE_ACTION_REASON = 'action is remove: in a membership diff a record leaves the audience by its absence (a delivered member is removed)';

export function syncModeOf(config: ExportConfig): SyncMode {
  return config.sync?.mode ?? 'full';
}

/** What keeps a config from running a membership diff (empty in full mode). */
export function syncIssues(config: ExportConfig): Issue[] {
  if (syncModeOf(config) !== 'diff') return [];
  const issues: Issue[] = [];
  if (!config.destination.remove.enabled) {
    issues.push({ path: 'destination.remove.enabled', message: 'sync.mode "diff" sends removes for members gone from the input: enable the remove step' });
  }
  if (!config.destination.add.enabled) {
    issues.push({ path: 'destination.add.enabled', message: 'sync.mode "diff" sends adds for new and changed members: enable the add step' });
  }
  return issues;
}

/** Why a record selection cannot go with a diff (every member not selected would be removed), or null. */
export function syncSelectionProblem(config: ExportConfig, selection: { limit?: number; onlyKeys?: string[] } | undefined): string | null {
  if (syncModeOf(config) !== 'diff' || !selection) return null;
  if (selection.limit === undefined && !selection.onlyKeys?.length) return null;
  return '--limit and --only-key cannot be used with sync mode "diff": every delivered member outside the selection would be removed';
}

/**
 * Stages the input and classifies it against the delivered membership; returns the staging.
 * `runId` null: a dry run's or a preview's (the caller drops it after). Reads the whole input once.
 * A shard (--shard i/N) stages only its own keys and removes only members whose key is its own,
 * so N shards sharing one store (or each with its own) send each difference once between them.
 */
export async function stageSync(store: Store, config: ExportConfig, source: AsyncIterable<SourceItem>, file: string, runId: string | null, shard?: Shard): Promise<{ setN: number; staging: number }> {
  const preparer = createRecordPreparer(config, file);
  if (!preparer.ok) throw new Error(preparer.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  const setN = store.syncSet(config.destination.name, config.audience.name, membershipIdentity(config, shard), (recorded) => identityChange(config, recorded, shard));
  const staging = store.beginSyncStaging(setN, runId, shard && shard.count > 1 ? `${shard.index}/${shard.count}` : null);
  let rows: StagedRow[] = [];
  let seq = 0;
  let unreadable = 0;
  let firstUnreadable = '';
  const owns = shard && shard.count > 1 ? (key: string) => shardOfKey(key, shard.count) === shard.index : null;
  for await (const item of source) {
    const s = seq++;
    const p = preparer.prepare(item, s);
    // A record with no key of its own (`#n` stands in) is no member anyone can match: it
    // fails when sent (classify) and counts as unreadable here, in every shard, holding removals.
    const given = p.ok === true ? p.record.key : p.ok === 'skip' ? p.key : p.failure.key;
    const key = given !== undefined && !isStandInKey(given, s) ? given : undefined;
    if (owns && key !== undefined && !owns(key)) continue;
    if (key === undefined) {
      if (unreadable++ === 0) firstUnreadable = p.ok === false ? p.failure.where : recordPlace(file, item.line);
    } else if (p.ok === true) {
      // A record whose action is remove is not a member: its key stays unstaged, so a delivered member leaves.
      if (p.record.action === 'add') rows.push([s, p.record.key, memberHash(p.record.data), item.line, STAGED.staged]);
    } else rows.push([s, key, null, item.line, STAGED.kept]);
    if (rows.length >= STAGE_BATCH) {
      store.stageSyncRows(staging, rows);
      rows = [];
    }
  }
  if (rows.length > 0) store.stageSyncRows(staging, rows);
  const hold =
    unreadable > 0
      ? `${unreadable} input record${unreadable === 1 ? '' : 's'} could not be read or given a key (first at ${firstUnreadable}): no member is removed this run, since which members left is unknown`
      : null;
  store.classifySync(staging, setN, seq, hold, runId !== null, shard && shard.count > 1 ? `${shard.index}/${shard.count}` : null, owns ?? undefined);
  return { setN, staging };
}

/** How a membership tells its members apart: the record key, and the shard count that split it over stores. */
export function membershipIdentity(config: ExportConfig, shard?: Shard): string {
  return JSON.stringify({ key: config.records.key, shards: shard?.count ?? 1 });
}

/** Why the delivered membership cannot be compared with this run: what it was recorded with, what to do. */
function identityChange(config: ExportConfig, recorded: string, shard: Shard | undefined): string {
  let was: { key?: unknown; shards?: unknown } = {};
  try {
    was = JSON.parse(recorded) as typeof was;
  } catch {
    // an unreadable identity reads as unknown below
  }
  const shards = (n: unknown) => `${String(n)} shard${n === 1 ? '' : 's'}`;
  return (
    `the delivered membership of ${config.destination.name} · ${config.audience.name} was recorded with records.key "${String(was.key)}" over ${shards(was.shards)}; ` +
    `this run has records.key "${config.records.key}" over ${shards(shard?.count ?? 1)}, so its records cannot be matched with the members ` +
    `(every member would be removed or sent again). Keep records.key and the shard count, or run \`outbound sync reset <config>\` to start over (the next diff run then adds every member)`
  );
}

export interface SyncExecution {
  hooks: SyncHooks;
  /** Hashes and records of the adds being sent, by seq, for the recorder (forgotten once settled). */
  recorder: { setN: number; member(seq: number): { hash: Buffer; record: string } | undefined };
  /** Give to the runner's onRecord: keeps what the recorder stores for each sent add. */
  onRecord(rec: PreparedRecord): void;
}

/** The runner's hooks and the recorder's membership moves for a classified staging. */
/**
 * The record fields the remove URL names (`/members/{{user.id}}`): a stored member without one
 * would be removed at `/members/` — another resource, or none — while the membership forgets it.
 */
function removalUrlProblem(config: ExportConfig): ((rec: PreparedRecord) => string | null) | undefined {
  const paths = templateFields(config.destination.remove.url, 'url')
    .filter((f) => f.scope === 'user')
    .map((f) => f.path);
  if (paths.length === 0) return undefined;
  const missing = (data: unknown, path: string): boolean => {
    let v: unknown = data;
    for (const part of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
    return v === undefined || v === null || v === '';
  };
  return (rec) => {
    const lacks = paths.filter((p) => missing(rec.data, p));
    if (lacks.length === 0) return null;
    return (
      `the stored member has no ${lacks.map((p) => `user.${p}`).join(', ')}, which destination.remove.url names (records.mapping changed since it was delivered?): ` +
      'the remove is not sent and the member is kept. Fix destination.remove.url, or run `outbound sync reset <config>` to forget the delivered membership'
    );
  };
}

export function syncExecution(store: Store, staging: number, setN: number, config: ExportConfig): SyncExecution {
  const removalProblem = removalUrlProblem(config);
  let from = 0;
  let to = 0;
  let classes = new Map<number, { key: string; cls: number }>();
  // Every page read checks the classification still stands: a run never sends by a difference
  // that a later run (or a reset) replaced, whose rows are gone.
  const stillCurrent = () => {
    if (!store.syncStagingCurrent(staging)) throw new Error(SUPERSEDED);
  };
  const classOf = (seq: number): { key: string; cls: number } | undefined => {
    if (seq < from || seq >= to) {
      stillCurrent();
      from = seq;
      to = seq + CLASS_PAGE;
      classes = new Map(store.syncClassPage(staging, from, to).map((r) => [r.seq, { key: r.key, cls: r.class }]));
    }
    return classes.get(seq);
  };
  const inFlight = new Map<number, { hash: Buffer; record: string }>();
  const classify = (rec: PreparedRecord): SyncVerdict => {
    if (rec.action === 'remove') return { send: false, skip: REMOVE_ACTION_REASON };
    if (isStandInKey(rec.key, rec.seq)) return { send: false, fail: NO_KEY_REASON };
    const staged = classOf(rec.seq);
    // The input is read twice (staged, then sent): the same position must hold the same key.
    if (!staged || staged.key !== rec.key) throw new Error(`the input changed between staging the membership diff and sending it (record ${rec.seq + 1} now has key "${rec.key}"): nothing more is sent; run again`);
    const cls = staged.cls;
    if (cls === STAGED.unchanged) return { send: false, skip: UNCHANGED_REASON };
    if (cls === STAGED.duplicate) {
      const first = store.syncFirstLineOfKey(staging, rec.key);
      return { send: false, fail: `duplicate key "${rec.key}": the first record with it${first !== undefined ? ` (line ${first})` : ''} is the member (first wins)` };
    }
    return { send: true };
  };
  function* removals(): Iterable<PreparedRecord> {
    let after = -1;
    for (;;) {
      stillCurrent();
      const page = store.syncRemovalPage(staging, after, REMOVAL_PAGE);
      for (const r of page) {
        // The stored mapped record is `user`: the mapping is not applied again.
        yield { seq: r.seq, line: 0, key: r.key, action: 'remove', data: parseJsonExact(r.record) as Record<string, unknown> };
      }
      if (page.length < REMOVAL_PAGE) return;
      after = page[page.length - 1]!.seq;
    }
  }
  return {
    hooks: { classify, removals, ...(removalProblem ? { removalProblem } : {}) },
    recorder: {
      setN,
      member: (seq) => {
        const m = inFlight.get(seq);
        inFlight.delete(seq);
        return m;
      },
    },
    onRecord: (rec) => {
      if (rec.action === 'add') inFlight.set(rec.seq, { hash: memberHash(rec.data), record: memberJson(rec.data) });
    },
  };
}

/** Forgets the delivered membership of a config's destination + audience (all of them: null); how many members it held. */
export function resetMembership(store: Store, config: ExportConfig | null): number {
  return store.resetSync(config ? { destination: config.destination.name, audience: config.audience.name } : null);
}

/** Every delivered membership the store keeps, with its size. */
export function listMemberships(store: Store): Array<{ destination: string; audience: string; members: number }> {
  return store.listSyncSets();
}
