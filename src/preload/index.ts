// Sandboxed preload (built as CommonJS): exposes exactly the studio API methods on
// window.outbound. No generic invoke, no ipcRenderer, no Node globals cross the bridge.
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from './api.js';

contextBridge.exposeInMainWorld(
  'outbound',
  buildApi((channel, ...args) => ipcRenderer.invoke(channel, ...args)),
);
