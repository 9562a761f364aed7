// `runs`, `log` and `export-log`: read the store.
import { exportLogCommand, logCommand, runsCommand, runsGroupCommand } from '../history/commands.js';
import { groupProblem } from '../../main/app/run/shard.js';
import { many } from '../config-flags.js';
import { defaultDbPath } from '../../main/store/paths.js';
import { parse, str } from '../args.js';
import { UsageError, type CliIo } from '../io.js';

export async function runsCommandCli(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('runs', argv, { db: { type: 'string', multiple: true }, json: { type: 'boolean' }, group: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError('runs: usage: outbound runs [--db <path>] [--json] | outbound runs --group G [--db <path>]... [--json]');
  const dbs = many(values.db);
  const group = str(values.group);
  if (group !== undefined) {
    const problem = groupProblem(group);
    if (problem) throw new UsageError(`runs: --group ${problem}`);
    return runsGroupCommand({ dbs: dbs.length > 0 ? dbs : [defaultDbPath({ env: io.env })], group, json: values.json === true }, io);
  }
  // Several stores are read together only for a group (each shard keeps its own file).
  if (dbs.length > 1) throw new UsageError('runs: --db is given once, except with --group (the shard stores of one export)');
  return runsCommand({ db: dbs[0] ?? defaultDbPath({ env: io.env }), json: values.json === true }, io);
}

export async function logCommandCli(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('log', argv, { db: { type: 'string' }, json: { type: 'boolean' }, failed: { type: 'boolean' } });
  const runId = positionals[0];
  if (!runId || positionals.length > 1) throw new UsageError('log: usage: outbound log <runId> [--failed] [--db <path>] [--json]');
  return logCommand({ runId, db: str(values.db) ?? defaultDbPath({ env: io.env }), failedOnly: values.failed === true, json: values.json === true }, io);
}

export async function exportLogCommandCli(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('export-log', argv, { db: { type: 'string' }, har: { type: 'string' } });
  const runId = positionals[0];
  const harPath = str(values.har);
  if (!runId || positionals.length > 1 || !harPath) throw new UsageError('export-log: usage: outbound export-log <runId> --har <file> [--db <path>]');
  return exportLogCommand({ runId, db: str(values.db) ?? defaultDbPath({ env: io.env }), harPath }, io);
}
