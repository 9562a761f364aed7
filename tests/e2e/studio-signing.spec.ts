// Request signing and the OAuth client authentication choice in the destination form (issue
// 11): turned on by label, the preview shows the signature header computed for the preview's
// time and says so, and the secret typed in is nowhere on the page.
import { SCREENS, expect, test } from './fixtures.js';

const SECRET = 'e2e-s1gning-secret-Q7';


test('the Auth tab signs every request: the preview shows the header and how it was signed, never the secret', async ({ studio }) => {
  const { page } = studio;
  const preview = page.getByRole('complementary', { name: 'Preview' });
  await expect(preview.getByText(/✓ valid JSON/)).toBeVisible();
  await page.getByRole('tab', { name: /^Auth/ }).click();

  const signing = page.getByRole('region', { name: 'Request signing' });
  await signing.getByRole('checkbox', { name: 'Sign every request (HMAC)' }).check();
  const secret = signing.getByLabel('Signing secret', { exact: true });
  await expect(secret).toHaveAttribute('type', 'password');
  await secret.fill(SECRET);
  await signing.getByLabel('Signed payload').fill('{timestamp}.{body}');
  // {timestamp} with no way for the receiver to know it is refused where it is typed.
  await expect(signing.getByText(/name a timestamp header/)).toBeVisible();
  await signing.getByLabel('Timestamp header').fill('X-Timestamp');
  await signing.getByLabel('Signature prefix').fill('sha256=');
  await expect(signing.getByText(/name a timestamp header/)).toHaveCount(0);

  const oauth = page.getByRole('region', { name: 'OAuth2 client credentials' });
  const clientAuth = oauth.getByLabel('Client authentication');
  if (await clientAuth.isVisible()) await clientAuth.selectOption('basic-raw');

  await page.getByRole('tab', { name: /^Add/ }).click();
  const headers = preview.getByLabel('Request headers');
  await expect(headers.getByText('X-Signature:')).toBeVisible();
  await expect(headers).toContainText(/X-Signature: sha256=[0-9a-f]{64}/);
  // A header's name stays on one line beside its long value (it broke as "X-" over "Signature:").
  const nameBox = await headers.getByText('X-Signature:').boundingBox();
  const oneLine = await headers.getByText('content-type:').boundingBox();
  expect(nameBox!.height).toBeLessThanOrEqual(oneLine!.height + 1);
  await expect(headers).toContainText(/X-Timestamp: \d{10}/);
  await expect(preview.getByRole('list', { name: 'Notes' })).toContainText("signed for this preview's time");
  await expect(page.locator('body')).not.toContainText(SECRET);

  await page.getByRole('tab', { name: /^Auth/ }).click();
  await signing.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENS}/signing-auth-tab.png` });
});
