// export-failed: the input records a run failed, written as they were in its input file,
// ready to fix and re-run, with their reasons beside them (never inside: the records stay
// untouched). Refused when the input changed since the run (the recorded identity), since
// positions would then point at other records. Decided here for every host.
//   NDJSON: the failed lines, byte for byte (each with its own line ending).
//   CSV:    the header row, then the failed rows byte for byte (a quoted multi-line row whole),
//           rows told apart by a quote-aware split (the reader's line numbers are not used).
//   JSON:   an array of the failed elements, re-serialised (same values; an element too
//           broken to parse cannot be written and is named in the reasons file only).
//   A studio sample set, or a Parquet file: the failed records, one JSON object a line
//           (Parquet rows as the run read them: see sources/parquet-values.ts).
// Reasons: one JSON object a line, `{ seq, line, key, reason, unconfirmed? , exported }`.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Store } from '../../store/db.js';
import type { RunRow } from '../../store/rows.js';
import type { SourceItem } from '../../engine/types.js';
import { detectFormat, openSource } from '../../sources/index.js';
import type { Loaded } from '../config.js';
import { checkInput, describeInputChange, inputFromPath, openRunInput, reopenInput } from './input.js';

export interface ExportFailedResult {
  ok: true;
  runId: string;
  inputPath: string;
  format: 'ndjson' | 'csv' | 'json';
  /** Records written to the output. */
  exported: number;
  /** Failed records that could not be written (an unreadable JSON element): in the reasons file. */
  notExported: number;
  reasonsPath: string;
}

export type ExportFailedRefusal = { ok: false; kind: 'not-found' | 'input' | 'usage'; message: string };

interface Failure {
  seq: number;
  line: number | null;
  key: string;
  reason: string | null;
  unconfirmed: boolean;
}

/** The reasons file beside `out`. */
export function reasonsPathFor(out: string): string {
  return `${out}.reasons.ndjson`;
}

/** A failure to read the run's input (not to write the output): refused as an input problem. */
class InputReadError extends Error {}

/** The items of `source`, a read failure raised as an InputReadError (so it is not called a write failure). */
async function* readingInput(source: AsyncIterable<SourceItem>): AsyncGenerator<SourceItem> {
  const it = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<SourceItem>;
      try {
        next = await it.next();
      } catch (err) {
        throw new InputReadError((err as Error).message, { cause: err });
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await it.return?.();
  }
}

export interface ExportFailedOptions {
  reasonsPath?: string;
  /**
   * The run's config made runnable again (as resume loads it: its env files, its config file
   * for masked literals): a PostgreSQL input was recorded without its password and reopens
   * through the config's source block. Without it (or when it cannot load), pg's own
   * PGPASSWORD / ~/.pgpass supply the password.
   */
  loadConfig?: (run: RunRow) => Promise<Loaded>;
}

