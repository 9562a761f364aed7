// Running exports from the studio and debugging what the endpoint answered: progress to
// 100% with counts that match the mock's journal, retries under a flaky mock, a failed
// request's detail, cURL that repeats a request, HAR 1.2 export, and a 100,000-row run
// log that scrolls without being loaded into the page. These tests seed data through the
// service, so they use the browser harness (the service lives in the test process).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { openStore } from '../../src/main/store/db.js';
import type { Page } from '@playwright/test';
import type { StudioService } from '../../src/main/studio/service.js';
import { SCREENS, expect, test } from './fixtures.js';

test.use({ studioOptions: { mode: 'chromium' } });

async function generateSamples(page: Page, count: number): Promise<void> {
  await page.getByRole('button', { name: 'Samples', exact: true }).click();
  await page.getByLabel('Count').fill(String(count));
  await page.getByLabel('Seed').fill('7');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('combobox', { name: 'Samples' }).locator('option:checked')).toContainText(`(${count})`);
}

async function startRun(page: Page, count: number): Promise<void> {
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  const start = page.getByRole('region', { name: 'Start an export' });
  const options = await start.getByLabel('Sample set').locator('option').allTextContents();
  const label = options.find((o) => o.endsWith(`(${count})`));
  if (!label) throw new Error(`no sample set of ${count} in ${options.join(', ')}`);
  await start.getByLabel('Sample set').selectOption({ label });
  await start.getByRole('button', { name: 'Start run' }).click();
}

async function waitFinished(page: Page): Promise<void> {
  const run = page.getByRole('region', { name: 'Run', exact: true });
  await expect(run.getByLabel('Run status')).toHaveText(/succeeded|partial|failed|aborted/, { timeout: 45_000 });
}

async function apiRequestsAtMock(service: StudioService): Promise<number> {
  const journal = await service.mockJournal({ since: 0, limit: 10_000 });
  return journal.entries.filter((e) => e.route !== 'token').length;
}

test('a run of 3,000 sample profiles reaches 100% with counts that match the mock journal', async ({ studio, service }) => {
  test.setTimeout(90_000);
  const { page } = studio;
  await generateSamples(page, 3000);
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  const start = page.getByRole('region', { name: 'Start an export' });
  const options = await start.getByLabel('Sample set').locator('option').allTextContents();
  await start.getByLabel('Sample set').selectOption({ label: options.find((o) => o.endsWith('(3000)'))! });

  // Dry run first: what would be sent, nothing sent.
  const before = await apiRequestsAtMock(service);
  await start.getByRole('button', { name: 'Dry run' }).click();
  const dry = page.getByRole('region', { name: 'Dry run' });
  await expect(dry).toContainText('nothing sent');
  await expect(dry).toContainText('3000 records');
  await expect(dry.getByRole('table', { name: 'Requests per step' })).toContainText('add');
  await expect(dry.getByRole('table', { name: 'Records per action' })).toContainText('remove');
  expect(await apiRequestsAtMock(service)).toBe(before);

  await start.getByRole('button', { name: 'Start run' }).click();
  const bar = page.getByRole('progressbar', { name: 'Run progress' });
  await expect(bar).toBeVisible();
  await waitFinished(page);
  await expect(bar).toHaveAttribute('aria-valuenow', '100');
  const run = page.getByRole('region', { name: 'Run', exact: true });
  await expect(run.getByLabel('Run status')).toHaveText('succeeded');
  await expect(run.getByLabel('Records succeeded')).toHaveText('3000');
  await expect(run.getByLabel('Records failed')).toHaveText('0');

  const atMock = await apiRequestsAtMock(service);
  await expect(run.getByLabel('Requests sent')).toHaveText(String(atMock));
  await expect(run.getByLabel('2xx responses')).toHaveText(`2xx ${atMock}`);
  await expect(page.getByRole('region', { name: 'Requests', exact: true }).getByLabel('Request count')).toHaveText(`${atMock.toLocaleString('en-US')} attempts`);
  await expect(page.getByRole('figure', { name: 'Throughput and latency' })).toBeVisible();
  await expect(page.getByRole('status', { name: 'Status bar' })).toContainText('run succeeded 100%');
  // The history is folded while a run is shown (the log has the room): unfold it.
  await page.getByRole('button', { name: /History \(1\)/ }).click();
  await expect(page.getByRole('table', { name: 'Runs', exact: true })).toContainText('3000/3000');
  await page.getByRole('rowgroup', { name: 'Request rows' }).getByRole('row').nth(3).click();
  await expect(page.getByRole('complementary', { name: 'Request detail' }).getByLabel(/^Status 2\d\d$/)).toBeVisible();
  await page.getByRole('region', { name: 'Runs', exact: true }).evaluate((el) => el.scrollTo(0, 120));
  await page.screenshot({ path: `${SCREENS}/run-view.png` });
});

