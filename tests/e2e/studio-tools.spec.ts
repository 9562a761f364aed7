// The tool places: the OAuth tester showing a failed exchange whole, the JMESPath
// playground opened from the palette against real inputs, and the mock endpoint's routes,
// credentials and "Use in destination".
import { SCREENS, expect, test } from './fixtures.js';

test.use({ studioOptions: { mode: 'chromium' } });

test.beforeEach(async ({ studio }) => {
  // Loaded as a user would see it: the example destination previews (a cold first start on a busy machine can take a while).
  await expect(studio.page.getByRole('complementary', { name: 'Preview' }).getByText(/✓ valid JSON/)).toBeVisible({ timeout: 30_000 });
});

test('OAuth tester: a token endpoint answering 503 shows the request, status, headers and body (masked)', async ({ studio }) => {
  const { page, service } = studio;
  // The mock's token route fails as a real provider in maintenance would.
  const scenario = {
    name: 'token-down',
    token: {
      sequence: [{ status: 503, headers: { 'Retry-After': '120', 'X-Request-Id': 'req-7f3a' }, body: { error: 'temporarily_unavailable', error_description: 'token service in maintenance' } }],
      then: 'repeat',
    },
  };
  await service!.startMock({ scenario: JSON.stringify(scenario) });
  await page.getByRole('button', { name: 'OAuth', exact: true }).click();
  await page.getByRole('button', { name: 'Fetch token' }).click();

  await expect(page.getByRole('region', { name: 'OAuth tester' }).getByRole('alert')).toContainText('answered 503');
  const response = page.getByRole('region', { name: 'Token response' });
  await expect(response.getByLabel('Status 503')).toBeVisible();
  await expect(response).toContainText(/retry-after: 120/i);
  await expect(response).toContainText(/x-request-id: req-7f3a/i);
  await expect(response).toContainText('"error_description": "token service in maintenance"');
  const request = page.getByRole('region', { name: 'Token request' });
  await expect(request).toContainText(/POST http:\/\/127\.0\.0\.1:\d+\/oauth\/token/);
  await expect(request).toContainText('grant_type=client_credentials');
  // The client secret never reaches the page, neither as itself nor inside the Basic header.
  const text = await page.locator('body').innerText();
  expect(text).not.toContain('demo-secret');
  expect(text).not.toContain(Buffer.from('outbound-demo:demo-secret').toString('base64'));
  await expect(request).toContainText(/authorization: Basic \S*●/i);
  await page.screenshot({ path: `${SCREENS}/studio-oauth-failure.png` });
});

