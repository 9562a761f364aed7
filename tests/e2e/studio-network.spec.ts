// The destination's Network section, as a user meets it: a CA file that does not exist is
// named on its field; the real one clears it; skipping verification shows its warning.
import { join } from 'node:path';
import { SCREENS, expect, test } from './fixtures.js';

const CA = join(process.cwd(), 'tests', 'fixtures', 'tls', 'ca.pem');

test('the Network section checks the CA file and warns when verification is skipped', async ({ studio }) => {
  const { page } = studio;
  await page.getByRole('button', { name: 'Destinations', exact: true }).click();
  await page.getByRole('tab', { name: 'Auth' }).click();
  const network = page.getByRole('region', { name: 'Network' });
  await expect(network).toBeVisible();

  const ca = network.getByLabel('CA certificates (PEM file)');
  await ca.fill('/nonexistent/corp-ca.pem');
  await expect(network.getByText('/nonexistent/corp-ca.pem: file not found')).toBeVisible();
  await ca.fill(CA);
  await expect(network.getByText(/file not found/)).toHaveCount(0);

  const warning = network.getByRole('alert').filter({ hasText: 'Certificates are not verified' });
  await expect(warning).toHaveCount(0);
  await network.getByLabel('Skip certificate verification').check();
  await expect(warning).toContainText('anyone on the network path can read and change these requests');

  const passphrase = network.getByLabel('Client key passphrase', { exact: true });
  await expect(passphrase).toHaveCount(0);
  await network.getByLabel('Client key (PEM file)').fill('/keys/client.key');
  await expect(passphrase).toBeVisible();
  await expect(network.getByText('is required with clientKey (mutual TLS needs the certificate and its private key)')).toBeVisible();
  // The form and the preview both report it: one problem, counted once everywhere.
  const preview = page.getByRole('complementary', { name: 'Preview' });
  await expect(preview.getByRole('heading', { name: 'Problems (1)' })).toBeVisible();
  await expect(preview.getByRole('note', { name: 'Stale requests' })).toContainText('fix the 1 problem listed above');
  await warning.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENS}/studio-network.png` });
});
