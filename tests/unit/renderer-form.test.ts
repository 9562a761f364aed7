// The destination form: every preset loads, converts back to a valid config unchanged in
// meaning, and problems land on the field the user is looking at.
import { describe, expect, it } from 'vitest';
import { parseExportConfig } from '../../src/shared/config.js';
import { PRESETS, blankConfig, presetConfig } from '../../src/renderer/presets.js';
import { configToForm, formToConfig, parseHeadersText, validateForm, issuesAt, unknownKeys, withoutBom } from '../../src/renderer/state/form.js';
import { tabForPath, requestIndexForTab, countByTab } from '../../src/renderer/state/tabs.js';
import { configForExport } from '../../src/renderer/lib/exportConfig.js';

describe('presets', () => {
  it.each(PRESETS.map((p) => [p.label, p] as const))('%s is a valid export config', (_label, preset) => {
    const parsed = parseExportConfig(preset.config);
    expect(parsed.ok ? [] : parsed.issues).toEqual([]);
  });

  it('the blank config is valid apart from the add URL the user must type', () => {
    const parsed = parseExportConfig(blankConfig);
    expect(parsed.ok ? [] : parsed.issues.map((i) => i.path)).toEqual(['destination.add.url']);
  });

  it('presetConfig hands out copies, so editing one never changes the preset', () => {
    const a = presetConfig('growthloop-http');
    a.destination.name = 'changed';
    expect(presetConfig('growthloop-http').destination.name).toBe('GrowthLoop HTTP Endpoint');
  });

  it('GrowthLoop preset filters with the documented JMESPath and batches with #each', () => {
    const d = presetConfig('growthloop-http').destination;
    expect(d.getAudience?.filterPath).toBe("tables[?name=='{{audience_name}}']");
    expect(d.add?.bodyTemplate).toContain('{{#each users}}');
    expect(d.remove?.batchMode).toBe('individual');
  });
});

describe('form round trip', () => {
  it.each(PRESETS.map((p) => [p.label, p] as const))('%s survives config → form → config', (_label, preset) => {
    const { config, issues } = validateForm(configToForm(preset.config));
    expect(issues).toEqual([]);
    const before = parseExportConfig(preset.config);
    const after = parseExportConfig(config);
    expect(after.ok && before.ok && after.config).toEqual(before.ok && before.config);
  });

  it('keeps the header string form as typed, and the JSON form as an object', () => {
    const form = configToForm(presetConfig('aep-http'));
    expect(form.headersText).toBe('X-Source:outbound,X-Api-Key:${env:AEP_API_KEY}');
    form.headersText = '{"X-API-Key": "${env:K}"}';
    expect(formToConfig(form).config.destination.headers).toEqual({ 'X-API-Key': '${env:K}' });
  });

  it('blank optional fields are left out rather than sent as empty strings', () => {
    const form = configToForm(presetConfig('webhook'));
    form.description = '';
    form.requestsPerHour = '';
    const d = formToConfig(form).config.destination as Record<string, unknown>;
    expect('description' in d).toBe(false);
    expect('requestsPerHour' in d).toBe(false);
  });

  it('keeps destination.signing, clientAuth basic-raw and platform through the form (issue 11)', () => {
    const form = configToForm(presetConfig('aep-http'));
    expect(form.platform).toBe('aep');
    expect(formToConfig(form).config.destination.platform).toBe('aep');
    form.oauth.clientAuth = 'basic-raw';
    form.signingEnabled = true;
    form.signing.secret = '${env:HOOK_SECRET}';
    form.signing.payload = '{timestamp}.{body}';
    form.signing.timestampHeader = 'X-Timestamp';
    const { config, issues } = validateForm(form);
    expect(issues).toEqual([]);
    expect(config.destination.oauth?.clientAuth).toBe('basic-raw');
    expect(config.destination.signing).toEqual({ header: 'X-Signature', secret: '${env:HOOK_SECRET}', algorithm: 'sha256', encoding: 'hex', payload: '{timestamp}.{body}', timestampHeader: 'X-Timestamp' });
    expect(configToForm(config).signing).toEqual(form.signing);
    form.headersText = '';
    expect(validateForm(form).issues.map((i) => i.path)).toEqual(['destination.headers']);
  });

  it('the network section: all blank leaves no network key; set fields round-trip; network paths open the Auth tab', () => {
    const form = configToForm(presetConfig('webhook'));
    expect('network' in (formToConfig(form).config.destination as Record<string, unknown>)).toBe(false);
    form.network.ca = '/etc/corp-ca.pem';
    form.network.insecureSkipVerify = true;
    form.network.proxy = '${env:PROXY_URL}';
    const network = formToConfig(form).config.destination.network;
    expect(network).toEqual({ proxy: '${env:PROXY_URL}', ca: '/etc/corp-ca.pem', insecureSkipVerify: true });
    expect(configToForm(formToConfig(form).config).network).toEqual({ ...form.network });
    form.network.clientCert = '/c.pem';
    expect(validateForm(form).issues.map((i) => `${i.path}: ${i.message}`)).toContain('destination.network.clientKey: is required with clientCert (mutual TLS needs the certificate and its private key)');
    expect(tabForPath('destination.network.clientKey')).toBe('Auth');
  });

  it('turning OAuth off drops it from the config', () => {
    const form = configToForm(presetConfig('aep-http'));
    form.oauthEnabled = false;
    expect(formToConfig(form).config.destination.oauth).toBeUndefined();
  });

  it('mapping rows become the records.mapping object', () => {
    const form = configToForm(presetConfig('webhook'));
    form.records.mapping.push({ field: 'ltv', path: 'metrics.ltv' });
    expect(formToConfig(form).config.records?.mapping).toEqual({
      id: 'identityMap.ecid[0].id',
      email: 'person.email',
      ltv: 'metrics.ltv',
    });
  });
});

