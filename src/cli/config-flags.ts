// The flags that shape how a config is loaded and which records a command reads, shared by
// `run` (and its dry run) and `preview`: --env-file, --set, --limit, --only-key, --shard.
// Parsing only; what they mean is decided in app/ (env-file.ts, overrides.ts,
// run/selection.ts, run/shard.ts).
import { withEnvFiles } from '../main/app/env-file.js';
import { loadConfigFromFile, type Env, type Loaded } from '../main/app/config.js';
import { parseOverride, type Override } from '../main/app/overrides.js';
import { limitProblem, type RecordSelection } from '../main/app/run/selection.js';
import { parseShard, type Shard } from '../main/app/run/shard.js';
import type { Options } from './args.js';
import { UsageError, type CliIo } from './io.js';
import type { Issue } from '../shared/issues.js';

export const CONFIG_FLAGS: Options = {
  'env-file': { type: 'string', multiple: true },
  set: { type: 'string', multiple: true },
};

export const SELECTION_FLAGS: Options = {
  limit: { type: 'string' },
  'only-key': { type: 'string', multiple: true },
  shard: { type: 'string' },
};

type Values = Record<string, string | boolean | string[] | undefined>;

export function many(value: string | boolean | string[] | undefined): string[] {
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

/** `--shard i/N` (index/N reads JOB_COMPLETION_INDEX from `env`); a bad one is a usage error (exit 2). */
export function shardFlag(command: string, values: Values, env: Readonly<Record<string, string | undefined>>): Shard | undefined {
  const text = values.shard;
  if (typeof text !== 'string') return undefined;
  const parsed = parseShard(text, env);
  if (!parsed.ok) throw new UsageError(`${command}: --shard ${parsed.message}`);
  return parsed.shard;
}

/** `--limit`, `--only-key` and `--shard` as a selection; a bad one is a usage error (exit 2). */
export function selectionFlags(command: string, values: Values, env: Readonly<Record<string, string | undefined>> = {}): RecordSelection | undefined {
  const limitText = values.limit;
  let limit: number | undefined;
  if (typeof limitText === 'string') {
    const problem = limitProblem(limitText);
    if (problem) throw new UsageError(`${command}: --limit ${problem}`);
    limit = Number(limitText);
  }
  const onlyKeys = [...new Set(many(values['only-key']))];
  if (onlyKeys.some((k) => k === '')) throw new UsageError(`${command}: --only-key needs a record key (got an empty one)`);
  const shard = shardFlag(command, values, env);
  if (limit === undefined && onlyKeys.length === 0 && !shard) return undefined;
  return { ...(limit !== undefined ? { limit } : {}), ...(onlyKeys.length > 0 ? { onlyKeys } : {}), ...(shard ? { shard } : {}) };
}

export function overrideFlags(command: string, values: Values): Override[] {
  return many(values.set).map((arg) => {
    const parsed = parseOverride(arg);
    if (!parsed.ok) throw new UsageError(`${command}: ${parsed.message}`);
    return parsed.override;
  });
}

export type LoadedWithFlags =
  | { ok: true; loaded: Extract<Loaded, { ok: true }>; overrides: Override[]; envFiles: string[]; env: Env }
  | { ok: false; issues: Array<Pick<Issue, 'path' | 'message'>> };

/** The env files read, then the config loaded with its overrides, or the issues that stopped it. */
export async function loadWithFlags(command: string, configPath: string, values: Values, io: Pick<CliIo, 'env'>): Promise<LoadedWithFlags> {
  const overrides = overrideFlags(command, values);
  const envRead = await withEnvFiles(many(values['env-file']), io.env);
  if (!envRead.ok) return { ok: false, issues: envRead.issues.map((i) => ({ ...i, path: `--env-file ${i.path}` })) };
  const loaded = await loadConfigFromFile(configPath, envRead.env, overrides);
  if (!loaded.ok) return { ok: false, issues: loaded.issues };
  return { ok: true, loaded, overrides, envFiles: envRead.files, env: envRead.env };
}
