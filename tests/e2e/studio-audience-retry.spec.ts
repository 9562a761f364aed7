// The Audience tab's shared step form (get audience's body template, pagination) and the
// retry policy in the Errors tab, down to the dry run's worst case.
import { SCREENS, expect, test, type Studio } from './fixtures.js';


/** As a user would: once the studio has loaded (its preview shown). */
async function loaded(studio: Studio): Promise<void> {
  await expect(studio.page.getByRole('complementary', { name: 'Preview' }).getByText(/✓ valid JSON/)).toBeVisible({ timeout: 30_000 });
}

test('get audience: body template and pagination, a missing cursor path is named on its field', async ({ studio }) => {
  const { page } = studio;
  await loaded(studio);
  await page.getByRole('tab', { name: /^Audience/ }).click();
  const panel = page.getByRole('tabpanel', { name: 'Audience' });
  await expect(panel.getByLabel('Get audience enabled')).toBeChecked();
  await expect(panel.getByRole('textbox', { name: 'Get audience body template' })).toBeVisible();
  await panel.getByLabel('Pagination').selectOption('cursor');
  await panel.getByLabel('Cursor query parameter').fill('cursor');
  const cursorPath = panel.getByLabel('Next cursor path (JMESPath)');
  await expect(cursorPath).toHaveAttribute('aria-invalid', 'true');
  await expect(panel.getByRole('alert').filter({ hasText: 'is required with cursorParam' })).toBeVisible();
  await cursorPath.fill('next_cursor');
  await expect(cursorPath).not.toHaveAttribute('aria-invalid', 'true');
  await panel.getByLabel('Max pages').fill('5');
  await expect(page.getByRole('tab', { name: /^Audience/ })).not.toContainText(/\d/);
  await panel.getByLabel('Pagination').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENS}/studio-audience-pagination.png` });
});

test('retry policy: a bad status is named on its field; until stopped shows in the dry run', async ({ studio }) => {
  const { page } = studio;
  await loaded(studio);
  await page.getByRole('tab', { name: /^Errors/ }).click();
  const statuses = page.getByLabel('Retried statuses');
  await statuses.fill('429, 5xx');
  await expect(statuses).toHaveAttribute('aria-invalid', 'true');
  await statuses.fill('408, 429, 500-504');
  await expect(statuses).not.toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Retry until stopped').check();
  await page.getByLabel('Retry-After cap (ms)').fill('60000');
  await page.screenshot({ path: `${SCREENS}/studio-retry-policy.png` });

  await page.getByRole('button', { name: 'Samples', exact: true }).click();
  await page.getByLabel('Count').fill('5');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('combobox', { name: 'Samples' }).locator('option:checked')).toContainText('(5)');
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  const start = page.getByRole('region', { name: 'Start an export' });
  const options = await start.getByLabel('Sample set').locator('option').allTextContents();
  await start.getByLabel('Sample set').selectOption({ label: options.find((o) => o.endsWith('(5)'))! });
  await start.getByRole('button', { name: 'Dry run' }).click();
  const dry = page.getByRole('region', { name: 'Dry run' });
  await expect(dry).toContainText('nothing sent');
  const open = dry.getByRole('button', { name: 'Show dry run details' });
  if (await open.isVisible()) await open.click();
  const retries = dry.getByRole('list', { name: 'Retries, worst case' });
  await expect(retries).toContainText('add: retries 408, 429, 500-504, failed connections and timeouts until the request succeeds or the run is stopped');
  await page.screenshot({ path: `${SCREENS}/studio-dry-run-retries.png` });
});
