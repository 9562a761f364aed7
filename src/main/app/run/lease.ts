// One process drives a run: run, resume and retry-failed take the run's lease in the store
// before anything is sent (prepare.ts), keep it with a heartbeat while executing and let go
// when the run ends (execute.ts). Who counts as gone is decided in store/lease.ts.
import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/db.js';
import { formatAgo, HEARTBEAT_MS } from '../../store/lease.js';

/** A lease this process holds; the token tells apart two executions in one process (the studio). */
export interface HeldLease {
  readonly runId: string;
  readonly token: string;
}

/** Takes the lease of `runId`, or says who holds it (pid, host, when last seen) and what to do. */
export function takeLease(store: Store, runId: string, doing: string): { ok: true; lease: HeldLease } | { ok: false; message: string } {
  const token = randomUUID();
  const took = store.takeRunLease(runId, token);
  if (took.ok) return { ok: true, lease: { runId, token } };
  const { pid, host } = took.holder;
  return {
    ok: false,
    message:
      `run ${runId} is being driven by another process (pid ${pid} on ${host}, last seen ${formatAgo(took.seenAgoMs)} ago); ` +
      `refusing to ${doing} it: two processes would send the same records. Wait for it to finish, or stop that process and ${doing} again`,
  };
}

/**
 * Renews the lease every heartbeat while a run executes; `onLost` is called once if another
 * process took the run over (its heartbeat went stale). Returns the stop, which lets go.
 */
export function keepLease(store: Store, lease: HeldLease, onLost: (message: string) => void): () => void {
  let lost = false;
  const timer = setInterval(() => {
    if (lost) return;
    let held: boolean;
    try {
      held = store.renewRunLease(lease.runId, lease.token);
    } catch {
      return; // the store is busy or closing; the next beat tries again
    }
    if (!held) {
      lost = true;
      onLost(`another process took over run ${lease.runId} (this one had not renewed its lease in time), so this one stopped`);
    }
  }, HEARTBEAT_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (lost) return;
    try {
      store.releaseRunLease(lease.runId, lease.token);
    } catch {
      // a lease left behind is taken over: its pid is gone once this process exits
    }
  };
}

/** Lets go of a lease no execution will keep (a refusal after it was taken). */
export function dropLease(store: Store, lease: HeldLease): void {
  store.releaseRunLease(lease.runId, lease.token);
}
