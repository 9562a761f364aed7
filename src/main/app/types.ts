// The engine's shapes the hosts see through app/ (a host never imports the engine itself).
export { ConfigError, type RunSummary } from '../engine/runner.js';
export type { HttpResult, PlannedRequest, PreparedRecord, RunEvent, SourceItem } from '../engine/types.js';
export { describeWait, type WaitingEvent } from '../engine/waits.js';
export type { TokenExchange } from '../engine/oauth.js';
export { formatTokenExchange } from '../engine/oauth.js';
export { createRedactor, MASK, type Redactor } from '../engine/redact.js';