test('a flaky mock shows retries and still delivers every record', async ({ studio }) => {
  test.setTimeout(90_000);
  const { page } = studio;
  await generateSamples(page, 400);
  // The built-in flaky scenario as a user picks it: the token endpoint fails too, and is
  // retried like any request.
  await page.getByRole('button', { name: 'Mock endpoint', exact: true }).click();
  await page.getByLabel('Scenario').selectOption('flaky');
  await page.getByRole('button', { name: /Apply scenario|Start mock/ }).click();
  await expect(page.getByRole('status', { name: 'Mock endpoint status' })).toContainText('flaky');
  await startRun(page, 400);
  await waitFinished(page);
  const run = page.getByRole('region', { name: 'Run', exact: true });
  await expect(run.getByLabel('Run status')).toHaveText('succeeded');
  await expect(run.getByLabel('Records succeeded')).toHaveText('400');
  await expect(run.getByLabel('Records failed')).toHaveText('0');
  expect(Number(await run.getByLabel('Retries').textContent())).toBeGreaterThan(0);
  // The table shows the retried attempts.
  await page.getByRole('group', { name: 'Filter requests' }).getByLabel('Failed only').check();
  await expect(page.getByRole('rowgroup', { name: 'Request rows' }).getByRole('row').first()).toBeVisible();

  // The mock panel lists what arrived, live.
  await page.getByRole('button', { name: 'Mock endpoint', exact: true }).click();
  await expect(page.getByRole('list', { name: 'Mock requests' }).getByRole('listitem').first()).toBeVisible();
});

