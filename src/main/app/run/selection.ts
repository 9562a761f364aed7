// Which records of the input take part in a run (`--limit N`, `--only-key K`, `--shard i/N`), decided here
// once for every host and every use case (run, resume, retry-failed, dry run, preview).
// A record left out is not part of the run at all: not counted, not planned, not sent.
// Positions stay those of the input, so a resume and export-failed find the same records.
import type { ExportConfig } from '../../../shared/config.js';
import { createRecordPreparer, isStandInKey } from '../../engine/records.js';
import type { SourceItem } from '../../engine/types.js';
import { shardOfKey, type Shard } from './shard.js';

export interface RecordSelection {
  /** Only the first `limit` records of the input (by position, bad rows included). */
  limit?: number;
  /** Only records whose key (the config's `records.key`, as a run computes it) is one of these. */
  onlyKeys?: string[];
  /** Only records whose key hashes to this shard (run/shard.ts); keyless records go to shard 0. */
  shard?: Shard;
}

export type SelectVerdict = 'take' | 'skip' | 'stop';

export interface RecordSelector {
  /** The verdict for the record at 0-based input position `seq`; 'stop' once past the limit. */
  select(item: SourceItem, seq: number): SelectVerdict;
  /** `onlyKeys` no record of the (selected part of the) input had, in the order given. */
  missingKeys(): string[];
  /** Records of the input looked at (up to the limit) and those that took part. */
  counts(): { seen: number; taken: number };
}

/** Why a `--limit` value is not one, or null: a positive whole number. */
export function limitProblem(value: string): string | null {
  const n = Number(value);
  return /^\s*\d+\s*$/.test(value) && Number.isSafeInteger(n) && n >= 1 ? null : `must be a positive whole number (got "${value}")`;
}

/** Whether the selection leaves any record out. */
export function isSelective(s: RecordSelection | undefined): boolean {
  return !!s && (s.limit !== undefined || (s.onlyKeys !== undefined && s.onlyKeys.length > 0) || (s.shard !== undefined && s.shard.count > 1));
}

/**
 * A selector for `config`, or null when every record takes part. Matching keys prepares each
 * record once more (mapping and coercion): the cost of `--only-key` and `--shard`, paid only
 * when one is given (a shard adds one SHA-256 of the key, about 1 µs).
 */
export function createSelector(config: ExportConfig, file: string, selection: RecordSelection | undefined): RecordSelector | null {
  if (!selection || !isSelective(selection)) return null;
  const limit = selection.limit;
  const wanted = selection.onlyKeys && selection.onlyKeys.length > 0 ? new Set(selection.onlyKeys) : null;
  const shard = selection.shard && selection.shard.count > 1 ? selection.shard : null;
  const found = new Set<string>();
  const preparer = wanted || shard ? createRecordPreparer(config, file) : null;
  // A config whose mapping does not compile is refused before any run; match nothing then.
  const prepare = preparer?.ok ? preparer.prepare : null;
  let seen = 0;
  let taken = 0;
  const verdict = (item: SourceItem, seq: number): SelectVerdict => {
    if (!wanted && !shard) return 'take';
    const key = prepare ? keyOfPrepared(prepare(item, seq)) : undefined;
    if (shard && shardOf(key, seq, shard.count) !== shard.index) return 'skip';
    if (!wanted) return 'take';
    if (key === undefined || !wanted.has(key)) return 'skip';
    found.add(key);
    return 'take';
  };
  return {
    select(item, seq) {
      if (limit !== undefined && seq >= limit) return 'stop';
      seen++;
      const v = verdict(item, seq);
      if (v === 'take') taken++;
      return v;
    },
    missingKeys() {
      return wanted ? [...wanted].filter((k) => !found.has(k)) : [];
    },
    counts() {
      return { seen, taken };
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

/**
 * A record's shard: its key's, or 0 when it has no key of its own (unreadable, no key field,
 * or the stand-in `#n` a run gives a record without one; a real key spelled exactly so is
 * taken for a stand-in and also goes to shard 0: still exactly one shard).
 */
function shardOf(key: string | undefined, seq: number, count: number): number {
  return key === undefined || isStandInKey(key, seq) ? 0 : shardOfKey(key, count);
}
