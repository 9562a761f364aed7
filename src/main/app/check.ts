// The one check of a config, for both hosts: after the schema (app/config.ts), every
// template, expression and mapping is compiled, so the studio and the CLI refuse the same
// configs with the same messages.
import { mapMessage, type Issue } from '../../shared/issues.js';
import { checkExport } from '../engine/runner.js';
import type { LoadedConfig } from './config.js';
import { syncIssues } from './run/sync.js';

/** What keeps a loaded config from running (empty when it can run), secrets redacted. */
export function checkConfig(loaded: LoadedConfig, file = 'input'): Issue[] {
  return [...checkExport(loaded.config, file), ...syncIssues(loaded.config)].map((i) => mapMessage(i, (t) => loaded.redactor.text(t)));
}
