// The status vocabularies every layer shares: what a run's status can be, and which HTTP
// answers count as success (a 2xx, before any success path is applied).

/** A run's status, as stored, printed by the CLI and shown by the studio. */
export const RUN_STATUSES = ['running', 'succeeded', 'partial', 'failed', 'aborted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** How a run ended: every status but `running`. */
export type FinishedRunStatus = Exclude<RunStatus, 'running'>;

/** A 2xx answer. */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status <= 299;
}