test('a rate-limited mock: the run view says what the run is waiting for', async ({ studio }) => {
  test.setTimeout(90_000);
  const { page } = studio;
  await generateSamples(page, 400);
  // 30% of requests answer 429 with Retry-After: 1, so the run waits again and again.
  await page.getByRole('button', { name: 'Mock endpoint', exact: true }).click();
  await page.getByLabel('Scenario').selectOption('rate-limited');
  await page.getByRole('button', { name: /Apply scenario|Start mock/ }).click();
  await expect(page.getByRole('status', { name: 'Mock endpoint status' })).toContainText('rate-limited');
  await startRun(page, 400);
  const run = page.getByRole('region', { name: 'Run', exact: true });
  const waiting = run.getByRole('status', { name: 'Waiting' });
  await expect(waiting).toHaveText(/^waiting 1 s: Retry-After from HTTP 429 \((getAudience|createAudience|add|remove) #\d+\)$/, { timeout: 45_000 });
  await page.screenshot({ path: `${SCREENS}/run-waiting.png` });
  await waitFinished(page);
  await expect(run.getByLabel('Run status')).toHaveText('succeeded');
  await expect(waiting).toHaveCount(0);
});

test("a failed request's detail shows the response body the mock sent", async ({ studio, service }) => {
  test.setTimeout(60_000);
  const { page } = studio;
  await service.startMock({
    scenario: JSON.stringify({ name: 'reject-adds', add: { failureRate: 1, failures: [{ status: 422, body: { error: 'invalid_member', detail: 'email is not valid for list' } }] } }),
  });
  await generateSamples(page, 300);
  await startRun(page, 300);
  await waitFinished(page);
  const run = page.getByRole('region', { name: 'Run', exact: true });
  await expect(run.getByLabel('Run status')).toHaveText(/partial|failed/);
  await expect(run.getByLabel('4xx responses')).toBeVisible();

  const filters = page.getByRole('group', { name: 'Filter requests' });
  await filters.getByLabel('Step').selectOption('add');
  await filters.getByLabel('Status').fill('422');
  await filters.getByLabel('Status').press('Enter');
  const rows = page.getByRole('rowgroup', { name: 'Request rows' }).getByRole('row');
  await expect(rows.first()).toContainText('422');
  await rows.first().click();
  const detail = page.getByRole('complementary', { name: 'Request detail' });
  await expect(detail.getByLabel('Status 422')).toBeVisible();
  const body = detail.getByRole('region', { name: 'Response body' });
  await expect(body).toContainText('"error": "invalid_member"');
  await expect(body).toContainText('email is not valid for list');
  await body.getByRole('button', { name: 'raw' }).click();
  await expect(body.locator('pre')).toHaveText('{"error":"invalid_member","detail":"email is not valid for list"}');
  await expect(detail.getByRole('list', { name: 'Records' })).toContainText('failed');
  await expect(run.getByRole('button', { name: 'Retry failed' })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/request-detail.png` });

  // Export failed saves the failed profiles (one a line, to fix and re-run) and their reasons.
  const saved: Array<{ name: string; text: string }> = [];
  page.on('download', (d) => void d.path().then(async (p) => saved.push({ name: d.suggestedFilename(), text: await readFile(p, 'utf8') })));
  await run.getByRole('button', { name: 'Export failed' }).click();
  await expect.poll(() => saved.length).toBe(2);
  const failed = Number(await run.getByLabel('Records failed').textContent());
  const records = saved.find((f) => f.name.endsWith('-failed.ndjson'))!.text.trim().split('\n');
  const reasons = saved.find((f) => f.name.endsWith('-failed.reasons.ndjson'))!.text.trim().split('\n');
  expect(records.length).toBe(failed);
  expect(reasons.length).toBe(failed);
  expect(JSON.parse(records[0]!)).toHaveProperty('id');
  expect(reasons[0]).toContain('422');
});

test('copy as cURL reproduces the same request when curl sends it to the mock', async ({ studio, service }) => {
  test.setTimeout(60_000);
  const { page } = studio;
  await generateSamples(page, 200);
  await startRun(page, 200);
  await waitFinished(page);
  await page.getByRole('group', { name: 'Filter requests' }).getByLabel('Step').selectOption('add');
  await page.getByRole('rowgroup', { name: 'Request rows' }).getByRole('row').first().click();
  const detail = page.getByRole('complementary', { name: 'Request detail' });
  await expect(detail.getByLabel(/^Status 2\d\d$/)).toBeVisible();

  // Masked by default.
  await detail.getByRole('button', { name: 'Copy as cURL' }).click();
  await expect(detail.getByLabel('cURL command')).toContainText('●●●●');
  // Revealed on request: runs as is.
  await detail.getByLabel('Reveal secrets').check();
  await detail.getByRole('button', { name: 'Copy as cURL' }).click();
  await expect(detail.getByLabel('cURL command')).not.toContainText('●●●●');
  const curl = (await detail.getByLabel('cURL command').textContent())!;
  const loggedBody = (await detail.getByRole('region', { name: 'Request body' }).getByRole('button', { name: 'raw' }).click(), await detail.getByRole('region', { name: 'Request body' }).locator('pre').textContent())!;
  const url = (await detail.locator('.request-line .url').textContent())!;

  const mark = (await service.mockJournal({ limit: 1 })).latestSeq;
  const { stdout } = await promisify(execFile)('/usr/bin/curl', ['--version']).then(() => promisify(execFile)('sh', ['-c', `${curl} -o /dev/null -w '%{http_code}'`]));
  expect(stdout).toMatch(/^2\d\d$/);
  const arrived = (await service.mockJournal({ since: mark })).entries;
  expect(arrived).toHaveLength(1);
  expect(arrived[0]!.method).toBe('POST');
  expect(arrived[0]!.path).toBe(new URL(url).pathname + new URL(url).search);
  // The journal view keeps the first 4 KiB of a body, and its whole size.
  expect(arrived[0]!.body).toBe(loggedBody.slice(0, 4096));
  expect(arrived[0]!.bodyBytes).toBe(Buffer.byteLength(loggedBody, 'utf8'));

  // Replay as logged, then compare the two responses side by side.
  await detail.getByRole('button', { name: 'Replay as logged' }).click();
  const compare = detail.getByRole('region', { name: 'Replay comparison' });
  await expect(compare.getByRole('region', { name: 'Logged response' })).toContainText(/2\d\d/);
  await expect(compare.getByRole('region', { name: 'Replayed response' })).toContainText(/2\d\d/);
});

test('the run exports as HAR 1.2', async ({ studio, service }) => {
  test.setTimeout(60_000);
  const { page } = studio;
  await generateSamples(page, 150);
  await startRun(page, 150);
  await waitFinished(page);
  const download = page.waitForEvent('download');
  await page.getByRole('region', { name: 'Run', exact: true }).getByRole('button', { name: 'Export HAR' }).click();
  const file = await (await download).path();
  const har = JSON.parse(await readFile(file, 'utf8')) as { log: Record<string, unknown> & { entries: Array<Record<string, any>> } };
  expect(har.log['version']).toBe('1.2');
  expect(har.log['creator']).toMatchObject({ name: 'Outbound', version: expect.any(String) });
  expect(har.log.entries.length).toBe(await apiRequestsAtMock(service));
  for (const e of har.log.entries) {
    expect(Date.parse(e['startedDateTime'])).not.toBeNaN();
    expect(typeof e['time']).toBe('number');
    expect(e['request']).toMatchObject({ method: expect.any(String), url: expect.stringMatching(/^http/), httpVersion: expect.any(String), cookies: [], headers: expect.any(Array), queryString: expect.any(Array), headersSize: -1, bodySize: expect.any(Number) });
    expect(e['response']).toMatchObject({ status: expect.any(Number), statusText: expect.any(String), httpVersion: expect.any(String), cookies: [], headers: expect.any(Array), content: { size: expect.any(Number), mimeType: expect.any(String) }, redirectURL: '', headersSize: -1, bodySize: expect.any(Number) });
    expect(e['cache']).toEqual({});
    expect(e['timings']).toMatchObject({ send: expect.any(Number), wait: expect.any(Number), receive: expect.any(Number) });
    for (const h of [...e['request'].headers, ...e['response'].headers]) expect(h).toEqual({ name: expect.any(String), value: expect.any(String) });
  }
  expect(JSON.stringify(har)).not.toContain('demo-secret');
});

test('the requests table scrolls a 100,000-row run without loading it all into the page', async ({ studio }) => {
  test.setTimeout(90_000);
  const { page } = studio;
  const runId = seedRun(studio.dataDir, 100_000);
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  await page.getByRole('button', { name: `Open run ${runId.slice(0, 8)}` }).click();
  const requests = page.getByRole('region', { name: 'Requests', exact: true });
  await expect(requests.getByLabel('Request count')).toHaveText('100,000 attempts');
  const body = page.getByRole('rowgroup', { name: 'Request rows' });
  await expect(body.getByRole('row').first()).toContainText('/members/k0');
  expect(await body.getByRole('row').count()).toBeLessThan(200);

  await body.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await expect(body.getByRole('row').filter({ hasText: '/members/k99999' })).toBeVisible();
  expect(await body.getByRole('row').count()).toBeLessThan(200);
  // Pages were fetched as needed: never the whole run, never more than a page per call.
  const calls = studio.bridge!.calls.filter((c) => c.method === 'runRequests');
  const asked = calls.reduce((n, c) => n + ((c.args[0] as { limit?: number }).limit ?? 0), 0);
  expect(calls.every((c) => ((c.args[0] as { limit?: number }).limit ?? 0) <= 100)).toBe(true);
  expect(asked).toBeLessThan(5_000);

  // Filter by record key reaches the one row.
  const filters = page.getByRole('group', { name: 'Filter requests' });
  await filters.getByLabel('Record key').fill('k77777');
  await filters.getByLabel('Record key').press('Enter');
  await expect(requests.getByLabel('Request count')).toHaveText('1 attempt');
  await body.getByRole('row').first().click();
  await expect(page.getByRole('complementary', { name: 'Request detail' })).toContainText('/members/k77777');
});

test('an interrupted run is offered at launch and resumes to the end', async ({ studio, service }) => {
  test.setTimeout(60_000);
  const { page } = studio;
  const set = await service.generateSamples({ count: 120, seed: 5 });
  const [dest] = await service.listDestinations();
  const saved = await service.getDestination(dest!.id);
  // A run the last session left 'running' (the app was closed mid-run).
  const store = openStore(join(studio.dataDir, 'outbound.db'));
  const runId = store.createRun({
    destination: saved!.config.destination.name,
    audience: saved!.config.audience.name,
    config: saved!.config,
    inputPath: `sample-set:${set.id}`,
    inputIdentity: { size: 120, mtimeMs: (await service.listSampleSets()).find((s) => s.id === set.id) ? Date.now() : 0, prefixHash: `sample-set:${set.id}` },
  });
  store.close();
  // The test plays an older session's row, which had no input identity: raw SQL, as a fixture.
  const raw = new Database(join(studio.dataDir, 'outbound.db'));
  raw.prepare('UPDATE runs SET input_size = NULL, input_mtime_ms = NULL, input_prefix_hash = NULL WHERE id = ?').run(runId);
  raw.close();
  await page.reload();
  const banner = page.getByRole('alert', { name: 'Interrupted runs' });
  await expect(banner).toContainText(runId.slice(0, 8));
  await banner.getByRole('button', { name: `Resume run ${runId.slice(0, 8)}` }).click();
  await waitFinished(page);
  await expect(page.getByRole('progressbar', { name: 'Run progress' })).toHaveAttribute('aria-valuenow', '100');
  await expect(page.getByRole('region', { name: 'Run', exact: true }).getByLabel('Run status')).toHaveText('succeeded');
});

/** Writes a finished run with `n` request rows straight into the studio's database. */
function seedRun(dataDir: string, n: number): string {
  const store = openStore(join(dataDir, 'outbound.db'));
  const runId = store.createRun({ destination: 'Bulk API', audience: 'Everyone', config: {} });
  const runKey = store.runKey(runId)!;
  store.close();
  // A run of `n` rows in one transaction, faster than recording it: raw SQL, as a fixture.
  const db = new Database(join(dataDir, 'outbound.db'));
  try {
    const insert = db.prepare(
      `INSERT INTO requests (run, session, request_id, step, attempt, method, url, request_headers, request_body, record_keys, record_count, started_at, answered_at, status, response_headers, response_body, body_bytes, ttfb_ms, total_ms, failed)
       VALUES (?, 1, ?, 'add', 1, 'POST', ?, '{"content-type":"application/json"}', ?, ?, 1, ?, ?, ?, '{"content-type":"application/json"}', '{"ok":true}', 11, 3, 5, ?)`,
    );
    const t0 = Date.now() - 60_000;
    db.transaction(() => {
      for (let i = 0; i < n; i++) {
        const status = i % 50 === 0 ? 503 : 200;
        insert.run(runKey, `r${i}`, `http://127.0.0.1:9/api/members/k${i}`, `{"id":"k${i}"}`, `["k${i}"]`, t0 + i, t0 + i + 5, status, status === 200 ? 0 : 1);
      }
    })();
    db.prepare("UPDATE runs SET status = 'succeeded', started_at = ?, finished_at = ?, records_total = ?, records_succeeded = ?, requests_sent = ? WHERE id = ?").run(t0, t0 + n, n, n, n, runId);
    return runId;
  } finally {
    db.close();
  }
}

