// Input sources: pick a streaming reader by file extension (.parquet: parquet.ts). Every reader yields SourceItems
// in file order, one per record, and keeps memory bounded whatever the file size.
import { extname, basename } from 'node:path';
import type { SourceItem } from '../engine/types.js';
import { readCsv } from './csv.js';
import { readJsonArray } from './json-array.js';
import { readNdjson } from './ndjson.js';
import { readParquet } from './parquet.js';

export type SourceFormat = 'ndjson' | 'csv' | 'json' | 'parquet';

export interface OpenSourceOptions {
  signal?: AbortSignal;
  /** Overrides the format the extension implies. */
  format?: SourceFormat;
}

const BY_EXTENSION: Record<string, SourceFormat> = {
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.csv': 'csv',
  '.json': 'json',
  '.parquet': 'parquet',
};

/** The format implied by the file's extension; throws a message naming the file otherwise. */
export function detectFormat(path: string): SourceFormat {
  const ext = extname(path).toLowerCase();
  const format = BY_EXTENSION[ext];
  if (format) return format;
  const what = ext === '' ? 'no extension' : `unknown input format "${ext}"`;
  throw new Error(`${basename(path)}: ${what}; use .ndjson, .jsonl, .csv, .json or .parquet`);
}

/**
 * Opens an input file as a stream of items. An unknown extension throws at once; a missing
 * or unreadable file rejects the first next() with a message naming the path.
 */
export function openSource(path: string, opts: OpenSourceOptions = {}): AsyncIterable<SourceItem> {
  const format = opts.format ?? detectFormat(path);
  const readOpts = opts.signal ? { signal: opts.signal } : {};
  switch (format) {
    case 'ndjson':
      return readNdjson(path, readOpts);
    case 'csv':
      return readCsv(path, readOpts);
    case 'json':
      return readJsonArray(path, readOpts);
    case 'parquet':
      return readParquet(path, readOpts);
  }
}

export { readNdjson, parseNdjsonText } from './ndjson.js';
export { readCsv } from './csv.js';
export { readJsonArray, parseJsonArrayText } from './json-array.js';
export { readParquet } from './parquet.js';
export { checkParquetFile, parquetRowCount } from './parquet-file.js';
export { fileIdentity, describeIdentityChange, type FileIdentity } from './identity.js';
export { watchFile, type FileWatch } from './watch.js';
