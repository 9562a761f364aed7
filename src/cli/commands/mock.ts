// `mock [--port N] [--scenario <file>]`: runs until interrupted.
import { builtInScenarios, isBuiltInScenarioName } from '../../main/mock/builtin-scenarios.js';
import { loadScenarioFile, type Scenario } from '../../main/mock/scenario.js';
import { startMock, type MockServer } from '../../main/mock/server.js';
import { intOption, parse, str } from '../args.js';
import { EXIT, UsageError, type CliIo } from '../io.js';

/**
 * Starts the mock. `scenarioPath` is a JSON file, or the name of a built-in scenario
 * (ok, rate-limited, flaky, slow, down, expired-tokens) when no such file is meant.
 * Throws ScenarioError for an invalid scenario file (the caller maps it to exit code 2).
 */
export async function runMockCommand(args: { port?: number; scenarioPath?: string }, io: Pick<CliIo, 'stdout' | 'stderr'>): Promise<MockServer> {
  let scenario: Scenario | undefined;
  if (args.scenarioPath !== undefined) {
    const p = args.scenarioPath;
    scenario = isBuiltInScenarioName(p) && !/[./\\]/.test(p) ? builtInScenarios[p] : await loadScenarioFile(p);
  }
  const mock = await startMock({ port: args.port ?? 0, ...(scenario ? { scenario } : {}) });
  io.stdout(`listening ${mock.url}\n`);
  mock.journal.onEntry((e) => {
    io.stderr(`${e.method} ${e.path} ${e.status ?? e.fault ?? '-'}\n`);
  });
  return mock;
}


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