test('JMESPath playground from the palette on the Add tab: evaluates the selected sample, then its mapped record, and marks an error column', async ({ studio }) => {
  const { page, service } = studio;
  await page.getByRole('tab', { name: /^Add/ }).click();
  await page.keyboard.press('ControlOrMeta+K');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await palette.getByRole('combobox', { name: 'Command' }).fill('jmespath');
  await page.keyboard.press('Enter');

  const dialog = page.getByRole('dialog', { name: 'JMESPath playground' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Evaluate against')).toHaveValue('sample');
  // The profile the studio has selected, read from the service: the playground shows its email.
  const setId = await page.getByRole('combobox', { name: 'Samples' }).inputValue();
  const [profile] = (await service!.getSamples({ setId, offset: 0, limit: 1 })) as Array<{ person: { email: string } }>;
  const expression = dialog.getByLabel('Expression');
  await expression.fill('person.email');
  await expect(dialog.getByLabel('JMESPath result')).toHaveText(JSON.stringify(profile!.person.email));

  // The mapped record the templates see (the preview's first).
  await dialog.getByLabel('Evaluate against').selectOption('mapped');
  await expression.fill('email');
  await expect(dialog.getByLabel('JMESPath result')).toHaveText(JSON.stringify(profile!.person.email));

  // A syntax error: the column is named and marked under the expression.
  await expression.fill('person..email');
  await expect(dialog.getByRole('alert')).toContainText('column 8');
  await expect(expression).toHaveAttribute('aria-invalid', 'true');
  const mark = dialog.getByLabel('Error at column 8');
  await expect(mark).toBeVisible();
  await expect(mark.locator('mark')).toHaveText('.');
  await page.screenshot({ path: `${SCREENS}/studio-jmes-playground.png` });
  await page.setViewportSize({ width: 1100, height: 700 });
  await page.screenshot({ path: `${SCREENS}/studio-jmes-playground-1100.png` });

  // Opened over the Add tab, it closes back to it.
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('tab', { name: /^Add/ })).toHaveAttribute('aria-selected', 'true');
  // Every tab reaches it too, from the tab row.
  await page.getByRole('tab', { name: /^Setup/ }).click();
  await page.getByRole('button', { name: 'JMESPath playground' }).click();
  await expect(dialog).toBeVisible();
});

test('mock endpoint lists its routes and credentials, and "Use in destination" points the current form at it', async ({ studio }) => {
  const { page, service } = studio;
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const mockUrl = (await service!.mockStatus()).url!;

  // A preset that talks to example.com: the mock should replace its URLs and credentials.
  await page.getByRole('button', { name: 'New destination' }).click();
  await page.getByRole('dialog', { name: 'New destination' }).getByRole('button', { name: /Adobe Experience Platform/ }).click();

  await page.getByRole('button', { name: 'Mock endpoint', exact: true }).click();
  const routes = page.getByRole('region', { name: 'Mock routes' });
  await expect(routes.getByRole('row', { name: /POST \/oauth\/token/ })).toBeVisible();
  await expect(routes.getByRole('row', { name: /POST \/api\/audiences\/:id\/members Batched add/ })).toBeVisible();
  await expect(routes.getByRole('row', { name: /DELETE \/api\/audiences\/:id\/members\/:userId/ })).toBeVisible();

  const creds = page.getByRole('region', { name: 'Mock credentials' });
  await expect(creds.getByLabel('Token URL', { exact: true })).toHaveText(`${mockUrl}/oauth/token`);
  await expect(creds.getByLabel('Client ID', { exact: true })).toHaveText('outbound-demo');
  await expect(creds.getByLabel('Client secret', { exact: true })).not.toContainText('demo-secret');
  await creds.getByRole('button', { name: 'Reveal Client secret' }).click();
  await expect(creds.getByLabel('Client secret', { exact: true })).toHaveText('demo-secret');
  await creds.getByRole('button', { name: 'Reveal API key (X-API-Key header)' }).click();
  await expect(creds.getByLabel('API key (X-API-Key header)', { exact: true })).toHaveText('demo-key');
  await creds.getByRole('button', { name: 'Copy Client ID' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('outbound-demo');
  await page.screenshot({ path: `${SCREENS}/studio-mock-routes.png`, fullPage: true });

  await page.getByRole('button', { name: 'Use in destination' }).click();
  // Back in the editor, unsaved: nothing was saved behind the user's back.
  await expect(page.getByLabel('Unsaved changes')).toBeVisible();
  await page.getByRole('tab', { name: /^Auth/ }).click();
  await expect(page.getByLabel('Token URL')).toHaveValue(`${mockUrl}/oauth/token`);
  await expect(page.getByLabel('Client ID')).toHaveValue('outbound-demo');
  const saved = await service!.listDestinations();
  expect(saved.map((d) => d.name)).not.toContain('AEP HTTP API destination');
  // The steps now go to the mock's routes: the audience lookup it previews, the member route for adds.
  const previewPane = page.getByRole('complementary', { name: 'Preview' });
  await previewPane.getByLabel('Request', { exact: true }).selectOption({ index: 0 }); // 1. get audience
  await expect(previewPane).toContainText(`GET${mockUrl}/api/audiences?name=High%20Value`);
  await page.getByRole('tab', { name: /^Add/ }).click();
  await expect(page.getByTestId('editor-URL template')).toContainText(`${mockUrl}/api/audiences/{{remote_audience.id}}/members/{{user.id}}`);
  await page.screenshot({ path: `${SCREENS}/studio-mock-used.png` });
  // Saved only when the user saves; the secret went in as a reference, so it saves without OS encryption.
  await page.keyboard.press('ControlOrMeta+S');
  await expect(page.getByLabel('Unsaved changes')).toBeHidden();
  const after = await service!.listDestinations();
  const aep = after.find((d) => d.name === 'AEP HTTP API destination')!;
  const savedConfig = (await service!.getDestination(aep.id))!.config;
  expect(savedConfig.destination.oauth).toMatchObject({ tokenUrl: `${mockUrl}/oauth/token`, clientSecret: '${env:OUTBOUND_DEMO_SECRET}' });
  expect(savedConfig.destination.headers).toEqual(expect.objectContaining({ 'X-Api-Key': '${env:OUTBOUND_MOCK_API_KEY}' }));

  await page.setViewportSize({ width: 1100, height: 700 });
  await page.getByRole('button', { name: 'Mock endpoint', exact: true }).click();
  await page.screenshot({ path: `${SCREENS}/studio-mock-routes-1100.png` });
});
