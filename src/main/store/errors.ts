// Every failure the store can hit, as one error class with a code a host can branch on.
// SQLite's own errors are mapped here so no caller ever sees a raw SqliteError.

export type StoreErrorCode = 'corrupt' | 'locked' | 'newer-version' | 'full' | 'io';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  /** The database file the error is about. */
  readonly path: string;
  /** SQLite's code (e.g. SQLITE_BUSY) when the error came from SQLite. */
  readonly sqliteCode?: string;

  constructor(code: StoreErrorCode, message: string, path: string, options?: { cause?: unknown; sqliteCode?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreError';
    this.code = code;
    this.path = path;
    if (options?.sqliteCode !== undefined) this.sqliteCode = options.sqliteCode;
  }
}

/** Raised when secrets would be written in clear (no crypto given and a value is not `${env:NAME}`). */
export class PlaintextSecretError extends Error {
  readonly field: string;
  constructor(field: string) {
    super(
      `secret "${field}" would be stored in clear: no encryption is available here, so store it as a \${env:NAME} reference instead`,
    );
    this.name = 'PlaintextSecretError';
    this.field = field;
  }
}

function sqliteCodeOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return code;
  }
  return undefined;
}

/** Turns anything thrown by better-sqlite3 (or fs) into a StoreError; StoreErrors pass through. */
export function toStoreError(err: unknown, path: string, doing: string): StoreError {
  if (err instanceof StoreError) return err;
  const sqliteCode = sqliteCodeOf(err);
  const detail = err instanceof Error ? err.message : String(err);
  const opts = { cause: err, ...(sqliteCode ? { sqliteCode } : {}) };
  // Extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_CORRUPT_INDEX…) map like their primary code.
  const primary = sqliteCode?.match(/^SQLITE_[A-Z]+/)?.[0];
  switch (primary) {
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return new StoreError(
        'corrupt',
        `${path} is not a readable Outbound database (${detail}) while ${doing}; the file was left untouched: move it aside or use --db to pick another file`,
        path,
        opts,
      );
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new StoreError(
        'locked',
        `${path} is locked by another Outbound process (or another program) while ${doing}; wait for it to finish or use --db to pick another file`,
        path,
        opts,
      );
    case 'SQLITE_FULL':
      return new StoreError(
        'full',
        `${path}: the disk (or the database size limit) is full while ${doing}; free some space — what was saved before is intact`,
        path,
        opts,
      );
    default:
      return new StoreError('io', `${path}: ${detail} (while ${doing})`, path, opts);
  }
}