export async function exportFailed(store: Store, runIdOrPrefix: string, out: string, opts: ExportFailedOptions = {}): Promise<ExportFailedResult | ExportFailedRefusal> {
  const runId = store.resolveRunId(runIdOrPrefix);
  const run = runId ? store.getRun(runId) : null;
  if (!runId || !run) return { ok: false, kind: 'not-found', message: `no run ${runIdOrPrefix}` };
  if (!run.inputPath) return { ok: false, kind: 'input', message: `run ${runId} has no input file recorded: there are no input lines to export` };
  let input = inputFromPath(run.inputPath);
  const reasonsPath = opts.reasonsPath ?? reasonsPathFor(out);
  if (input.kind === 'postgres') {
    // As resume does: the password through the stored config's source block, then the same
    // identity check (target, query, row count), since failed rows are found by position.
    const loaded = opts.loadConfig ? await opts.loadConfig(run) : null;
    if (loaded?.ok) input = reopenInput(input, loaded.config, loaded.pgEnv);
    const problem = await checkInput(store, input);
    if (problem) return { ok: false, kind: 'input', message: problem };
    if (run.inputIdentity) {
      const what = await describeInputChange(store, input, run.inputIdentity).catch((err: Error) => err.message);
      if (what) return { ok: false, kind: 'input', message: `input ${run.inputPath} changed since run ${runId} (${what}); refusing to export its failed records: rows would not be the ones that failed` };
    }
  }
  if (input.kind !== 'file') {
    // A studio sample set or a query has no input lines: its failed records are written one a line.
    const failures = failuresOf(store, runId);
    const exportedSeqs = new Set<number>();
    const from = input;
    try {
      await writeAll(out, async (sink) => {
        let seq = 0;
        for await (const item of readingInput(openRunInput(store, from))) {
          if (failures.has(seq) && item.ok) {
            await write(sink, `${JSON.stringify(item.value)}\n`);
            exportedSeqs.add(seq);
          }
          seq++;
        }
      });
    } catch (err) {
      if (err instanceof InputReadError) return { ok: false, kind: 'input', message: `cannot read the input of run ${runId}: ${err.message}` };
      throw err;
    }
    await writeReasons(reasonsPath, failures, exportedSeqs);
    return { ok: true, runId, inputPath: run.inputPath, format: 'ndjson', exported: exportedSeqs.size, notExported: failures.size - exportedSeqs.size, reasonsPath };
  }
  const inputPath = input.path;
  if (resolve(out) === resolve(inputPath) || resolve(reasonsPath) === resolve(inputPath)) {
    return { ok: false, kind: 'usage', message: `--out ${out} is the run's input file: it would be overwritten; name another file` };
  }
  if (run.inputIdentity) {
    const what = await describeInputChange(store, input, run.inputIdentity).catch((err: Error) => err.message);
    if (what) return { ok: false, kind: 'input', message: `input ${inputPath} changed since run ${runId} (${what}); refusing to export its failed records: lines would not be the ones that failed` };
  }
  const format = detectFormat(inputPath);
  const failures = failuresOf(store, runId);
  if (format === 'parquet') {
    const exportedSeqs = new Set<number>();
    await writeAll(out, async (sink) => {
      let seq = 0;
      for await (const item of openSource(inputPath)) {
        if (failures.has(seq) && item.ok) {
          await write(sink, `${JSON.stringify(item.value)}\n`);
          exportedSeqs.add(seq);
        }
        seq++;
      }
    });
    await writeReasons(reasonsPath, failures, exportedSeqs);
    return { ok: true, runId, inputPath, format: 'ndjson', exported: exportedSeqs.size, notExported: failures.size - exportedSeqs.size, reasonsPath };
  }

  if (format === 'csv') {
    // Rows are split here by quotes and newlines, records by the reader: when the two disagree
    // (a stray quote in a field, CR-only line endings), rows would be the wrong records.
    let records = 0;
    for await (const _ of openSource(inputPath)) records++;
    const rows = await countCsvRows(inputPath);
    if (rows !== records) {
      return { ok: false, kind: 'input', message: `${inputPath}: its ${rows} rows as split by quotes and newlines do not match the ${records} records the reader found (a stray quote in a field, or CR-only line endings?); nothing written, so no wrong record is exported` };
    }
  }
  const exportedSeqs = new Set<number>();
  await writeAll(out, async (sink) => {
    if (format === 'csv') {
      for (const seq of await copyCsvRows(inputPath, failures, sink)) exportedSeqs.add(seq);
    } else {
      // The reader the run used tells which line (NDJSON) or value (JSON) holds each position.
      const wanted: Array<{ seq: number; line: number; value?: unknown; ok: boolean }> = [];
      let seq = 0;
      for await (const item of openSource(inputPath)) {
        if (failures.has(seq)) wanted.push({ seq, line: item.line, ok: item.ok, ...(item.ok ? { value: item.value } : {}) });
        seq++;
      }
      if (format === 'json') {
        const good = wanted.filter((w) => w.ok);
        await write(sink, good.length === 0 ? '[]\n' : `[\n${good.map((w) => JSON.stringify(w.value)).join(',\n')}\n]\n`);
        for (const w of good) exportedSeqs.add(w.seq);
      } else {
        await copyLines(inputPath, new Set(wanted.map((w) => w.line)), sink);
        for (const w of wanted) exportedSeqs.add(w.seq);
      }
    }
  });

  await writeReasons(reasonsPath, failures, exportedSeqs);
  return { ok: true, runId, inputPath, format, exported: exportedSeqs.size, notExported: failures.size - exportedSeqs.size, reasonsPath };
}

function failuresOf(store: Store, runId: string): Map<number, Failure> {
  const failures = new Map<number, Failure>();
  for (const o of store.iterateOutcomes(runId, { failedOnly: true })) {
    failures.set(o.seq, { seq: o.seq, line: o.line, key: o.key, reason: o.reason, unconfirmed: o.unconfirmed });
  }
  return failures;
}

