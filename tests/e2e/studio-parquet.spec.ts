// A Parquet file picked in Samples → Import becomes a sample set, a row a profile (typed as
// the CLI reads it); a file that is not Parquet is refused, saying so.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCREENS, expect, test } from './fixtures.js';
import { writeTypedParquet } from '../helpers/parquet.js';

test('imports a .parquet file as a sample set and refuses a fake one', async ({ studio, tempDir }) => {
  const { page } = studio;
  await page.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: 'Samples' }).click();
  const form = page.getByRole('form', { name: 'Import profiles' });
  const buffer = readFileSync(writeTypedParquet(join(tempDir, 'warehouse.parquet')));
  await form.getByLabel('File', { exact: true }).setInputFiles({ name: 'warehouse.parquet', mimeType: 'application/vnd.apache.parquet', buffer });
  await expect(form.getByLabel('Format', { exact: true })).toHaveValue('parquet');
  await expect(form.getByLabel('Set name', { exact: true })).toHaveValue('warehouse');
  await expect(form).toContainText(`Parquet file warehouse.parquet (${buffer.length.toLocaleString('en-US')} bytes): each row becomes a profile.`);
  await page.screenshot({ path: `${SCREENS}/samples-parquet-picked.png` });
  await form.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('Imported 3 profiles')).toBeVisible();
  const samples = page.getByRole('region', { name: 'Samples' });
  await expect(samples).toContainText('warehouse');
  await expect(samples.getByRole('cell', { name: 'u3', exact: true })).toBeVisible();
  await samples.getByRole('button', { name: 'JSON' }).first().click();
  await expect(samples).toContainText('2024-05-06T07:08:09.123Z');
  await page.screenshot({ path: `${SCREENS}/samples-parquet-imported.png` });

  await form.getByLabel('File', { exact: true }).setInputFiles({ name: 'fake.parquet', mimeType: 'application/octet-stream', buffer: Buffer.from('id,email\nu1,a@example.com\n') });
  await form.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText(/Could not import: .*fake: not a readable Parquet file/)).toBeVisible();
});
