// A config made ready to use, the same way for both hosts: `${env:…}` resolved and the schema
// checked (engine/load.ts, whose issues never echo an environment value), and a redactor for
// every secret it holds.
import { pgEnvOf, type PgEnv } from '../sources/postgres.js';
import { dirname } from 'node:path';
import type { ExportConfig } from '../../shared/config.js';
import type { Issue } from '../../shared/issues.js';
import { loadConfigFile, loadConfigText, parseJsonText, readConfigFile, resolveConfig, stripBom, type ConfigSource, type Env, type LoadResult } from '../engine/load.js';
import { createRedactor, type Redactor, type Secret } from '../engine/redact.js';
import type { NetworkSettings } from '../engine/dispatcher.js';
import { resolveNetwork } from './network.js';
import { applyOverrides, nameOverrideIssues, type Override } from './overrides.js';

export type { Env } from '../engine/load.js';

export interface LoadedConfig {
  config: ExportConfig;
  /** The config as written (`${env:…}` unresolved, literal secrets in clear): never stored. */
  raw: unknown;
  /** What a run stores: `${env:…}` references kept, literal secrets masked. */
  stored: unknown;
  /** Whether `stored` lost literal secrets: a resume re-reads the config file (`source`). */
  maskedLiterals: boolean;
  /** The file the config was read from (absolute path, sha256 of its bytes). */
  source?: ConfigSource;
  /** Every env value (shown as its reference) and literal secret of the config. */
  secrets: Secret[];
  redactor: Redactor;
  /** Proxy and TLS for every client built for this config (undefined: direct, default TLS). */
  network: NetworkSettings | undefined;
  /** Network warnings for every run (an unusable environment proxy, ignored). */
  networkWarnings: string[];
  /** The environment's PG* connection variables (--env-file values included): a PostgreSQL input connects with them. */
  pgEnv: PgEnv;
}

export type Loaded = ({ ok: true } & LoadedConfig) | { ok: false; issues: Issue[]; unsetEnv?: string[] };

/**
 * The engine's result with a redactor for the config's secrets (its issues are already
 * masked) and its network resolved against `env`. Network paths resolve against the config
 * file's folder, else `baseDir`, else the working directory.
 */
function finish(result: LoadResult, env: Env, baseDir?: string): Loaded {
  if (!result.ok) return result;
  const { ok: _ok, ...loaded } = result;
  const net = resolveNetwork(result.config, env, result.source ? dirname(result.source.path) : (baseDir ?? process.cwd()));
  const pgEnv = pgEnvOf(env);
  // PGPASSWORD is a secret wherever it came from (a PostgreSQL input may send it).
  const pgSecrets = pgEnv.PGPASSWORD ? [{ value: pgEnv.PGPASSWORD, shownAs: '${env:PGPASSWORD}' }] : [];
  const redactor = createRedactor([...result.secrets, ...(net.ok ? net.secrets : []), ...pgSecrets]);
  if (!net.ok) return { ok: false, issues: net.issues.map((i) => ({ ...i, message: redactor.text(i.message) })) };
  return { ok: true, ...loaded, secrets: [...result.secrets, ...net.secrets, ...pgSecrets], redactor, pgEnv, network: net.network, networkWarnings: net.warnings.map((w) => redactor.text(w)) };
}

/** An already-parsed config value (the studio's form, a run's stored config; `baseDir`: the folder of the file it came from). */
export function loadConfig(value: unknown, env: Env, baseDir?: string): Loaded {
  return finish(resolveConfig(value, env), env, baseDir);
}

/**
 * A config file: a missing file or a JSON syntax error names the file, line and column.
 * `overrides` (`--set`) are applied to the file's value before `${env:…}` and the schema, so
 * they are checked like the file and a run stores them in its config.
 */
export async function loadConfigFromFile(file: string, env: Env, overrides: readonly Override[] = []): Promise<Loaded> {
  if (overrides.length === 0) return finish(await loadConfigFile(file, env), env, dirname(file));
  const read = await readConfigFile(file);
  if (!read.ok) return read;
  return loadConfigFromText(read.text, file, env, read.source, overrides);
}

/** Config text already read from `file` (a resume re-reading the file it hashed). */
export function loadConfigFromText(text: string, file: string, env: Env, source?: ConfigSource, overrides: readonly Override[] = []): Loaded {
  if (overrides.length === 0) return finish(loadConfigText(text, file, env, source), env, dirname(file));
  const parsed = parseJsonText(stripBom(text), file);
  if (!parsed.ok) return { ok: false, issues: [parsed.issue] };
  const applied = applyOverrides(parsed.value, overrides);
  if (!applied.ok) return { ok: false, issues: applied.issues };
  const result = resolveConfig(applied.value, env);
  if (!result.ok) return { ...result, issues: nameOverrideIssues(result.issues, overrides) };
  return finish(source ? { ...result, source } : result, env, dirname(file));
}
