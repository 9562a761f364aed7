// The `outbound` command: a thin shell over the engine, the store and the mock endpoint.
import { continueCommand, runCommand } from './commands/export-run.js';
import { exportFailedCommand } from './commands/export-failed.js';
import { mockCommand } from './commands/mock.js';
import { oauthCommand } from './commands/oauth.js';
import { previewCommand } from './commands/preview.js';
import { sampleCommand } from './commands/sample.js';
import { schemaCommand } from './commands/schema.js';
import { scheduleCommand } from './commands/schedule.js';
import { syncCommand } from './commands/sync.js';
import { exportLogCommandCli, logCommandCli, runsCommandCli } from './commands/history.js';
import { EXIT, UsageError, type CliIo } from './io.js';

export const HELP = `outbound: export customer profiles and audience membership to HTTP APIs

usage: outbound <command> [options]

  run <config> --input <file> [--db <path>] [--dry-run] [--json]   run an export
      [--limit N]                only the first N records of the input (resume keeps to them)
      [--only-key K]...          only the records with these keys (records.key); keys not found: a warning
      [--env-file <path>]...     KEY=VALUE files for \${env:…} (the real environment wins; later files win)
      [--set path=value]...      override one config field (JSON value, else text), e.g. add.batchSize=10
      [--shard i/N]              only the records whose key hashes to shard i of N (0-based; index/N reads
                                 JOB_COMPLETION_INDEX); paces at requestsPerHour/N; resume keeps the shard
      [--group G]                name the shard runs of one export (default: derived from config, input and N)
      [--continue]               with --shard: go on with this shard's unfinished run of this input and config in
                                 the store (a retried pod); when that run finished, exit with its code, send nothing
      [--audience-wait S]        with --shard i/N, i > 0: look for the audience shard 0 creates for up to S s (120)
      --input postgres://… --query "select …"   read a PostgreSQL query instead (or the config's source.postgres)
      [--sync full|diff]         diff: send only what changed since the last delivered sync (see sync.mode)
  preview <config> --input <file> [--limit N]                    print the planned requests as JSON, send nothing
      [--only-key K]... [--shard i/N] [--env-file <path>]... [--set path=value]...   as for run (--limit counts requests here)
      [--db <path>]              sync.mode diff: the store whose delivered membership the preview compares with
  resume <runId> [--db <path>] [--env-file <path>]... [--json]   finish an interrupted run
  retry-failed <runId> [--db <path>] [--env-file <path>]... [--json]   re-send only the failed records of a run
  export-failed <runId> --out <file> [--reasons <file>] [--db <path>] [--json]
                                                                 write the run's failed input records as they were
                                                                 (reasons beside them: <file>.reasons.ndjson)
  runs [--db <path>] [--json]                                    run history
      [--group G] [--db <path>]...   the shard runs of one export from each shard's store, with their total
  log <runId> [--failed] [--db <path>] [--json]                  a run's requests and record outcomes
  export-log <runId> --har <file> [--db <path>]                  write a run as HAR 1.2 (secrets redacted)
  mock [--port N] [--scenario <file>]                            start the mock endpoint
  oauth <config> [--json]                                        fetch a token, print the exchange (secrets masked)
  sample --count N [--seed S]                                    write N generated XDM-style profiles as NDJSON
  schema                                                         print the export config's JSON Schema
  schedule <config> --input <file> [--every 1h | --cron "0 * * * *"] [--timezone Z] [--db <path>] [--json]
      [--format crontab|systemd|launchd|github|k8s]...   the units that run this export on a schedule and its
                                 next five runs; every format unless --format names some. Without --every
                                 or --cron: the config's schedule. Exact --every values: 1m-30m dividing an
                                 hour, 1h-12h dividing a day, 1d, 1w
      [--env-file <path>]        where the unit reads \${env:…} values (default: <config name>.env beside it)
  sync list [--db <path>] [--json]                               the delivered memberships a diff run compares with
  sync reset (<config> | --all) [--db <path>] [--json]           forget one (the next diff run adds every member)

inputs: .ndjson/.jsonl, .csv (header row), .json (an array), .parquet (a row a record), a PostgreSQL query (postgres:// URL + --query)
exit codes: 0 every record succeeded · 1 some records failed · 2 invalid config, input or usage (nothing sent)
            3 aborted (auth or audience step failed, interrupted): resumable
`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  run: runCommand,
  preview: previewCommand,
  resume: (argv, io) => continueCommand('resume', argv, io),
  'retry-failed': (argv, io) => continueCommand('retry-failed', argv, io),
  'export-failed': exportFailedCommand,
  runs: runsCommandCli,
  log: logCommandCli,
  'export-log': exportLogCommandCli,
  mock: mockCommand,
  oauth: oauthCommand,
  sample: sampleCommand,
  schema: schemaCommand,
  schedule: scheduleCommand,
  sync: syncCommand,
};

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(HELP);
    return name ? EXIT.ok : EXIT.invalid;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`outbound: unknown command "${name}"\n\n${HELP}`);
    return EXIT.invalid;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(commandHelp(name));
    return EXIT.ok;
  }
  try {
    return await command(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`${err.message}\n`);
      return EXIT.invalid;
    }
    throw err;
  }
}

/** `outbound <command> --help`: that command's lines of HELP (one text, so they cannot drift apart). */
export function commandHelp(name: string): string {
  const lines = HELP.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`  ${name} `) || l === `  ${name}`);
  if (start === -1) return HELP;
  let end = start + 1;
  // Continuation lines are indented deeper than a command's two spaces.
  while (end < lines.length && /^ {3,}\S/.test(lines[end]!)) end++;
  return `usage: outbound ${lines.slice(start, end).map((l, i) => (i === 0 ? l.trim() : l)).join('\n')}\n`;
}
