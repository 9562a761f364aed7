// A destination's sync frequency (GrowthLoop's "Sync frequency"): `every` (15m, 1h, 1d) or a
// standard five-field cron expression, checked and translated here once so the config
// schema, the CLI and the studio read it the same way. Pure: no Node, no DOM.
//
// Only what every scheduler we render for reads the same: five fields, numbers, names,
// `*`, `,`, `-` and `*/n` / `a-b/n`. croner's extensions (seconds, years, L, W, #, ?, +)
// would be accepted by croner but refused or misread by crontab, GitHub Actions or Kubernetes.
import { Cron, CronPattern } from 'croner';
import { z } from 'zod';

/** Every `every` value that a cron expression runs at exactly equal intervals, shortest first. */
export const EXACT_EVERY = ['1m', '2m', '3m', '4m', '5m', '6m', '10m', '12m', '15m', '20m', '30m', '1h', '2h', '3h', '4h', '6h', '8h', '12h', '1d', '1w'] as const;

const UNIT_MINUTES: Record<string, number> = { m: 1, min: 1, h: 60, d: 1440, w: 10080 };

export type CronResult = { ok: true; cron: string } | { ok: false; message: string };

/**
 * `every` as a cron expression that fires at exactly that interval, or why none does: a cron
 * step restarts at each hour (minutes) or day (hours), so only divisors of 60 minutes and of
 * 24 hours are exact, plus one day and one week.
 */
export function everyToCron(text: string): CronResult {
  const m = /^\s*(\d{1,6})\s*(m|min|h|d|w)\s*$/i.exec(text);
  if (!m) return { ok: false, message: `"${text}" is not a frequency: write a number and a unit, m (minutes), h (hours), d (days) or w (weeks), e.g. 15m, 1h, 1d` };
  const minutes = Number(m[1]) * UNIT_MINUTES[m[2]!.toLowerCase()]!;
  if (minutes === 0) return { ok: false, message: `"${text}" is not a frequency: it must be more than zero` };
  if (minutes < 60 && 60 % minutes === 0) return { ok: true, cron: minutes === 1 ? '* * * * *' : `*/${minutes} * * * *` };
  const hours = minutes / 60;
  if (Number.isInteger(hours) && hours < 24 && 24 % hours === 0) return { ok: true, cron: hours === 1 ? '0 * * * *' : `0 */${hours} * * *` };
  if (minutes === 1440) return { ok: true, cron: '0 0 * * *' };
  if (minutes === 10080) return { ok: true, cron: '0 0 * * 0' };
  return { ok: false, message: `"${text}" cannot be written as a cron schedule that runs exactly every ${describeMinutes(minutes)} (a cron step restarts every hour and every day)${nearest(minutes)}; exact values: ${EXACT_EVERY.join(', ')}; or give a cron expression` };
}

