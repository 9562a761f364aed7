// The membership diff's tables (migration 7), reads and writes together: sync_sets (one per
// destination + audience), sync_members (the last delivered membership), and a run's
// staging (sync_stagings, sync_staged, sync_removals). The set difference is computed here
// in SQL, so a 10-million-member audience costs the store disk, not the process memory.
import { SYNC_EXAMPLES, type SyncDiff } from '../../shared/sync.js';
import { StoreRefusal, type Connection } from './connection.js';
import { leaseOf } from './lease.js';
import type { StatementSql } from './writer.js';

/** sync_staged.class */
export const STAGED = { staged: 0, added: 1, changed: 2, unchanged: 3, duplicate: 4, kept: 5 } as const;
export type StagedClass = (typeof STAGED)[keyof typeof STAGED];

export interface StagingRow {
  n: number;
  setN: number;
  status: 'staging' | 'classified' | 'superseded';
  inputItems: number | null;
}

/** One staged input record: [seq, key, hash (null when kept), line, class]. */
export type StagedRow = [seq: number, key: string, hash: Buffer | null, line: number, cls: StagedClass];

const SQL = {
  findSet: 'SELECT n, identity, (SELECT count(*) FROM sync_members m WHERE m.set_n = sync_sets.n) AS members FROM sync_sets WHERE destination = ? AND audience = ?',
  insertSet: 'INSERT INTO sync_sets (destination, audience, identity, created_at) VALUES (?, ?, ?, ?)',
  setIdentity: 'UPDATE sync_sets SET identity = ? WHERE n = ?',
  // Other runs' stagings of a set, with their runs' leases (is a process still sending them?).
  otherStagings: `SELECT st.n, st.shard, st.status, r.id, r.lease_token, r.lease_pid, r.lease_host, r.lease_proc_start, r.lease_heartbeat_at
     FROM sync_stagings st JOIN runs r ON r.n = st.run WHERE st.set_n = ? AND st.n <> ? AND st.status <> 'superseded'`,
  stagingsOfSets: `SELECT st.n, st.shard, st.status, r.id, r.lease_token, r.lease_pid, r.lease_host, r.lease_proc_start, r.lease_heartbeat_at
     FROM sync_stagings st JOIN sync_sets s ON s.n = st.set_n JOIN runs r ON r.n = st.run
     WHERE (@destination IS NULL OR (s.destination = @destination AND s.audience = @audience)) AND st.status <> 'superseded'`,
  stagingStatus: 'SELECT status FROM sync_stagings WHERE n = ?',
  stagingOfRun: 'SELECT n, set_n, status, input_items FROM sync_stagings WHERE run = ?',
  deleteStaging: 'DELETE FROM sync_stagings WHERE n = ?',
  insertStaging: 'INSERT INTO sync_stagings (set_n, run, shard, created_at) VALUES (?, ?, ?, ?)',
  // Dry runs and previews that did not clean up (killed) are dropped after an hour.
  dropStaleDry: 'DELETE FROM sync_stagings WHERE run IS NULL AND created_at < ?',
  insertStaged: 'INSERT INTO sync_staged (staging, seq, key, hash, line, class) VALUES (?, ?, ?, ?, ?, ?)',
  // First wins: a later record with a key already staged is a duplicate.
  markDuplicates: `UPDATE sync_staged SET class = ${STAGED.duplicate}
     WHERE staging = @staging AND class = ${STAGED.staged} AND seq IN (
       SELECT seq FROM (SELECT seq, row_number() OVER (PARTITION BY key ORDER BY seq) AS k
                          FROM sync_staged WHERE staging = @staging AND class = ${STAGED.staged}) WHERE k > 1)`,
  markClasses: `UPDATE sync_staged SET class = coalesce(
       (SELECT CASE WHEN m.hash = sync_staged.hash THEN ${STAGED.unchanged} ELSE ${STAGED.changed} END
          FROM sync_members m WHERE m.set_n = @set AND m.key = sync_staged.key), ${STAGED.added})
     WHERE staging = @staging AND class = ${STAGED.staged}`,
  // Members whose key no staged record has (kept and duplicate ones included) leave.
  insertRemovals: `INSERT INTO sync_removals (staging, seq, key, record)
     SELECT @staging, @first + row_number() OVER (ORDER BY m.key) - 1, m.key, m.record FROM sync_members m
      WHERE m.set_n = @set AND NOT EXISTS (SELECT 1 FROM sync_staged s WHERE s.staging = @staging AND s.key = m.key)`,
  // A shard's run removes only the members it owns (outbound_owns_key, registered per classification).
  insertOwnedRemovals: `INSERT INTO sync_removals (staging, seq, key, record)
     SELECT @staging, @first + row_number() OVER (ORDER BY m.key) - 1, m.key, m.record FROM sync_members m
      WHERE m.set_n = @set AND outbound_owns_key(m.key) = 1 AND NOT EXISTS (SELECT 1 FROM sync_staged s WHERE s.staging = @staging AND s.key = m.key)`,
  classCounts: 'SELECT class, count(*) AS c FROM sync_staged WHERE staging = ? GROUP BY class',
  removalCount: 'SELECT count(*) FROM sync_removals WHERE staging = ?',
  // Kept records count only when their key is a member (else nothing was at stake).
  keptMembers: `SELECT count(*) FROM sync_staged s JOIN sync_members m ON m.set_n = @set AND m.key = s.key WHERE s.staging = @staging AND s.class = ${STAGED.kept}`,
  finishStaging: `UPDATE sync_stagings SET status = 'classified', input_items = ?, added = ?, changed = ?, unchanged = ?, removed = ?, duplicates = ?, kept = ?, removals_held = ? WHERE n = ?`,
  // Older runs' staging of the same set: their difference is out of date once this one is classified.
  supersede: `UPDATE sync_stagings SET status = 'superseded' WHERE n = ?`,
  dropSupersededStaged: `DELETE FROM sync_staged WHERE staging IN (SELECT n FROM sync_stagings WHERE set_n = ? AND status = 'superseded')`,
  dropSupersededRemovals: `DELETE FROM sync_removals WHERE staging IN (SELECT n FROM sync_stagings WHERE set_n = ? AND status = 'superseded')`,
  summary: 'SELECT added, changed, unchanged, removed, duplicates, kept, removals_held FROM sync_stagings WHERE n = ?',
  examples: 'SELECT key FROM sync_staged WHERE staging = ? AND class = ? ORDER BY seq LIMIT ?',
  removalExamples: 'SELECT key FROM sync_removals WHERE staging = ? ORDER BY seq LIMIT ?',
  classPage: 'SELECT seq, key, class FROM sync_staged WHERE staging = ? AND seq >= ? AND seq < ? ORDER BY seq',
  firstOfKey: `SELECT line FROM sync_staged WHERE staging = ? AND key = ? AND class <> ${STAGED.kept} ORDER BY seq LIMIT 1`,
  removalPage: 'SELECT seq, key, record FROM sync_removals WHERE staging = ? AND seq > ? ORDER BY seq LIMIT ?',
  resetAll: 'DELETE FROM sync_sets',
  resetOne: 'DELETE FROM sync_sets WHERE destination = ? AND audience = ?',
  memberCount: 'SELECT count(*) FROM sync_members m JOIN sync_sets s ON s.n = m.set_n WHERE (@destination IS NULL OR (s.destination = @destination AND s.audience = @audience))',
  sets: `SELECT s.destination, s.audience, (SELECT count(*) FROM sync_members m WHERE m.set_n = s.n) AS members FROM sync_sets s ORDER BY s.destination, s.audience`,
} as const;

