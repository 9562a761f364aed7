// `sample --count N [--seed S]`: NDJSON profiles on stdout, streamed with backpressure.
import { runSampleCommand } from '../../main/sources/sample-command.js';
import { intOption, parse } from '../args.js';
import { EXIT, UsageError, type CliIo } from '../io.js';

export async function sampleCommand(argv: string[], io: CliIo & { stdoutStream?: NodeJS.WritableStream }): Promise<number> {
  const { values, positionals } = parse('sample', argv, { count: { type: 'string', short: 'n' }, seed: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError('sample: usage: outbound sample --count N [--seed S]');
  const count = intOption('sample', 'count', values.count, 0);
  if (count === undefined) throw new UsageError('sample: --count N is required');
  const seed = intOption('sample', 'seed', values.seed, 0);
  await runSampleCommand({ count, ...(seed !== undefined ? { seed } : {}) }, { stdout: io.stdoutStream ?? process.stdout });
  return EXIT.ok;
}
