// The places around the editor: samples, the mock endpoint, new destinations from
// presets, the command palette, and sending one previewed request for real.
import { SCREENS, expect, test } from './fixtures.js';

test('Send this one asks first, names the URL, then shows the answer and its verdict', async ({ studio }) => {
  const { page } = studio;
  await page.getByRole('tab', { name: /^Add/ }).click();
  const preview = page.getByRole('complementary', { name: 'Preview' });
  await expect(preview.getByText(/✓ valid JSON/)).toBeVisible();
  await preview.getByRole('button', { name: 'Send this one' }).click();

  const dialog = page.getByRole('dialog', { name: 'Send this request?' });
  await expect(dialog).toContainText(/POST http:\/\/127\.0\.0\.1:\d+\/api\/audiences\//);
  await dialog.getByRole('button', { name: 'Send' }).click();

  const response = preview.getByRole('region', { name: 'Response' });
  await expect(response.getByLabel(/^Status 2\d\d$/)).toBeVisible();
  await expect(response).toContainText(/\d+ of \d+ records? succeeded/);
  await page.screenshot({ path: `${SCREENS}/studio-send-one.png` });
});

test('samples: generate a set, browse it, and it feeds the preview', async ({ studio }) => {
  const { page } = studio;
  await page.getByRole('button', { name: 'Samples', exact: true }).click();
  await page.getByLabel('Count').fill('7');
  await page.getByLabel('Seed').fill('42');
  await page.getByRole('button', { name: 'Generate' }).click();
  const sets = page.getByRole('radiogroup', { name: 'Sample set for the preview' });
  await expect(sets.getByRole('radio')).toHaveCount(2);
  await expect(page.getByRole('combobox', { name: 'Samples' })).toHaveValue(/.+/);
  await expect(page.getByRole('combobox', { name: 'Samples' }).locator('option:checked')).toContainText('(7)');
  await expect(page.getByRole('region', { name: 'Profiles' })).toContainText('1–7 of 7');
  await page.screenshot({ path: `${SCREENS}/studio-samples.png` });
});

test('mock endpoint: switch the scenario and see it in the status', async ({ studio }) => {
  const { page } = studio;
  await page.getByRole('button', { name: 'Mock endpoint', exact: true }).click();
  const status = page.getByRole('status', { name: 'Mock endpoint status' });
  await expect(status).toContainText('running');
  await page.getByLabel('Scenario').selectOption('rate-limited');
  await page.getByRole('button', { name: 'Apply scenario' }).click();
  await expect(status).toContainText('rate-limited');
  await page.screenshot({ path: `${SCREENS}/studio-mock.png` });
});

test('new destination from the GrowthLoop preset, saved with Ctrl+S', async ({ studio }) => {
  const { page } = studio;
  await page.getByRole('button', { name: 'New destination' }).click();
  await page.getByRole('dialog', { name: 'New destination' }).getByRole('button', { name: /GrowthLoop HTTP Endpoint/ }).click();
  await page.getByRole('tab', { name: /^Audience/ }).click();
  await expect(page.getByLabel('Filter path (JMESPath)')).toHaveValue("tables[?name=='{{audience_name}}']");
  await page.getByRole('tab', { name: /^Setup/ }).click();
  await page.getByLabel('Name', { exact: true }).fill('Lists API');
  await page.keyboard.press('ControlOrMeta+S');
  await expect(page.getByRole('combobox', { name: 'Destination' }).locator('option:checked')).toHaveText('Lists API');
  await page.screenshot({ path: `${SCREENS}/studio-new-destination.png` });
});

test('validation as you type puts the error beside its field', async ({ studio }) => {
  const { page } = studio;
  await page.getByRole('tab', { name: /^Errors/ }).click();
  const maxAttempts = page.getByLabel('Max attempts');
  await maxAttempts.fill('0');
  await expect(maxAttempts).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('alert').filter({ hasText: /1|least|small/i }).first()).toBeVisible();
  await expect(page.getByRole('tab', { name: /^Errors/ })).toContainText('1');
  await page.screenshot({ path: `${SCREENS}/studio-field-error.png` });
});

test('the command palette opens with Ctrl+K and runs a command', async ({ studio }) => {
  const { page } = studio;
  // As a user would: once the studio has loaded (keys are bound when the app mounts).
  await expect(page.getByRole('complementary', { name: 'Preview' }).getByText(/✓ valid JSON/)).toBeVisible();
  await page.keyboard.press('ControlOrMeta+K');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await expect(palette).toBeVisible();
  await palette.getByRole('combobox', { name: 'Command' }).fill('go oauth');
  await page.screenshot({ path: `${SCREENS}/studio-palette.png` });
  await page.keyboard.press('Enter');
  await expect(palette).toBeHidden();
  await expect(page.getByRole('region', { name: 'OAuth tester' })).toBeVisible();
});
