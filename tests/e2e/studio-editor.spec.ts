// The studio's editing loop, as a user meets it: type a template, watch the preview
// follow; break it, see where; fetch a token from the mock endpoint and watch it expire.
import type { Page } from '@playwright/test';
import { SCREENS, expect, test } from './fixtures.js';

/** Replaces the text of a Monaco (or fallback) editor found by its accessible name. */
async function replaceEditorText(page: Page, name: string, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name, exact: true });
  await expect(box).toBeAttached();
  await box.focus();
  await page.keyboard.press('ControlOrMeta+A');
  // Clear first: Monaco reads an insertText over a selection as a partial replace.
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

async function openAddTab(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Destinations', exact: true }).click();
  await page.getByRole('tab', { name: 'Add' }).click();
  await expect(page.getByRole('textbox', { name: 'Body template', exact: true })).toBeAttached();
  // The first launch previews the example destination against the example profiles.
  await expect(page.getByRole('complementary', { name: 'Preview' }).getByLabel('Request body', { exact: true })).toBeVisible();
}

test('typing in the body template updates the preview', async ({ studio }) => {
  const { page } = studio;
  await openAddTab(page);
  const preview = page.getByRole('complementary', { name: 'Preview' });
  await expect(preview.getByText(/✓ valid JSON · \d+ records/)).toBeVisible();

  await replaceEditorText(
    page,
    'Body template',
    '{"members": [{{#each users}}{"member_id": "{{id}}", "audience": "{{../audience_name}}"}{{#unless @last}},{{/unless}}{{/each}}]}',
  );
  const body = preview.getByLabel('Request body', { exact: true });
  await expect(body).toContainText('"member_id"');
  await expect(body).not.toContainText('"users"');
  await expect(preview.getByText(/✓ valid JSON · \d+ records/)).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/studio-body-template.png` });
});

test('a form body: values form-encoded, the preview names the escaping, the helpers complete and explain themselves', async ({ studio }) => {
  const { page } = studio;
  await openAddTab(page);
  await page.getByRole('tab', { name: /^Auth/ }).click();
  await page.getByRole('tabpanel').getByRole('textbox', { name: 'Headers for every request', exact: true }).fill('{"Content-Type": "application/x-www-form-urlencoded"}');
  await page.getByRole('tab', { name: /^Add/ }).click();
  const preview = page.getByRole('complementary', { name: 'Preview' });
  await replaceEditorText(page, 'Body template', 'name={{default users.none "Tom & Jerry=1"}}&h={{sha256 "abc"}}');
  await expect(preview.getByText(/escaping: form/)).toBeVisible();
  const body = preview.getByLabel('Request body', { exact: true });
  // The template's own "&" stays; the value's " & " and "=" are form-encoded.
  await expect(body).toHaveText('name=Tom+%26+Jerry%3D1&h=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  await expect(preview.getByText(/invalid JSON/)).toHaveCount(0);
  await page.screenshot({ path: `${SCREENS}/studio-form-escaping.png` });

  await replaceEditorText(page, 'Body template', 'e=');
  await page.keyboard.type('{{sha256E');
  const suggest = page.locator('.monaco-editor .suggest-widget').first();
  await expect(suggest).toBeVisible();
  await expect(suggest).toContainText('sha256Email');
  await page.screenshot({ path: `${SCREENS}/studio-helper-completion.png` });
});

test('the body editor completes record fields after user.', async ({ studio }) => {
  const { page } = studio;
  await openAddTab(page);
  await replaceEditorText(page, 'Body template', '{"email": "');
  await expect(page.getByRole('complementary', { name: 'Preview' }).getByText(/not valid JSON|invalid JSON/).first()).toBeVisible();
  // A user pauses after `{{user`: that unclosed template's preview maps no records, and the
  // fields must still be offered at the `.` (they once came only from the latest preview).
  await page.keyboard.type('{{user');
  await expect(page.getByRole('complementary', { name: 'Preview' }).getByText(/is not closed/).first()).toBeVisible();
  await page.keyboard.press('Escape');
  await page.keyboard.type('.');
  const suggest = page.locator('[data-testid="editor-Body template"] .suggest-widget, .monaco-editor .suggest-widget').first();
  await expect(suggest).toBeVisible();
  await expect(suggest).toContainText('email');
  await page.screenshot({ path: `${SCREENS}/studio-completion.png` });
});

test('an invalid template is underlined and listed at its line and column', async ({ studio }) => {
  const { page } = studio;
  await openAddTab(page);
  await replaceEditorText(page, 'Body template', '{\n  "users": [{{#each users}}"{{id}}"\n]}');

  const problems = page.getByRole('complementary', { name: 'Preview' }).getByRole('region', { name: 'Problems' });
  await expect(problems).toContainText(/add\.bodyTemplate line 2, column \d+/);
  // ...and beside the field itself.
  await expect(page.getByRole('tabpanel').getByRole('alert').filter({ hasText: /each/ }).first()).toBeVisible();
  // Monaco draws the marker as a squiggle in the editor.
  await expect(page.locator('[data-testid="editor-Body template"] .squiggly-error').first()).toBeAttached();
  // The tab says how many problems it holds.
  await expect(page.getByRole('tab', { name: /Add/ })).toContainText(/\d/);
  await page.screenshot({ path: `${SCREENS}/studio-template-error.png` });
});

test('an invalid JSON body says where it breaks', async ({ studio }) => {
  const { page } = studio;
  await openAddTab(page);
  // Records without a comma between them: valid Handlebars, invalid JSON once rendered.
  await replaceEditorText(page, 'Body template', '{"users": [{{#each users}}{"id": "{{id}}"}{{/each}}]}');
  const preview = page.getByRole('complementary', { name: 'Preview' });
  await expect(preview.getByText(/not valid JSON|invalid JSON/).first()).toBeVisible();
  await expect(preview.getByText(/line \d+, column \d+/).first()).toBeVisible();
  // The body is shown as it rendered, marked not sent (never the last valid one), and cannot be sent.
  await expect(preview.getByRole('note', { name: 'Stale requests' })).toBeHidden();
  await expect(preview).toContainText('✗ not sent');
  await expect(preview.getByRole('button', { name: 'Send this one' })).toBeDisabled();
  await page.screenshot({ path: `${SCREENS}/studio-invalid-json.png` });
});

test('the OAuth tester fetches a token from the mock endpoint and counts down its expiry', async ({ studio }) => {
  const { page } = studio;
  await expect(page.getByRole('status', { name: 'Status bar' })).toContainText(/mock endpoint on :\d+/);
  await page.getByRole('button', { name: 'OAuth', exact: true }).click();
  await page.getByRole('button', { name: 'Fetch token' }).click();

  const expiry = page.getByLabel('Expires in');
  await expect(expiry).toHaveText(/^\d{2}:\d{2}$|^\d+:\d{2}:\d{2}$/);
  const first = await expiry.textContent();
  await expect(expiry).not.toHaveText(first ?? '', { timeout: 5_000 });
  // The exchange is shown with the client secret masked.
  await expect(page.getByRole('region', { name: 'Token request' })).not.toContainText('demo-secret');
  await expect(page.getByRole('status', { name: 'Status bar' })).toContainText(/token valid \d/);
  // Then one request to a step's URL with that token.
  const probe = page.getByRole('region', { name: 'Test request' });
  await probe.getByLabel('Test request step').selectOption('getAudience');
  await probe.getByRole('button', { name: 'Send test request' }).click();
  await expect(probe.getByLabel(/^Status 2\d\d$/)).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/studio-oauth.png` });
});

test('first launch shows a working example with accessible places', async ({ studio }) => {
  const { page } = studio;
  const places = page.getByRole('navigation', { name: 'Places' });
  for (const name of ['Destinations', 'Samples', 'Runs', 'Mock endpoint', 'OAuth']) {
    await expect(places.getByRole('button', { name, exact: true })).toBeVisible();
  }
  for (const name of ['Setup', 'Auth', 'Audience', 'Add', 'Remove', 'Errors']) {
    await expect(page.getByRole('tab', { name: new RegExp(`^${name}`) })).toBeVisible();
  }
  await expect(page.getByRole('complementary', { name: 'Preview' }).getByRole('button', { name: 'Send this one' })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/studio-first-launch.png` });
});
