// Formatters every host shows the same way (the studio and the CLI): pure functions, no
// Node, no DOM, no locale, so a duration reads alike in the window and in the terminal.

/**
 * A duration for people: `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 07 min`.
 * `—` when there is no sensible value (not finite, or negative from clock skew).
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  // Whole seconds first, so 119.6 s reads `2 min 00 s`, never `1 min 60 s`.
  const total = Math.round(s);
  const m = Math.floor(total / 60);
  if (m < 60) return `${m} min ${String(total % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m % 60).padStart(2, '0')} min`;
}

/** A count and its noun, `1 record` / `3 records` (English -s plurals only). */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * A run's record counts, `10 total · 2 succeeded (2 unconfirmed: …) · 8 failed · 3 skipped`.
 * Unconfirmed records are counted in succeeded (the answer's count) but were not named by
 * it, so they are stored as not delivered: `failed + unconfirmed` records are listed as failed.
 */
export function recordCounts(r: { total: number; succeeded: number; failed: number; skipped?: number; unconfirmed?: number }): string {
  const unconfirmed = r.unconfirmed ? ` (${r.unconfirmed} unconfirmed: acknowledged by count without naming which, so listed as failed and re-sent)` : '';
  return `${r.total} total · ${r.succeeded} succeeded${unconfirmed} · ${r.failed} failed${r.skipped ? ` · ${r.skipped} skipped` : ''}`;
}