/** The recorder's writes to sync_members (committed with the outcome that moves them). */
export type SyncWrites = {
  upsertMember: [setN: number, key: string, hash: Buffer, record: string];
  deleteMember: [setN: number, key: string];
  doubtMember: [setN: number, key: string];
};
export const SYNC_WRITES: StatementSql<SyncWrites> = {
  upsertMember: 'INSERT INTO sync_members (set_n, key, hash, record) VALUES (?, ?, ?, ?) ON CONFLICT (set_n, key) DO UPDATE SET hash = excluded.hash, record = excluded.record',
  deleteMember: 'DELETE FROM sync_members WHERE set_n = ? AND key = ?',
  // A request that carried the member failed after it was sent: the endpoint may have applied
  // it. An empty hash matches no record, so the next run sends the member again if present.
  doubtMember: "UPDATE sync_members SET hash = X'' WHERE set_n = ? AND key = ?",
};

/** Why a membership cannot be compared with a run (a sentence), thrown by syncSet. */
export class SyncIdentityError extends StoreRefusal {}

/**
 * The set of a destination + audience. `identity` says how its members are told apart
 * (records.key and the shard count): members recorded one way cannot be matched another way,
 * so a different identity is refused while the set has members (an empty one takes the new one).
 */
export function syncSet(conn: Connection, destination: string, audience: string, identity: string, describe: (recorded: string) => string, now = Date.now()): number {
  return conn.db
    .transaction(() => {
      const found = conn.stmt(SQL.findSet).get(destination, audience) as { n: number; identity: string; members: number } | undefined;
      if (!found) return Number(conn.stmt(SQL.insertSet).run(destination, audience, identity, now).lastInsertRowid);
      if (found.identity !== identity) {
        if (found.members > 0) throw new SyncIdentityError(describe(found.identity));
        conn.stmt(SQL.setIdentity).run(identity, found.n);
      }
      return found.n;
    })
    .immediate();
}

