// The Schedule tab (issue 12): a user picks a frequency, sees the next five runs and the unit
// for each scheduler with a copy button, and saving keeps `schedule` in the destination.
import { join } from 'node:path';
import { SCREENS, expect, test } from './fixtures.js';

test.use({ studioOptions: { mode: 'chromium' } });

test.beforeEach(async ({ studio }) => {
  await expect(studio.page.getByRole('complementary', { name: 'Preview' }).getByText(/✓ valid JSON/)).toBeVisible({ timeout: 30_000 });
});

test('Schedule tab: every 15 minutes shows five runs, a crontab line and a systemd timer on the paths given; saved with the destination', async ({ studio, tempDir }) => {
  const { page, service } = studio;
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('tab', { name: /^Schedule/ }).click();
  await page.getByRole('combobox', { name: 'Schedule', exact: true }).selectOption({ label: 'Every…' });
  await page.getByRole('combobox', { name: 'Every' }).selectOption('15m');
  const dir = join(tempDir, "my exports/it's 50%");
  await page.getByRole('textbox', { name: 'Config file' }).fill(join(dir, 'acme.json'));
  await page.getByRole('textbox', { name: 'Input file' }).fill(join(dir, 'members.ndjson'));

  const runs = page.getByRole('region', { name: 'Next runs' }).getByRole('listitem');
  await expect(runs).toHaveCount(5);
  for (const text of await runs.allInnerTexts()) expect(text).toMatch(/^\w{3} \d{4}-\d\d-\d\d \d\d:(00|15|30|45)$/);

  const unit = page.getByRole('region', { name: 'Scheduler unit' });
  await expect(unit.getByLabel('crontab unit')).toContainText('*/15 * * * * ');
  // The path with a space, a quote and a % reaches the command quoted for sh, % escaped for cron.
  await expect(unit.getByLabel('crontab unit')).toContainText(`run '${join(tempDir, "my exports/it'\\''s 50'\\%'/acme.json")}'`);
  await unit.getByRole('button', { name: 'Copy crontab unit' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('*/15 * * * * ');

  await unit.getByRole('tab', { name: 'systemd timer' }).click();
  await expect(unit.getByLabel('systemd timer unit')).toContainText('OnCalendar=*-*-* *:00/15:00');
  await expect(unit.getByLabel('systemd timer unit')).toContainText('50%%');
  await page.screenshot({ path: `${SCREENS}/studio-schedule.png` });

  await page.keyboard.press('ControlOrMeta+S');
  await expect.poll(async () => (await service!.listDestinations()).length).toBe(1);
  const [dest] = await service!.listDestinations();
  await expect.poll(async () => (await service!.getDestination(dest!.id))?.config.schedule).toEqual({ every: '15m' });
});

test('Schedule tab: an invalid cron expression is refused at its field with croner’s reason', async ({ studio }) => {
  const { page } = studio;
  await page.getByRole('tab', { name: /^Schedule/ }).click();
  await page.getByRole('combobox', { name: 'Schedule', exact: true }).selectOption({ label: 'Cron expression' });
  const cron = page.getByRole('textbox', { name: 'Cron expression' });
  await cron.fill('61 * * * *');
  await expect(page.getByRole('alert').filter({ hasText: 'Invalid value for minute: 61' }).first()).toBeVisible();
  await expect(page.getByRole('tab', { name: /^Schedule/ })).toContainText('1');
  await cron.fill('0 6 * * 1-5');
  await expect(page.getByRole('region', { name: 'Next runs' }).getByRole('listitem')).toHaveCount(5);
  await expect(page.getByRole('region', { name: 'Scheduler unit' }).getByLabel('crontab unit')).toContainText('0 6 * * 1-5 ');
  await page.screenshot({ path: `${SCREENS}/studio-schedule-cron.png` });
});