test('pause holds the run, resume finishes it; cancel leaves it resumable', async ({ studio, service }) => {
  test.setTimeout(90_000);
  const { page } = studio;
  await generateSamples(page, 600);
  // Slow answers, so there is time to press the buttons mid-run (even on a loaded machine).
  await service.startMock({ scenario: JSON.stringify({ name: 'slowish', '*': { latencyMs: 400 } }) });
  await startRun(page, 600);
  const run = page.getByRole('region', { name: 'Run', exact: true });
  await run.getByRole('button', { name: 'Pause' }).click();
  await expect(run.getByLabel('Run status')).toHaveText('paused');
  // Paused: in-flight requests finish, then nothing new arrives at the endpoint.
  await page.waitForTimeout(400);
  const held = (await service.mockJournal({ limit: 1 })).latestSeq;
  await page.waitForTimeout(700);
  expect((await service.mockJournal({ limit: 1 })).latestSeq).toBe(held);
  await run.getByRole('button', { name: 'Resume', exact: true }).click();
  await waitFinished(page);
  await expect(run.getByLabel('Run status')).toHaveText('succeeded');

  await startRun(page, 600);
  await expect(run.getByRole('button', { name: 'Cancel run' })).toBeVisible();
  await run.getByRole('button', { name: 'Cancel run' }).click();
  await expect(run.getByLabel('Run status')).toHaveText('cancelled', { timeout: 20_000 });
  await run.getByRole('button', { name: 'Resume run' }).click();
  await waitFinished(page);
  await expect(run.getByLabel('Run status')).toHaveText('succeeded');
});