/** Two runs' stagings touch the same members unless both are shards of one N with different indexes. */
function overlaps(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return true;
  const [ai, an] = a.split('/');
  const [bi, bn] = b.split('/');
  return an !== bn || ai === bi;
}

interface StagingLeaseRow {
  n: number;
  shard: string | null;
  status: StagingRow['status'];
  id: string;
  lease_token: string | null;
  lease_pid: number | null;
  lease_host: string | null;
  lease_proc_start: string | null;
  lease_heartbeat_at: number | null;
}

/** A process is sending this staging's run now (its lease is held by a live holder). */
function liveRun(row: StagingLeaseRow): string | null {
  const lease = leaseOf(row);
  if (!lease || !lease.held || lease.gone !== null) return null;
  return `run ${row.id} (pid ${lease.holder.pid} on ${lease.holder.host})`;
}

/** A diff run of the same members is being sent by another process. */
export class SyncBusyError extends StoreRefusal {}

function toStaging(row: { n: number; set_n: number; status: StagingRow['status']; input_items: number | null } | undefined): StagingRow | undefined {
  return row && { n: row.n, setN: row.set_n, status: row.status, inputItems: row.input_items };
}

export function stagingOfRun(conn: Connection, run: number): StagingRow | undefined {
  return toStaging(conn.stmt(SQL.stagingOfRun).get(run) as never);
}

/** A new staging for a run (one left half-done by a killed process is dropped first) or, run null, a dry run. */
export function beginStaging(conn: Connection, setN: number, run: number | null, shard: string | null, now = Date.now()): number {
  return conn.db.transaction(() => {
    conn.stmt(SQL.dropStaleDry).run(now - 3_600_000);
    if (run !== null) {
      const old = stagingOfRun(conn, run);
      if (old) conn.stmt(SQL.deleteStaging).run(old.n);
    }
    return Number(conn.stmt(SQL.insertStaging).run(setN, run, shard, now).lastInsertRowid);
  })();
}

/** One batch of staged records, in one transaction. */
export function stageRows(conn: Connection, staging: number, rows: readonly StagedRow[]): void {
  const insert = conn.stmt(SQL.insertStaged);
  conn.db.transaction(() => {
    for (const [seq, key, hash, line, cls] of rows) insert.run(staging, seq, key, hash, line, cls);
  })();
}

/**
 * The set difference, in one transaction: duplicates (first wins), then added / changed /
 * unchanged against the membership, then the removals (numbered from `inputItems`) unless
 * `holdRemovals` says why not. A real run's classification supersedes older runs' of the set.
 */
/** `ownsKey`: a shard's test of a member key (absent: every member may leave). */
export function classifyStaging(
  conn: Connection,
  staging: number,
  setN: number,
  inputItems: number,
  holdRemovals: string | null,
  supersedeOthers: boolean,
  shard: string | null,
  ownsKey?: (key: string) => boolean,
): void {
  if (ownsKey) conn.db.function('outbound_owns_key', { deterministic: true }, (key: unknown) => (ownsKey(String(key)) ? 1 : 0));
  conn.db.transaction(() => {
    if (supersedeOthers) {
      // Another process sending a diff of the same members: this one would compare with a
      // membership that run is moving, and its classification would pull the other's out from
      // under it. Decided in this IMMEDIATE transaction, so of two runs only one classifies.
      // Runs nobody drives any more (interrupted, finished) are superseded: their difference is out of date.
      for (const other of conn.stmt(SQL.otherStagings).all(setN, staging) as StagingLeaseRow[]) {
        if (!overlaps(shard, other.shard)) continue;
        const live = liveRun(other);
        if (live) throw new SyncBusyError(`another membership diff of this destination and audience is being sent: ${live}; wait for it to finish (or stop it) and run again`);
        if (other.status === 'classified') conn.stmt(SQL.supersede).run(other.n);
      }
    }
    conn.stmt(SQL.markDuplicates).run({ staging });
    conn.stmt(SQL.markClasses).run({ staging, set: setN });
    if (holdRemovals === null) conn.stmt(ownsKey ? SQL.insertOwnedRemovals : SQL.insertRemovals).run({ staging, set: setN, first: inputItems });
    const by = new Map<number, number>();
    for (const r of conn.stmt(SQL.classCounts).all(staging) as Array<{ class: number; c: number }>) by.set(r.class, r.c);
    const removed = conn.stmt(SQL.removalCount).pluck().get(staging) as number;
    const kept = conn.stmt(SQL.keptMembers).pluck().get({ staging, set: setN }) as number;
    const n = (c: number) => by.get(c) ?? 0;
    conn.stmt(SQL.finishStaging).run(inputItems, n(STAGED.added), n(STAGED.changed), n(STAGED.unchanged), removed, n(STAGED.duplicate), kept, holdRemovals, staging);
    if (supersedeOthers) {
      conn.stmt(SQL.dropSupersededStaged).run(setN);
      conn.stmt(SQL.dropSupersededRemovals).run(setN);
    }
  }).immediate();
}

