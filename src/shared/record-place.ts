// Where a record sits in its input, said the same way in every host: `file:line` for text
// inputs, `… row N` for a Parquet file or a PostgreSQL query, whose records are rows (no
// lines to point at). A query is named by its URL without the password (`postgres://app@db/crm`).

/** A PostgreSQL connection URL (`postgres://` or `postgresql://`): the one test of every layer (sources/postgres.ts uses it too). */
export const POSTGRES_URL = /^postgres(ql)?:\/\//i;

export function isPostgresUrl(s: string): boolean {
  return POSTGRES_URL.test(s);
}

/** True for an input whose records are numbered as rows (a Parquet file, a PostgreSQL query). */
export function numbersRows(file: string | null | undefined): boolean {
  return typeof file === 'string' && (/\.parquet$/i.test(file) || isPostgresUrl(file));
}

/** `line` or `row`, for a record number of this input. */
export function recordUnit(file: string | null | undefined): 'line' | 'row' {
  return numbersRows(file) ? 'row' : 'line';
}

/** `file:12`, `file.parquet row 12` or `postgres://app@db/crm row 12`. */
export function recordPlace(file: string, line: number): string {
  return numbersRows(file) ? `${file} row ${line}` : `${file}:${line}`;
}
