// `--input <file | postgres://…>` and `--query`: what a command reads. With no --input, a
// config's `source.postgres` block names the input. A password written in a postgres URL is
// registered with the config's redactor, so no message echoes it.
import type { LoadedConfig } from '../main/app/config.js';
import { configSourceInput, type RunInput } from '../main/app/run/input.js';
import { isPostgresUrl, postgresUrlSecrets } from '../main/sources/postgres.js';
import { str } from './args.js';
import { UsageError } from './io.js';

export const INPUT_FLAGS = {
  input: { type: 'string', short: 'i' },
  query: { type: 'string' },
} as const;

/** The input `--input`/`--query` (or the config's source block) name; a UsageError when none. */
export function inputFromFlags(cmd: string, values: Record<string, unknown>, loaded: LoadedConfig, signal?: AbortSignal): RunInput {
  const given = str(values['input'] as string | undefined);
  const query = str(values['query'] as string | undefined);
  let input: RunInput;
  if (given && isPostgresUrl(given)) {
    if (!query) throw new UsageError(`${cmd}: --query "select …" is required with a postgres:// input`);
    const fetchSize = loaded.config.source?.postgres?.fetchSize;
    input = { kind: 'postgres', url: given, query, ...(fetchSize !== undefined ? { fetchSize } : {}), env: loaded.pgEnv };
  } else if (given) {
    if (query) throw new UsageError(`${cmd}: --query goes with a postgres:// input, not a file`);
    input = { kind: 'file', path: given };
  } else {
    const fromConfig = configSourceInput(loaded.config, loaded.pgEnv);
    if (!fromConfig) throw new UsageError(`${cmd}: --input <file | postgres://…> is required (or a source block in the config)`);
    input = query && fromConfig.kind === 'postgres' ? { ...fromConfig, query } : fromConfig;
  }
  if (input.kind === 'postgres') {
    // Ctrl-C / SIGTERM cancel a count or a read the server is still working on.
    if (signal) input = { ...input, signal };
    for (const password of postgresUrlSecrets(input.url)) {
      // The engine's redactor (request and answer logs, the store) and the host's (messages).
      loaded.secrets.push(password);
      loaded.redactor.add(password);
    }
  }
  return input;
}
