// The studio API (shared/api.ts), put together from its areas: destinations, samples, the
// design tools, runs and their history, the mock endpoint. No Electron here: the Electron
// main process, the browser test harness and the tests create it the same way
// (invariant 1). Every rule is an app/ use case; this file only opens, seeds and closes.
import { createSchedule } from './schedule.js';
import type { StudioApi } from '../../shared/api.js';
import type { Env } from '../app/config.js';
import { openStore, type Store } from '../store/db.js';
import type { SecretCrypto } from '../store/rows.js';
import { createStudioContext } from './context.js';
import { DEMO_CLIENT_SECRET, DEMO_SECRET_ENV } from './demo.js';
import { createDesignTools } from './design.js';
import { createDestinations } from './destinations.js';
import { createEnvironments } from './environments.js';
import { createMockHost, MOCK_API_KEY, MOCK_API_KEY_ENV } from './mock-host.js';
import { createRunHistory } from './runs/history.js';
import { createRunLauncher } from './runs/launch.js';
import { createReplay } from './runs/replay.js';
import { createSamples } from './samples.js';
import { seedFirstLaunch } from './workspace.js';

export type { SecretCrypto } from '../store/rows.js';

export interface StudioServiceOptions {
  /** The SQLite file (`:memory:` in tests). */
  dbPath: string;
  /** Encrypts secrets at rest (Electron safeStorage). Without it only `${env:NAME}` secrets are saved. */
  crypto?: SecretCrypto;
  /** What `${env:NAME}` resolves against. Default: none. */
  env?: Env;
  /** Start the built-in mock endpoint at launch (default true): the first-launch example uses it. */
  startMockOnLaunch?: boolean;
  /** Preferred mock port; absent: the port of the last launch, else a free one. */
  mockPort?: number;
  /** Seed the example destination and profiles into an empty store (default true). */
  seedExample?: boolean;
}

export interface StudioService extends StudioApi {
  /** Resolves when the store is open, the mock is up and the first-launch example is seeded. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export function createStudioService(opts: StudioServiceOptions): StudioService {
  const env: Env = { ...(opts.env ?? {}) };
  // The mock's demo secret is known to the service, so the example works without OS encryption.
  if (env[DEMO_SECRET_ENV] === undefined) env[DEMO_SECRET_ENV] = DEMO_CLIENT_SECRET;
  if (env[MOCK_API_KEY_ENV] === undefined) env[MOCK_API_KEY_ENV] = MOCK_API_KEY;
  let store: Store | null = null;
  let closed = false;
  const mock = createMockHost(opts.dbPath);

  const ready = (async () => {
    store = openStore(opts.dbPath);
    if (opts.startMockOnLaunch !== false) await mock.launch(store, opts.mockPort);
    if (opts.seedExample !== false) seedFirstLaunch(store, { mockUrl: mock.url(), crypto: opts.crypto });
  })();
  // A failed start is reported by every call; keep it from being an unhandled rejection.
  ready.catch(() => undefined);

  const openStoreOnce = async (): Promise<Store> => {
    await ready;
    if (closed || !store) throw new Error('the studio service is closed');
    return store;
  };
  const environments = createEnvironments(openStoreOnce, opts.crypto);
  const ctx = createStudioContext({
    env,
    crypto: opts.crypto,
    dbPath: opts.dbPath,
    store: openStoreOnce,
    environments: environments.source,
  });
  const runs = createRunLauncher(ctx);

  return {
    ready,
    ...createDestinations(ctx),
    ...createSamples(ctx),
    ...createDesignTools(ctx),
    ...runs,
    ...createRunHistory(ctx, (runId) => runs.isLive(runId)),
    ...createReplay(ctx),
    ...mock.area(() => ctx.store()),
    ...environments.area,
    ...createSchedule(ctx),
    async close() {
      if (closed) return;
      closed = true;
      await ready.catch(() => undefined);
      // Live runs stop first so their logs are written; they stay resumable.
      await runs.stopAll().catch(() => undefined);
      await mock.close();
      store?.close();
      store = null;
    },
  };
}
