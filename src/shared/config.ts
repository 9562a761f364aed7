// The export config, version 1 (DESIGN.md). One zod schema serves the CLI, the studio
// (validation as you type) and the generated JSON Schema. No Node, no DOM here.
import { z } from 'zod';
import type { Issue } from './issues.js';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'datetime', 'json'] as const;
export const STEP_NAMES = ['getAudience', 'createAudience', 'add', 'remove'] as const;

export type HttpMethod = (typeof HTTP_METHODS)[number];
export type FieldType = (typeof FIELD_TYPES)[number];
export type StepName = (typeof STEP_NAMES)[number];

const nonEmpty = z.string().trim().min(1, 'must not be empty');

/** `{"h": "v"}` or the string form `h1:v1,h2:v2` (Adobe's Custom Headers field). */
export const headersSchema = z
  .union([z.record(z.string(), z.string()), z.string()])
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return {} as Record<string, string>;
    if (typeof value !== 'string') return value;
    const parsed = parseHeaderString(value);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    return parsed;
  });

/** Parses `h1:v1,h2:v2`; returns an error message when a pair has no colon or no name. */
export function parseHeaderString(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  if (text.trim() === '') return out;
  const pairs = text.split(',');
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    const colon = pair.indexOf(':');
    if (colon <= 0) {
      return `header pair ${i + 1} ("${pair.trim()}") must be name:value`;
    }
    const name = pair.slice(0, colon).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      return `header pair ${i + 1} has an invalid header name "${name}"`;
    }
    out[name] = pair.slice(colon + 1).trim();
  }
  return out;
}

export const oauthSchema = z.object({
  tokenUrl: nonEmpty,
  clientId: nonEmpty,
  clientSecret: nonEmpty,
  scope: z.string().optional(),
  audience: z.string().optional(),
  clientAuth: z.enum(['basic', 'body']).default('basic'),
});

export const outputFieldSchema = z.object({
  name: nonEmpty,
  type: z.enum(FIELD_TYPES).default('string'),
  required: z.boolean().default(false),
});

const batchFields = {
  batchMode: z.enum(['individual', 'batched']).default('individual'),
  batchSize: z.number().int().min(1).max(100_000).default(100),
  successPath: z
    .string()
    .optional()
    .describe(
      'JMESPath on the response JSON: an array means its elements were accepted (its length counts), a boolean all or none, a number that many. Blank: every record of a 2xx answer succeeded. A partial count that does not name its records (see successKeyPath) is counted, but none of them is taken as delivered: resume and retry-failed send them again.',
    ),
  successKeyPath: z
    .string()
    .optional()
    .describe(
      "JMESPath evaluated on each element of successPath's array, giving the record key it acknowledges (e.g. `userId` for `created: [{userId: 'u09'}]`). Set, exactly the records named are delivered; the others of the request fail. Needs successPath.",
    ),
  errorsPath: z
    .string()
    .optional()
    .describe(
      'JMESPath on the response JSON giving the records the endpoint rejected, as an array whose elements are a number (0-based index in the batch), a string (a record key) or an object: `index` (number) or the key (errorKeyPath, else id, key, email or userId), and the reason in `message`, `reason` or `error`. Those records fail with that reason, whatever successPath says.',
    ),
  errorKeyPath: z
    .string()
    .optional()
    .describe('JMESPath evaluated on each object element of errorsPath giving the rejected record\'s key (when it has no `index`). Needs errorsPath.'),
};

export const getAudienceSchema = z.object({
  enabled: z.boolean().default(false),
  url: z.string().default(''),
  method: z.enum(['GET', 'POST']).default('GET'),
  bodyTemplate: z.string().optional(),
  filterPath: z.string().optional(),
});

export const createAudienceSchema = z.object({
  enabled: z.boolean().default(false),
  url: z.string().default(''),
  method: z.enum(['POST', 'PUT']).default('POST'),
  bodyTemplate: z.string().optional(),
});

export const addStepSchema = z.object({
  enabled: z.boolean().default(true),
  url: z.string().default(''),
  method: z.enum(HTTP_METHODS).default('POST'),
  bodyTemplate: z.string().optional(),
  ...batchFields,
});

