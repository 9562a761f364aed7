// What a membership diff compares and keeps of a prepared record (issue 12): a canonical
// JSON form (keys sorted at every depth, so an input whose fields come in another order is
// not "changed") and its hash, plus the record as the templates see it, stored so a later
// remove can render `user` from it. Pure: no I/O.
import { createHash } from 'node:crypto';
import { isRawJson } from './exact.js';

/** The record's fields as JSON with keys sorted at every depth; exact integers as written. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** 16 bytes of SHA-256 over the canonical JSON: what "changed" means for a member. */
export function memberHash(data: Record<string, unknown>): Buffer {
  return createHash('sha256').update(canonicalJson(data)).digest().subarray(0, 16);
}

/** The record as stored for a later remove: its fields in their own order (what `{{json user}}` shows). */
export function memberJson(data: Record<string, unknown>): string {
  return JSON.stringify(data);
}

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || isRawJson(value)) return value;
  if (Array.isArray(value)) return value.map(sortKeys);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
  return out;
}
