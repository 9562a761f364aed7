// Builds what the e2e tests open, once per test run, with the app's own Vite settings:
// the whole app (main, preload, renderer into out/) when the Electron binary is present,
// and always the renderer alone for the browser harness (out/e2e-renderer).
import { buildRenderer, electronBinary } from './harness.js';

export default async function globalSetup(): Promise<void> {
  if (electronBinary()) {
    const { build } = await import('electron-vite');
    await build({ logLevel: 'warn' });
  }
  await buildRenderer();
}