export const removeStepSchema = addStepSchema.extend({
  enabled: z.boolean().default(false),
  method: z.enum(HTTP_METHODS).default('DELETE'),
});

export const destinationSchema = z
  .object({
    name: nonEmpty,
    description: z.string().optional(),
    marketingUseCase: z.string().optional(),
    headers: headersSchema,
    oauth: oauthSchema.optional(),
    retryOnErrors: z.boolean().default(true),
    maxAttempts: z.number().int().min(1).max(100).default(6),
    requestsPerHour: z.number().positive().optional(),
    concurrency: z.number().int().min(1).max(256).default(8),
    timeoutMs: z.number().int().min(1).max(3_600_000).default(30_000),
    /** Off by default; `true` sends `Idempotency-Key`, a string names the header. */
    idempotencyKey: z.union([z.boolean(), nonEmpty]).default(false),
    outputSchema: z.array(outputFieldSchema).optional(),
    getAudience: getAudienceSchema.default({ enabled: false, url: '', method: 'GET' }),
    createAudience: createAudienceSchema.default({ enabled: false, url: '', method: 'POST' }),
    add: addStepSchema.default({
      enabled: true,
      url: '',
      method: 'POST',
      batchMode: 'individual',
      batchSize: 100,
    }),
    remove: removeStepSchema.default({
      enabled: false,
      url: '',
      method: 'DELETE',
      batchMode: 'individual',
      batchSize: 100,
    }),
  })
  .superRefine((d, ctx) => {
    if (d.createAudience.enabled && !d.getAudience.enabled) {
      ctx.addIssue({
        code: 'custom',
        path: ['createAudience', 'enabled'],
        message: 'create audience needs get audience enabled (it runs only when get finds nothing)',
      });
    }
    for (const step of ['getAudience', 'createAudience', 'add', 'remove'] as const) {
      if (d[step].enabled && d[step].url.trim() === '') {
        ctx.addIssue({ code: 'custom', path: [step, 'url'], message: 'is required when the step is enabled' });
      }
    }
    if (!d.add.enabled && !d.remove.enabled) {
      ctx.addIssue({ code: 'custom', path: ['add', 'enabled'], message: 'enable add or remove: nothing would be sent' });
    }
    const seen = new Set<string>();
    (d.outputSchema ?? []).forEach((f, i) => {
      if (seen.has(f.name)) {
        ctx.addIssue({ code: 'custom', path: ['outputSchema', i, 'name'], message: `duplicate field "${f.name}"` });
      }
      seen.add(f.name);
    });
  });

export const audienceSchema = z.object({
  name: nonEmpty,
  id: z.string().optional(),
  organizationName: z.string().optional(),
});

export const recordsSchema = z.object({
  key: z.string().default('id'),
  mapping: z.record(z.string(), z.string()).optional(),
  action: z.string().optional(),
});

export const exportConfigSchema = z.object({
  version: z.literal(1),
  destination: destinationSchema,
  audience: audienceSchema,
  records: recordsSchema.default({ key: 'id' }),
});

export type ExportConfigInput = z.input<typeof exportConfigSchema>;
export type ExportConfig = z.output<typeof exportConfigSchema>;
export type Destination = ExportConfig['destination'];
export type OAuthConfig = NonNullable<Destination['oauth']>;
export type OutputField = NonNullable<Destination['outputSchema']>[number];
export type AddStep = Destination['add'];
export type SendStep = Destination['add'] | Destination['remove'];


export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(root)';
}

export type ParseResult = { ok: true; config: ExportConfig } | { ok: false; issues: Issue[] };

/** Validates an already-parsed JSON value against the schema; never throws. */
export function parseExportConfig(value: unknown): ParseResult {
  const result = exportConfigSchema.safeParse(value);
  if (result.success) return { ok: true, config: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  };
}

/** JSON Schema of the config file, generated from the same zod schema. */
export function exportConfigJsonSchema(): unknown {
  return z.toJSONSchema(exportConfigSchema, { io: 'input', unrepresentable: 'any' });
}
