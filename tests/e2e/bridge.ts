// Stands in for the preload in a plain browser: defines window.outbound with exactly the
// studio methods (the shape of src/preload/api.ts's buildApi) and forwards each call to the
// real service in the test process, through the same validating dispatcher as ipc.ts.
import type { Page } from '@playwright/test';
import { STUDIO_METHODS } from '../../src/shared/api.js';
import { createDispatcher } from '../../src/main/electron/ipc-dispatch.js';
import { METHOD_SCHEMAS } from '../../src/main/electron/ipc-schemas.js';
import type { StudioService } from '../../src/main/studio/service.js';

export const BINDING = '__outbound_call';

/** Every call the page made, for tests that assert what crossed the bridge. */
export interface BridgeLog {
  calls: Array<{ method: string; args: unknown[]; error?: string }>;
}

export async function bridgeService(page: Page, service: StudioService): Promise<BridgeLog> {
  const dispatch = createDispatcher(service, METHOD_SCHEMAS);
  const log: BridgeLog = { calls: [] };
  await page.exposeBinding(BINDING, async (_source, method: unknown, args: unknown) => {
    const entry: BridgeLog['calls'][number] = { method: String(method), args: Array.isArray(args) ? args : [] };
    log.calls.push(entry);
    try {
      return await dispatch(String(method), Array.isArray(args) ? args : (args as unknown[]));
    } catch (err) {
      entry.error = (err as Error).message;
      throw err;
    }
  });
  await page.addInitScript(
    ({ methods, binding }) => {
      const api: Record<string, (...args: unknown[]) => Promise<unknown>> = Object.create(null);
      for (const name of methods) {
        api[name] = (...args: unknown[]) => {
          const call = (window as unknown as Record<string, (m: string, a: unknown[]) => Promise<unknown>>)[binding];
          if (!call) return Promise.reject(new Error('the test bridge is not installed'));
          return call(name, args);
        };
      }
      Object.defineProperty(window, 'outbound', { value: Object.freeze(api), writable: false, configurable: false, enumerable: true });
    },
    { methods: [...STUDIO_METHODS], binding: BINDING },
  );
  return log;
}
