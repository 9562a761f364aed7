// The e2e specs' shared setup, as Playwright fixtures: every test gets the studio opened on a
// fresh data folder (closed and removed after it, pass or fail), its page, and a temporary
// folder of its own for files the test writes. A spec picks the harness with
// `test.use({ studioOptions: { mode: 'chromium' } })` when it needs the in-process service.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, type Page } from '@playwright/test';
import type { StudioService } from '../../src/main/studio/service.js';
import { openStudio, type OpenStudioOptions, type Studio } from './harness.js';

export { expect } from '@playwright/test';
export type { Studio } from './harness.js';

/** Where specs write the screenshots looked at one by one. */
export const SCREENS = 'test-results/screens';

export interface StudioFixtures {
  /** How the studio is opened (harness mode, data folder); default: a fresh folder, Electron where present. */
  studioOptions: OpenStudioOptions;
  /** The studio, opened before the test and closed after it. */
  studio: Studio;
  /** The studio's page (replaces Playwright's own blank page). */
  page: Page;
  /** The in-process studio service; fails the test in Electron mode, where it lives in the app. */
  service: StudioService;
  /** A temporary folder for the test's own files, removed after the test. */
  tempDir: string;
}

export const test = base.extend<StudioFixtures>({
  studioOptions: [{}, { option: true }],
  studio: async ({ studioOptions }, use) => {
    const studio = await openStudio(studioOptions);
    try {
      await use(studio);
    } finally {
      await studio.close();
    }
  },
  page: async ({ studio }, use) => {
    await use(studio.page);
  },
  service: async ({ studio }, use) => {
    if (!studio.service) throw new Error('this test needs the in-process service (browser harness)');
    await use(studio.service);
  },
  tempDir: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'outbound-e2e-files-'));
    try {
      await use(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
});
