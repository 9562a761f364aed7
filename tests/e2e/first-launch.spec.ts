// First launch on an empty data folder: the studio teaches by example — the example
// destination on the built-in mock endpoint, its live preview, and 50 sample profiles.
import { mkdir } from 'node:fs/promises';
import { expect, test } from './fixtures.js';

test('first launch shows the example destination, its preview and the sample profiles', async ({ studio }) => {
  const { page } = studio;
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));

  // The example destination is open, and its preview shows planned requests.
  const destination = page.getByRole('combobox', { name: 'Destination', exact: true });
  await expect(destination.locator('option:checked')).toHaveText('Example: built-in mock endpoint');
  const preview = page.getByRole('complementary', { name: 'Preview' });
  await expect(preview.getByRole('combobox', { name: 'Samples' }).locator('option:checked')).toHaveText('Example profiles (50)');
  const request = preview.getByRole('article', { name: 'Planned request' }).first();
  await expect(request).toBeVisible();
  await expect(request).toContainText('/api/audiences');
  await expect(request).toContainText('Bearer ●●●●');
  // Secrets are masked in what the preview shows.
  await expect(preview).not.toContainText('demo-secret');

  // The mock endpoint is running from the start (works offline).
  const status = studio.service ? await studio.service.mockStatus() : null;
  if (status) expect(status.running).toBe(true);

  await mkdir('test-results/screens', { recursive: true });
  await page.screenshot({ path: 'test-results/screens/first-launch.png', fullPage: true });

  // The sample profiles: 50 generated on first launch.
  await page.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: 'Samples' }).click();
  const samples = page.getByRole('region', { name: 'Samples' });
  await expect(samples).toContainText('Example profiles');
  await expect(samples).toContainText('50');

  expect(pageErrors).toEqual([]);
});

test('window.outbound carries exactly the studio methods and validates what it is given', async ({ studio }) => {
  test.skip(studio.mode !== 'chromium', 'the bridge log exists in the browser harness only');
  const { page } = studio;
  const keys = await page.evaluate(() => Object.keys(window.outbound).sort());
  const { STUDIO_METHODS } = await import('../../src/shared/api.js');
  expect(keys).toEqual([...STUDIO_METHODS].sort());
  const message = await page.evaluate(() =>
    (window.outbound.saveDestination as unknown as (x: unknown) => Promise<unknown>)({ config: 'nope' }).then(
      () => 'accepted',
      (err: Error) => err.message,
    ),
  );
  expect(message).toContain('saveDestination: argument 1 .config: expected object, received string');
});
