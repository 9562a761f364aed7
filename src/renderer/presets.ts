// Destination presets: pure data, no React. Each is a complete export config (version 1)
// that validates against exportConfigSchema, so "New destination → preset" starts working.
import type { ExportConfigInput } from '../shared/config.js';
import { PRESET_SEGMENT_ID } from '../shared/samples.js';

/**
 * The segment whose status decides add/remove: one the built-in sample profiles belong
 * to, so a preset plans requests against them on first launch.
 */
const SEGMENT = PRESET_SEGMENT_ID;
/** The same segment as examples/growthloop-mock.json. */
const SEGMENT_PATH = `segmentMembership.ups."${SEGMENT}"`;

export interface Preset {
  id: string;
  label: string;
  description: string;
  config: ExportConfigInput;
}

const AEP_BODY = `{
  "person": { "email": "{{user.email}}" },
  "identityMap": {
    "ecid": [ { "id": "{{user.id}}" } ]
  },
  "segmentMembership": {
    "ups": {
      "{{audience_id}}": {
        "lastQualificationTime": "{{user.qualifiedAt}}",
        "status": "{{user.status}}"
      }
    }
  }
}`;

export const aepPreset: Preset = {
  id: 'aep-http',
  label: 'Adobe Experience Platform HTTP API',
  description: 'XDM profile per request, OAuth2 client credentials, custom header string',
  config: {
    version: 1,
    destination: {
      name: 'AEP HTTP API destination',
      description: 'Streams XDM profiles with segment membership to an HTTP endpoint',
      marketingUseCase: 'Email marketing',
      // Adobe's rules: at least one custom header.
      platform: 'aep',
      headers: 'X-Source:outbound,X-Api-Key:${env:AEP_API_KEY}',
      oauth: {
        tokenUrl: 'https://auth.example.com/oauth/token',
        clientId: 'outbound-client',
        clientSecret: '${env:AEP_CLIENT_SECRET}',
        clientAuth: 'basic',
      },
      retryOnErrors: true,
      maxAttempts: 6,
      concurrency: 8,
      timeoutMs: 30000,
      add: {
        enabled: true,
        url: 'https://api.example.com/profiles',
        method: 'POST',
        bodyTemplate: AEP_BODY,
        batchMode: 'individual',
        batchSize: 100,
      },
      remove: {
        enabled: true,
        url: 'https://api.example.com/profiles',
        method: 'POST',
        bodyTemplate: AEP_BODY,
        batchMode: 'individual',
        batchSize: 100,
      },
    },
    audience: { name: 'High Value', id: SEGMENT, organizationName: 'Acme' },
    records: {
      key: 'id',
      mapping: {
        id: 'identityMap.ecid[0].id',
        email: 'person.email',
        status: `${SEGMENT_PATH}.status`,
        qualifiedAt: `${SEGMENT_PATH}.lastQualificationTime`,
      },
      action: `${SEGMENT_PATH}.status`,
    },
  },
};

export const growthLoopPreset: Preset = {
  id: 'growthloop-http',
  label: 'GrowthLoop HTTP Endpoint',
  description: 'Get or create the audience, batched add, individual remove, success path',
  config: {
    version: 1,
    destination: {
      name: 'GrowthLoop HTTP Endpoint',
      description: 'Audience lists API with batched adds',
      headers: { 'X-API-Key': '${env:LISTS_API_KEY}' },
      retryOnErrors: true,
      maxAttempts: 6,
      requestsPerHour: 3600,
      concurrency: 4,
      timeoutMs: 30000,
      outputSchema: [
        { name: 'id', type: 'string' },
        { name: 'email', type: 'string' },
      ],
      getAudience: {
        enabled: true,
        url: 'https://api.example.com/tables?name={{audience_name}}',
        method: 'GET',
        filterPath: "tables[?name=='{{audience_name}}']",
      },
      createAudience: {
        enabled: true,
        url: 'https://api.example.com/tables',
        method: 'POST',
        bodyTemplate: '{"name": "{{audience_name}}", "organization": "{{organization_name}}"}',
      },
      add: {
        enabled: true,
        url: 'https://api.example.com/tables/{{remote_audience.id}}/members',
        method: 'POST',
        bodyTemplate:
          '{"users": [{{#each users}}{"id": "{{id}}", "email": "{{email}}"}{{#unless @last}},{{/unless}}{{/each}}]}',
        batchMode: 'batched',
        batchSize: 100,
        successPath: 'records',
      },
      remove: {
        enabled: true,
        url: 'https://api.example.com/tables/{{remote_audience.id}}/members/{{user.id}}',
        method: 'DELETE',
        batchMode: 'individual',
        batchSize: 100,
      },
    },
    audience: { name: 'High Value', id: 'aud_42', organizationName: 'Acme' },
    records: {
      key: 'id',
      mapping: { id: 'identityMap.ecid[0].id', email: 'person.email' },
      action: `${SEGMENT_PATH}.status`,
    },
  },
};

export const webhookPreset: Preset = {
  id: 'webhook',
  label: 'Plain webhook',
  description: 'One POST per record with the mapped fields as JSON',
  config: {
    version: 1,
    destination: {
      name: 'Webhook',
      headers: {},
      add: {
        enabled: true,
        url: 'https://hooks.example.com/outbound',
        method: 'POST',
        bodyTemplate: '{"id": "{{user.id}}", "email": "{{user.email}}", "audience": "{{audience_name}}"}',
        batchMode: 'individual',
        batchSize: 100,
      },
    },
    audience: { name: 'Newsletter' },
    records: { key: 'id', mapping: { id: 'identityMap.ecid[0].id', email: 'person.email' } },
  },
};

export const blankConfig: ExportConfigInput = {
  version: 1,
  destination: {
    name: 'New destination',
    add: { enabled: true, url: '', method: 'POST', batchMode: 'individual', batchSize: 100 },
  },
  audience: { name: 'My audience' },
  records: { key: 'id' },
};

export const PRESETS: readonly Preset[] = [growthLoopPreset, aepPreset, webhookPreset];

/** A deep copy, so editing a new destination never mutates the preset. */
export function presetConfig(id: string): ExportConfigInput {
  const preset = PRESETS.find((p) => p.id === id);
  return structuredClone(preset ? preset.config : blankConfig);
}
