// `schedule`, one use case for both hosts: an export config and a schedule (given, or the
// config's own `schedule` block) in; the cron expression, the next five runs and every
// scheduler's unit out, or the issues that stop it. The CLI prints it, the studio shows it.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import type { ScheduleRequest, ScheduleView, UnitFormat } from '../../../shared/api.js';
import type { Issue } from '../../../shared/issues.js';
import { formatPath } from '../../../shared/config.js';
import { nextRuns, scheduleCron, scheduleSchema, type ScheduleConfig } from '../../../shared/schedule.js';
import { readConfigFile, parseJsonText, stripBom } from '../../engine/load.js';
import { loadConfig, type Env } from '../config.js';
import { defaultDbPath } from '../../store/paths.js';
import { cliLauncher, envNames, runArgv, unitSlug, type CliLauncher } from './command.js';
import { isPostgresUrl } from '../../../shared/record-place.js';
import { postgresUrlSecrets } from '../../sources/postgres.js';
import { renderUnit, UNIT_FORMATS } from './units.js';

export interface PlanOptions {
  env: Env;
  /** Relative paths resolve against it. */
  cwd: string;
  now?: Date;
  launcher?: CliLauncher;
  formats?: readonly UnitFormat[];
  home?: string;
  /** Runs to list (default 5). */
  count?: number;
}

/** The same, for a config file: missing file and JSON errors name the file, line and column. */
export async function planScheduleFromFile(request: Omit<ScheduleRequest, 'config'>, opts: PlanOptions): Promise<ScheduleView> {
  const file = resolve(opts.cwd, request.configPath);
  const read = await readConfigFile(file);
  if (!read.ok) return { issues: read.issues };
  const parsed = parseJsonText(stripBom(read.text), file);
  if (!parsed.ok) return { issues: [parsed.issue] };
  return planSchedule({ ...request, config: parsed.value }, opts);
}

export function planSchedule(request: ScheduleRequest, opts: PlanOptions): ScheduleView {
  const configPath = resolve(opts.cwd, request.configPath);
  const loaded = loadStandingIn(request.config, opts.env, dirname(configPath));
  if (!loaded.ok) return { issues: loaded.issues };
  const chosen = chooseSchedule(request, loaded.schedule);
  if (!chosen.ok) return { issues: chosen.issues };
  const { schedule, source } = chosen;
  const cron = scheduleCron(schedule);
  if (!cron.ok) return { issues: [{ path: 'schedule', message: cron.message }] };

  const chosenInput = scheduledInput(request, request.config);
  if (!chosenInput.ok) return { issues: chosenInput.issues };
  const warnings: string[] = [];
  const launcher = opts.launcher ?? cliLauncher(opts.env);
  if (launcher.warning) warnings.push(launcher.warning);
  // A postgres:// URL stays a URL (no password in it: refused above); a file resolves to an absolute path.
  const input = chosenInput.input === undefined || isPostgresUrl(chosenInput.input) ? chosenInput.input : resolve(opts.cwd, chosenInput.input);
  if (input !== undefined && !isPostgresUrl(input) && !existsSync(input)) warnings.push(`the input ${input} does not exist yet: the unit fails until it does`);
  const env = envNames(request.config);
  const envFile = env.length > 0 || request.envFile ? resolve(opts.cwd, request.envFile ?? join(dirname(configPath), `${baseName(configPath)}.env`)) : undefined;
  const paths = { config: configPath, input, ...(chosenInput.query !== undefined ? { query: chosenInput.query } : {}), db: resolve(opts.cwd, request.dbPath ?? defaultDbPath({ env: opts.env, create: false })), envFile };
  const raw = request.config as { destination?: { name?: string }; audience?: { name?: string } };
  const title = `${raw.destination?.name ?? 'export'} / ${raw.audience?.name ?? 'audience'}`;
  const when = `${schedule.every !== undefined ? `every ${schedule.every}` : `cron ${cron.cron}`}${schedule.timezone ? ` (${schedule.timezone})` : ''}`;
  const ctx = {
    slug: unitSlug(raw.destination?.name ?? 'export', raw.audience?.name ?? ''),
    title,
    cron: cron.cron,
    timezone: schedule.timezone,
    when,
    launcher,
    paths,
    env,
    home: opts.home ?? homedir(),
    repoRoot: gitRoot(dirname(configPath)),
  };
  return {
    issues: [],
    cron: cron.cron,
    ...(schedule.every !== undefined ? { every: schedule.every } : {}),
    ...(schedule.timezone ? { timezone: schedule.timezone } : {}),
    source,
    nextRuns: nextRuns(cron.cron, opts.count ?? 5, opts.now ?? new Date(), schedule.timezone).map((d) => d.toISOString()),
    command: runArgv(launcher, paths),
    env,
    ...(envFile ? { envFile } : {}),
    units: (opts.formats ?? UNIT_FORMATS).map((f) => renderUnit(f, ctx)),
    warnings,
  };
}

