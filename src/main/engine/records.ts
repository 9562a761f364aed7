// Source items → prepared records: mapping (JMESPath), output schema (selection and
// coercion), action (add/remove or an AEP status) and key. A record that cannot be
// prepared fails alone, with its file, line and field.
import type { ExportConfig } from '../../shared/config.js';
import type { Issue } from '../../shared/issues.js';
import { recordPlace } from '../../shared/record-place.js';
import { coerceValue } from './coerce.js';
import { isRawJson } from './exact.js';
import { compileJmes } from './jmes.js';
import type { Action, PreparedRecord, RecordFailure, SourceItem } from './types.js';

export type Prepared = { ok: true; record: PreparedRecord } | { ok: false; failure: RecordFailure } | { ok: 'skip'; seq: number; reason: string; key: string; line: number };

type Search = (data: unknown) => unknown;

const AEP_STATUS: Record<string, Action> = {
  add: 'add',
  remove: 'remove',
  realized: 'add',
  existing: 'add',
  exited: 'remove',
};

/** The fields a record can have after preparation; null when any field may appear. */
export function knownRecordFields(config: ExportConfig): string[] | null {
  if (config.destination.outputSchema && config.destination.outputSchema.length > 0) {
    return config.destination.outputSchema.map((f) => f.name);
  }
  if (config.records.mapping) return Object.keys(config.records.mapping);
  return null;
}

/**
 * Compiles the mapping and action expressions once. Returns issues (bad JMESPath, with
 * the field) instead of a preparer when the config cannot work for any record.
 */
export function createRecordPreparer(
  config: ExportConfig,
  file: string,
): { ok: true; prepare(item: SourceItem, seq: number): Prepared } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const mapping: Array<[string, Search]> = [];
  for (const [field, expr] of Object.entries(config.records.mapping ?? {})) {
    const compiled = compileJmes(expr, `records.mapping.${field}`);
    if (compiled.ok) mapping.push([field, compiled.search]);
    else issues.push({ path: `records.mapping.${field}`, message: compiled.error.message });
  }
  let action: Search | null = null;
  if (config.records.action) {
    const compiled = compileJmes(config.records.action, 'records.action');
    if (compiled.ok) action = compiled.search;
    else issues.push({ path: 'records.action', message: compiled.error.message });
  }
  if (issues.length > 0) return { ok: false, issues };

  const schema = config.destination.outputSchema && config.destination.outputSchema.length > 0 ? config.destination.outputSchema : null;
  const keyField = config.records.key;
  const hasMapping = mapping.length > 0;

  // Where a record sits: `in.ndjson:42`, or a row of a Parquet file or a query (shared/record-place.ts decides).
  const failed = (item: SourceItem, seq: number, reason: string, key?: string): Prepared => ({
    ok: false,
    failure: { seq, line: item.line, where: recordPlace(file, item.line), reason, ...(key !== undefined ? { key } : {}) },
  });

  const prepare = (item: SourceItem, seq: number): Prepared => {
    if (!item.ok) return failed(item, seq, item.error);
    const input = item.value;
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      return failed(item, seq, `record is not a JSON object (got ${Array.isArray(input) ? 'an array' : input === null ? 'null' : typeof input})`);
    }
    let data: Record<string, unknown>;
    if (hasMapping) {
      data = {};
      for (const [field, search] of mapping) {
        try {
          const v = search(input);
          if (v !== null && v !== undefined) data[field] = v;
        } catch (err) {
          return failed(item, seq, `records.mapping.${field}: ${(err as Error).message}`);
        }
      }
    } else {
      data = input as Record<string, unknown>;
    }
    if (schema) {
      const out: Record<string, unknown> = {};
      for (const f of schema) {
        const raw = data[f.name];
        if (raw === undefined || raw === null) {
          if (f.required) return failed(item, seq, `field "${f.name}" is required by the output schema but missing`, keyOf(data, keyField, seq));
          continue;
        }
        const c = coerceValue(raw, f.type);
        if (!c.ok) return failed(item, seq, `field "${f.name}" (${f.type}): ${c.reason}`, keyOf(data, keyField, seq));
        out[f.name] = c.value;
      }
      data = out;
    }
    const key = keyOf(data, keyField, seq, input as Record<string, unknown>);
    let act: Action = 'add';
    if (action) {
      let v: unknown;
      try {
        v = action(input);
      } catch (err) {
        return failed(item, seq, `records.action: ${(err as Error).message}`, key);
      }
      if (v === null || v === undefined) {
        return { ok: 'skip', seq, reason: `records.action "${config.records.action}" is empty for this record`, key, line: item.line };
      }
      const mapped = typeof v === 'string' ? AEP_STATUS[v.toLowerCase()] : undefined;
      if (!mapped) {
        return failed(item, seq, `records.action gave ${JSON.stringify(v)}; expected add, remove, realized, existing or exited`, key);
      }
      act = mapped;
    }
    return { ok: true, record: { seq, line: item.line, key, action: act, data } };
  };
  return { ok: true, prepare };
}

/** The key a record without one of its own is given (`#<position>`): it names the record, not a member. */
export function isStandInKey(key: string, seq: number): boolean {
  return key === `#${seq + 1}`;
}

function keyOf(data: Record<string, unknown>, keyField: string, seq: number, input?: Record<string, unknown>): string {
  const v = data[keyField] ?? input?.[keyField];
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isRawJson(v)) return v.rawJSON; // an integer beyond 2^53, exactly as written
  return `#${seq + 1}`;
}
