// The store's public surface.
export { openStore, Store, type OpenStoreOptions } from './db.js';
export { StoreError, PlaintextSecretError, type StoreErrorCode } from './errors.js';
export { defaultDbPath } from './paths.js';
export { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
export { createRunRecorder, type RecorderOptions, type RunRecorder } from './recorder.js';
export { runToHar, writeHar, type HarLog, type HarEntry } from './har.js';
export { formatRunLog, runLogLines } from './runlog.js';
export { runsCommand, logCommand, exportLogCommand, runSummaryJson, type CommandIo, type RunSummaryJson } from './commands.js';
export { SeqBitset, type SettledSet } from './settled.js';
export type * from './rows.js';
