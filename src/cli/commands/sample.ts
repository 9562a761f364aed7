// `sample --count N [--seed S]`: NDJSON profiles on stdout, streamed with backpressure.
import { createWriteStream } from 'node:fs';
import { generateProfiles, profileToNdjsonLine } from '../../main/sources/sample.js';
import { intOption, parse } from '../args.js';
import { EXIT, UsageError, type CliIo } from '../io.js';

export interface SampleArgs {
  count: number;
  seed?: number;
  /** Write to this file instead of stdout. */
  out?: string;
}

export interface SampleResult {
  count: number;
  bytes: number;
}

const WRITE_BATCH_CHARS = 64 * 1024;

export async function runSampleCommand(
  args: SampleArgs,
  io: { stdout: NodeJS.WritableStream },
): Promise<SampleResult> {
  const { count, seed = 1 } = args;
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new Error(`--count must be a whole number of 0 or more, got ${String(count)}`);
  }
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be a whole number, got ${String(seed)}`);

  const toFile = args.out !== undefined;
  const out: NodeJS.WritableStream = toFile ? createWriteStream(args.out!) : io.stdout;
  const where = toFile ? args.out! : 'stdout';
  let failure: Error | undefined;
  let closed = false;
  const onError = (err: NodeJS.ErrnoException): void => {
    // A reader that went away (`| head`) is not an error: just stop writing.
    if (err.code === 'EPIPE') closed = true;
    else failure ??= new Error(`cannot write ${where}: ${err.message}`, { cause: err });
  };
  out.on('error', onError);

  let written = 0;
  let bytes = 0;
  let batch = '';
  const flush = async (): Promise<void> => {
    const text = batch;
    batch = '';
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) {
      await settle(out, 'drain');
    }
  };
  try {
    for (const profile of generateProfiles(count, seed)) {
      if (failure) throw failure;
      if (closed) break;
      batch += profileToNdjsonLine(profile);
      written++;
      if (batch.length >= WRITE_BATCH_CHARS) await flush();
    }
    if (failure) throw failure;
    if (!closed && batch.length > 0) await flush();
    if (toFile) {
      out.end();
      await settle(out, 'finish');
    }
    if (failure) throw failure;
    return { count: written, bytes };
  } finally {
    out.off('error', onError);
    if (toFile && !(out as NodeJS.WritableStream & { destroyed?: boolean }).destroyed && failure) {
      (out as unknown as { destroy(): void }).destroy();
    }
  }
}

/** Waits for `event`, or for the stream to close or fail (the error handler records why). */
function settle(out: NodeJS.WritableStream, event: 'drain' | 'finish'): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      out.off(event, done);
      out.off('close', done);
      out.off('error', done);
      resolve();
    };
    out.on(event, done);
    out.on('close', done);
    out.on('error', done);
  });
}


export async function sampleCommand(argv: string[], io: CliIo & { stdoutStream?: NodeJS.WritableStream }): Promise<number> {
  const { values, positionals } = parse('sample', argv, { count: { type: 'string', short: 'n' }, seed: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError('sample: usage: outbound sample --count N [--seed S]');
  const count = intOption('sample', 'count', values.count, 0);
  if (count === undefined) throw new UsageError('sample: --count N is required');
  const seed = intOption('sample', 'seed', values.seed, 0);
  await runSampleCommand({ count, ...(seed !== undefined ? { seed } : {}) }, { stdout: io.stdoutStream ?? process.stdout });
  return EXIT.ok;
}
