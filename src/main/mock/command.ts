// `outbound mock [--port N] [--scenario <file|built-in name>]`: starts the mock, prints the
// listening line first on stdout, then one line per request on stderr.

import { builtInScenarios, isBuiltInScenarioName } from './builtin-scenarios.js';
import { loadScenarioFile, type Scenario } from './scenario.js';
import { startMock, type MockServer } from './server.js';

export interface MockCommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/**
 * Starts the mock. `scenarioPath` is a JSON file, or the name of a built-in scenario
 * (ok, rate-limited, flaky, slow, down, expired-tokens) when no such file is meant.
 * Throws ScenarioError for an invalid scenario file (the caller maps it to exit code 2).
 */
export async function runMockCommand(args: { port?: number; scenarioPath?: string }, io: MockCommandIo): Promise<MockServer> {
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
