// `export-failed <runId> --out <file>`: a run's failed input records, ready to fix and re-run
// (what is written and how is decided in app/run/export-failed.ts).
import { existsSync } from 'node:fs';
import { exportFailed } from '../../main/app/run/export-failed.js';
import { loadRunConfig, runEnv } from '../../main/app/run/stored-config.js';
import { openStore, type Store } from '../../main/store/db.js';
import { defaultDbPath } from '../../main/store/paths.js';
import { parse, str } from '../args.js';
import { EXIT, UsageError, type CliIo } from '../io.js';

export const EXPORT_FAILED_USAGE = 'outbound export-failed <runId> --out <file> [--reasons <file>] [--db <path>] [--json]';

export async function exportFailedCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('export-failed', argv, {
    out: { type: 'string', short: 'o' },
    reasons: { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean' },
  });
  const runId = positionals[0];
  const out = str(values.out);
  if (!runId || positionals.length > 1) throw new UsageError(`export-failed: usage: ${EXPORT_FAILED_USAGE}`);
  if (!out) throw new UsageError('export-failed: --out <file> is required');
  const dbPath = str(values.db) ?? defaultDbPath({ env: io.env, create: false });
  if (!existsSync(dbPath)) {
    io.stderr(`export-failed: no database at ${dbPath} (no runs recorded yet; use --db to pick another file)\n`);
    return EXIT.invalid;
  }
  let store: Store;
  try {
    store = openStore(dbPath);
  } catch (err) {
    io.stderr(`export-failed: ${(err as Error).message}\n`);
    return EXIT.invalid;
  }
  try {
    const reasons = str(values.reasons);
    // A PostgreSQL input reopens through the run's config (its password), loaded as resume loads it.
    const loadConfig = async (run: Parameters<typeof runEnv>[0] & Parameters<typeof loadRunConfig>[0]) => {
      const env = await runEnv(run, io.env);
      return env.ok ? loadRunConfig(run, env.env) : env;
    };
    const result = await exportFailed(store, runId, out, { loadConfig, ...(reasons ? { reasonsPath: reasons } : {}) });
    if (!result.ok) {
      const hint = result.kind === 'not-found' ? ` in ${dbPath} (see: outbound runs --db ${dbPath})` : '';
      io.stderr(`export-failed: ${result.message}${hint}\n`);
      return EXIT.invalid;
    }
    const { ok: _ok, ...summary } = result;
    if (values.json === true) io.stdout(`${JSON.stringify({ ...summary, out })}\n`);
    const n = result.exported;
    io.stderr(`wrote ${n} failed record${n === 1 ? '' : 's'} of run ${result.runId} to ${out} (${result.format}, as in ${result.inputPath}); reasons: ${result.reasonsPath}\n`);
    if (result.notExported > 0) io.stderr(`warning: ${result.notExported} failed record${result.notExported === 1 ? ' was' : 's were'} unreadable in the input and could not be written; see the reasons file\n`);
    return EXIT.ok;
  } catch (err) {
    io.stderr(`export-failed: cannot write ${out}: ${(err as Error).message}\n`);
    return EXIT.invalid;
  } finally {
    store.close();
  }
}