// ---- The run view built around its log (issue 13) ----

/** A duration as formatDuration writes it (`850 ms`, `12.3 s`, `4 min 05 s`), in ms. */
function parseDuration(text: string): number {
  const t = text.trim();
  let m = /^(\d+) ms$/.exec(t);
  if (m) return Number(m[1]);
  m = /^([\d.]+) s$/.exec(t);
  if (m) return Number(m[1]) * 1000;
  m = /^(\d+) min (\d+) s$/.exec(t);
  if (m) return (Number(m[1]) * 60 + Number(m[2])) * 1000;
  m = /^(\d+) h (\d+) min$/.exec(t);
  if (m) return (Number(m[1]) * 60 + Number(m[2])) * 60_000;
  throw new Error(`not a duration: ${JSON.stringify(text)}`);
}

async function rowsInView(page: Page): Promise<number> {
  const body = page.getByRole('rowgroup', { name: 'Request rows' });
  return body.evaluate((el) => {
    const box = el.getBoundingClientRect();
    return [...el.querySelectorAll('[role="row"]')].filter((r) => {
      const b = r.getBoundingClientRect();
      return b.top >= box.top - 1 && b.bottom <= Math.min(box.bottom, window.innerHeight) + 1 && b.height > 0;
    }).length;
  });
}

