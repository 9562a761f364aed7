// Dates for the `date` and `now` helpers. Always UTC: a template renders the same bytes on
// every machine, whatever its timezone (a preview in Paris = a run in a CI in UTC).

/** Numbers below this are epoch seconds, from it on epoch milliseconds (1e11 s is year 5138; 1e11 ms is 1973). */
export const EPOCH_MS_FROM = 1e11;

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const DIGITS = /^-?\d+(\.\d+)?$/;

/**
 * Epoch milliseconds of a date value: a number (or a string of digits) is epoch seconds
 * below 1e11 and epoch milliseconds from 1e11 on; a string is ISO 8601 (`2024-05-01`,
 * `2024-05-01T10:00:00Z`, with an offset, or without one = UTC). Null when it is neither.
 */
export function toEpochMs(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? (Math.abs(v) < EPOCH_MS_FROM ? v * 1000 : v) : null;
  if (typeof v === 'bigint') return toEpochMs(Number(v));
  if (typeof v === 'object' && v !== null && typeof (v as { rawJSON?: unknown }).rawJSON === 'string') return toEpochMs(Number((v as { rawJSON: string }).rawJSON));
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (DIGITS.test(s)) return toEpochMs(Number(s));
  const m = ISO.exec(s);
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', zone] = m;
  const ms = Number((frac + '000').slice(0, 3));
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms);
  // Date.UTC rolls 2024-02-31 over into March: refuse what is not a calendar date.
  const check = new Date(t);
  if (check.getUTCFullYear() !== Number(y) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return null;
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    const offset = (Number(z[2]) * 60 + Number(z[3])) * 60_000;
    t += z[1] === '+' ? -offset : offset;
  }
  return Number.isFinite(t) ? t : null;
}

const TOKENS = /YYYY|MM|DD|HH|mm|ss|SSS|\[[^\]]*\]/g;
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * `ms` written in `format` (UTC): `iso` (default, `2024-05-01T10:00:00.000Z`), `epoch`
 * (seconds) or `epoch_ms` as a number (a bare JSON value stays a number), or a pattern of YYYY MM DD HH mm ss SSS where any other
 * character is kept and `[text]` is written as is.
 */
export function formatDate(ms: number, format: string = 'iso'): string | number {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw new Error('date is out of range');
  switch (format) {
    case 'iso':
      return d.toISOString();
    case 'epoch':
      return Math.floor(ms / 1000);
    case 'epoch_ms':
      return Math.floor(ms);
  }
  return format.replace(TOKENS, (t) => {
    switch (t) {
      case 'YYYY':
        return pad(d.getUTCFullYear(), 4);
      case 'MM':
        return pad(d.getUTCMonth() + 1);
      case 'DD':
        return pad(d.getUTCDate());
      case 'HH':
        return pad(d.getUTCHours());
      case 'mm':
        return pad(d.getUTCMinutes());
      case 'ss':
        return pad(d.getUTCSeconds());
      case 'SSS':
        return pad(d.getUTCMilliseconds(), 3);
      default:
        return t.slice(1, -1);
    }
  });
}
