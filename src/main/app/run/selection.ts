// Which records of the input take part in a run (`--limit N`, `--only-key K`), decided here
// once for every host and every use case (run, resume, retry-failed, dry run, preview).
// A record left out is not part of the run at all: not counted, not planned, not sent.
// Positions stay those of the input, so a resume and export-failed find the same records.
import type { ExportConfig } from '../../../shared/config.js';
import { createRecordPreparer } from '../../engine/records.js';
import type { SourceItem } from '../../engine/types.js';

export interface RecordSelection {
  /** Only the first `limit` records of the input (by position, bad rows included). */
  limit?: number;
  /** Only records whose key (the config's `records.key`, as a run computes it) is one of these. */
  onlyKeys?: string[];
}

export type SelectVerdict = 'take' | 'skip' | 'stop';

export interface RecordSelector {
  /** The verdict for the record at 0-based input position `seq`; 'stop' once past the limit. */
  select(item: SourceItem, seq: number): SelectVerdict;
  /** `onlyKeys` no record of the (selected part of the) input had, in the order given. */
  missingKeys(): string[];
}

/** Why a `--limit` value is not one, or null: a positive whole number. */
export function limitProblem(value: string): string | null {
  const n = Number(value);
  return /^\s*\d+\s*$/.test(value) && Number.isSafeInteger(n) && n >= 1 ? null : `must be a positive whole number (got "${value}")`;
}

/** Whether the selection leaves any record out. */
export function isSelective(s: RecordSelection | undefined): boolean {
  return !!s && (s.limit !== undefined || (s.onlyKeys !== undefined && s.onlyKeys.length > 0));
}

/**
 * A selector for `config`, or null when every record takes part. Matching keys prepares each
 * record once more (mapping and coercion): the cost of `--only-key`, paid only when it is given.
 */
export function createSelector(config: ExportConfig, file: string, selection: RecordSelection | undefined): RecordSelector | null {
  if (!selection || !isSelective(selection)) return null;
  const limit = selection.limit;
  const wanted = selection.onlyKeys && selection.onlyKeys.length > 0 ? new Set(selection.onlyKeys) : null;
  const found = new Set<string>();
  const preparer = wanted ? createRecordPreparer(config, file) : null;
  // A config whose mapping does not compile is refused before any run; match nothing then.
  const prepare = preparer?.ok ? preparer.prepare : null;
  return {
    select(item, seq) {
      if (limit !== undefined && seq >= limit) return 'stop';
      if (!wanted) return 'take';
      const key = prepare ? keyOfPrepared(prepare(item, seq)) : undefined;
      if (key === undefined || !wanted.has(key)) return 'skip';
      found.add(key);
      return 'take';
    },
    missingKeys() {
      return wanted ? [...wanted].filter((k) => !found.has(k)) : [];
    },
  };
}

/** The source with the selection applied (the preview's path; a run passes the selector to the engine). */
export async function* selectSource(source: AsyncIterable<SourceItem> | Iterable<SourceItem>, selector: RecordSelector | null): AsyncIterable<SourceItem> {
  let seq = 0;
  for await (const item of source) {
    const verdict = selector ? selector.select(item, seq) : 'take';
    seq++;
    if (verdict === 'stop') return;
    if (verdict === 'take') yield item;
  }
}

function keyOfPrepared(p: ReturnType<Extract<ReturnType<typeof createRecordPreparer>, { ok: true }>['prepare']>): string | undefined {
  if (p.ok === true) return p.record.key;
  if (p.ok === 'skip') return p.key;
  return p.failure.key;
}