describe('validation as you type', () => {
  it('a non-number batch size is reported on the batch size field', () => {
    const form = configToForm(presetConfig('growthloop-http'));
    form.add.batchSize = 'lots';
    const { issues } = validateForm(form);
    expect(issuesAt(issues, 'destination.add.batchSize')).toHaveLength(1);
  });

  it('headers JSON that does not parse says so on the headers field', () => {
    const form = configToForm(presetConfig('webhook'));
    form.headersText = '{"X-Key": ';
    const messages = issuesAt(validateForm(form).issues, 'destination.headers');
    expect(messages[0]).toMatch(/headers JSON does not parse/);
  });

  it('a malformed header string is reported with the pair number', () => {
    const form = configToForm(presetConfig('webhook'));
    form.headersText = 'X-A:1,broken';
    expect(issuesAt(validateForm(form).issues, 'destination.headers')[0]).toMatch(/pair 2/);
  });

  it('create audience without get audience is reported on create audience', () => {
    const form = configToForm(presetConfig('growthloop-http'));
    form.getAudience.enabled = false;
    expect(issuesAt(validateForm(form).issues, 'destination.createAudience.enabled')[0]).toMatch(/get audience/);
  });

  it('an empty OAuth token URL is reported on that field', () => {
    const form = configToForm(presetConfig('aep-http'));
    form.oauth.tokenUrl = '';
    expect(issuesAt(validateForm(form).issues, 'destination.oauth.tokenUrl')).toEqual(['must not be empty']);
  });

  it('duplicate output fields point at the second row', () => {
    const form = configToForm(presetConfig('growthloop-http'));
    form.outputSchema.push({ name: 'id', type: 'number', required: false });
    expect(issuesAt(validateForm(form).issues, 'destination.outputSchema[2].name')[0]).toMatch(/duplicate/);
  });

  it('parseHeadersText refuses non-string header values', () => {
    expect(parseHeadersText('{"X-N": 5}').error).toMatch(/X-N/);
    expect(parseHeadersText('').value).toBeUndefined();
  });
});

