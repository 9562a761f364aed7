// The dry run's statement of the retry policy's worst case.
import { expect, it } from 'vitest';
import { retryWorstCases } from '../../src/main/app/retry-worst-case.js';
import { config } from '../helpers/run.js';
import type { ExportConfigInput } from '../../src/shared/config.js';

const dest = (extra: Record<string, unknown>) =>
  config({ version: 1, destination: { name: 'd', add: { url: 'http://h/m' }, ...extra }, audience: { name: 'A' } } as ExportConfigInput).destination;

it("today's defaults: 6 attempts, 30 s timeouts, waits of up to the 10-minute Retry-After cap", () => {
  const [add] = retryWorstCases(dest({}));
  expect(add).toMatchObject({ step: 'add', attempts: 6, worstMs: 6 * 30_000 + 5 * 600_000 });
  expect(add!.text).toBe('retries 429, 500-504, failed connections and timeouts: up to 6 attempts a request, at most 53 min 00 s (6 × 30.0 s timeout + 5 waits of up to 10 min 00 s)');
});

it('until-stopped says so; maxElapsedMs bounds it; retryOnErrors off is sent once', () => {
  expect(retryWorstCases(dest({ retry: { maxAttempts: 'until-stopped' } }))[0]).toMatchObject({ attempts: 'until-stopped', text: expect.stringContaining('until the request succeeds or the run is stopped') });
  expect(retryWorstCases(dest({ retry: { maxAttempts: 'until-stopped', maxElapsedMs: 600_000 } }))[0]).toMatchObject({ worstMs: 630_000 });
  expect(retryWorstCases(dest({ retryOnErrors: false }))[0]!.text).toBe('sent once (retryOnErrors is off); at most 30.0 s');
  const capped = retryWorstCases(dest({ retry: { retryAfterCapMs: 1000, statuses: [408, '500-599'] }, maxAttempts: 3 }))[0]!;
  expect(capped.worstMs).toBe(3 * 30_000 + 1000 + 1000);
  expect(capped.text).toContain('retries 408, 500-599,');
});
