// What a new run records besides its config and input (store column `runs.options`), so
// resume and retry-failed apply it again: the record selection, the --set overrides with
// their values as the stored config holds them (literal secrets masked, `${env:…}` kept),
// and the env files by path. Never a secret in clear.
import type { RunStartOptions } from '../../store/rows.js';
import type { LoadedConfig } from '../config.js';
import { overridePath, valueAt, type Override } from '../overrides.js';
import type { RecordSelection } from './selection.js';

export function startOptions(loaded: LoadedConfig, opts: { selection?: RecordSelection; overrides?: readonly Override[]; envFiles?: readonly string[]; group?: string }): RunStartOptions {
  const { selection, overrides = [], envFiles = [] } = opts;
  return {
    ...(selection?.limit !== undefined ? { limit: selection.limit } : {}),
    ...(selection?.onlyKeys?.length ? { onlyKeys: [...selection.onlyKeys] } : {}),
    ...(selection?.shard ? { shard: { index: selection.shard.index, count: selection.shard.count } } : {}),
    ...(opts.group !== undefined ? { group: opts.group } : {}),
    ...(overrides.length > 0 ? { overrides: overrides.map((o) => ({ path: overridePath(o), value: valueAt(loaded.stored, o.segments) ?? null })) } : {}),
    ...(envFiles.length > 0 ? { envFiles: [...envFiles] } : {}),
  };
}
