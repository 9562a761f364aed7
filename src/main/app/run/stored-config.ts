// A recorded run's config made runnable again (resume, retry-failed) without the store ever
// holding a secret in clear (invariant 6): `${env:…}` references resolve against the
// environment as for a new run; literal secrets, masked in the stored config, are re-read
// from the config file the run came from, which must be byte-for-byte the one it started
// with (as its input must be).
import { dirname } from 'node:path';
import type { RunRow } from '../../store/rows.js';
import { hasMaskedSecrets, readConfigFile } from '../../engine/load.js';
import { MASK } from '../../engine/redact.js';
import { loadConfig, loadConfigFromText, type Env, type Loaded } from '../config.js';
import { parseOverride, type Override } from '../overrides.js';
import { withEnvFiles } from '../env-file.js';
import type { Issue } from '../../../shared/issues.js';

/**
 * The config a recorded run goes on with. `load` turns a stored config without masked
 * secrets into a runnable one (the studio's also puts back its vault's `${stored:…}`
 * secrets); a masked one can only come back from its file, never with the mask as a secret.
 */
export async function loadRunConfig(
  run: Pick<RunRow, 'id' | 'config' | 'configSource'> & { options?: RunRow['options'] },
  env: Env,
  load: (stored: unknown) => Loaded | Promise<Loaded> = (stored) => loadConfig(stored, env, run.configSource ? dirname(run.configSource.path) : undefined),
): Promise<Loaded> {
  if (!hasMaskedSecrets(run.config)) return load(run.config);
  const source = run.configSource;
  const why = `run ${run.id} stored its config with the literal secrets masked`;
  if (!source) {
    return { ok: false, issues: [{ path: 'config', message: `${why} and has no config file to re-read them from; it cannot go on: start a new run (a saved destination keeps its secrets, encrypted)` }] };
  }
  const read = await readConfigFile(source.path);
  if (!read.ok) {
    return { ok: false, issues: [{ path: source.path, message: `${read.issues[0]?.message ?? 'cannot read config file'}: ${why} and re-reads them from this file; restore it to go on` }] };
  }
  if (read.source.sha256 !== source.sha256) {
    return {
      ok: false,
      issues: [{ path: source.path, message: `config file changed since run ${run.id} started (sha256 differs); refusing to go on: ${why} and re-reads them from this file, and a changed file would send another config. Restore the file, or start a new run` }],
    };
  }
  // The run's --set overrides are in its stored config, but so are its masks: applied again
  // to the file's value. One that held a literal secret was stored masked and cannot be.
  const overrides: Override[] = [];
  for (const o of run.options?.overrides ?? []) {
    const given = `${o.path}=${JSON.stringify(o.value)}`;
    const parsed = parseOverride(given);
    if (!parsed.ok) return { ok: false, issues: [{ path: `--set ${o.path}`, message: parsed.message }] };
    if (JSON.stringify(o.value ?? null).includes(MASK)) {
      return {
        ok: false,
        issues: [{ path: `--set ${o.path}`, message: `run ${run.id} was started with a literal secret in this override, which is never stored; it cannot go on: start a new run, giving the secret as \${env:NAME}` }],
      };
    }
    overrides.push({ ...parsed.override, given: o.path, value: o.value });
  }
  // The bytes just hashed are the ones loaded: no window for the file to change in between.
  return loadConfigFromText(read.text, source.path, env, read.source, overrides);
}

/**
 * The environment a resume or retry-failed resolves `${env:…}` against: the env files given
 * now, else the ones the run was started with (re-read: their values are never stored).
 */
export async function runEnv(run: Pick<RunRow, 'id' | 'options'>, env: Env, envFiles: readonly string[] = []): Promise<{ ok: true; env: Env } | { ok: false; issues: Issue[] }> {
  const files = envFiles.length > 0 ? envFiles : (run.options?.envFiles ?? []);
  if (files.length === 0) return { ok: true, env };
  const read = await withEnvFiles(files, env);
  if (!read.ok) return { ok: false, issues: read.issues.map((i) => ({ ...i, message: `${i.message} (run ${run.id} resolves \${env:…} against it)` })) };
  return { ok: true, env: read.env };
}
