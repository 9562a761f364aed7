// The example a first launch shows (UI.md: "empty states teach"): a destination wired to
// the built-in mock endpoint, so previews, the OAuth tester and "send this one" work
// offline from the first minute.
import type { ExportConfigInput } from '../../shared/config.js';

export const DEMO_CLIENT_ID = 'outbound-demo';
export const DEMO_CLIENT_SECRET = 'demo-secret';
/** Used when no OS encryption is available: the config refers to the secret, the service sets it. */
export const DEMO_SECRET_ENV = 'OUTBOUND_DEMO_SECRET';
export const DEMO_SAMPLE_COUNT = 50;
export const DEMO_SAMPLE_SEED = 1;
export const DEMO_DESTINATION_NAME = 'Example: built-in mock endpoint';
export const DEMO_SAMPLE_SET_NAME = 'Example profiles';

/** GrowthLoop's batched template (product docs), fields mapped from the XDM sample profiles. */
const BATCHED_ADD = '{"users": [{{#each users}}{"id": "{{id}}", "email": "{{email}}"}{{#unless @last}},{{/unless}}{{/each}}]}';

export function demoConfig(mockUrl: string, clientSecret: string): ExportConfigInput {
  const base = mockUrl.replace(/\/+$/, '');
  return {
    version: 1,
    destination: {
      name: DEMO_DESTINATION_NAME,
      description: 'Runs against the mock endpoint built into Outbound: no account, no network needed.',
      oauth: {
        tokenUrl: `${base}/oauth/token`,
        clientId: DEMO_CLIENT_ID,
        clientSecret,
        clientAuth: 'basic',
      },
      retryOnErrors: true,
      maxAttempts: 6,
      concurrency: 4,
      timeoutMs: 30_000,
      outputSchema: [
        { name: 'id', type: 'string', required: true },
        { name: 'email', type: 'string' },
      ],
      getAudience: {
        enabled: true,
        url: `${base}/api/audiences?name={{audience_name}}`,
        method: 'GET',
        filterPath: "tables[?name=='{{audience_name}}']",
      },
      createAudience: {
        enabled: true,
        url: `${base}/api/audiences`,
        method: 'POST',
        bodyTemplate: '{"name": "{{audience_name}}"}',
      },
      add: {
        enabled: true,
        url: `${base}/api/audiences/{{remote_audience.id}}/members`,
        method: 'POST',
        bodyTemplate: BATCHED_ADD,
        batchMode: 'batched',
        batchSize: 100,
        successPath: 'records',
      },
      remove: {
        enabled: true,
        url: `${base}/api/audiences/{{remote_audience.id}}/members/{{user.id}}`,
        method: 'DELETE',
        batchMode: 'individual',
        batchSize: 100,
      },
    },
    audience: { name: 'High Value', organizationName: 'Acme' },
    records: {
      key: 'id',
      mapping: { id: 'id', email: 'person.email' },
      // The generated profiles belong to 1–3 audiences: take the status of the first one
      // (realized/existing ⇒ add, exited ⇒ remove), so the example shows both actions.
      action: 'values(segmentMembership.ups)[0].status',
    },
  };
}
