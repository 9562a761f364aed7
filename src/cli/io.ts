// The CLI's view of the outside world, injectable so tests can run commands in-process.
export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
  env: Record<string, string | undefined>;
  /** Whether stderr is a terminal (progress redraws in place). */
  isTTY: boolean;
  signal?: AbortSignal;
}

export const EXIT = { ok: 0, failedRecords: 1, invalid: 2, aborted: 3 } as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
