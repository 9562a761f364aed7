// The form's retry policy and get-audience pagination: each survives a round trip, blank
// fields are left out (today's config stays byte for byte), per-step retry overrides the form
// does not edit are kept.
import { expect, it } from 'vitest';
import { parseExportConfig } from '../../src/shared/config.js';
import { configToForm, formToConfig, validateForm } from '../../src/renderer/state/form.js';
import { tabForPath } from '../../src/renderer/state/tabs.js';

const base = {
  version: 1,
  destination: {
    name: 'd',
    retry: { statuses: [408, 429, '500-504'], maxAttempts: 'until-stopped', maxElapsedMs: 600000, retryAfterCapMs: 60000 },
    getAudience: { enabled: true, url: 'https://h/lists', method: 'POST', bodyTemplate: '{"q": "{{audience_name}}"}', pagination: { cursorParam: 'cursor', cursorPath: 'next', maxPages: 5 }, retry: { maxAttempts: 2 } },
    add: { url: 'https://h/m', retry: { statuses: ['500-599'] } },
  },
  audience: { name: 'A' },
};

it('a config with a retry policy, pagination and step overrides comes back the same', () => {
  const form = configToForm(base);
  expect(form.retry).toMatchObject({ statuses: '408, 429, 500-504', untilStopped: true, maxElapsedMs: '600000', retryAfterCapMs: '60000' });
  expect(form.getAudience.pagination).toMatchObject({ style: 'cursor', cursorParam: 'cursor', cursorPath: 'next', maxPages: '5' });
  const d = formToConfig(form).config.destination as Record<string, unknown>;
  expect(d.retry).toEqual(base.destination.retry);
  expect(d.getAudience).toMatchObject({ bodyTemplate: '{"q": "{{audience_name}}"}', pagination: base.destination.getAudience.pagination, retry: { maxAttempts: 2 } });
  expect((d.add as Record<string, unknown>).retry).toEqual({ statuses: ['500-599'] });
  expect(parseExportConfig(formToConfig(form).config).ok).toBe(true);
});

it('blank: no retry and no pagination key is written', () => {
  const form = configToForm({ version: 1, destination: { name: 'd', add: { url: 'https://h/m' } }, audience: { name: 'A' } });
  const d = formToConfig(form).config.destination as Record<string, unknown>;
  expect(d).not.toHaveProperty('retry');
  expect(d.getAudience).not.toHaveProperty('pagination');
  expect(d.add).not.toHaveProperty('retry');
});

it('a malformed status is reported on the statuses field, which lives on the Errors tab', () => {
  const form = configToForm(base);
  form.retry.statuses = '429, 5xx';
  expect(validateForm(form).issues).toContainEqual({ path: 'destination.retry.statuses', message: '"5xx" is not a status or a range like "500-504"' });
  expect(tabForPath('destination.retry.statuses')).toBe('Errors');
});

it('switching the pagination style writes only that style\'s fields', () => {
  const form = configToForm(base);
  form.getAudience.pagination.style = 'page';
  form.getAudience.pagination.pageParam = 'page';
  form.getAudience.pagination.itemsPath = 'lists';
  const d = formToConfig(form).config.destination as { getAudience: { pagination: unknown } };
  expect(d.getAudience.pagination).toEqual({ pageParam: 'page', itemsPath: 'lists', maxPages: 5 });
});
