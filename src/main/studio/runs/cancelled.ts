// A run the user cancelled in the studio is not an interrupted one: it stopped because they
// asked, so it is shown as cancelled and never offered back in the interrupted-runs banner
// (it stays resumable from its own view). The store knows which is which by the reason the
// run was stopped with, which the engine records as the run's error.
import type { RunRow } from '../../store/rows.js';

/** The abort reason of a studio cancel; the engine records a string reason as the run's error. */
export const CANCEL_REASON = 'cancelled by the user in the studio';

export function isCancelled(r: Pick<RunRow, 'status' | 'error'>): boolean {
  return r.status === 'aborted' && r.error === CANCEL_REASON;
}
