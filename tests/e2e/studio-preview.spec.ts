// The preview explains itself, is never stale and puts every error beside its place:
// skipped records counted with reasons and examples, header and helper errors at the field
// and as a squiggle, a body that is not JSON shown broken, requests and answers cleared
// when what they belong to changes, and run-time values shown as placeholders that
// "Resolve now" fills from the built-in mock endpoint.
import type { Page } from '@playwright/test';
import { SCREENS, expect, test } from './fixtures.js';

async function replaceEditorText(page: Page, name: string, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name, exact: true });
  await expect(box).toBeAttached();
  await box.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** The Add tab of the first-launch example, with its add request previewed. */
async function openAddTab(page: Page) {
  await page.getByRole('button', { name: 'Destinations', exact: true }).click();
  await page.getByRole('tab', { name: /^Add/ }).click();
  const preview = page.getByRole('complementary', { name: 'Preview' });
  await expect(preview.getByText(/✓ valid JSON · \d+ records/)).toBeVisible();
  return preview;
}

test('a destination whose records are all skipped says why, with counts and an example', async ({ studio }) => {
  const { page } = studio;
  await openAddTab(page);
  await page.getByRole('tab', { name: /^Setup/ }).click();
  // A segment none of the sample profiles is in: every record's action is empty.
  await page.getByLabel('Action (JMESPath)').fill('segmentMembership.ups."seg-nobody".status');

  const preview = page.getByRole('complementary', { name: 'Preview' });
  const why = preview.getByRole('region', { name: 'Records in this preview' });
  await expect(why).toContainText(/Of 50 records read: 0 planned · 50 skipped · 0 invalid/);
  await expect(why).toContainText(/skipped 50 × records\.action "segmentMembership\.ups\."seg-nobody"\.status" is empty for this record/);
  await expect(why).toContainText(/e\.g\. \S+ \(line 1\)/);
  // Only the audience steps are planned: the pane says why no record is sent.
  await expect(preview.getByRole('status').filter({ hasText: 'requests planned' })).toHaveText(
    /No add or remove requests planned: all 50 records read were skipped; the reasons are listed above\./,
  );
  await page.screenshot({ path: `${SCREENS}/studio-preview-all-skipped.png` });

  // Mapped records says why it is empty instead of asking for a sample set that is picked.
  await preview.getByRole('button', { name: 'Mapped records' }).click();
  await expect(preview).not.toContainText('pick a sample set');
  await expect(preview.getByRole('status')).toHaveText(/No mapped records: of 50 records read, 50 skipped and 0 invalid/);
});

test('a header with CR/LF is named beside the Headers field, an unknown helper is underlined at its line and column', async ({ studio }) => {
  const { page } = studio;
  await page.getByRole('button', { name: 'Destinations', exact: true }).click();
  await page.getByRole('tab', { name: /^Auth/ }).click();
  await page.getByRole('tabpanel').getByRole('textbox', { name: 'Headers for every request', exact: true }).fill('{"X-Trace": "a\\r\\nb"}');
  const headerErrors = page.getByRole('tabpanel').getByRole('alert', { name: 'Header problems' });
  await expect(headerErrors).toContainText(/Header X-Trace: contains a line break \(CR\/LF\)/);
  await page.screenshot({ path: `${SCREENS}/studio-header-crlf.png` });
  await page.getByRole('tabpanel').getByRole('textbox', { name: 'Headers for every request', exact: true }).fill('');

  await page.getByRole('tab', { name: /^Add/ }).click();
  await replaceEditorText(page, 'Body template', '{"users": [\n{{#each users}}"{{shout id}}"{{#unless @last}},{{/unless}}{{/each}}]}');
  // Beside the editor, in the Problems list with its place, and underlined in the editor.
  await expect(page.getByRole('tabpanel').getByRole('alert').filter({ hasText: 'unknown helper "shout"' }).first()).toContainText('(line 2, column 21)');
  await expect(page.getByRole('complementary', { name: 'Preview' }).getByRole('region', { name: 'Problems' })).toContainText(
    /add\.bodyTemplate line 2, column 21\s*unknown helper "shout"/,
  );
  await expect(page.locator('[data-testid="editor-Body template"] .squiggly-error').first()).toBeAttached();
  await page.screenshot({ path: `${SCREENS}/studio-unknown-helper.png` });
});

test('a body that renders to invalid JSON is shown broken with the position, not a stale valid one', async ({ studio }) => {
  const { page } = studio;
  const preview = await openAddTab(page);
  // No comma between the elements: the rendered body is not JSON.
  await replaceEditorText(page, 'Body template', '{"users": [{{#each users}}{"id": "{{id}}"}{{/each}}]}');
  const request = preview.getByRole('article', { name: 'Planned request' });
  await expect(request.getByRole('alert').filter({ hasText: /invalid JSON at line 1, column \d+/ })).toBeVisible();
  await expect(request).toContainText('✗ not sent');
  await expect(preview.getByText(/✓ valid JSON/)).toHaveCount(0);
  await expect(request.getByLabel('Request body', { exact: true })).toContainText('"}{"id"');
  await expect(request.locator('mark.bad-char')).toBeVisible();
  await expect(request.getByRole('button', { name: 'Send this one' })).toBeDisabled();
  await page.screenshot({ path: `${SCREENS}/studio-preview-broken-body.png` });
});

