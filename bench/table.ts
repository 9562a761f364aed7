// The bench's rows: a Markdown table (stdout, README) and JSON (--json <file>), each row
// with its issue-10 target and pass/fail where the row has one.
export interface Row {
  measure: string;
  /** The number the target is about, in `unit`. */
  value: number;
  unit: string;
  /** The target as text, e.g. `≥ 0.8× raw`; '—' for a reference row. */
  target: string;
  /** Against the target; null for a reference row. */
  pass: boolean | null;
  notes: string;
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** `value` met `target` when at least (or at most) it. */
export const atLeast = (value: number, target: number) => value >= target;
export const atMost = (value: number, target: number) => value <= target;

function result(r: Row): string {
  const digits = r.unit === 'ms' || r.unit === '×' ? 2 : 0;
  return r.unit === '×' ? `${fmt(r.value, digits)}×` : `${fmt(r.value, digits)} ${r.unit}`;
}

export function markdown(rows: Row[]): string {
  const verdict = (p: boolean | null) => (p === null ? '' : p ? 'pass' : '**FAIL**');
  return ['| measure | result | target | | notes |', '|---|---|---|---|---|', ...rows.map((r) => `| ${r.measure} | ${result(r)} | ${r.target} | ${verdict(r.pass)} | ${r.notes} |`)].join('\n');
}
