// Opening a Parquet file: its footer (metadata) read through a file handle, never the whole
// file, and checked before any row is read, so a truncated or corrupt file, or a codec we
// cannot decompress, is refused at check time with the file's name. Shared by the reader,
// the run's check and the record count (num_rows from the footer: no row is decoded).
import { open, type FileHandle } from 'node:fs/promises';
import { parquetMetadataAsync, type AsyncBuffer, type CompressionCodec, type Compressors, type FileMetaData } from 'hyparquet';
import { compressors as extraCompressors } from 'hyparquet-compressors';
import { fileError } from './file-read.js';

/** Every codec the reader decompresses: hyparquet's own (none, snappy) and hyparquet-compressors'. */
export const COMPRESSORS: Compressors = extraCompressors;
const SUPPORTED_CODECS = new Set<CompressionCodec>(['UNCOMPRESSED', ...(Object.keys(extraCompressors) as CompressionCodec[])]);

export interface OpenParquet {
  handle: FileHandle;
  file: AsyncBuffer;
  metadata: FileMetaData;
  rows: number;
}

/** Message for a Parquet file that cannot be read, naming the file. */
export class ParquetFileError extends Error {
  override name = 'ParquetFileError';
}

/**
 * An AsyncBuffer over an open file handle: each slice is one positioned read of just those
 * bytes (a column chunk, a page range, the footer), so memory follows what is decoded.
 */
export function handleBuffer(handle: FileHandle, size: number, path: string): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(end ?? size, size);
      const length = Math.max(0, stop - start);
      // A fresh ArrayBuffer (not a pooled Buffer's): hyparquet keeps views into it.
      const out = new ArrayBuffer(length);
      const view = new Uint8Array(out);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(view, filled, length - filled, start + filled);
        if (bytesRead === 0) throw new ParquetFileError(`${path}: the file ended at byte ${start + filled} while ${stop} bytes were expected (was it truncated or rewritten while being read?)`);
        filled += bytesRead;
      }
      return out;
    },
  };
}

/** Opens the file and reads and checks its footer; the caller closes `handle`. */
export async function openParquet(path: string): Promise<OpenParquet> {
  let handle: FileHandle;
  let size: number;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw fileError(path, err);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw fileError(path, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
    size = stat.size;
    const file = handleBuffer(handle, size, path);
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(file);
    } catch (err) {
      throw new ParquetFileError(`${path}: not a readable Parquet file: ${footerReason(err, size)}`, { cause: err });
    }
    checkMetadata(path, metadata, size);
    return { handle, file, metadata, rows: Number(metadata.num_rows) };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

function footerReason(err: unknown, size: number): string {
  const message = err instanceof Error ? err.message : String(err);
  if (size < 12) return `it is ${size} bytes long, shorter than any Parquet file (truncated or empty?)`;
  if (/footer != PAR1/.test(message)) return 'it does not end with the Parquet marker "PAR1" (truncated, or not a Parquet file?)';
  if (/metadata length .* exceeds/.test(message)) return 'its footer claims more bytes than the file holds (truncated?)';
  return `its footer (metadata) is corrupt: ${message.replace(/^parquet /, '')}`;
}

/**
 * What the footer promises must hold before a row is read: every column chunk inside the
 * file, a codec we can decompress, row groups adding up to num_rows.
 */
function checkMetadata(path: string, md: FileMetaData, size: number): void {
  let rows = 0n;
  md.row_groups.forEach((group, g) => {
    rows += group.num_rows;
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      const column = meta?.path_in_schema.join('.') ?? '?';
      const where = `row group ${g + 1}, column "${column}"`;
      if (!meta) throw new ParquetFileError(`${path}: ${where}: the column's metadata is missing (corrupt footer?)`);
      if (chunk.file_path) throw new ParquetFileError(`${path}: ${where}: the column's data is in another file (${chunk.file_path}); only single-file Parquet is read`);
      if (!SUPPORTED_CODECS.has(meta.codec)) {
        throw new ParquetFileError(`${path}: ${where}: compression codec ${meta.codec} is not supported (supported: ${[...SUPPORTED_CODECS].join(', ')})`);
      }
      const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
      const end = start + Number(meta.total_compressed_size);
      if (!(start >= 0) || end > size) throw new ParquetFileError(`${path}: ${where}: its data (bytes ${start}–${end}) lies beyond the end of the ${size}-byte file (truncated?)`);
    }
  });
  if (rows !== md.num_rows) throw new ParquetFileError(`${path}: the footer says ${md.num_rows} rows but its row groups hold ${rows} (corrupt footer?)`);
}

/** Number of rows, from the footer alone. */
export async function parquetRowCount(path: string): Promise<number> {
  const opened = await openParquet(path);
  await opened.handle.close();
  return opened.rows;
}

/** Why the file cannot be read as Parquet, or null when its footer is sound. */
export async function checkParquetFile(path: string): Promise<string | null> {
  try {
    await parquetRowCount(path);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
