// Sample sets: generate, import (NDJSON, CSV, JSON, Parquet as base64), browse; and the first records of a set,
// which feed the preview and Send this one.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SampleSetSummary, StudioApi } from '../../shared/api.js';
import type { Issue } from '../../shared/issues.js';
import type { SourceItem } from '../app/types.js';
import { readCsv } from '../sources/csv.js';
import { readParquet } from '../sources/parquet.js';
import { parquetRowCount } from '../sources/parquet-file.js';
import { MAX_SAMPLE_SET_PROFILES } from '../../shared/samples.js';
import { recordPlace } from '../../shared/record-place.js';
import { parseJsonArrayText } from '../sources/json-array.js';
import { parseNdjsonText } from '../sources/ndjson.js';
import { generateProfiles } from '../sources/sample.js';
import type { StudioContext } from './context.js';

export type SamplesArea = Pick<StudioApi, 'listSampleSets' | 'generateSamples' | 'importSamples' | 'getSamples' | 'renameSampleSet' | 'deleteSampleSet'>;

/** Profiles read from a sample set for one preview: bounded, whatever the set's size. */
const MAX_PREVIEW_SAMPLES = 1000;

export function createSamples(ctx: StudioContext): SamplesArea {
  return {
    async listSampleSets() {
      return (await ctx.store()).listSampleSets().map(setSummary);
    },

    async generateSamples({ name, count, seed }) {
      const store = await ctx.store();
      const actualSeed = seed ?? 1;
      return setSummary(store.createSampleSet(name?.trim() || `${count} generated profiles (seed ${actualSeed})`, generateProfiles(count, actualSeed)));
    },

    async importSamples({ name, format, text }) {
      const store = await ctx.store();
      const items = await parseSamples(format, text, name);
      const issues: Issue[] = [];
      const values: unknown[] = [];
      for (const item of items) {
        if (item.ok) values.push(item.value);
        else if (issues.length < 100) issues.push({ path: recordPlace(format === 'parquet' ? `${name}.parquet` : name, item.line), message: item.error, line: item.line });
      }
      return { set: setSummary(store.createSampleSet(name, values)), issues };
    },

    async getSamples({ setId, offset, limit }) {
      return (await ctx.store()).getSamples(setId, offset ?? 0, limit ?? 100);
    },

    async renameSampleSet({ setId, name }) {
      const trimmed = name.trim();
      if (trimmed === '') throw new Error('a sample set needs a name');
      const store = await ctx.store();
      if (!store.renameSampleSet(setId, trimmed)) throw new Error(`sample set ${setId} not found`);
      return setSummary(store.listSampleSets().find((x) => x.id === setId)!);
    },

    async deleteSampleSet(setId) {
      // Its profiles go with it; a run that read it can no longer be resumed (its input is gone).
      if (!(await ctx.store()).deleteSampleSet(setId)) throw new Error(`sample set ${setId} not found`);
    },
  };
}

/** The first `count` profiles of a set (at most MAX_PREVIEW_SAMPLES), named after the set. */
export async function sampleItems(ctx: StudioContext, setId: string, count: number): Promise<{ items: SourceItem[]; file: string }> {
  const store = await ctx.store();
  const set = store.listSampleSets().find((x) => x.id === setId);
  if (!set) throw new Error(`sample set ${setId} not found`);
  const values = store.getSamples(setId, 0, Math.min(count, MAX_PREVIEW_SAMPLES), true);
  return { items: values.map((value, i) => ({ ok: true, line: i + 1, value })), file: set.name };
}

function setSummary(s: { id: string; name: string; count: number }): SampleSetSummary {
  return { id: s.id, name: s.name, count: s.count };
}

async function parseSamples(format: 'ndjson' | 'csv' | 'json' | 'parquet', text: string, name: string): Promise<SourceItem[]> {
  if (format === 'ndjson' || format === 'json') {
    const items = format === 'ndjson' ? parseNdjsonText(text) : parseJsonArrayText(text);
    if (items.length > MAX_SAMPLE_SET_PROFILES) throw tooManyRows(name, `${items.length} records`, Buffer.byteLength(text), format === 'ndjson' ? 'NDJSON' : 'JSON');
    return items;
  }
  // The CSV and Parquet readers read files: give them one, so their rules live in one place.
  // A Parquet file comes as base64 (it is binary; the studio reads it from a file picker).
  const dir = await mkdtemp(join(tmpdir(), 'outbound-import-'));
  try {
    const file = join(dir, format === 'parquet' ? 'samples.parquet' : 'samples.csv');
    const bytes = format === 'parquet' ? Buffer.from(text, 'base64') : Buffer.from(text);
    await writeFile(file, bytes);
    const items: SourceItem[] = [];
    try {
      if (format === 'parquet') {
        // A few MB of Parquet can hold millions of rows: its footer says how many, before any is decoded.
        const rows = await parquetRowCount(file);
        if (rows > MAX_SAMPLE_SET_PROFILES) throw tooManyRows(name, `${rows} rows`, bytes.length, 'Parquet');
      }
      for await (const item of format === 'parquet' ? readParquet(file) : readCsv(file)) {
        if (items.length === MAX_SAMPLE_SET_PROFILES) throw tooManyRows(name, `more than ${MAX_SAMPLE_SET_PROFILES} rows`, bytes.length, 'CSV');
        items.push(item);
      }
    } catch (err) {
      // The temporary file's path means nothing to the user: the set's name does.
      throw new Error((err as Error).message.replaceAll(file, name));
    }
    return items;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function tooManyRows(name: string, holds: string, bytes: number, format: string): Error {
  const unit = format === 'NDJSON' || format === 'JSON' ? 'records' : 'rows';
  return new Error(
    `${name}: the ${format} file (${bytes} bytes) holds ${holds}; a sample set holds at most ${MAX_SAMPLE_SET_PROFILES} ${unit} (import a smaller extract; a run reads a file of any size)`,
  );
}
