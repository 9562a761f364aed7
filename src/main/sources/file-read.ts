// Opening input files: one place that turns fs errors into messages naming the path, and a
// chunked UTF-8 text reader shared by the NDJSON and JSON-array readers.
import { createReadStream, type ReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** Big reads: fewer chunks, fewer awaits; the readers split lines themselves. */
export const READ_CHUNK_BYTES = 256 * 1024;

export interface ReadOptions {
  signal?: AbortSignal;
  /** Bytes per read; tests lower it to put chunk boundaries where they want. */
  highWaterMark?: number;
}

/** A readable message for an fs error, naming the path; AbortErrors pass through untouched. */
export function fileError(path: string, err: unknown): Error {
  if (!(err instanceof Error)) return new Error(`cannot read input file ${path}: ${String(err)}`);
  if (err.name === 'AbortError') return err;
  const code = (err as NodeJS.ErrnoException).code;
  let message: string;
  switch (code) {
    case 'ENOENT':
      message = `input file not found: ${path}`;
      break;
    case 'EACCES':
    case 'EPERM':
      message = `cannot read input file ${path}: permission denied`;
      break;
    case 'EISDIR':
      message = `input path is a directory, not a file: ${path}`;
      break;
    default:
      message = `cannot read input file ${path}: ${err.message}`;
  }
  return Object.assign(new Error(message, { cause: err }), code ? { code } : {});
}

export function openFileStream(path: string, opts: ReadOptions = {}): ReadStream {
  return createReadStream(path, {
    highWaterMark: opts.highWaterMark ?? READ_CHUNK_BYTES,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

/**
 * Yields the file as decoded UTF-8 text chunks. StringDecoder keeps a multi-byte character
 * that straddles two reads whole; a leading BOM is dropped. Errors name the path.
 */
export async function* readTextChunks(path: string, opts: ReadOptions = {}): AsyncGenerator<string> {
  opts.signal?.throwIfAborted();
  const stream = openFileStream(path, opts);
  const decoder = new StringDecoder('utf8');
  let atStart = true;
  try {
    for await (const buf of stream as AsyncIterable<Buffer>) {
      let text = decoder.write(buf);
      if (atStart && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        atStart = false;
      }
      if (text.length > 0) yield text;
    }
    const rest = decoder.end();
    if (rest.length > 0) yield atStart && rest.charCodeAt(0) === 0xfeff ? rest.slice(1) : rest;
  } catch (err) {
    throw fileError(path, err);
  } finally {
    stream.destroy();
  }
}
