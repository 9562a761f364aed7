// The sample_sets and samples tables: the profiles the studio renders templates against,
// a set and its records written in one transaction, read back by pages.
import { randomUUID } from 'node:crypto';
import type { Connection } from './connection.js';
import { parseJsonExact } from '../engine/exact.js';
import { parseJson, type SampleSetRow } from './rows.js';

const SQL = {
  insertSet: 'INSERT INTO sample_sets (id, name, count, created_at) VALUES (?, ?, 0, ?)',
  insertSample: 'INSERT INTO samples (set_id, seq, json) VALUES (?, ?, ?)',
  setCount: 'UPDATE sample_sets SET count = ? WHERE id = ?',
  allSets: 'SELECT id, name, count, created_at FROM sample_sets ORDER BY created_at, id',
  samplePage: 'SELECT json FROM samples WHERE set_id = ? AND seq >= ? ORDER BY seq LIMIT ?',
  // Its samples go with it (ON DELETE CASCADE).
  deleteSet: 'DELETE FROM sample_sets WHERE id = ?',
  renameSet: 'UPDATE sample_sets SET name = ? WHERE id = ?',
} as const;

export function createSampleSet(conn: Connection, name: string, records: Iterable<unknown>, now: number = Date.now()): SampleSetRow {
  const id = randomUUID();
  const insert = conn.stmt(SQL.insertSample);
  // One transaction: a set is either all there or not at all.
  const count = conn.db.transaction(() => {
    conn.stmt(SQL.insertSet).run(id, name, now);
    let seq = 0;
    for (const record of records) {
      insert.run(id, seq, JSON.stringify(record === undefined ? null : record));
      seq++;
    }
    conn.stmt(SQL.setCount).run(seq, id);
    return seq;
  })();
  return { id, name, count, createdAt: now };
}

export function listSampleSets(conn: Connection): SampleSetRow[] {
  const rows = conn.stmt(SQL.allSets).all() as Array<{
    id: string;
    name: string;
    count: number;
    created_at: number;
  }>;
  return rows.map((r) => ({ id: r.id, name: r.name, count: r.count, createdAt: r.created_at }));
}

/** `exact`: integers beyond 2^53 are read as exact values (engine/exact.ts), for a run; a view gets plain JSON. */
export function getSamples(conn: Connection, setId: string, offset = 0, limit = 100, exact = false): unknown[] {
  const rows = conn
    .stmt(SQL.samplePage)
    .pluck()
    .all(setId, Math.max(0, Math.floor(offset)), Math.max(0, Math.floor(limit))) as string[];
  return rows.map((j) => (exact ? parseExact(j) : parseJson(j)));
}

export function deleteSampleSet(conn: Connection, setId: string): boolean {
  return conn.stmt(SQL.deleteSet).run(setId).changes > 0;
}

/** Only the name changes: a run's input identity (id, count, creation time) stays the same. */
export function renameSampleSet(conn: Connection, setId: string, name: string): boolean {
  return conn.stmt(SQL.renameSet).run(name, setId).changes > 0;
}

function parseExact(text: string): unknown {
  try {
    return parseJsonExact(text);
  } catch {
    return parseJson(text);
  }
}
