// Every place of the studio at 1100×700 and 1920×1080, light and dark: screenshots into
// test-results/screens/ (looked at one by one), plus the layout checks they showed were
// needed: the destination picker shows its name, the pretty/raw toggle covers no body text.
import { expect, test, type Page } from '@playwright/test';
import { openStudio, type Studio } from './harness.js';

const SCREENS = 'test-results/screens';
const SIZES = [
  { width: 1100, height: 700 },
  { width: 1920, height: 1080 },
] as const;
const SCHEMES = ['light', 'dark'] as const;
const TABS = ['Setup', 'Auth', 'Audience', 'Add', 'Remove', 'Errors'] as const;

let studio: Studio;
test.beforeEach(async () => {
  studio = await openStudio();
});
test.afterEach(async () => {
  await studio?.close();
});

function overlaps(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

async function place(page: Page, name: string) {
  await page.getByRole('navigation', { name: 'Places' }).getByRole('button', { name, exact: true }).click();
}

for (const size of SIZES) {
  for (const scheme of SCHEMES) {
    const tag = `${size.width}x${size.height}-${scheme}`;
    test(`every place at ${size.width}×${size.height}, ${scheme}`, async () => {
      const { page } = studio;
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme: scheme });
      const preview = page.getByRole('complementary', { name: 'Preview' });
      await expect(preview.getByText(/✓ valid JSON/)).toBeVisible();

      // The picker names the destination (it was cut to "Example: built-in mo", or nothing at 1100 px).
      const picker = page.getByRole('combobox', { name: 'Destination', exact: true });
      expect((await picker.boundingBox())!.width).toBeGreaterThanOrEqual(200);

      for (const tab of TABS) {
        await page.getByRole('tab', { name: new RegExp(`^${tab}`) }).click();
        await page.screenshot({ path: `${SCREENS}/screens-${tag}-destination-${tab.toLowerCase()}.png` });
      }
      // On the Add tab's request: the toggle sits above the body, not over it.
      await page.getByRole('tab', { name: /^Add/ }).click();
      const toggle = preview.getByRole('group', { name: 'Format of request body' });
      const body = preview.getByLabel('Request body', { exact: true });
      expect(overlaps((await toggle.boundingBox())!, (await body.boundingBox())!)).toBe(false);

      await place(page, 'Samples');
      await expect(page.getByRole('table', { name: 'Profile table' })).toBeVisible();
      await page.screenshot({ path: `${SCREENS}/screens-${tag}-samples.png` });
      await place(page, 'Runs');
      await expect(page.getByRole('region', { name: 'Runs' })).toBeVisible();
      await page.screenshot({ path: `${SCREENS}/screens-${tag}-runs.png` });
      await place(page, 'Mock endpoint');
      await expect(page.getByRole('region', { name: 'Mock endpoint' })).toBeVisible();
      await page.screenshot({ path: `${SCREENS}/screens-${tag}-mock.png` });
      await place(page, 'OAuth');
      await expect(page.getByRole('region', { name: 'OAuth tester' })).toBeVisible();
      await page.screenshot({ path: `${SCREENS}/screens-${tag}-oauth.png` });
    });
  }
}
