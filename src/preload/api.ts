// The object the preload exposes as window.outbound. Pure (no Electron import) so a unit
// test can prove it carries exactly the studio methods and no generic channel access.
import { IPC_PREFIX, STUDIO_METHODS, type StudioApi } from '../shared/api.js';

/** Sends one request to main and resolves with its answer (ipcRenderer.invoke in the app). */
export type Invoke = (channel: string, ...args: unknown[]) => Promise<unknown>;

export function buildApi(invoke: Invoke): StudioApi {
  const api: Record<string, (...args: unknown[]) => Promise<unknown>> = Object.create(null);
  for (const name of STUDIO_METHODS) {
    // The channel is fixed per method: the renderer cannot choose what it invokes.
    const channel = IPC_PREFIX + name;
    api[name] = (...args: unknown[]) => invoke(channel, ...args);
  }
  // Frozen: a compromised page cannot swap a method for one that forwards elsewhere.
  return Object.freeze(api) as unknown as StudioApi;
}
