// A config made ready to use, the same way for both hosts: `${env:…}` resolved, the schema
// checked, and a redactor for every secret it holds, so no issue or message echoes one.
import type { ExportConfig } from '../../shared/config.js';
import { mapMessage, type Issue } from '../../shared/issues.js';
import { loadConfigFile, resolveConfig, type Env } from '../engine/load.js';
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

const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Values the `${env:…}` references in `value` resolve to: issues must never echo them. */
function envValuesIn(value: unknown, env: Env): string[] {
  const out: string[] = [];
  for (const m of JSON.stringify(value ?? null).matchAll(ENV_REF)) {
    const v = env[m[1]!];
    if (v) out.push(v);
  }
  return out;
}

function finish(result: ReturnType<typeof resolveConfig>, value: unknown, env: Env): Loaded {
  if (!result.ok) {
    const redactor = createRedactor(envValuesIn(value, env));
    return { ok: false, issues: result.issues.map((i) => mapMessage(i, (t) => redactor.text(t))) };
  }
  return { ok: true, config: result.config, raw: result.raw, secrets: result.secrets, redactor: createRedactor(result.secrets) };
}

/** An already-parsed config value (the studio's form, a run's stored config). */
export function loadConfig(value: unknown, env: Env): Loaded {
  return finish(resolveConfig(value, env), value, env);
}

/** A config file: a missing file or a JSON syntax error names the file, line and column. */
export async function loadConfigFromFile(file: string, env: Env): Promise<Loaded> {
  const result = await loadConfigFile(file, env);
  return finish(result, result.ok ? result.raw : null, env);
}
