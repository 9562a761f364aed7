// Environments (issue 13): create "dev" with a variable, pick it in the title bar, and the
// preview resolves `${env:…}` from it (showing the reference, by design of the redaction)
// and says the variable is set. Without OS encryption (this harness has none) a secret is
// refused beside its field, with the choice to keep it for this session only.
import { SCREENS, expect, test } from './fixtures.js';

test('create "dev", pick it in the title bar, and the preview resolves ${env:TENANT} from it', async ({ studio }) => {
  const { page } = studio;
  const preview = page.getByRole('complementary', { name: 'Preview' });
  await expect(preview.getByText(/✓ valid JSON/)).toBeVisible();

  // The destination references a variable no environment sets yet.
  await page.getByRole('tab', { name: /^Auth/ }).click();
  await page.getByRole('textbox', { name: 'Headers' }).fill('{"X-Tenant": "${env:TENANT}"}');
  const refs = preview.getByRole('region', { name: 'Environment variables' });
  await expect(refs).toContainText('Environment: none selected');
  await expect(refs.getByRole('listitem').filter({ hasText: '${env:TENANT}' })).toContainText('not set');
  await expect(preview.getByRole('region', { name: 'Problems' })).toContainText('environment variable TENANT is not set');
  await page.screenshot({ path: `${SCREENS}/studio-env-unset.png` });

  // Create "dev" with TENANT in the editor opened from the title bar.
  const titlebar = page.getByRole('banner', { name: 'Title bar' });
  await titlebar.getByRole('button', { name: 'Edit environments…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Environments' });
  await dialog.getByLabel('Environment name').fill('dev');
  await dialog.getByLabel('Name of variable 1').fill('TENANT');
  await dialog.getByLabel('Value of TENANT').fill('acme-dev');
  await dialog.getByRole('button', { name: 'Save environment' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Saved "dev".');
  await expect(dialog.getByRole('navigation', { name: 'Environments list' }).getByRole('button', { name: 'dev' })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/studio-env-dialog.png` });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();

  // Saving selects nothing: the title bar's picker does.
  const picker = titlebar.getByRole('combobox', { name: 'Environment' });
  await expect(picker.locator('option:checked')).toHaveText('No environment');
  await picker.selectOption({ label: 'dev' });
  await expect(refs).toContainText('Environment: dev');
  await expect(refs.getByRole('listitem').filter({ hasText: '${env:TENANT}' })).toContainText('set in dev');
  await expect(preview.getByRole('region', { name: 'Problems' })).toHaveCount(0);
  // The requests are planned; the value shows as its reference (issue 9 redaction).
  await page.getByRole('tab', { name: /^Add/ }).click();
  await expect(preview.getByText(/✓ valid JSON/)).toBeVisible();
  await expect(preview.getByText('${env:TENANT}', { exact: true }).last()).toBeVisible();
  await expect(preview).not.toContainText('acme-dev');
  // What the service resolves against now is dev's value.
  const state = await studio.service?.listEnvironments();
  if (state) expect(state.environments.find((e) => e.id === state.selectedId)?.name).toBe('dev');
  await page.screenshot({ path: `${SCREENS}/studio-env-selected.png` });

  // The title bar at the smallest supported window.
  await page.setViewportSize({ width: 1100, height: 700 });
  await expect(picker).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/studio-env-selected-1100.png` });

  // "No environment" again: the reference is not set any more.
  await picker.selectOption({ label: 'No environment' });
  await expect(refs.getByRole('listitem').filter({ hasText: '${env:TENANT}' })).toContainText('not set');

  // Deleting asks first, then the picker no longer offers it.
  await titlebar.getByRole('button', { name: 'Edit environments…' }).click();
  await dialog.getByRole('navigation', { name: 'Environments list' }).getByRole('button', { name: 'dev' }).click();
  await dialog.getByRole('button', { name: 'Delete environment' }).click();
  await page.getByRole('dialog', { name: 'Delete environment "dev"?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(picker.getByRole('option')).toHaveText(['No environment']);
});

test('without OS encryption a secret is refused beside its field and can be kept for this session', async ({ studio }) => {
  const { page } = studio;
  await page.getByRole('banner', { name: 'Title bar' }).getByRole('button', { name: 'Edit environments…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Environments' });
  await dialog.getByLabel('Environment name').fill('staging');
  await dialog.getByLabel('Name of variable 1').fill('API_KEY');
  await dialog.getByLabel('API_KEY is secret').check();
  await dialog.getByLabel('Value of API_KEY').fill('s3cr3t-staging');
  await dialog.getByRole('button', { name: 'Save environment' }).click();
  const refusal = dialog.getByRole('alert').filter({ hasText: 'cannot encrypt secrets' });
  await expect(refusal).toBeVisible();
  await expect(refusal).toContainText('this session only');
  await expect(dialog.getByLabel('Value of API_KEY')).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByRole('navigation', { name: 'Environments list' }).getByRole('button', { name: 'staging' })).toHaveCount(0);
  await page.screenshot({ path: `${SCREENS}/studio-env-no-encryption.png` });

  await refusal.getByRole('button', { name: 'Keep API_KEY for this session only' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Saved "staging".');
  await expect(dialog).toContainText('kept for this session only (not saved)');
  await expect(dialog.getByLabel('Value of API_KEY')).toHaveValue('');
  await page.screenshot({ path: `${SCREENS}/studio-env-session-secret.png` });
  // The secret is not on the page any more, and what the service hands the page never holds it.
  expect(await page.content()).not.toContain('s3cr3t-staging');
  if (studio.service) expect(JSON.stringify(await studio.service.listEnvironments())).not.toContain('s3cr3t-staging');
});
