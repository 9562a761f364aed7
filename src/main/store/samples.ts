// Sample sets: the profiles the studio renders templates against.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { parseJson, type SampleSetRow } from './rows.js';

export function createSampleSet(db: Database.Database, name: string, records: Iterable<unknown>, now: number = Date.now()): SampleSetRow {
  const id = randomUUID();
  const insert = db.prepare('INSERT INTO samples (set_id, seq, json) VALUES (?, ?, ?)');
  // One transaction: a set is either all there or not at all.
  const count = db.transaction(() => {
    db.prepare('INSERT INTO sample_sets (id, name, count, created_at) VALUES (?, ?, 0, ?)').run(id, name, now);
    let seq = 0;
    for (const record of records) {
      insert.run(id, seq, JSON.stringify(record === undefined ? null : record));
      seq++;
    }
    db.prepare('UPDATE sample_sets SET count = ? WHERE id = ?').run(seq, id);
    return seq;
  })();
  return { id, name, count, createdAt: now };
}

export function listSampleSets(db: Database.Database): SampleSetRow[] {
  const rows = db.prepare('SELECT id, name, count, created_at FROM sample_sets ORDER BY created_at, id').all() as Array<{
    id: string;
    name: string;
    count: number;
    created_at: number;
  }>;
  return rows.map((r) => ({ id: r.id, name: r.name, count: r.count, createdAt: r.created_at }));
}

export function getSamples(db: Database.Database, setId: string, offset = 0, limit = 100): unknown[] {
  const rows = db
    .prepare('SELECT json FROM samples WHERE set_id = ? AND seq >= ? ORDER BY seq LIMIT ?')
    .pluck()
    .all(setId, Math.max(0, Math.floor(offset)), Math.max(0, Math.floor(limit))) as string[];
  return rows.map((j) => parseJson(j));
}

export function deleteSampleSet(db: Database.Database, setId: string): boolean {
  return db.prepare('DELETE FROM sample_sets WHERE id = ?').run(setId).changes > 0;
}
