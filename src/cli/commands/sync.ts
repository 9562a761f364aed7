// `sync list` and `sync reset`: the delivered memberships a diff run compares with (issue 12).
// Reset makes the next diff run of that destination + audience send every member as an add.
import { listMemberships, resetMembership } from '../../main/app/run/sync.js';
import { parse, str } from '../args.js';
import { withStore } from '../history/commands.js';
import { CONFIG_FLAGS, loadWithFlags } from '../config-flags.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { printIssues } from '../issues.js';

export const SYNC_USAGE = 'outbound sync list [--db <path>] [--json] | outbound sync reset (<config> | --all) [--db <path>] [--env-file <path>]... [--json]';

export async function syncCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'list' && sub !== 'reset') throw new UsageError(`sync: usage: ${SYNC_USAGE}`);
  const { values, positionals } = parse(`sync ${sub}`, rest, { db: { type: 'string' }, json: { type: 'boolean' }, all: { type: 'boolean' }, 'env-file': CONFIG_FLAGS['env-file']! });
  const json = values.json === true;
  // A missing database is said, not created: a mistyped --db must not read as "nothing delivered".
  const db = str(values.db);
  if (sub === 'list') {
    if (positionals.length > 0) throw new UsageError(`sync list: usage: ${SYNC_USAGE}`);
    return withStore(db, io, 'sync list', (store) => {
      const sets = listMemberships(store);
      if (json) io.stdout(`${JSON.stringify(sets)}\n`);
      else io.stdout(sets.length === 0 ? 'no delivered membership (no diff run yet)\n' : sets.map((s) => `${s.destination} · ${s.audience}: ${s.members} member${s.members === 1 ? '' : 's'}\n`).join(''));
      return EXIT.ok;
    });
  }
  const configPath = positionals[0];
  if ((values.all === true) === (configPath !== undefined) || positionals.length > 1) throw new UsageError(`sync reset: give a config or --all: ${SYNC_USAGE}`);
  let target = null;
  if (configPath !== undefined) {
    const flagged = await loadWithFlags('sync reset', configPath, values, io);
    if (!flagged.ok) return printIssues(io, configPath, flagged.issues);
    target = flagged.loaded.config;
  }
  return withStore(db, io, 'sync reset', (store) => {
    const forgot = resetMembership(store, target);
    const what = target ? `${target.destination.name} · ${target.audience.name}` : 'every destination and audience';
    if (json) io.stdout(`${JSON.stringify({ reset: target ? { destination: target.destination.name, audience: target.audience.name } : 'all', members: forgot })}\n`);
    else io.stdout(`forgot ${forgot} delivered member${forgot === 1 ? '' : 's'} of ${what}: the next diff run sends every member as an add\n`);
    return EXIT.ok;
  });
}
