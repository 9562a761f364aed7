// `schedule <config>`: the units that run an export on a schedule (crontab, systemd, launchd,
// GitHub Actions, Kubernetes) and its next five runs. app/schedule decides everything; this
// file parses flags and prints.
import type { ScheduleView, UnitFormat } from '../../shared/api.js';
import { planScheduleFromFile } from '../../main/app/schedule/plan.js';
import { UNIT_FORMATS } from '../../main/app/schedule/units.js';
import { shCommand } from '../../main/app/schedule/quote.js';
import { parse, str } from '../args.js';
import { printIssues } from '../issues.js';
import { EXIT, UsageError, type CliIo } from '../io.js';

const USAGE = 'schedule: usage: outbound schedule <config> [--every 1h | --cron "0 * * * *"] [--timezone Z] [--input <file | postgres://…> [--query "select …"]] [--db <path>] [--env-file <path>] [--format crontab|systemd|launchd|github|k8s] [--json]';

export async function scheduleCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('schedule', argv, {
    every: { type: 'string' },
    cron: { type: 'string' },
    timezone: { type: 'string' },
    input: { type: 'string' },
    query: { type: 'string' },
    db: { type: 'string' },
    'env-file': { type: 'string' },
    format: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  });
  const configPath = positionals[0];
  const inputPath = str(values.input);
  // --input may be absent when the config has a source.postgres block (app/schedule decides).
  if (!configPath || positionals.length > 1) throw new UsageError(USAGE);
  if (values.every !== undefined && values.cron !== undefined) throw new UsageError('schedule: give --every or --cron, not both');
  const formats = formatFlags(values.format);
  const schedule = {
    ...(str(values.every) !== undefined ? { every: str(values.every)! } : {}),
    ...(str(values.cron) !== undefined ? { cron: str(values.cron)! } : {}),
    ...(str(values.timezone) !== undefined ? { timezone: str(values.timezone)! } : {}),
  };
  const view = await planScheduleFromFile(
    { configPath, ...(inputPath !== undefined ? { inputPath } : {}), ...(str(values.query) !== undefined ? { query: str(values.query)! } : {}), schedule, ...(str(values.db) ? { dbPath: str(values.db)! } : {}), ...(str(values['env-file']) ? { envFile: str(values['env-file'])! } : {}) },
    { env: io.env, cwd: process.cwd(), formats },
  );
  if (view.issues.length > 0) {
    const flagged = view.issues.map((i) => (['every', 'cron', 'timezone', '(root)'].includes(i.path) ? { ...i, path: i.path === '(root)' ? '--every/--cron' : `--${i.path}` } : i));
    return printIssues(io, configPath, flagged);
  }
  for (const w of view.warnings ?? []) io.stderr(`warning: ${w}\n`);
  if (values.json === true) {
    io.stdout(`${JSON.stringify(view, null, 2)}\n`);
  } else {
    io.stdout(formatView(view));
  }
  const refused = (view.units ?? []).filter((u) => u.problem);
  return refused.length > 0 && refused.length === view.units!.length ? EXIT.invalid : EXIT.ok;
}

function formatFlags(value: string | boolean | string[] | undefined): UnitFormat[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: UnitFormat[] = [];
  for (const name of value.flatMap((v) => v.split(','))) {
    const format = name.trim() as UnitFormat;
    if (!UNIT_FORMATS.includes(format)) throw new UsageError(`schedule: --format "${name}" is not one of ${UNIT_FORMATS.join(', ')}`);
    if (!out.includes(format)) out.push(format);
  }
  return out;
}

/** `2026-12-02 03:00 Wed` in the schedule's time zone. */
function when(format: Intl.DateTimeFormat, date: Date): string {
  const part = (type: Intl.DateTimeFormatPartTypes) => format.formatToParts(date).find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${part('weekday')}`;
}

function formatView(view: ScheduleView): string {
  const zone = view.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const show = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' });
  const lines = [
    `schedule  ${view.every !== undefined ? `every ${view.every} = ` : ''}cron "${view.cron}"${view.source === 'config' ? " (the config's schedule)" : ''}, time zone ${view.timezone ?? `${zone} (this machine's)`}`,
    `next runs ${(view.nextRuns ?? []).map((t) => when(show, new Date(t))).join('\n          ')}`,
    `command   ${shCommand(view.command ?? [])}`,
  ];
  if ((view.env ?? []).length > 0) lines.push(`secrets   ${view.env!.join(', ')}: no unit holds their values; put KEY=VALUE lines in ${view.envFile} (chmod 600), or the scheduler's secrets (GitHub, Kubernetes)`);
  for (const unit of view.units ?? []) {
    lines.push('', `── ${unit.format} ${'─'.repeat(Math.max(4, 60 - unit.format.length))}`);
    if (unit.problem) {
      lines.push(`(not available: ${unit.problem})`);
      continue;
    }
    lines.push(unit.text.trimEnd());
    for (const step of unit.install) lines.push(`  install: ${step}`);
    for (const note of unit.notes) lines.push(`  note: ${note}`);
  }
  return `${lines.join('\n')}\n`;
}
