// Builds what the e2e tests open, once per test run, with the app's own Vite settings:
// the whole app (main, preload, renderer into out/) when the Electron binary is present,
// and always the renderer alone for the browser harness — into a folder of this run's own,
// so two test runs at once never serve each other's half-written bundle.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildRenderer, electronBinary } from './harness.js';

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (electronBinary()) {
    const { build } = await import('electron-vite');
    await build({ logLevel: 'warn' });
  }
  const outRoot = resolve(import.meta.dirname, '../../out');
  await mkdir(outRoot, { recursive: true });
  const dir = await mkdtemp(join(outRoot, 'e2e-renderer-'));
  // Workers start after this and inherit the environment.
  process.env['OUTBOUND_E2E_RENDERER_DIR'] = dir;
  await buildRenderer(dir);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
