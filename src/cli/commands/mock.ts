// `mock [--port N] [--scenario <file>]`: runs until interrupted.
import { runMockCommand } from '../../main/mock/command.js';
import { intOption, parse, str } from '../args.js';
import { EXIT, UsageError, type CliIo } from '../io.js';

export async function mockCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('mock', argv, { port: { type: 'string', short: 'p' }, scenario: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError('mock: usage: outbound mock [--port N] [--scenario <file>]');
  const port = intOption('mock', 'port', values.port, 0);
  const scenarioPath = str(values.scenario);
  let server;
  try {
    server = await runMockCommand({ ...(port !== undefined ? { port } : {}), ...(scenarioPath ? { scenarioPath } : {}) }, io);
  } catch (err) {
    io.stderr(`mock: ${(err as Error).message}\n`);
    return EXIT.invalid;
  }
  await new Promise<void>((resolve) => {
    if (io.signal?.aborted) resolve();
    io.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  return EXIT.ok;
}