async function writeAll(path: string, fill: (sink: WriteStream) => Promise<void>): Promise<void> {
  const sink = createWriteStream(path);
  try {
    await fill(sink);
  } finally {
    await new Promise<void>((res, rej) => sink.end((err?: Error | null) => (err ? rej(err) : res())));
  }
}

function writeReasons(path: string, failures: Map<number, Failure>, exportedSeqs: ReadonlySet<number>): Promise<void> {
  return writeAll(path, async (reasons) => {
    for (const f of failures.values()) {
      const exported = exportedSeqs.has(f.seq);
      await write(reasons, `${JSON.stringify({ seq: f.seq, line: f.line, key: f.key, reason: f.reason, ...(f.unconfirmed ? { unconfirmed: true } : {}), exported })}\n`);
    }
  });
}

function write(sink: WriteStream, chunk: string | Buffer): Promise<void> {
  return new Promise((res, rej) => {
    sink.write(chunk, (err) => (err ? rej(err) : res()));
  });
}

/**
 * Copies the lines numbered in `lines` (1-based, physical) of `path` to `sink` byte for byte,
 * each with its own line ending; a last line without one gets "\n" (one record a line).
 */
async function copyLines(path: string, lines: ReadonlySet<number>, sink: WriteStream): Promise<void> {
  let lineNo = 1;
  let carry: Buffer[] = [];
  const onLine = async (line: Buffer) => {
    if (lines.has(lineNo)) await write(sink, line[line.length - 1] === 0x0a ? line : Buffer.concat([line, Buffer.from('\n')]));
    lineNo++;
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf(0x0a, start)) !== -1) {
      const piece = chunk.subarray(start, nl + 1);
      const line = carry.length > 0 ? Buffer.concat([...carry, piece]) : piece;
      carry = [];
      await onLine(line);
      start = nl + 1;
    }
    if (start < chunk.length) carry.push(Buffer.from(chunk.subarray(start)));
  }
  if (carry.length > 0) await onLine(Buffer.concat(carry));
}

/**
 * Copies the header row and the rows at positions `seqs` (0-based, data rows, empty lines
 * not counted, as the CSV reader skips them) of a CSV file, byte for byte. Rows end at a
 * newline outside double quotes (`""` inside a quoted field toggles twice: no effect).
 * Returns the positions written.
 */
async function copyCsvRows(path: string, seqs: ReadonlyMap<number, unknown>, sink: WriteStream): Promise<number[]> {
  const written: number[] = [];
  let index = -1; // -1: the header row
  await splitCsvRows(path, async (row) => {
    if (index === -1 || seqs.has(index)) {
      await write(sink, row[row.length - 1] === 0x0a ? row : Buffer.concat([row, Buffer.from('\n')]));
      if (index >= 0) written.push(index);
    }
    index++;
  });
  return written;
}

/** Data rows the quote-aware split finds (the header not counted). */
async function countCsvRows(path: string): Promise<number> {
  let rows = -1;
  await splitCsvRows(path, () => {
    rows++;
    return Promise.resolve();
  });
  return Math.max(0, rows);
}

/** Calls `onRow` with each row of a CSV file, byte for byte; empty lines are skipped, as the reader does. */
async function splitCsvRows(path: string, onRow: (row: Buffer) => Promise<void>): Promise<void> {
  let inQuotes = false;
  let parts: Buffer[] = [];
  const emit = async (row: Buffer) => {
    if (!isEmptyLine(row)) await onRow(row);
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 0x22) inQuotes = !inQuotes;
      else if (b === 0x0a && !inQuotes) {
        parts.push(chunk.subarray(start, i + 1));
        const row = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
        parts = [];
        await emit(row);
        start = i + 1;
      }
    }
    if (start < chunk.length) parts.push(Buffer.from(chunk.subarray(start)));
  }
  if (parts.length > 0) await emit(Buffer.concat(parts));
}

/** An empty line (csv-parse's skip_empty_lines): a line of spaces is a row, refused or not. */
function isEmptyLine(line: Buffer): boolean {
  return line.length === 0 || (line.length === 1 && line[0] === 0x0a) || (line.length === 2 && line[0] === 0x0d && line[1] === 0x0a);
}