describe('tabs', () => {
  it('sends each config path to the tab that edits it', () => {
    expect(tabForPath('destination.oauth.tokenUrl')).toBe('Auth');
    expect(tabForPath('destination.signing.timestampHeader')).toBe('Auth');
    expect(tabForPath('destination.add.bodyTemplate')).toBe('Add');
    expect(tabForPath('remove.url')).toBe('Remove');
    expect(tabForPath('audience.name')).toBe('Audience');
    expect(tabForPath('destination.getAudience.filterPath')).toBe('Audience');
    expect(tabForPath('destination.maxAttempts')).toBe('Errors');
    expect(tabForPath('records.mapping')).toBe('Setup');
  });

  it('counts template issues under their step tab', () => {
    const counts = countByTab([
      { path: 'x', template: 'add.bodyTemplate', line: 1, column: 2, message: 'unclosed {{' },
      { path: 'destination.add.url', message: 'is required' },
      { path: 'destination.name', message: 'must not be empty' },
      { path: 'record p-1', message: 'destination.remove.bodyTemplate: rendered body is not valid JSON' },
      // The same problem from validation and from the preview counts once.
      { path: 'destination.add.url', message: 'is required' },
    ]);
    expect(counts.Add).toBe(2);
    expect(counts.Remove).toBe(1);
    expect(counts.Setup).toBe(1);
  });

  it('the preview follows the tab to the first request of its step', () => {
    const requests = [{ step: 'getAudience' }, { step: 'createAudience' }, { step: 'add' }, { step: 'add' }, { step: 'remove' }];
    expect(requestIndexForTab(requests, 'Add', 0)).toBe(2);
    expect(requestIndexForTab(requests, 'Add', 3)).toBe(3);
    expect(requestIndexForTab(requests, 'Remove', 0)).toBe(4);
    expect(requestIndexForTab(requests, 'Audience', 3)).toBe(0);
    expect(requestIndexForTab(requests, 'Setup', 9)).toBe(4);
    expect(requestIndexForTab([], 'Add', 2)).toBe(0);
  });
});

describe('export for the CLI', () => {
  it('turns stored secret references into env references the CLI resolves', () => {
    const { config, envNames } = configForExport({
      destination: {
        oauth: { clientSecret: '${stored:d1:destination.oauth.clientSecret}', clientId: 'abc' },
        headers: { 'X-API-Key': '${stored:d1:destination.headers.X-API-Key}', Accept: 'application/json' },
      },
    });
    expect(config).toEqual({
      destination: {
        oauth: { clientSecret: '${env:OAUTH_CLIENT_SECRET}', clientId: 'abc' },
        headers: { 'X-API-Key': '${env:X_API_KEY}', Accept: 'application/json' },
      },
    });
    expect(envNames).toEqual(['OAUTH_CLIENT_SECRET', 'X_API_KEY']);
  });

  it('leaves env references and plain values alone', () => {
    const input = { destination: { oauth: { clientSecret: '${env:MINE}' } } };
    expect(configForExport(input)).toEqual({ config: input, envNames: [] });
  });
});

describe('keys the schema does not know (issue 9)', () => {
  it('the form never writes one: every preset round-trips through the form to a config with none', () => {
    for (const p of PRESETS) expect(unknownKeys(formToConfig(configToForm(p.config)).config)).toEqual([]);
  });
  it('an imported or stored config names the keys the form leaves out, with a did-you-mean', () => {
    const old = presetConfig('webhook') as unknown as { destination: { add: Record<string, unknown> } };
    old.destination.add['sucessPath'] = 'created';
    expect(unknownKeys(old)).toEqual([{ path: 'destination.add.sucessPath', message: 'unknown key; did you mean "successPath"?' }]);
    expect(unknownKeys(formToConfig(configToForm(old)).config)).toEqual([]);
  });
  it('an imported file with a BOM parses', () => {
    expect(JSON.parse(withoutBom('\uFEFF{"version":1}'))).toEqual({ version: 1 });
  });
});
