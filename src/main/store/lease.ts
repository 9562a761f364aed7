// The run lease: one process drives a run at a time. The holder's pid, host, process start
// and a random token sit on the runs row with a heartbeat; taking the lease is one
// compare-and-swap in an IMMEDIATE transaction, so two processes racing for a run cannot
// both win. Whether a holder is gone is decided here, once, for taking the lease and for
// showing a run whose holder died as interrupted.
//
// Who counts as gone:
// - same host, pid not running (kill(pid, 0) → ESRCH): gone at once, so a kill -9 never
//   makes the user wait;
// - same host, pid running but started at another time than the holder (Linux
//   /proc/<pid>/stat): the pid was reused, gone;
// - same process, another token (the studio drives several runs): gone only when its
//   heartbeat is stale (a lease an execution forgot to release);
// - another host, or a start time the OS does not tell: gone when the heartbeat is older
//   than STALE_AFTER_MS by this machine's clock. A heartbeat in the future (clock skew)
//   counts as fresh: skew can delay a takeover, never hasten one by less than its size.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Connection } from './connection.js';

export const HEARTBEAT_MS = 5_000;
export const STALE_AFTER_MS = 3 * HEARTBEAT_MS;

export interface LeaseHolder {
  token: string;
  pid: number;
  host: string;
  /** The process's start as the OS tells it (Linux), to tell a reused pid. */
  procStart: string | null;
  heartbeatAt: number;
}

/** What the runs row says about its lease: the holder, or the last one once let go. */
export interface RunLease {
  holder: Omit<LeaseHolder, 'token'>;
  /** False once let go (the run ended or its execution stopped). */
  held: boolean;
  /** Set when nobody alive holds it: why (a sentence). */
  gone: string | null;
}

export type TakeLease = { ok: true } | { ok: false; holder: Omit<LeaseHolder, 'token'>; seenAgoMs: number };

interface LeaseDbRow {
  lease_token: string | null;
  lease_pid: number | null;
  lease_host: string | null;
  lease_proc_start: string | null;
  lease_heartbeat_at: number | null;
}

const SQL = {
  read: 'SELECT lease_token, lease_pid, lease_host, lease_proc_start, lease_heartbeat_at FROM runs WHERE id = ?',
  // The swap: only when the token is still the one judged free or gone.
  take: `UPDATE runs SET lease_token = ?, lease_pid = ?, lease_host = ?, lease_proc_start = ?, lease_heartbeat_at = ?
     WHERE id = ? AND lease_token IS ?`,
  renew: 'UPDATE runs SET lease_heartbeat_at = ? WHERE id = ? AND lease_token = ?',
  release: 'UPDATE runs SET lease_token = NULL, lease_heartbeat_at = ? WHERE id = ? AND lease_token = ?',
} as const;

/** This process as a lease holder. */
export function selfHolder(token: string, now = Date.now()): LeaseHolder {
  return { token, pid: process.pid, host: hostname(), procStart: ownStart, heartbeatAt: now };
}

/** Takes the run's lease for `token` unless a live process holds it. */
export function takeLease(conn: Connection, runId: string, token: string, now = Date.now()): TakeLease {
  return conn.db
    .transaction((): TakeLease => {
      const row = conn.stmt(SQL.read).get(runId) as LeaseDbRow | undefined;
      if (!row) return { ok: true }; // no such run: nothing to hold (the caller refuses it)
      const current = holderOf(row);
      if (current && row.lease_token !== null && current.token !== token && goneReason(current, now) === null) {
        const { token: _t, ...holder } = current;
        return { ok: false, holder, seenAgoMs: Math.max(0, now - current.heartbeatAt) };
      }
      const me = selfHolder(token, now);
      const changes = conn.stmt(SQL.take).run(me.token, me.pid, me.host, me.procStart, me.heartbeatAt, runId, row.lease_token).changes;
      if (changes !== 1) throw new Error(`the lease of run ${runId} changed under an IMMEDIATE transaction`);
      return { ok: true };
    })
    .immediate();
}

/** Renews the heartbeat; false when the lease is no longer this token's (taken over). */
export function renewLease(conn: Connection, runId: string, token: string, now = Date.now()): boolean {
  return conn.stmt(SQL.renew).run(now, runId, token).changes === 1;
}

/** Lets go of the lease (a no-op when another token holds it now). */
export function releaseLease(conn: Connection, runId: string, token: string, now = Date.now()): void {
  conn.stmt(SQL.release).run(now, runId, token);
}

/** The lease as stored on a runs row, judged now; null for a run that never had one. */
export function leaseOf(row: LeaseDbRow, now = Date.now()): RunLease | null {
  const h = holderOf(row);
  if (!h) return null;
  const { token: _t, ...holder } = h;
  const held = row.lease_token !== null;
  return { holder, held, gone: held ? goneReason(h, now) : `the process that drove it (pid ${h.pid} on ${h.host}) let go without finishing it` };
}

function holderOf(row: LeaseDbRow): LeaseHolder | null {
  if (row.lease_pid === null || row.lease_host === null) return null;
  return {
    token: row.lease_token ?? '',
    pid: row.lease_pid,
    host: row.lease_host,
    procStart: row.lease_proc_start,
    heartbeatAt: row.lease_heartbeat_at ?? 0,
  };
}

/** Why `h` no longer drives its run, or null while it is alive (see the rules at the top). */
function goneReason(h: LeaseHolder, now: number): string | null {
  const who = `pid ${h.pid} on ${h.host}`;
  const stale = now - h.heartbeatAt > STALE_AFTER_MS;
  const lastSeen = `last seen ${formatAgo(now - h.heartbeatAt)} ago`;
  if (h.host !== hostname()) return stale ? `the process that drove it (${who}) was ${lastSeen}` : null;
  if (h.pid === process.pid && (h.procStart === null || h.procStart === ownStart)) {
    return stale ? `its execution in this process stopped renewing its lease (${lastSeen})` : null;
  }
  if (!pidRunning(h.pid)) return `the process that drove it (${who}) is no longer running`;
  const start = processStart(h.pid);
  if (start !== null && h.procStart !== null) return start === h.procStart ? null : `the process that drove it (${who}) is no longer running (its pid was reused)`;
  return stale ? `the process that drove it (${who}) was ${lastSeen}` : null;
}

function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by another user.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** The process's start time in clock ticks since boot (Linux), or null where the OS does not tell. */
function processStart(pid: number | 'self'): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is 3rd, starttime 22nd.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

const ownStart = processStart('self');

/** "3 s", "2 min", "5 h": how long ago a holder was last seen. */
export function formatAgo(ms: number): string {
  if (ms < 0) return '0 s';
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}
