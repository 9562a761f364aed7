// A five-field cron expression as the calendars that do not read cron: systemd's OnCalendar=
// (systemd.time(7)) and launchd's StartCalendarInterval (launchd.plist(5)). The fields are
// expanded by croner's own parser, so every scheduler fires at the times `nextRuns` lists.
//
// cron fires when day-of-month OR day-of-week matches if both are restricted; systemd and
// launchd would require both. So such a schedule becomes two calendars, one per day field.
import { CronPattern } from 'croner';

export interface CronFields {
  minute: number[];
  hour: number[];
  /** null: any day (`*`). */
  day: number[] | null;
  /** 1-12; null: any month. */
  month: number[] | null;
  /** 0 (Sunday)-6; null: any weekday. */
  weekday: number[] | null;
}

/** The calendars a cron expression fires on: one, or two when both day fields are restricted (cron's OR). */
export function cronCalendars(cron: string): CronFields[] {
  const p = new CronPattern(cron, undefined, { mode: '5-part' });
  const on = (bits: number[], offset = 0) => bits.flatMap((bit, i) => (bit ? [i + offset] : []));
  const all = (values: number[], size: number) => (values.length === size ? null : values);
  const minute = on(p.minute);
  const hour = on(p.hour);
  const month = all(on(p.month, 1), 12);
  const day = p.starDOM ? null : on(p.day, 1);
  const weekday = p.starDOW ? null : on(p.dayOfWeek);
  if (day && weekday) {
    // Either field covering every day makes the OR every day.
    if (day.length === 31 || weekday.length === 7) return [{ minute, hour, day: null, month, weekday: null }];
    return [{ minute, hour, day, month, weekday: null }, { minute, hour, day: null, month, weekday }];
  }
  return [{ minute, hour, day: day && all(day, 31), month, weekday: weekday && all(weekday, 7) }];
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** systemd OnCalendar= values, one per calendar; `timezone` appended (systemd ≥ 235). */
export function onCalendar(cron: string, timezone?: string): string[] {
  return cronCalendars(cron).map((f) => {
    const weekday = f.weekday ? `${list(f.weekday, 6, (d) => WEEKDAYS[d]!)} ` : '';
    const date = `*-${f.month ? list(f.month, 12, two) : '*'}-${f.day ? list(f.day, 31, two) : '*'}`;
    const time = `${list(f.hour, 23, two, 24)}:${list(f.minute, 59, two, 60)}:00`;
    return `${weekday}${date} ${time}${timezone ? ` ${timezone}` : ''}`;
  });
}

/** launchd StartCalendarInterval entries: every combination of the restricted fields (launchd has no lists). */
export function calendarIntervals(cron: string): Array<Record<'Minute' | 'Hour' | 'Day' | 'Month' | 'Weekday', number>> {
  const out: Array<Record<string, number>> = [];
  for (const f of cronCalendars(cron)) {
    const keys: Array<[string, number[] | null]> = [
      ['Month', f.month],
      ['Day', f.day],
      ['Weekday', f.weekday],
      ['Hour', f.hour.length === 24 ? null : f.hour],
      ['Minute', f.minute.length === 60 ? null : f.minute],
    ];
    let combos: Array<Record<string, number>> = [{}];
    for (const [key, values] of keys) {
      if (!values) continue;
      combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
    }
    out.push(...combos);
  }
  return out as Array<Record<'Minute' | 'Hour' | 'Day' | 'Month' | 'Weekday', number>>;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * A systemd calendar component: `*` for every value, `start/step` for an even step to the
 * end, else a comma list with runs of three or more as `a..b`.
 */
function list(values: number[], max: number, show: (n: number) => string, size = Infinity): string {
  if (values.length === size) return '*';
  if (values.length > 2) {
    const step = values[1]! - values[0]!;
    const even = step > 1 && values.every((v, i) => v === values[0]! + i * step) && values.at(-1)! + step > max;
    if (even && show === two) return `${two(values[0]!)}/${step}`;
  }
  const out: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    if (j - i >= 2) out.push(`${show(values[i]!)}..${show(values[j]!)}`);
    else for (let k = i; k <= j; k++) out.push(show(values[k]!));
    i = j + 1;
  }
  return out.join(',');
}