test('the request log is the main area: 10+ rows at 1400×900, paths in the URL column, a chart fitted to the run, a resizable split', async ({ studio }) => {
  test.setTimeout(90_000);
  const { page } = studio;
  await generateSamples(page, 300);
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  const start = page.getByRole('region', { name: 'Start an export' });
  const options = await start.getByLabel('Sample set').locator('option').allTextContents();
  await start.getByLabel('Sample set').selectOption({ label: options.find((o) => o.endsWith('(300)'))! });
  await start.getByRole('button', { name: 'Dry run' }).click();
  await expect(page.getByRole('region', { name: 'Dry run' })).toContainText('nothing sent');
  await start.getByRole('button', { name: 'Start run' }).click();
  await waitFinished(page);
  const run = page.getByRole('region', { name: 'Run', exact: true });
  await expect(run.getByLabel('Run status')).toHaveText('succeeded');
  await expect(run.getByLabel('Time left')).toHaveText('done');

  // At least ten rows of the log in view, without scrolling anything.
  const body = page.getByRole('rowgroup', { name: 'Request rows' });
  await expect(body.getByRole('row').nth(12)).toBeVisible();
  expect(await rowsInView(page)).toBeGreaterThanOrEqual(10);

  // The URL column shows the path (what differs), the whole URL in its title.
  const cells = body.getByRole('row').locator('.url-cell');
  const shown: string[] = [];
  for (let i = 0; i < 10; i++) {
    const cell = cells.nth(i);
    const text = (await cell.textContent())!;
    const full = (await cell.getAttribute('title'))!;
    expect(full).toMatch(/^https?:\/\//);
    const u = new URL(full);
    expect(text).toBe(`${u.pathname}${u.search}`);
    shown.push(text);
  }
  expect(shown.every((t) => t.startsWith('/'))).toBe(true);
  // The first requests (the audience's, then the adds) differ, and the column shows it.
  expect(new Set(shown).size).toBeGreaterThan(1);

  // The chart's time axis ends at the run's duration, not at a fixed minute.
  const elapsed = parseDuration((await run.getByLabel('Elapsed').textContent())!);
  const label = (await page.getByRole('figure', { name: 'Throughput and latency' }).getByRole('img').getAttribute('aria-label'))!;
  const end = Number(/to (\d+) s$/.exec(label)?.[1]);
  expect(end).toBeGreaterThanOrEqual(Math.floor(elapsed / 1000));
  expect(end).toBeLessThanOrEqual(Math.ceil(elapsed / 1000) + 1);
  await page.screenshot({ path: `${SCREENS}/run-view-1400.png` });

  // The split between the log and the request detail: by keyboard, then by dragging.
  await body.getByRole('row').nth(2).click();
  const detail = page.getByRole('complementary', { name: 'Request detail' });
  const split = page.getByRole('separator', { name: 'Resize request log and detail' });
  const w0 = (await detail.boundingBox())!.width;
  await split.focus();
  for (let i = 0; i < 4; i++) await split.press('ArrowLeft');
  await expect.poll(async () => (await detail.boundingBox())!.width).toBeGreaterThan(w0 + 80);
  const w1 = (await detail.boundingBox())!.width;
  expect(Number(await split.getAttribute('aria-valuenow'))).toBe(Math.round(w1));
  const handle = (await split.boundingBox())!;
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle.x + handle.width / 2 + 150, handle.y + handle.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => (await detail.boundingBox())!.width).toBeLessThan(w1 - 120);
  // The log grew with it and still shows its rows.
  expect(await rowsInView(page)).toBeGreaterThanOrEqual(10);
  await split.press('End');
  await split.press('Home');
  await page.screenshot({ path: `${SCREENS}/run-view-1400-detail.png` });

  await page.setViewportSize({ width: 1100, height: 700 });
  await expect(body.getByRole('row').first()).toBeVisible();
  // Smaller window: the start row, the folded history and the run's figures get compact,
  // and the log keeps ten rows in view.
  expect(await rowsInView(page)).toBeGreaterThanOrEqual(10);
  await page.screenshot({ path: `${SCREENS}/run-view-1100.png` });
});

