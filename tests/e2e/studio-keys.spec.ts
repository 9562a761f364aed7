// Keyboard and accessibility (issue 13): palette commands with shortcuts, focus back after
// the palette, the body editor's Tab escape (Ctrl+M), unique accessible names; and the small
// items: sample set rename/delete, batch size only when batching, the status bar's notices
// and token state.
import type { Page } from '@playwright/test';
import { SCREENS, expect, test } from './fixtures.js';

/** The first preview is in (on a machine shared by many builds it can take a while). */
async function loaded(page: Page) {
  await expect(page.getByRole('complementary', { name: 'Preview' }).getByText(/✓ valid JSON/)).toBeVisible({ timeout: 30_000 });
}

test('the palette lists Send this one, Dry run, Start run and Export HAR with their shortcuts', async ({ studio }) => {
  const { page } = studio;
  await loaded(page);
  await page.keyboard.press('ControlOrMeta+K');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  const list = palette.getByRole('listbox', { name: 'Commands' });
  for (const name of [/^Send this one/, /^Dry run/, /^Start run/, /^Export HAR/]) await expect(list.getByRole('option', { name })).toHaveCount(1);
  await expect(list.getByRole('option', { name: /^Save destination/ })).toContainText(/Ctrl\+S|⌘S/);
  await expect(list.getByRole('option', { name: /^Send this one/ })).toContainText(/Ctrl\+Shift\+Enter|⌘⇧Enter/);
  await expect(list.getByRole('option', { name: /^Dry run/ })).toContainText(/Enter in Runs/);
  await page.screenshot({ path: `${SCREENS}/studio-palette-shortcuts.png` });

  // Dry run from the palette: the Runs place, with the dry run of this destination.
  await palette.getByRole('combobox', { name: 'Command' }).fill('dry run');
  await page.keyboard.press('Enter');
  await expect(palette).toBeHidden();
  await expect(page.getByRole('region', { name: 'Start an export' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Start an export' })).toContainText(/record/i);
});

test('Send this one from the palette asks first, then sends the selected request', async ({ studio }) => {
  const { page } = studio;
  await loaded(page);
  await page.keyboard.press('ControlOrMeta+K');
  await page.getByRole('combobox', { name: 'Command' }).fill('send this one');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Send this request?' });
  await expect(dialog).toContainText(/http:\/\/127\.0\.0\.1:\d+\//);
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('complementary', { name: 'Preview' }).getByRole('region', { name: 'Response' }).getByLabel(/^Status \d+$/)).toBeVisible();
});

test('Escape from the palette gives focus back to the field that had it', async ({ studio }) => {
  const { page } = studio;
  await loaded(page);
  await page.getByRole('tab', { name: /^Setup/ }).click();
  const name = page.getByLabel('Name', { exact: true });
  await name.focus();
  await page.keyboard.press('ControlOrMeta+K');
  await expect(page.getByRole('combobox', { name: 'Command' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Command palette' })).toBeHidden();
  await expect(name).toBeFocused();
});

test('the body editor shows its Tab escape, and Ctrl+M makes Tab leave it', async ({ studio }) => {
  const { page } = studio;
  await loaded(page);
  await page.getByRole('tab', { name: /^Add/ }).click();
  const hint = page.getByRole('note', { name: /^Tab key in Body template/ });
  await expect(hint).toHaveText(/Tab indents · Ctrl\+(Shift\+)?M: Tab moves focus/);
  const body = page.getByRole('textbox', { name: /^Body template/ }).first();
  await body.focus();
  await page.keyboard.press('Tab');
  await expect(body).toBeFocused(); // trapped: Tab indents
  await page.keyboard.press(process.platform === 'darwin' ? 'Control+Shift+M' : 'Control+M');
  await expect(hint).toHaveText(/^Tab moves focus/);
  await page.keyboard.press('Tab');
  await expect(body).not.toBeFocused();
  await page.screenshot({ path: `${SCREENS}/studio-tab-hint.png` });
});

test('sample sets can be renamed and deleted (asking first)', async ({ studio }) => {
  const { page } = studio;
  await page.getByRole('button', { name: 'Samples', exact: true }).click();
  await page.getByLabel('Count').fill('1');
  await page.getByRole('button', { name: 'Generate' }).click();
  const sets = page.getByRole('radiogroup', { name: 'Sample set for the preview' });
  await expect(sets.getByRole('radio')).toHaveCount(2);
  await expect(sets).toContainText('1 profile');
  await expect(sets).not.toContainText('1 profiles');

  const generated = (await sets.locator('.set-name').allTextContents()).find((n) => n.startsWith('1 generated'))!;
  await page.getByRole('button', { name: `Rename ${generated}` }).click();
  await page.getByRole('textbox', { name: `New name for ${generated}` }).fill('Checkout customers');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(sets).toContainText('Checkout customers');
  await expect(page.getByRole('combobox', { name: 'Samples' })).toContainText('Checkout customers');
  await page.screenshot({ path: `${SCREENS}/studio-samples-rename.png` });

  await page.getByRole('button', { name: 'Delete Checkout customers' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete "Checkout customers"?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(sets.getByRole('radio')).toHaveCount(2);
  await page.getByRole('button', { name: 'Delete Checkout customers' }).click();
  await confirm.getByRole('button', { name: 'Delete set' }).click();
  await expect(sets.getByRole('radio')).toHaveCount(1);
  await expect(sets).not.toContainText('Checkout customers');
  expect((await studio.service?.listSampleSets())?.map((s) => s.name)).not.toContain('Checkout customers');
});

test('profiles are a table of key fields with the JSON on expand', async ({ studio }) => {
  const { page } = studio;
  await page.getByRole('button', { name: 'Samples', exact: true }).click();
  const table = page.getByRole('table', { name: 'Profile table' });
  await expect(table.getByRole('row')).not.toHaveCount(0);
  await expect(table.getByRole('columnheader', { name: 'Email' })).toBeVisible();
  await expect(table.getByRole('cell', { name: /@/ }).first()).toBeVisible();
  await expect(page.getByLabel('Profile 1 as JSON')).toHaveCount(0);
  await page.getByRole('button', { name: 'JSON of profile 1', exact: true }).click();
  await expect(page.getByLabel('Profile 1 as JSON')).toContainText('"segmentMembership"');
  await page.screenshot({ path: `${SCREENS}/studio-samples-table.png` });
});

test('batch size is shown only when batching', async ({ studio }) => {
  const { page } = studio;
  await loaded(page);
  await page.getByRole('tab', { name: /^Add/ }).click();
  await page.getByLabel('Batch mode').selectOption('batched');
  await expect(page.getByLabel('Batch size')).toBeVisible();
  await page.getByLabel('Batch mode').selectOption('individual');
  await expect(page.getByLabel('Batch size')).toHaveCount(0);
});

test('status bar: notices can be dismissed, and the token says what Send this one fetched', async ({ studio }) => {
  const { page } = studio;
  await loaded(page);
  const bar = page.getByRole('status', { name: 'Status bar' });
  await page.keyboard.press('ControlOrMeta+S');
  await expect(bar).toContainText('Saved');
  await bar.getByRole('button', { name: 'Dismiss notice' }).click();
  await expect(bar).not.toContainText('Saved');

  // The example destination uses OAuth on the mock: Send this one exchanges a token.
  await expect(bar).toContainText('no token yet');
  await page.getByRole('tab', { name: /^Add/ }).click();
  await page.getByRole('complementary', { name: 'Preview' }).getByRole('button', { name: 'Send this one' }).click();
  await page.getByRole('dialog', { name: 'Send this request?' }).getByRole('button', { name: 'Send' }).click();
  await expect(bar).toContainText('token fetched (Send this one)');
  await expect(bar).not.toContainText('no token');
});

test('info notices clear by themselves; errors stay', async ({ studio }) => {
  const { page } = studio;
  await loaded(page);
  await page.clock.install();
  const bar = page.getByRole('status', { name: 'Status bar' });
  await page.keyboard.press('ControlOrMeta+S');
  await expect(bar).toContainText('Saved');
  await page.clock.runFor(7000);
  await expect(bar).not.toContainText('Saved');
});

test('accessible names of fields are unique on every destination tab', async ({ studio }) => {
  const { page } = studio;
  await loaded(page);
  for (const tab of ['Setup', 'Auth', 'Audience', 'Add', 'Remove', 'Errors']) {
    await page.getByRole('tab', { name: new RegExp(`^${tab}`) }).click();
    const snapshot = await page.getByRole('main').ariaSnapshot();
    const names = [...snapshot.matchAll(/- (textbox|checkbox|combobox|spinbutton|region|radiogroup) "([^"]+)"/g)].map((m) => `${m[1]} "${m[2]}"`);
    const dupes = names.filter((n, i) => names.indexOf(n) !== i);
    expect(dupes, `${tab} tab`).toEqual([]);
  }
  // Samples: the import box was a second "Profiles" next to the profile list.
  await page.getByRole('button', { name: 'Samples', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Profile table' })).toBeVisible();
  const snapshot = await page.getByRole('main').ariaSnapshot();
  const names = [...snapshot.matchAll(/- (textbox|checkbox|combobox|spinbutton|region|radiogroup|table) "([^"]+)"/g)].map((m) => `${m[1]} "${m[2]}"`);
  expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  expect(names).toContain('textbox "Profiles to import"');
});
