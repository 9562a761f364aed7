// export-failed: the input records a run failed, written as they were in its input file,
// ready to fix and re-run, with their reasons beside them (never inside: the records stay
// untouched). Refused when the input changed since the run (the recorded identity), since
// positions would then point at other records. Decided here for every host.
//   NDJSON: the failed lines, byte for byte (each with its own line ending).
//   CSV:    the header line(s), then the failed rows byte for byte (a quoted multi-line row whole).
//   JSON:   an array of the failed elements, re-serialised (same values; an element too
//           broken to parse cannot be written and is named in the reasons file only).
// Reasons: one JSON object a line, `{ seq, line, key, reason, unconfirmed? , exported }`.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Store } from '../../store/db.js';
import { detectFormat, openSource } from '../../sources/index.js';
import { describeInputChange, inputFromPath } from './input.js';

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

export async function exportFailed(store: Store, runIdOrPrefix: string, out: string, opts: { reasonsPath?: string } = {}): Promise<ExportFailedResult | ExportFailedRefusal> {
  const runId = store.resolveRunId(runIdOrPrefix);
  const run = runId ? store.getRun(runId) : null;
  if (!runId || !run) return { ok: false, kind: 'not-found', message: `no run ${runIdOrPrefix}` };
  if (!run.inputPath) return { ok: false, kind: 'input', message: `run ${runId} has no input file recorded: there are no input lines to export` };
  const input = inputFromPath(run.inputPath);
  if (input.kind !== 'file') return { ok: false, kind: 'input', message: `run ${runId} read a sample set (${input.setId}), not a file: there are no input lines to export` };
  const inputPath = input.path;
  const reasonsPath = opts.reasonsPath ?? reasonsPathFor(out);
  if (resolve(out) === resolve(inputPath) || resolve(reasonsPath) === resolve(inputPath)) {
    return { ok: false, kind: 'usage', message: `--out ${out} is the run's input file: it would be overwritten; name another file` };
  }
  if (run.inputIdentity) {
    const what = await describeInputChange(store, input, run.inputIdentity).catch((err: Error) => err.message);
    if (what) return { ok: false, kind: 'input', message: `input ${inputPath} changed since run ${runId} (${what}); refusing to export its failed records: lines would not be the ones that failed` };
  }
  const format = detectFormat(inputPath);
  const failures = new Map<number, Failure>();
  for (const o of store.iterateOutcomes(runId, { failedOnly: true })) {
    failures.set(o.seq, { seq: o.seq, line: o.line, key: o.key, reason: o.reason, unconfirmed: o.unconfirmed });
  }

  // First pass: the reader the run used tells which lines (or values) hold those positions.
  const starts: number[] = [];
  const wanted: Array<{ seq: number; start: number; value?: unknown; ok: boolean }> = [];
  let seq = 0;
  for await (const item of openSource(inputPath)) {
    starts.push(item.line);
    if (failures.has(seq)) wanted.push({ seq, start: item.line, ok: item.ok, ...(item.ok ? { value: item.value } : {}) });
    seq++;
  }

  const exportedSeqs = new Set<number>();
  const sink = createWriteStream(out);
  try {
    if (format === 'json') {
      const good = wanted.filter((w) => w.ok);
      await write(sink, good.length === 0 ? '[]\n' : `[\n${good.map((w) => JSON.stringify(w.value)).join(',\n')}\n]\n`);
      for (const w of good) exportedSeqs.add(w.seq);
    } else {
      // A record's lines run from its first line to the line before the next record's
      // (blank lines between records dropped); the CSV header is everything before the first.
      const ranges: Array<{ from: number; to: number; seq?: number }> = [];
      if (format === 'csv') ranges.push({ from: 1, to: (starts[0] ?? Number.MAX_SAFE_INTEGER) - 1 });
      const nextStart = new Map<number, number>();
      for (let i = 0; i < starts.length; i++) nextStart.set(i, starts[i + 1] ?? Number.MAX_SAFE_INTEGER);
      for (const w of wanted) {
        const to = format === 'ndjson' ? w.start : nextStart.get(w.seq)! - 1;
        ranges.push({ from: w.start, to, seq: w.seq });
      }
      await copyLineRanges(inputPath, ranges, sink);
      for (const w of wanted) exportedSeqs.add(w.seq);
    }
  } finally {
    await new Promise<void>((res, rej) => sink.end((err?: Error | null) => (err ? rej(err) : res())));
  }

  const reasons = createWriteStream(reasonsPath);
  try {
    for (const f of failures.values()) {
      const exported = exportedSeqs.has(f.seq);
      await write(reasons, `${JSON.stringify({ seq: f.seq, line: f.line, key: f.key, reason: f.reason, ...(f.unconfirmed ? { unconfirmed: true } : {}), exported })}\n`);
    }
  } finally {
    await new Promise<void>((res, rej) => reasons.end((err?: Error | null) => (err ? rej(err) : res())));
  }
  return { ok: true, runId, inputPath, format, exported: exportedSeqs.size, notExported: failures.size - exportedSeqs.size, reasonsPath };
}

function write(sink: WriteStream, chunk: string | Buffer): Promise<void> {
  return new Promise((res, rej) => {
    sink.write(chunk, (err) => (err ? rej(err) : res()));
  });
}

/**
 * Copies whole lines `from..to` (1-based, inclusive, ranges in ascending order) of `path` to
 * `sink`, byte for byte, each with its own line ending; trailing blank lines of a range are
 * dropped, and a last line without one gets "\n" so the output stays one record a line.
 */
async function copyLineRanges(path: string, ranges: ReadonlyArray<{ from: number; to: number }>, sink: WriteStream): Promise<void> {
  let r = 0;
  let lineNo = 1;
  let pending: Buffer[] = []; // lines of the current range, held to drop its trailing blank lines
  let carry: Buffer[] = [];
  const flushRange = async () => {
    let end = pending.length;
    while (end > 0 && isBlank(pending[end - 1]!)) end--;
    for (let i = 0; i < end; i++) {
      const line = pending[i]!;
      await write(sink, line[line.length - 1] === 0x0a ? line : Buffer.concat([line, Buffer.from('\n')]));
    }
    pending = [];
  };
  const onLine = async (line: Buffer) => {
    while (r < ranges.length && lineNo > ranges[r]!.to) {
      await flushRange();
      r++;
    }
    if (r < ranges.length && lineNo >= ranges[r]!.from) pending.push(line);
    lineNo++;
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    if (r >= ranges.length) break;
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf(0x0a, start)) !== -1) {
      const piece = chunk.subarray(start, nl + 1);
      const line = carry.length > 0 ? Buffer.concat([...carry, piece]) : Buffer.from(piece);
      carry = [];
      await onLine(line);
      start = nl + 1;
    }
    if (start < chunk.length) carry.push(Buffer.from(chunk.subarray(start)));
  }
  if (carry.length > 0) await onLine(Buffer.concat(carry));
  if (r < ranges.length) await flushRange();
}

function isBlank(line: Buffer): boolean {
  for (const b of line) if (b !== 0x0a && b !== 0x0d && b !== 0x20 && b !== 0x09) return false;
  return true;
}
