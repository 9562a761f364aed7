// Every place of the studio at 1100×700 and 1920×1080, light and dark: screenshots into
// test-results/screens/ (looked at one by one), plus the layout checks they showed were
// needed: the destination picker shows its name, the pretty/raw toggle covers no body text.
import type { Page } from '@playwright/test';
import { SCREENS, expect, test } from './fixtures.js';

const SIZES = [
  { width: 1100, height: 700 },
  { width: 1920, height: 1080 },
] as const;
const SCHEMES = ['light', 'dark'] as const;
const TABS = ['Setup', 'Auth', 'Audience', 'Add', 'Remove', 'Errors'] as const;

function overlaps(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

async function place(page: Page, name: string) {
  await page.getByRole('navigation', { name: 'Places' }).getByRole('button', { name, exact: true }).click();
}

for (const size of SIZES) {
  for (const scheme of SCHEMES) {
    const tag = `${size.width}x${size.height}-${scheme}`;
    test(`every place at ${size.width}×${size.height}, ${scheme}`, async ({ studio }) => {
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
      // Before any fetch the tester says what it will show (it was a blank area).
      await expect(page.getByRole('region', { name: 'OAuth tester' })).toContainText('No token fetched yet');
      await page.screenshot({ path: `${SCREENS}/screens-${tag}-oauth.png` });
    });
  }
}

/** Rows of the request log wholly in view (not scrolled off, not below the window). */
async function logRowsInView(page: Page): Promise<number> {
  return page.getByRole('rowgroup', { name: 'Request rows' }).evaluate((el) => {
    const box = el.getBoundingClientRect();
    return [...el.querySelectorAll('[role="row"]')].filter((r) => {
      const b = r.getBoundingClientRect();
      return b.height > 0 && b.top >= box.top - 1 && b.bottom <= Math.min(box.bottom, window.innerHeight) + 1;
    }).length;
  });
}

test('the run view at both sizes, light and dark: the request log is the main area (10+ rows at 1100×700)', async ({ studio }) => {
  test.setTimeout(90_000);
  const { page } = studio;
  await expect(page.getByRole('complementary', { name: 'Preview' }).getByText(/✓ valid JSON/)).toBeVisible({ timeout: 30_000 });
  // The first-launch example against its 50 sample profiles: 13 requests.
  await place(page, 'Runs');
  await page.getByRole('region', { name: 'Start an export' }).getByRole('button', { name: 'Start run' }).click();
  const run = page.getByRole('region', { name: 'Run', exact: true });
  await expect(run.getByLabel('Run status')).toHaveText('succeeded', { timeout: 45_000 });
  const rows = page.getByRole('rowgroup', { name: 'Request rows' }).getByRole('row');
  await expect(rows.nth(11)).toBeAttached();
  await rows.nth(1).click();
  await expect(page.getByRole('complementary', { name: 'Request detail' }).getByLabel(/^Status 2\d\d$/)).toBeVisible();
  for (const size of SIZES) {
    for (const scheme of SCHEMES) {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme: scheme });
      await expect(rows.first()).toBeVisible();
      await page.screenshot({ path: `${SCREENS}/screens-${size.width}x${size.height}-${scheme}-run-view.png` });
      // The log, not the panels above it, gets the height: ten rows or more without scrolling.
      expect(await logRowsInView(page)).toBeGreaterThanOrEqual(10);
      // Nothing of the run view is pushed below the window: the page itself does not scroll.
      const runs = page.getByRole('region', { name: 'Runs', exact: true });
      expect(await runs.evaluate((el) => el.scrollHeight - el.clientHeight)).toBeLessThanOrEqual(1);
    }
  }
});

test('the destination picker shows a long name whole where there is room, and ends it in an ellipsis with a tooltip beyond', async ({ studio }) => {
  const { page } = studio;
  await expect(page.getByRole('complementary', { name: 'Preview' }).getByText(/✓ valid JSON/)).toBeVisible({ timeout: 30_000 });
  const long = 'Adobe Experience Platform — EU production audiences (nightly)';
  await page.getByRole('tab', { name: /^Setup/ }).click();
  await page.getByLabel('Name', { exact: true }).fill(long);
  await page.keyboard.press('ControlOrMeta+S');
  const picker = page.getByRole('combobox', { name: 'Destination', exact: true });
  await expect(picker.locator('option:checked')).toHaveText(long);
  await expect(picker).toHaveAttribute('title', long);
  /** Width the picker has for its text, and the width the selected name needs in its font. */
  const fit = () =>
    picker.evaluate((el: HTMLSelectElement) => {
      const style = getComputedStyle(el);
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const text = el.selectedOptions[0]!.text;
      // Padding on both sides and the drop-down arrow (about 20 px) are not room for text.
      const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
      return { room, needs: ctx.measureText(text).width, width: el.getBoundingClientRect().width };
    });
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1920, height: 1080 });
    // Room enough: the whole name, and no wider than it needs.
    await expect.poll(async () => (await fit()).room + 2).toBeGreaterThanOrEqual((await fit()).needs);
    expect((await fit()).width).toBeLessThan((await fit()).needs + 80);
    await page.screenshot({ path: `${SCREENS}/screens-1920x1080-${scheme}-picker-long-name.png` });
    await page.setViewportSize({ width: 1100, height: 700 });
    // Less room: as wide as the toolbar allows (not cut at a fixed 260 px), the rest in the tooltip.
    const narrow = await fit();
    expect(narrow.width).toBeGreaterThan(300);
    expect(narrow.width).toBeLessThanOrEqual(560);
    await page.screenshot({ path: `${SCREENS}/screens-1100x700-${scheme}-picker-long-name.png` });
  }
});
