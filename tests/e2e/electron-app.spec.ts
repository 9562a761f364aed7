// The real Electron app, where its binary exists (a developer laptop after `npm start` has
// fetched it). This machine cannot download it: the test says so and skips.
import { electronBinary } from './harness.js';
import { expect, test } from './fixtures.js';

const binary = electronBinary();
if (!binary) console.log('skipped: Electron binary not present (download not possible here)');

test.describe('Electron app', () => {
  test.skip(!binary, 'Electron binary not present (download not possible here)');

  test.use({ studioOptions: { mode: 'electron' } });

  test('opens locked down, with the example destination and the typed API only', async ({ studio }) => {
    const { page } = studio;
    await expect(page.getByText('Example: built-in mock endpoint').first()).toBeVisible();
    // No Node in the page, and the bridge carries the studio methods only.
    const probe = await page.evaluate(() => ({
      require: typeof (globalThis as Record<string, unknown>)['require'],
      process: typeof (globalThis as Record<string, unknown>)['process'],
      methods: Object.keys(window.outbound).length,
      invoke: typeof (window.outbound as unknown as Record<string, unknown>)['invoke'],
    }));
    expect(probe).toEqual({ require: 'undefined', process: 'undefined', methods: 16, invoke: 'undefined' });
    // window.open is denied: no second window appears.
    await page.evaluate(() => window.open('https://example.com/', '_blank'));
    await page.waitForTimeout(300);
    expect(page.context().pages()).toHaveLength(1);
    // Malformed arguments are refused in main with a message that says where.
    const message = await page.evaluate(() =>
      (window.outbound.getDestination as unknown as (x: unknown) => Promise<unknown>)(42).then(
        () => 'accepted',
        (err: Error) => err.message,
      ),
    );
    expect(message).toContain('getDestination: argument 1: expected string, received number');
  });
});
