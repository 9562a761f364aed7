// The membership diff's summary (issue 12), one shape for the store, the app, the CLI's
// --json and the studio: how the input compares with the last delivered membership.

export interface SyncDiff {
  /** Keys not in the last delivered membership: sent as adds. */
  added: number;
  /** Keys whose mapped record changed: sent as adds (an add carries the whole record). */
  changed: number;
  /** Keys gone from the input: sent as removes, rendered with the stored record as `user`. */
  removed: number;
  /** Keys whose mapped record is as delivered: not sent (counted as skipped). */
  unchanged: number;
  /** Later records with a key seen earlier in the input: failed with where the first one is. */
  duplicates: number;
  /** Records that failed or were skipped while their key is a member: left as delivered. */
  kept: number;
  /** Why no remove was planned (the input had rows that could not be read), or absent. */
  removalsHeld?: string;
  /** A few keys of each class, for the dry run, the preview and the studio. */
  examples: { added: string[]; changed: string[]; removed: string[]; unchanged: string[] };
}

export const SYNC_EXAMPLES = 5;