function describeMinutes(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} day${minutes === 1440 ? '' : 's'}`;
  if (minutes % 60 === 0) return `${minutes / 60} hours`;
  return `${minutes} minutes`;
}

function nearest(minutes: number): string {
  const values = EXACT_EVERY.map((v) => ({ v, minutes: Number(v.slice(0, -1)) * UNIT_MINUTES[v.slice(-1)]! }));
  const below = values.filter((x) => x.minutes < minutes).at(-1);
  const above = values.find((x) => x.minutes > minutes);
  const options = [below?.v, above?.v].filter(Boolean);
  return options.length > 0 ? `: the nearest that would work: ${options.join(' or ')}` : '';
}

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'] as const;

/**
 * A cron expression checked by croner and for portability, written the way every scheduler
 * reads it: nicknames expanded, month and day names as numbers, Sunday as 0.
 */
export function normalizeCron(expression: string): CronResult {
  const text = expression.trim();
  if (text === '') return { ok: false, message: 'is empty: write five fields, minute hour day-of-month month day-of-week, e.g. "0 * * * *"' };
  const expanded = NICKNAMES[text.toLowerCase()] ?? text;
  if (expanded.startsWith('@')) return { ok: false, message: `"${text}" is not a schedule nickname crontab, GitHub Actions and Kubernetes all read (known: ${Object.keys(NICKNAMES).join(', ')})` };
  const fields = expanded.split(/\s+/);
  if (fields.length !== 5) {
    return { ok: false, message: `has ${fields.length} field${fields.length === 1 ? '' : 's'}; a schedule has five: minute hour day-of-month month day-of-week (seconds and years are not read by crontab, GitHub Actions or Kubernetes)` };
  }
  let pattern: CronPattern;
  try {
    pattern = new CronPattern(expanded, undefined, { mode: '5-part' });
  } catch (err) {
    return { ok: false, message: `is not a valid cron expression: ${croner(err)}` };
  }
  const out: string[] = [];
  for (let i = 0; i < 5; i++) {
    const names = i === 3 ? MONTHS : i === 4 ? DAYS : [];
    let field = fields[i]!.toUpperCase().replace(/[A-Z]{3}/g, (name) => {
      const at = names.indexOf(name);
      return at === -1 ? name : String(i === 3 ? at + 1 : at);
    });
    if (/[^0-9*,/-]/.test(field)) {
      return { ok: false, message: `${FIELD_NAMES[i]} field "${fields[i]}" uses croner's extensions (L, W, #, ?, +), which crontab, GitHub Actions and Kubernetes do not read: use numbers, names, *, ",", "-" and "/"` };
    }
    // Sunday is 0 and 7 in cron; GitHub Actions reads only 0-6: write the days croner read.
    if (i === 4 && /(^|[^/\d])7(?!\d)/.test(field)) field = ranges(pattern.dayOfWeek.flatMap((on, day) => (on ? [day] : [])));
    out.push(field);
  }
  return { ok: true, cron: out.join(' ') };
}

/** Sorted values as `a-b` runs joined by commas. */
function ranges(values: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    out.push(j > i ? `${values[i]}-${values[j]}` : String(values[i]));
    i = j + 1;
  }
  return out.join(',');
}

/** croner's reason without its class prefix. */
function croner(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/^Cron(Pattern|Options)?:\s*/, '');
}

/** Why `timezone` is not an IANA time zone this runtime knows, or null. */
export function timezoneProblem(timezone: string): string | null {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return null;
  } catch {
    return `"${timezone}" is not an IANA time zone (e.g. UTC, Europe/Paris, America/New_York)`;
  }
}

/** The next `count` times the schedule fires after `from`, computed by croner. */
export function nextRuns(cron: string, count: number, from: Date, timezone?: string): Date[] {
  const job = new Cron(cron, { paused: true, mode: '5-part', ...(timezone ? { timezone } : {}) });
  try {
    return job.nextRuns(count, from);
  } finally {
    job.stop();
  }
}

/** `schedule` in the export config: when the destination syncs. */
export const scheduleSchema = z
  .strictObject({
    every: z.string().optional().describe(`How often the export runs: a number and m, h, d or w. Exact values (a cron expression runs them at equal intervals): ${EXACT_EVERY.join(', ')}.`),
    cron: z.string().optional().describe('A standard five-field cron expression (minute hour day-of-month month day-of-week), e.g. "0 6 * * 1-5". Instead of every.'),
    timezone: z.string().optional().describe('IANA time zone the schedule is read in, e.g. UTC or Europe/Paris. Default: the time zone of the machine (GitHub Actions: UTC).'),
  })
  .superRefine((s, ctx) => {
    if ((s.every === undefined) === (s.cron === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'set exactly one of every (e.g. "1h") or cron (e.g. "0 * * * *")' });
      return;
    }
    const result = s.every !== undefined ? everyToCron(s.every) : normalizeCron(s.cron!);
    if (!result.ok) ctx.addIssue({ code: 'custom', path: [s.every !== undefined ? 'every' : 'cron'], message: result.message });
    const tz = s.timezone === undefined ? null : timezoneProblem(s.timezone);
    if (tz) ctx.addIssue({ code: 'custom', path: ['timezone'], message: tz });
  });

export type ScheduleConfig = z.output<typeof scheduleSchema>;

/** The cron expression of a schedule (already checked by the schema or by `everyToCron`/`normalizeCron`). */
export function scheduleCron(schedule: { every?: string | undefined; cron?: string | undefined }): CronResult {
  if (schedule.every !== undefined) return everyToCron(schedule.every);
  if (schedule.cron !== undefined) return normalizeCron(schedule.cron);
  return { ok: false, message: 'set every (e.g. "1h") or cron (e.g. "0 * * * *")' };
}
