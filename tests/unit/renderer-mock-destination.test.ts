// "Use in destination" on the Mock place: the form pointed at the mock, nothing else changed.
import { describe, expect, it } from 'vitest';
import { aepPreset, growthLoopPreset } from '../../src/renderer/presets.js';
import { configToForm, validateForm } from '../../src/renderer/state/form.js';
import { pointFormAtMock, withApiKey } from '../../src/renderer/lib/mockDestination.js';
import type { MockCredentials } from '../../src/shared/api.js';

const creds: MockCredentials = { tokenPath: '/oauth/token', clientId: 'outbound-demo', clientSecret: 'demo-secret', apiKey: 'demo-key', apiKeyHeader: 'X-API-Key' };
const MOCK = 'http://127.0.0.1:5555/';

describe('pointFormAtMock', () => {
  it('an individual-mode preset (AEP): token, credentials, audience steps and per-member URLs on the mock; bodies kept', () => {
    const before = configToForm(aepPreset.config);
    const { form, changed } = pointFormAtMock(before, MOCK, creds);
    expect(form.oauth).toMatchObject({ tokenUrl: 'http://127.0.0.1:5555/oauth/token', clientId: 'outbound-demo', clientSecret: 'demo-secret' });
    // Given a reference, the form holds the reference (a literal could not be saved without OS encryption).
    const refs = pointFormAtMock(before, MOCK, { ...creds, clientSecretRef: '${env:OUTBOUND_DEMO_SECRET}', apiKeyRef: '${env:OUTBOUND_MOCK_API_KEY}' }).form;
    expect(refs.oauth.clientSecret).toBe('${env:OUTBOUND_DEMO_SECRET}');
    expect(refs.headersText).toBe('X-Source:outbound,X-Api-Key:${env:OUTBOUND_MOCK_API_KEY}');
    expect(form.oauthEnabled).toBe(true);
    expect(form.getAudience).toMatchObject({ enabled: true, url: 'http://127.0.0.1:5555/api/audiences?name={{audience_name}}', filterPath: "tables[?name=='{{audience_name}}']" });
    expect(form.createAudience).toMatchObject({ enabled: true, method: 'POST', url: 'http://127.0.0.1:5555/api/audiences' });
    expect(form.add).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:5555/api/audiences/{{remote_audience.id}}/members/{{user.id}}' });
    expect(form.remove).toMatchObject({ method: 'DELETE', url: 'http://127.0.0.1:5555/api/audiences/{{remote_audience.id}}/members/{{user.id}}' });
    expect(form.add.bodyTemplate).toBe(before.add.bodyTemplate);
    expect(form.headersText).toBe('X-Source:outbound,X-Api-Key:demo-key');
    expect(changed).toContain('API key header');
    // The source form is untouched (the caller decides when to apply), and the result is a valid config.
    expect(before.add.url).toBe('https://api.example.com/profiles');
    expect(validateForm(form).issues).toEqual([]);
  });

  it('each step by its own batch mode (GrowthLoop: batched add, individual remove)', () => {
    const { form } = pointFormAtMock(configToForm(growthLoopPreset.config), MOCK, creds);
    expect(form.add).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:5555/api/audiences/{{remote_audience.id}}/members' });
    expect(form.remove).toMatchObject({ method: 'DELETE', url: 'http://127.0.0.1:5555/api/audiences/{{remote_audience.id}}/members/{{user.id}}' });
    const batched = configToForm(growthLoopPreset.config);
    batched.remove.batchMode = 'batched';
    expect(pointFormAtMock(batched, MOCK, creds).form.remove).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:5555/api/audiences/{{remote_audience.id}}/members/remove' });
  });

  it('replaces an API-key header in either headers form, and nothing else', () => {
    expect(withApiKey('{"x-api-key": "k", "X-Other": "o"}', 'demo-key')).toEqual({ text: JSON.stringify({ 'x-api-key': 'demo-key', 'X-Other': 'o' }, null, 2), changed: true });
    expect(withApiKey('X-Source:outbound', 'demo-key')).toEqual({ text: 'X-Source:outbound', changed: false });
    expect(withApiKey('', 'demo-key').changed).toBe(false);
  });
});