/**
 * What the scheduled run reads, parsed as `run` parses --input/--query: a file, a postgres://
 * URL with its query, or nothing (the config's source.postgres block). A URL holding a
 * password is refused (every unit, --json's command and its messages would carry it), and
 * never shown.
 */
function scheduledInput(request: ScheduleRequest, config: unknown): { ok: true; input?: string; query?: string } | { ok: false; issues: Issue[] } {
  const given = request.inputPath?.trim() ? request.inputPath : undefined;
  const query = request.query?.trim() ? request.query : undefined;
  const source = (config as { source?: { postgres?: unknown } } | null)?.source?.postgres;
  if (given === undefined) {
    if (!source) return { ok: false, issues: [{ path: '--input', message: 'no input: give --input <file | postgres://…> (or a source.postgres block in the config)' }] };
    return { ok: true, ...(query !== undefined ? { query } : {}) };
  }
  if (!isPostgresUrl(given)) {
    if (query !== undefined) return { ok: false, issues: [{ path: '--query', message: '--query goes with a postgres:// input, not a file' }] };
    return { ok: true, input: given };
  }
  if (postgresUrlSecrets(given).length > 0) {
    return {
      ok: false,
      issues: [{ path: '--input', message: 'the postgres:// URL holds a password, which every unit would carry in clear: write it as ${env:NAME} in the config\'s source.postgres.url, or put PGPASSWORD=… in the env file the unit reads (--env-file)' }],
    };
  }
  if (query === undefined) return { ok: false, issues: [{ path: '--query', message: '--query "select …" is required with a postgres:// input' }] };
  return { ok: true, input: given, ...(query !== undefined ? { query } : {}) };
}

type Chosen = { ok: true; schedule: ScheduleConfig; source: 'request' | 'config' } | { ok: false; issues: Issue[] };

/** The request's every/cron wins over the config's `schedule`; a timezone alone adjusts the config's. */
function chooseSchedule(request: ScheduleRequest, fromConfig: ScheduleConfig | undefined): Chosen {
  const given = request.schedule ?? {};
  const own = given.every !== undefined || given.cron !== undefined;
  if (!own && !fromConfig) return { ok: false, issues: [{ path: 'schedule', message: 'no schedule: give every (e.g. 1h) or cron (e.g. "0 * * * *"), or add a schedule block to the config' }] };
  const candidate = own ? given : { ...fromConfig, ...(given.timezone !== undefined ? { timezone: given.timezone } : {}) };
  const checked = scheduleSchema.safeParse(candidate);
  // The request's issues name its own fields (every, cron, timezone), the config's its path.
  if (!checked.success) return { ok: false, issues: checked.error.issues.map((i) => ({ path: own ? formatPath(i.path) : formatPath(['schedule', ...i.path]), message: i.message })) };
  return { ok: true, schedule: checked.data, source: own ? 'request' : 'config' };
}

/**
 * The config checked as a run would check it, with unset `${env:…}` variables stood in: the
 * unit is written before the secrets exist on this machine. The stand-in is an https URL on
 * the reserved .invalid domain, so a variable holding a URL or its origin (a common use)
 * still passes the URL checks; it is never shown or sent.
 */
function loadStandingIn(value: unknown, env: Env, baseDir: string): { ok: true; schedule: ScheduleConfig | undefined } | { ok: false; issues: Issue[] } {
  let loaded = loadConfig(value, env, baseDir);
  if (!loaded.ok && loaded.unsetEnv) {
    const stood: Env = { ...env };
    for (const name of loaded.unsetEnv) stood[name] = `https://${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.env.invalid`;
    loaded = loadConfig(value, stood, baseDir);
  }
  if (!loaded.ok) return { ok: false, issues: loaded.issues };
  return { ok: true, schedule: loaded.config.schedule };
}

function baseName(file: string): string {
  const name = file.slice(dirname(file).length + 1);
  return extname(name) ? name.slice(0, -extname(name).length) : name;
}

function gitRoot(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