test('a cancelled run reads cancelled and is not offered as interrupted, also after a reload', async ({ studio, service }) => {
  test.setTimeout(90_000);
  const { page } = studio;
  await generateSamples(page, 600);
  // Slow answers: the run is still going when Cancel is pressed.
  await service.startMock({ scenario: JSON.stringify({ name: 'slow', '*': { latencyMs: 400 } }) });
  await startRun(page, 600);
  const run = page.getByRole('region', { name: 'Run', exact: true });
  await expect(run.getByLabel('Run status')).toHaveText('running');
  await run.getByRole('button', { name: 'Cancel run' }).click();
  await expect(run.getByLabel('Run status')).toHaveText('cancelled', { timeout: 20_000 });
  await expect(page.getByRole('status', { name: 'Status bar' })).toContainText(/run cancelled/); // not "run aborted"
  await expect(run.getByLabel('Time left')).toHaveText('—');
  await expect(run.getByRole('button', { name: 'Resume run' })).toBeVisible();
  // Once the history has the run, still no banner.
  await page.getByRole('button', { name: /History \(1\)/ }).click();
  await expect(page.getByRole('table', { name: 'Runs', exact: true })).toContainText('cancelled');
  await expect(page.getByRole('alert', { name: 'Interrupted runs' })).toHaveCount(0);
  await page.screenshot({ path: `${SCREENS}/run-cancelled.png` });

  // Next launch: the store says why it stopped; not offered either.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Runs', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Runs', exact: true })).toContainText('cancelled');
  await expect(page.getByRole('alert', { name: 'Interrupted runs' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Destinations', exact: true }).click();
  await expect(page.getByRole('alert', { name: 'Interrupted runs' })).toHaveCount(0);
});

test("a paced run's time left agrees with the dry run's estimate; the dry run goes stale when the config changes", async ({ studio }) => {
  test.setTimeout(90_000);
  const { page } = studio;
  await generateSamples(page, 200);
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  const start = page.getByRole('region', { name: 'Start an export' });
  const options = await start.getByLabel('Sample set').locator('option').allTextContents();
  await start.getByLabel('Sample set').selectOption({ label: options.find((o) => o.endsWith('(200)'))! });
  await start.getByRole('button', { name: 'Dry run' }).click();
  const dry = page.getByRole('region', { name: 'Dry run' });
  await expect(dry).toContainText('no requests-per-hour limit');
  await expect(dry.getByRole('status', { name: 'Dry run is stale' })).toHaveCount(0);

  // One request every 3 s.
  await page.getByRole('button', { name: 'Destinations', exact: true }).click();
  await page.getByRole('tab', { name: /^Errors/ }).click();
  await page.getByLabel('Requests per hour').fill('1200');
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  await expect(dry.getByRole('status', { name: 'Dry run is stale' })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/run-dry-stale.png` });
  await dry.getByRole('button', { name: 'Re-run dry run' }).click();
  await expect(dry).toContainText('at 1200 requests/hour at least');
  await expect(dry.getByRole('status', { name: 'Dry run is stale' })).toHaveCount(0);
  const estimate = parseDuration((await dry.locator('.dry-headline strong').last().textContent())!);
  // Long enough to read time left several times while the run goes (some samples are skipped).
  expect(estimate).toBeGreaterThan(60_000);

  await start.getByRole('button', { name: 'Start run' }).click();
  const run = page.getByRole('region', { name: 'Run', exact: true });
  await expect(run.getByLabel('Run status')).toHaveText('running');
  // Read time left a few times as the run goes: each agrees with the dry run's estimate for
  // what is left (within a quarter), never a noisy few seconds' records/s.
  for (let i = 0; i < 5; i++) {
    await page.waitForTimeout(1200);
    const [left, elapsed] = await Promise.all([run.getByLabel('Time left').textContent(), run.getByLabel('Elapsed').textContent()]);
    expect(left, `reading ${i}`).not.toBe('—');
    const expected = estimate - parseDuration(elapsed!);
    expect(Math.abs(parseDuration(left!) - expected), `time left ${left} after ${elapsed}; the dry run said ${estimate} ms`).toBeLessThanOrEqual(estimate * 0.25);
  }
  await page.screenshot({ path: `${SCREENS}/run-paced.png` });
  await run.getByRole('button', { name: 'Cancel run' }).click();
  await expect(run.getByLabel('Run status')).toHaveText('cancelled', { timeout: 20_000 });
});
