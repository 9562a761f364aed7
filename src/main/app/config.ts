// A config made ready to use, the same way for both hosts: `${env:…}` resolved and the schema
// checked (engine/load.ts, whose issues never echo an environment value), and a redactor for
// every secret it holds.
import type { ExportConfig } from '../../shared/config.js';
import type { Issue } from '../../shared/issues.js';
import { loadConfigFile, resolveConfig, type Env, type LoadResult } from '../engine/load.js';
import { createRedactor, type Redactor } from '../engine/redact.js';

export type { Env } from '../engine/load.js';

export interface LoadedConfig {
  config: ExportConfig;
  /** The config as written (`${env:…}` unresolved): what a run stores. */
  raw: unknown;
  secrets: string[];
  redactor: Redactor;
}

export type Loaded = ({ ok: true } & LoadedConfig) | { ok: false; issues: Issue[] };

/** The engine's result with a redactor for the config's secrets (its issues are already masked). */
function finish(result: LoadResult): Loaded {
  if (!result.ok) return result;
  return { ok: true, config: result.config, raw: result.raw, secrets: result.secrets, redactor: createRedactor(result.secrets) };
}

/** An already-parsed config value (the studio's form, a run's stored config). */
export function loadConfig(value: unknown, env: Env): Loaded {
  return finish(resolveConfig(value, env));
}

/** A config file: a missing file or a JSON syntax error names the file, line and column. */
export async function loadConfigFromFile(file: string, env: Env): Promise<Loaded> {
  return finish(await loadConfigFile(file, env));
}
