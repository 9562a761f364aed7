// Builds the renderer once for the browser harness (the Electron path uses `out/` from
// `electron-vite build`). Same Vite config as the app, so tests see the shipped bundle.
import { buildRenderer } from './harness.js';

export default async function globalSetup(): Promise<void> {
  await buildRenderer();
}
