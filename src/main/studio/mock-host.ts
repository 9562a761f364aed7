// The built-in mock endpoint's life in the studio: started at launch on the port of the last
// launch (so saved destinations keep working), switched between scenarios, stopped, and its
// journal of arrived requests read live.
import type { MockCredentials, MockRouteView, MockStatus, StudioApi } from '../../shared/api.js';
import { builtInScenarios, isBuiltInScenarioName, MOCK_ROUTES, parseScenario, startMock, type MockServer, type Scenario } from '../mock/index.js';
import type { Store } from '../store/db.js';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_SECRET_ENV } from './demo.js';
import { moveMockOrigin, rememberedMockPort, rememberMockPort } from './mock-origin.js';

export type MockArea = Pick<StudioApi, 'mockStatus' | 'startMock' | 'stopMock' | 'mockJournal'>;

export interface MockHost {
  /** Starts the mock at launch; moves saved destinations when the port had to change. */
  launch(store: Store, preferredPort?: number): Promise<void>;
  /** The running mock's URL, for the first-launch example. */
  url(): string | undefined;
  /** The studio API's mock methods; each waits for `ready` first. */
  area(ready: () => Promise<unknown>): MockArea;
  close(): Promise<void>;
}

/** The API key the studio's mock accepts in X-API-Key instead of a token. */
export const MOCK_API_KEY = 'demo-key';
/** The variable the service sets to the mock's API key, so a destination refers to it instead of holding it in clear. */
export const MOCK_API_KEY_ENV = 'OUTBOUND_MOCK_API_KEY';

const CREDENTIALS: MockCredentials = {
  tokenPath: '/oauth/token',
  clientId: DEMO_CLIENT_ID,
  clientSecret: DEMO_CLIENT_SECRET,
  // The service sets this variable to the demo secret (service.ts), like the first-launch example uses it.
  clientSecretRef: `\${env:${DEMO_SECRET_ENV}}`,
  apiKey: MOCK_API_KEY,
  apiKeyRef: `\${env:${MOCK_API_KEY_ENV}}`,
  apiKeyHeader: 'X-API-Key',
};

const ROUTES: MockRouteView[] = MOCK_ROUTES.map((r) => ({ methods: [...r.methods], path: r.path, auth: r.auth, description: r.description }));

export function createMockHost(dbPath: string): MockHost {
  let mock: MockServer | null = null;
  let scenarioName = 'ok';

  const start = async (scenario: Scenario | undefined, preferredPort?: number): Promise<void> => {
    const base = { clientId: CREDENTIALS.clientId, clientSecret: CREDENTIALS.clientSecret, apiKey: CREDENTIALS.apiKey, ...(scenario ? { scenario } : {}) };
    try {
      mock = await startMock({ ...base, port: preferredPort ?? 0 });
    } catch (err) {
      if (!preferredPort) throw err;
      mock = await startMock({ ...base, port: 0 }); // the preferred port is taken: any free one
    }
  };

  const status = (): MockStatus =>
    mock
      ? { running: true, url: mock.url, port: mock.port, scenario: scenarioName, journalSize: mock.journal.size, routes: ROUTES, credentials: CREDENTIALS }
      : { running: false, scenario: scenarioName, journalSize: 0, routes: ROUTES, credentials: CREDENTIALS };

  const stop = async (): Promise<void> => {
    const m = mock;
    mock = null;
    await m?.close();
  };

  return {
    async launch(store, preferredPort) {
      const previous = rememberedMockPort(dbPath);
      await start(undefined, preferredPort ?? previous);
      if (previous !== undefined && mock && mock.port !== previous) moveMockOrigin(store, previous, mock.url);
      if (mock) rememberMockPort(dbPath, mock.port);
    },
    url: () => mock?.url,
    close: stop,
    area: (ready) => ({
      async mockStatus() {
        await ready();
        return status();
      },
      async startMock({ scenario } = {}) {
        await ready();
        const parsed = scenario === undefined ? undefined : parseScenarioText(scenario);
        if (mock) mock.setScenario(parsed?.scenario);
        else await start(parsed?.scenario, rememberedMockPort(dbPath));
        scenarioName = parsed?.name ?? (scenario === undefined ? scenarioName : 'ok');
        return status();
      },
      async stopMock() {
        await ready();
        await stop();
        return status();
      },
      async mockJournal({ since, limit }) {
        await ready();
        if (!mock) return { latestSeq: 0, entries: [] };
        const entries = mock.journal.since(since ?? Math.max(0, mock.journal.latestSeq - (limit ?? 200)), limit ?? 200);
        return {
          latestSeq: mock.journal.latestSeq,
          entries: entries.map((e) => ({
            seq: e.seq,
            time: e.time,
            method: e.method,
            path: e.path,
            status: e.status,
            route: e.route,
            injected: e.injected,
            ...(e.fault ? { fault: e.fault } : {}),
            // The mock answers a curl or a run: the body shows what arrived (cut: this is a live list).
            body: e.body.length > 4096 ? e.body.slice(0, 4096) : e.body,
            bodyBytes: Buffer.byteLength(e.body, 'utf8'),
          })),
        };
      },
    }),
  };
}

/** A built-in scenario name, or a scenario as JSON text. */
function parseScenarioText(text: string): { name: string; scenario: Scenario | undefined } {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'ok') return { name: 'ok', scenario: undefined };
  if (isBuiltInScenarioName(trimmed)) return { name: trimmed, scenario: builtInScenarios[trimmed] };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    throw new Error(`scenario: "${trimmed.slice(0, 60)}" is neither a built-in scenario (${Object.keys(builtInScenarios).join(', ')}) nor JSON`);
  }
  const scenario = parseScenario(value, 'scenario');
  return { name: scenario.name ?? 'custom', scenario };
}
