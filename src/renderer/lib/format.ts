// Small pure formatters shared by the views (durations and counts: src/shared/format.ts).
import { findJsonError } from './jsonError.js';

/** Seconds left as `mm:ss` (or `h:mm:ss` past an hour); `expired` once at or below zero. */
export function formatCountdown(expiresAt: number, now: number): string {
  const left = Math.floor((expiresAt - now) / 1000);
  if (left <= 0) return 'expired';
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** The one status colour a response earns: 2xx ok, 4xx warn, 5xx/failure error. */
export function statusTone(status: number | undefined, ok = true): 'ok' | 'warn' | 'error' | 'retry' {
  if (status === undefined) return ok ? 'retry' : 'error';
  if (status >= 200 && status < 300) return 'ok';
  if (status === 429) return 'retry';
  if (status >= 400 && status < 500) return 'warn';
  if (status >= 500) return 'error';
  return ok ? 'ok' : 'error';
}

export type BodyCheck =
  | { kind: 'none' }
  | { kind: 'json'; pretty: string }
  | { kind: 'invalid'; message: string; line: number; column: number }
  | { kind: 'text' };

/** Parses a rendered body; on failure says where (line and column) so the UI can point. */
export function checkBody(body: string | undefined, contentType?: string): BodyCheck {
  if (body === undefined || body === '') return { kind: 'none' };
  // A form or XML body is escaped for its type, never parsed as JSON (even one starting with `{`).
  if (contentType && !/json/i.test(contentType) && /x-www-form-urlencoded|xml/i.test(contentType)) return { kind: 'text' };
  const looksJson = /json/i.test(contentType ?? '') || /^\s*[[{"]/.test(body);
  if (!looksJson) return { kind: 'text' };
  try {
    return { kind: 'json', pretty: JSON.stringify(JSON.parse(body), null, 2) };
  } catch (err) {
    const found = findJsonError(body);
    if (found) return { kind: 'invalid', message: found.message, line: found.line, column: found.column };
    return { kind: 'invalid', message: (err as Error).message, line: 1, column: 1 };
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
