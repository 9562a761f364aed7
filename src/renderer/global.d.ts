/// <reference types="vite/client" />
import type { StudioApi } from '../shared/api.js';

declare global {
  interface Window {
    /** Exposed by the preload (contextBridge): the renderer's only way out. */
    outbound: StudioApi;
  }
}

export {};
