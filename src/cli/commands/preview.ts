// `preview <config> --input <file> [--limit N]`: the planned requests as JSON, nothing sent.
// `--limit` here counts requests (the preview contract); `--only-key` picks records.
import { preview } from '../../main/app/preview.js';
import { checkInput, inputLabel, openRunInput } from '../../main/app/run/input.js';
import { createSelector, selectSource } from '../../main/app/run/selection.js';
import { intOption, parse, str } from '../args.js';
import { CONFIG_FLAGS, loadWithFlags, many, shardFlag } from '../config-flags.js';
import { INPUT_FLAGS, inputFromFlags } from '../input-flags.js';
import { issueWhere, printIssues } from '../issues.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { existsSync } from 'node:fs';
import { syncModeOf, syncSelectionProblem } from '../../main/app/run/sync.js';
import { openStore, type Store } from '../../main/store/db.js';
import { defaultDbPath } from '../../main/store/paths.js';

export async function previewCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('preview', argv, {
    ...INPUT_FLAGS,
    limit: { type: 'string' },
    'only-key': { type: 'string', multiple: true },
    shard: { type: 'string' },
    db: { type: 'string' },
    ...CONFIG_FLAGS,
  });
  const configPath = positionals[0];
  if (!configPath || positionals.length > 1) throw new UsageError(`preview: usage: ${PREVIEW_USAGE}`);
  const limit = intOption('preview', 'limit', values.limit, 1);
  const onlyKeys = [...new Set(many(values['only-key']))];
  const shard = shardFlag('preview', values, io.env);
  const flagged = await loadWithFlags('preview', configPath, values, io);
  if (!flagged.ok) {
    io.stdout(`${JSON.stringify({ requests: [], errors: flagged.issues.map((i) => ({ where: issueWhere(configPath, i.path), message: i.message })) }, null, 2)}\n`);
    return printIssues(io, configPath, flagged.issues);
  }
  const loaded = flagged.loaded;
  const input = inputFromFlags('preview', values, loaded);
  const file = inputLabel(null, input);
  const problem = await checkInput(null, input);
  if (problem) {
    io.stderr(`${problem}\n`);
    return EXIT.invalid;
  }
  const selection = onlyKeys.length > 0 || shard ? { ...(onlyKeys.length > 0 ? { onlyKeys } : {}), ...(shard ? { shard } : {}) } : undefined;
  const selector = createSelector(loaded.config, file, selection);
  const selectionProblem = syncSelectionProblem(loaded.config, selection);
  if (selectionProblem) throw new UsageError(`preview: ${selectionProblem}`);
  // A diff previews against the membership the store delivered; with no store yet, every member is new.
  let store: Store | null = null;
  if (syncModeOf(loaded.config) === 'diff') {
    const dbPath = str(values.db) ?? defaultDbPath({ env: io.env });
    store = openStore(existsSync(dbPath) ? dbPath : ':memory:');
  }
  let out: Awaited<ReturnType<typeof preview>>;
  try {
    out = await preview(loaded, selectSource(openRunInput(null, input), selector), {
      file,
      maxRecords: 0,
      ...(limit !== undefined ? { limit } : {}),
      ...(store ? { sync: { store, stagingSource: openRunInput(null, input), ...(shard ? { shard } : {}) } } : {}),
    });
  } finally {
    store?.close();
  }
  // Known only when the preview read the whole input (a --limit may stop it first).
  const missingKeys = selector && !out.truncated ? selector.missingKeys() : [];
  if (missingKeys.length > 0) io.stderr(`warning: --only-key: no record of the input has key${missingKeys.length === 1 ? '' : 's'} ${missingKeys.join(', ')}\n`);
  const requests = out.requests.map((r) => ({
    step: r.step,
    method: r.method,
    url: r.url,
    headers: r.headers,
    body: r.body ?? null,
    recordKeys: r.recordKeys,
    ...(r.warnings?.length ? { warnings: r.warnings } : {}),
    ...(r.notes?.length ? { notes: r.notes } : {}),
  }));
  // `where` is the preview contract's name for an issue's place.
  const errors = out.errors.map(({ path, ...rest }) => ({ where: path, ...rest }));
  io.stdout(`${JSON.stringify({ requests, errors, ...(out.truncated ? { truncated: true } : {}), escaping: out.escaping, ...(missingKeys.length > 0 ? { missingKeys } : {}), ...(out.sync ? { sync: { mode: 'diff', ...out.sync } } : {}) }, null, 2)}\n`);
  if (out.configRefused) return printIssues(io, configPath, out.errors);
  return out.errors.length > 0 ? EXIT.failedRecords : EXIT.ok;
}

export const PREVIEW_USAGE = 'outbound preview <config> --input <file | postgres://…> [--query "select …"] [--limit N] [--db <path>] [--only-key K]... [--shard i/N] [--env-file <path>]... [--set path=value]...';