test('opening another destination clears the previous one\'s requests', async ({ studio }) => {
  const { page } = studio;
  const preview = await openAddTab(page);
  await expect(preview.getByRole('article', { name: 'Planned request' })).toContainText('/api/audiences/');
  await page.getByRole('button', { name: 'New destination' }).click();
  await page.getByRole('dialog', { name: 'New destination' }).getByRole('button', { name: /GrowthLoop HTTP Endpoint/ }).click();
  await page.getByRole('tab', { name: /^Add/ }).click();
  // The GrowthLoop preset's own preview has arrived (its key variable is not set)...
  await expect(preview.getByRole('region', { name: 'Problems' })).toContainText('LISTS_API_KEY is not set');
  // ...and nothing of the example's requests (its URL, its OAuth bearer) is left on screen.
  await expect(preview).not.toContainText('/api/audiences');
  await expect(preview).not.toContainText('Bearer');
  await page.screenshot({ path: `${SCREENS}/studio-preview-switched.png` });
});

test('changing the request clears the answer Send this one got for the old one', async ({ studio }) => {
  const { page } = studio;
  const preview = await openAddTab(page);
  await preview.getByRole('button', { name: 'Send this one' }).click();
  await page.getByRole('dialog', { name: 'Send this request?' }).getByRole('button', { name: 'Send' }).click();
  const response = preview.getByRole('region', { name: 'Response' });
  await expect(response.getByLabel(/^Status 2\d\d$/)).toBeVisible();

  await replaceEditorText(page, 'Body template', '{"users": [{{#each users}}{"id": "{{id}}", "changed": true}{{#unless @last}},{{/unless}}{{/each}}]}');
  await expect(preview.getByLabel('Request body', { exact: true })).toContainText('"changed"');
  await expect(response).toHaveCount(0);
  await page.screenshot({ path: `${SCREENS}/studio-preview-answer-cleared.png` });
});

test('remote_audience.id is a marked placeholder until Resolve now asks the mock endpoint', async ({ studio }) => {
  const { page } = studio;
  const preview = await openAddTab(page);
  const request = preview.getByRole('article', { name: 'Planned request' });
  await expect(request.locator('.request-line')).toContainText(/\/api\/audiences\/‹remote_audience\.id›\/members/);
  await expect(request.locator('.request-line mark.placeholder')).toHaveText('‹remote_audience.id›');
  const note = preview.getByRole('note', { name: 'Run-time values' });
  await expect(note).toContainText('‹remote_audience.id› is known only when the export runs: the get-audience step supplies it.');
  await page.screenshot({ path: `${SCREENS}/studio-preview-placeholder.png` });

  // The mock starts with no audience: Resolve now says so and creates nothing (read-only).
  await note.getByRole('button', { name: 'Resolve now' }).click();
  await expect(note.getByRole('status')).toContainText(/audience "High Value" not found by get audience \(create audience would create it when the export runs\)/);
  if (studio.service) {
    const mock = await studio.service.mockStatus();
    const audiences = (await (await fetch(`${mock.url}/_mock/audiences`)).json()) as { audiences: unknown[] };
    expect(audiences.audiences).toEqual([]);
  }

  // Send this one finds or creates the audience, as a run would; now Resolve now finds it.
  await request.getByRole('button', { name: 'Send this one' }).click();
  await page.getByRole('dialog', { name: 'Send this request?' }).getByRole('button', { name: 'Send' }).click();
  await expect(preview.getByRole('region', { name: 'Response' }).getByLabel(/^Status 2\d\d$/)).toBeVisible();
  await note.getByRole('button', { name: 'Resolve now' }).click();
  await expect(note.getByRole('status')).toContainText(/✓ audience found \(HTTP 200\): remote_audience = \{"id":"aud_1"/);
  await expect(request.locator('.request-line')).toContainText(/\/api\/audiences\/aud_1\/members/);
  await expect(request.locator('mark.placeholder')).toHaveCount(0);
  await page.screenshot({ path: `${SCREENS}/studio-preview-resolved.png` });
});

test('editing a template and switching tab throws nothing (the editor goes before its model)', async ({ studio }) => {
  test.setTimeout(120_000);
  const { page } = studio;
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await openAddTab(page);
  for (const tab of ['Add', 'Remove']) {
    await page.getByRole('tab', { name: new RegExp(`^${tab}`) }).click();
    const panel = page.getByRole('tabpanel', { name: tab });
    await panel.getByRole('textbox', { name: 'URL template', exact: true }).focus();
    // Type and leave at once: the old editor goes while its change is still being handled.
    await page.keyboard.press('End');
    await page.keyboard.type('x');
  }
  await page.getByRole('tab', { name: /^Audience/ }).click();
  await expect(page.getByRole('tabpanel', { name: 'Audience' })).toBeVisible();
  expect(errors.filter((e) => /disposed/i.test(e))).toEqual([]);
});
