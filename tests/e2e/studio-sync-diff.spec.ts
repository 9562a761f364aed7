// The membership diff in the studio's run view (issue 12): a diff run delivers a sample set,
// then a dry run over a smaller set (the same profiles, fewer of them) shows, before anything
// is sent, which members would be added, changed, removed and left unchanged, with example keys.
import { SCREENS, expect, test } from './fixtures.js';

test.use({ studioOptions: { mode: 'chromium' } });

test('the dry run shows the membership diff against the last delivered sync, sending nothing', async ({ studio, service }) => {
  test.setTimeout(90_000);
  const { page } = studio;
  const big = await service.generateSamples({ count: 40, seed: 7 });
  const small = await service.generateSamples({ count: 30, seed: 7 });
  await page.reload();
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  const start = page.getByRole('region', { name: 'Start an export' });
  await start.getByLabel('Sample set').selectOption(big.id);
  await start.getByLabel('Sync').selectOption('diff');
  await start.getByRole('button', { name: 'Start run' }).click();
  const run = page.getByRole('region', { name: 'Run', exact: true });
  await expect(run.getByLabel('Run status')).toHaveText(/succeeded|partial|failed|aborted/, { timeout: 45_000 });
  await expect(run.getByLabel('Run status')).toHaveText('succeeded');

  const before = (await service.mockJournal({ limit: 1 })).latestSeq;
  await start.getByLabel('Sample set').selectOption(small.id);
  await start.getByRole('button', { name: 'Dry run' }).click();
  const dry = page.getByRole('region', { name: 'Dry run' });
  await expect(dry).toContainText('nothing sent');
  const table = dry.getByRole('table', { name: 'Membership diff' });
  await expect(table).toBeVisible();
  const count = async (label: string) => Number(await table.getByRole('row').filter({ has: page.getByRole('cell', { name: label, exact: true }) }).getByRole('cell').nth(1).textContent());
  // The small set is the big one's first 30 profiles: nothing new or changed, the rest left.
  expect(await count('added')).toBe(0);
  expect(await count('changed')).toBe(0);
  expect(await count('removed')).toBeGreaterThan(0);
  expect(await count('unchanged')).toBeGreaterThan(0);
  await expect(table.getByRole('row').filter({ hasText: 'removed' })).toContainText('remove (stored record as user)');
  await expect(dry.getByLabel('Membership diff headline')).toContainText('0 added · 0 changed');
  expect((await service.mockJournal({ limit: 1 })).latestSeq).toBe(before);
  await page.screenshot({ path: `${SCREENS}/studio-sync-diff.png` });
});
