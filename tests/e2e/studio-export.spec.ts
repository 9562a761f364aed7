// A destination exported from the studio runs unchanged with the CLI: the file the user
// downloads is the CLI's config format, secrets as ${env:…} references.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { generateProfiles, profileToNdjsonLine } from '../../src/main/sources/sample.js';
import { expect, test } from './fixtures.js';

test('Export config writes a file the CLI runs unchanged against the same endpoint', async ({ studio, tempDir }) => {
  const { page, service } = studio;
  test.skip(!service, 'needs the in-process service (browser harness)');
  await expect(page.getByRole('complementary', { name: 'Preview' }).getByText(/✓ valid JSON/)).toBeVisible();
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export config' }).click();
  const download = await downloading;
  const dir = tempDir;
  const configPath = join(dir, download.suggestedFilename() || 'destination.json');
  await download.saveAs(configPath);

  const text = readFileSync(configPath, 'utf8');
  expect(text).not.toContain('demo-secret'); // secrets leave as references only
  const envNames = [...text.matchAll(/\$\{env:([A-Z0-9_]+)\}/g)].map((m) => m[1]!);
  const input = join(dir, 'profiles.ndjson');
  writeFileSync(input, [...generateProfiles(40, 5)].map(profileToNdjsonLine).join(''));

  const mock = await service!.mockStatus();
  const before = (await (await fetch(`${mock.url}/_mock/journal?limit=100000`)).json()) as { size: number };
  let stdout = '';
  let stderr = '';
  const env = Object.fromEntries(envNames.map((n) => [n, 'demo-secret']));
  const code = await main(['run', configPath, '--input', input, '--db', join(dir, 'cli.db'), '--json'], {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    env,
    isTTY: false,
  });
  expect(stderr).not.toMatch(/error|invalid/i);
  expect(code, stdout + stderr).toBe(0);
  const summary = JSON.parse(stdout);
  expect(summary.status).toBe('succeeded');
  expect(summary.records.succeeded).toBeGreaterThan(0);
  const after = (await (await fetch(`${mock.url}/_mock/journal?limit=100000`)).json()) as { size: number; entries: Array<{ path: string; status: number }> };
  expect(after.size).toBeGreaterThan(before.size);
  expect(after.entries.some((e) => /\/api\/audiences\/[^/]+\/members/.test(e.path) && e.status === 200)).toBe(true);
});
