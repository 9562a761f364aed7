// Registers one ipcMain handler per studio API method. Every call is checked twice before
// it reaches the service: the sender must be our own renderer frame, and the arguments must
// pass the method's zod schema (see ipc-dispatch.ts).
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { IPC_PREFIX, STUDIO_METHODS, type StudioApi } from '../../shared/api.js';
import { createDispatcher } from './ipc-dispatch.js';
import { METHOD_SCHEMAS } from './ipc-schemas.js';

export interface IpcOptions {
  /** Decides whether the frame that sent a message is our renderer. */
  isTrustedSender(event: IpcMainInvokeEvent): boolean;
}

/** Registers the handlers; returns a function that removes them (on quit). */
export function registerIpc(service: StudioApi, options: IpcOptions): () => void {
  const dispatch = createDispatcher(service, METHOD_SCHEMAS);
  for (const method of STUDIO_METHODS) {
    ipcMain.handle(IPC_PREFIX + method, async (event, ...args: unknown[]) => {
      if (!options.isTrustedSender(event)) {
        const from = event.senderFrame?.url ?? 'an unknown frame';
        throw new Error(`${method}: refused, the call came from ${from.slice(0, 200)}, not the studio window`);
      }
      return dispatch(method, args);
    });
  }
  return () => {
    for (const method of STUDIO_METHODS) ipcMain.removeHandler(IPC_PREFIX + method);
  };
}
