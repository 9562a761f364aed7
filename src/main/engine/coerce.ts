// Output schema coercion: "99" → 99 for a number field, and a clear reason when a value
// cannot be coerced. Pure; no I/O.
import type { FieldType } from '../../shared/config.js';
import { exactInteger, isRawJson } from './exact.js';

export type Coerced = { ok: true; value: unknown } | { ok: false; reason: string };

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^([+-]?)0*(\d+)$/;

function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export function coerceValue(value: unknown, type: FieldType): Coerced {
  if (value === null || value === undefined) return { ok: true, value: null };
  switch (type) {
    case 'json':
      return { ok: true, value };
    case 'string':
      if (typeof value === 'string') return { ok: true, value };
      if (isRawJson(value)) return { ok: true, value: value.rawJSON };
      if (typeof value === 'number' || typeof value === 'boolean') return { ok: true, value: String(value) };
      return { ok: true, value: JSON.stringify(value) };
    case 'number':
    case 'integer': {
      // An integer beyond 2^53 (exact.ts) stays exact: as read, or from its digits.
      if (isRawJson(value)) return { ok: true, value };
      let n: number;
      if (typeof value === 'number') n = value;
      else if (typeof value === 'string' && NUMERIC.test(value.trim())) {
        n = Number(value.trim());
        if (Number.isInteger(n) && !Number.isSafeInteger(n)) {
          const m = INTEGER.exec(value.trim());
          if (m) return { ok: true, value: exactInteger((m[1] === '-' ? '-' : '') + m[2]) };
          return { ok: false, reason: `${show(value)} is beyond 2^53 and not written as plain digits; it cannot be carried exactly` };
        }
      }
      else return { ok: false, reason: `cannot coerce ${show(value)} to ${type}` };
      if (!Number.isFinite(n)) return { ok: false, reason: `cannot coerce ${show(value)} to ${type}` };
      if (type === 'integer' && !Number.isInteger(n)) {
        return { ok: false, reason: `${show(value)} is not an integer` };
      }
      return { ok: true, value: n };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 1 || value === 0) return { ok: true, value: value === 1 };
      if (typeof value === 'string') {
        const s = value.trim().toLowerCase();
        if (s === 'true' || s === '1' || s === 'yes') return { ok: true, value: true };
        if (s === 'false' || s === '0' || s === 'no') return { ok: true, value: false };
      }
      return { ok: false, reason: `cannot coerce ${show(value)} to boolean` };
    }
    case 'datetime': {
      let d: Date;
      if (typeof value === 'number') d = new Date(value);
      else if (typeof value === 'string' && value.trim() !== '') d = new Date(value.trim());
      else return { ok: false, reason: `cannot coerce ${show(value)} to datetime` };
      if (Number.isNaN(d.getTime())) return { ok: false, reason: `${show(value)} is not a date-time` };
      return { ok: true, value: d.toISOString() };
    }
  }
}