/** Whether a staging is still the run's classification (not superseded, not dropped by a reset). */
export function stagingCurrent(conn: Connection, staging: number): boolean {
  return conn.stmt(SQL.stagingStatus).pluck().get(staging) === 'classified';
}

export function stagingSummary(conn: Connection, staging: number): SyncDiff {
  const row = conn.stmt(SQL.summary).get(staging) as
    | { added: number; changed: number; unchanged: number; removed: number; duplicates: number; kept: number; removals_held: string | null }
    | undefined;
  const keys = (cls: StagedClass) => conn.stmt(SQL.examples).pluck().all(staging, cls, SYNC_EXAMPLES) as string[];
  return {
    added: row?.added ?? 0,
    changed: row?.changed ?? 0,
    removed: row?.removed ?? 0,
    unchanged: row?.unchanged ?? 0,
    duplicates: row?.duplicates ?? 0,
    kept: row?.kept ?? 0,
    ...(row?.removals_held ? { removalsHeld: row.removals_held } : {}),
    examples: {
      added: keys(STAGED.added),
      changed: keys(STAGED.changed),
      removed: conn.stmt(SQL.removalExamples).pluck().all(staging, SYNC_EXAMPLES) as string[],
      unchanged: keys(STAGED.unchanged),
    },
  };
}

export function deleteStaging(conn: Connection, staging: number): void {
  conn.stmt(SQL.deleteStaging).run(staging);
}

/** The classes of the staged records with seqs in [from, to), in seq order. */
export function classPage(conn: Connection, staging: number, from: number, to: number): Array<{ seq: number; key: string; class: StagedClass }> {
  return conn.stmt(SQL.classPage).all(staging, from, to) as Array<{ seq: number; key: string; class: StagedClass }>;
}

/** The line of the first record with `key` (what a duplicate's failure points at). */
export function firstLineOfKey(conn: Connection, staging: number, key: string): number | undefined {
  return conn.stmt(SQL.firstOfKey).pluck().get(staging, key) as number | undefined;
}

export function removalPage(conn: Connection, staging: number, afterSeq: number, limit: number): Array<{ seq: number; key: string; record: string }> {
  return conn.stmt(SQL.removalPage).all(staging, afterSeq, limit) as Array<{ seq: number; key: string; record: string }>;
}

/** Forgets the delivered membership of one destination + audience, or of all; how many members it held. */
export function resetSync(conn: Connection, target: { destination: string; audience: string } | null): number {
  return conn.db.transaction(() => {
    // A run sending a diff records its outcomes against this membership: forgetting it under the run would lose them.
    for (const s of conn.stmt(SQL.stagingsOfSets).all({ destination: target?.destination ?? null, audience: target?.audience ?? null }) as StagingLeaseRow[]) {
      const live = liveRun(s);
      if (live) throw new SyncBusyError(`a membership diff is being sent (${live}): reset it once that run has finished or been stopped`);
    }
    const count = conn.stmt(SQL.memberCount).pluck().get({ destination: target?.destination ?? null, audience: target?.audience ?? null }) as number;
    if (target) conn.stmt(SQL.resetOne).run(target.destination, target.audience);
    else conn.stmt(SQL.resetAll).run();
    return count;
  }).immediate();
}

export function listSyncSets(conn: Connection): Array<{ destination: string; audience: string; members: number }> {
  return conn.stmt(SQL.sets).all() as Array<{ destination: string; audience: string; members: number }>;
}
