// "Use in destination" on the Mock place: points the form at the built-in mock endpoint
// (token URL and client credentials, every step's URL on the mock's matching route, an
// API-key header's value). Pure: returns a new form and what it changed, so the user sees
// the edit (the form is then dirty) and nothing is saved behind their back.
import type { MockCredentials } from '../../shared/api.js';
import type { FormState } from '../state/form.js';

const DEFAULT_FILTER = "tables[?name=='{{audience_name}}']";
const DEFAULT_CREATE_BODY = '{"name": "{{audience_name}}"}';
const API_KEY_NAME = /api[-_]?key/i;

/** The mapped field a member route's `:userId` comes from: `id` when mapped, else the record key when it is a mapped field, else the first field. */
function userField(form: FormState): string {
  const fields = form.records.mapping.map((m) => m.field.trim()).filter(Boolean);
  if (fields.includes('id')) return 'id';
  if (fields.includes(form.records.key.trim())) return form.records.key.trim();
  return fields[0] ?? 'id';
}

/** A header value replaced in either form the headers field takes (JSON object text or `h1:v1,h2:v2`); unchanged when it has no API-key header. */
export function withApiKey(headersText: string, apiKey: string): { text: string; changed: boolean } {
  const t = headersText.trim();
  if (t === '') return { text: headersText, changed: false };
  if (t.startsWith('{')) {
    try {
      const o = JSON.parse(t) as Record<string, unknown>;
      const keys = Object.keys(o).filter((k) => API_KEY_NAME.test(k));
      if (keys.length === 0) return { text: headersText, changed: false };
      for (const k of keys) o[k] = apiKey;
      return { text: JSON.stringify(o, null, 2), changed: true };
    } catch {
      return { text: headersText, changed: false }; // the form already says the JSON is broken
    }
  }
  let changed = false;
  const text = headersText
    .split(',')
    .map((pair) => {
      const colon = pair.indexOf(':');
      if (colon < 0 || !API_KEY_NAME.test(pair.slice(0, colon))) return pair;
      changed = true;
      return `${pair.slice(0, colon)}:${apiKey}`;
    })
    .join(',');
  return { text, changed };
}

export interface MockFill {
  form: FormState;
  /** What was changed, for the notice: "token URL", "client id and secret", "add URL"... */
  changed: string[];
}

/** The form pointed at the mock at `mockUrl`. Bodies, mappings and every other setting stay as they were. */
export function pointFormAtMock(source: FormState, mockUrl: string, creds: MockCredentials): MockFill {
  const form = structuredClone(source);
  const base = mockUrl.replace(/\/+$/, '');
  const changed: string[] = [];
  const audiences = `${base}/api/audiences`;
  const members = `${audiences}/{{remote_audience.id}}/members`;

  form.oauthEnabled = true;
  form.oauth.tokenUrl = `${base}${creds.tokenPath}`;
  form.oauth.clientId = creds.clientId;
  // The reference, when the studio offers one: a literal secret could not be saved without OS encryption.
  form.oauth.clientSecret = creds.clientSecretRef ?? creds.clientSecret;
  changed.push('OAuth token URL, client id and secret');

  // The member routes need an audience that exists on the mock: get it, and create it when missing.
  form.getAudience.enabled = true;
  form.getAudience.method = 'GET';
  form.getAudience.url = `${audiences}?name={{audience_name}}`;
  if (form.getAudience.filterPath.trim() === '') form.getAudience.filterPath = DEFAULT_FILTER;
  form.createAudience.enabled = true;
  form.createAudience.method = 'POST';
  form.createAudience.url = audiences;
  if (form.createAudience.bodyTemplate.trim() === '') form.createAudience.bodyTemplate = DEFAULT_CREATE_BODY;
  changed.push('get/create audience URLs');

  const user = `{{user.${userField(form)}}}`;
  if (form.add.enabled) {
    form.add.url = form.add.batchMode === 'batched' ? members : `${members}/${user}`;
    if (form.add.batchMode === 'batched' || !['POST', 'PUT'].includes(form.add.method)) form.add.method = 'POST';
    changed.push('add URL');
  }
  if (form.remove.enabled) {
    if (form.remove.batchMode === 'batched') {
      form.remove.url = `${members}/remove`;
      form.remove.method = 'POST';
    } else {
      form.remove.url = `${members}/${user}`;
      form.remove.method = 'DELETE';
    }
    changed.push('remove URL');
  }

  const headers = withApiKey(form.headersText, creds.apiKeyRef ?? creds.apiKey);
  if (headers.changed) {
    form.headersText = headers.text;
    changed.push('API key header');
  }
  return { form, changed };
}
