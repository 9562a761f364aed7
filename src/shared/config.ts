// The export config, version 1 (DESIGN.md). One zod schema serves the CLI, the studio
// (validation as you type) and the generated JSON Schema. No Node, no DOM here.
import { z } from 'zod';
import type { Issue } from './issues.js';
import { closestName } from './suggest.js';
import { scheduleSchema } from './schedule.js';
import { POSTGRES_URL } from './record-place.js';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'datetime', 'json'] as const;
export const STEP_NAMES = ['getAudience', 'createAudience', 'add', 'remove'] as const;

export type HttpMethod = (typeof HTTP_METHODS)[number];
export type FieldType = (typeof FIELD_TYPES)[number];
export type StepName = (typeof STEP_NAMES)[number];

const nonEmpty = z.string().trim().min(1, 'must not be empty');

/** An RFC 9110 token: what a header name may be. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What a header value may never hold (DESIGN invariant 5): a line break or a NUL ends the header. */
const HEADER_VALUE_BREAK = /[\r\n\u0000]/;

/** The longest wait a timer can honour (setTimeout's limit, ms): ~24.8 days. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** The slowest pace the pacer can keep, rounded up to what the message shows (0.00168/hour). */
export const MIN_REQUESTS_PER_HOUR = Math.ceil((3_600_000 / MAX_TIMER_MS) * 1e5) / 1e5;

/**
 * Why an absolute URL written literally (no template) cannot be sent, or null: it must be
 * http(s) and hold no whitespace or control character (a CR/LF would be silently dropped or
 * split the request line; a space rewritten).
 */
export function literalUrlProblem(url: string): string | null {
  const bad = /[\u0000-\u0020\u007f]/.exec(url);
  if (bad) return `${urlCharProblem(bad[0])} at column ${bad.index + 1}`;
  const scheme = urlSchemeProblem(url);
  if (scheme) return scheme;
  try {
    new URL(url);
  } catch {
    return 'is not a valid URL';
  }
  return null;
}

/** Why the URL text starting with `lead` has the wrong scheme, or null ("…://" not yet known is null). */
export function urlSchemeProblem(lead: string, complete = true): string | null {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(lead)?.[1];
  if (scheme === undefined) return complete ? 'must be an absolute http(s) URL (http://… or https://…)' : null;
  const lower = scheme.toLowerCase();
  return lower === 'http' || lower === 'https' ? null : `scheme "${scheme}:" is not allowed: the URL must start with http:// or https://`;
}

/** What is wrong with a whitespace or control character `c` in a URL (no position). */
export function urlCharProblem(c: string): string {
  const what = c === ' ' ? 'a space (write %20)' : c === '\r' || c === '\n' ? 'a CR/LF character' : `a control character (U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`;
  return `URL contains ${what}: a URL may not hold whitespace or control characters`;
}

/** `{"h": "v"}` or the string form `h1:v1,h2:v2` (Adobe's Custom Headers field). */
export const headersSchema = z
  .union([z.record(z.string(), z.string()), z.string()])
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return {} as Record<string, string>;
    const parsed = typeof value === 'string' ? parseHeaderString(value) : value;
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    let ok = true;
    for (const [name, v] of Object.entries(parsed)) {
      if (!HEADER_NAME.test(name)) {
        ctx.addIssue({ code: 'custom', message: `invalid header name "${name}": a header name is letters, digits and !#$%&'*+.^_\`|~- (no colon, space or other separator)` });
        ok = false;
      } else if (HEADER_VALUE_BREAK.test(v)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'contains a line break (CR/LF) or a NUL; a header value must be one line' });
        ok = false;
      }
    }
    return ok ? parsed : z.NEVER;
  });

/**
 * Parses `h1:v1,h2:v2`; returns an error message when a pair has no colon or no name. A string
 * the plain form reads (split on commas, values trimmed) keeps that meaning, quotes and
 * backslashes included: the format is only extended. Only a string the plain form refuses
 * is read again with a comma escaped (`a\,b`) or inside double quotes (`h1:"a,b"`, the
 * quotes are not part of the value; `\"` and `\\` inside them are a quote and a backslash).
 */
export function parseHeaderString(text: string): Record<string, string> | string {
  const plain = parsePlainHeaders(text);
  if (typeof plain !== 'string') return plain;
  const quoted = parseQuotedHeaders(text);
  // The plain form's message names the pair as the user split it; keep it when both refuse.
  return typeof quoted === 'string' ? plain : quoted;
}

function parsePlainHeaders(text: string): Record<string, string> | string {
  if (text.trim() === '') return {};
  return headersOf(text.split(',').map((raw) => ({ raw, value: raw.slice(raw.indexOf(':') + 1).trim() })));
}

function parseQuotedHeaders(text: string): Record<string, string> | string {
  if (text.trim() === '') return {};
  const pairs = splitHeaderPairs(text);
  if (typeof pairs === 'string') return pairs;
  return headersOf(pairs);
}

/** Pairs as written (`raw`, to find the name) with their values: each must be name:value. */
function headersOf(pairs: ReadonlyArray<{ raw: string; value: string }>): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (let i = 0; i < pairs.length; i++) {
    const { raw, value } = pairs[i]!;
    const colon = raw.indexOf(':');
    if (colon <= 0) {
      return `header pair ${i + 1} ("${raw.trim()}") must be name:value`;
    }
    const name = raw.slice(0, colon).trim();
    if (!HEADER_NAME.test(name)) {
      return `header pair ${i + 1} has an invalid header name "${name}"`;
    }
    out[name] = value;
  }
  return out;
}

/** The pairs of the string form, each as written (`raw`, to find its name) and its value unquoted. */
function splitHeaderPairs(text: string): Array<{ raw: string; value: string }> | string {
  const pairs: Array<{ raw: string; value: string }> = [];
  let i = 0;
  while (i <= text.length) {
    const begin = i;
    // The name runs to the first colon (or to the pair's end, which the caller refuses).
    while (i < text.length && text[i] !== ':' && text[i] !== ',') i++;
    if (i >= text.length || text[i] === ',') {
      pairs.push({ raw: text.slice(begin, i), value: '' });
      i++;
      continue;
    }
    i++; // the colon
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    let value = '';
    if (text[i] === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const c = text[i]!;
        if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
          value += text[i + 1];
          i += 2;
        } else if (c === '"') {
          closed = true;
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (!closed) return `header pair ${pairs.length + 1}: the quoted value has no closing quote (")`;
      while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
      if (i < text.length && text[i] !== ',') return `header pair ${pairs.length + 1}: text after the closing quote (write "a,b" whole, or escape a comma as \\,)`;
    } else {
      while (i < text.length && text[i] !== ',') {
        if (text[i] === '\\' && text[i + 1] === ',') {
          value += ',';
          i += 2;
        } else value += text[i++];
      }
      value = value.trim();
    }
    pairs.push({ raw: text.slice(begin, i), value });
    i++; // the comma (or past the end)
  }
  return pairs;
}

export const oauthSchema = z.strictObject({
  tokenUrl: nonEmpty.superRefine((url, ctx) => {
    const problem = url === '' ? null : literalUrlProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  clientId: nonEmpty,
  clientSecret: nonEmpty,
  scope: z.string().optional(),
  audience: z.string().optional(),
  /**
   * `basic`: HTTP Basic with id and secret form-encoded first (RFC 6749 §2.3.1); `basic-raw`:
   * HTTP Basic with them as written (what many servers compare); `body`: form fields.
   */
  clientAuth: z.enum(['basic', 'basic-raw', 'body']).default('basic'),
});

export const SIGNING_ALGORITHMS = ['sha256', 'sha1', 'sha512'] as const;
/** The placeholders a signing payload may hold (engine/signing.ts fills them). */
export const SIGNING_PLACEHOLDERS = ['body', 'timestamp', 'method', 'path'] as const;

/**
 * An HMAC of each request sent to the destination (webhook-style), in one header. The
 * payload is a pattern over the exact bytes sent: `{body}` (default), `{timestamp}.{body}`
 * (Stripe), `v0:{timestamp}:{body}` (Slack), `{method}`, `{path}` (path and query).
 */
export const signingSchema = z
  .strictObject({
    header: nonEmpty.default('X-Signature'),
    secret: nonEmpty,
    algorithm: z.enum(SIGNING_ALGORITHMS).default('sha256'),
    encoding: z.enum(['hex', 'base64']).default('hex'),
    prefix: z.string().optional().describe('Text before the signature in the header, e.g. `sha256=`; may hold `{timestamp}` (Stripe: `t={timestamp},v1=`).'),
    payload: z.string().default('{body}').describe('What is signed: literal text and {body}, {timestamp}, {method}, {path}. Default {body}.'),
    timestampHeader: z.string().optional().describe('Header carrying the Unix time in seconds used in {timestamp}, e.g. X-Timestamp.'),
  })
  .superRefine((s, ctx) => {
    for (const m of s.payload.matchAll(/\{([^{}]*)\}/g)) {
      if (!(SIGNING_PLACEHOLDERS as readonly string[]).includes(m[1]!)) {
        const near = closestName(m[1]!, [...SIGNING_PLACEHOLDERS]);
        ctx.addIssue({ code: 'custom', path: ['payload'], message: `unknown placeholder {${m[1]}}${near ? `; did you mean {${near}}?` : ` (known: ${SIGNING_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`}` });
      }
    }
    for (const key of ['header', 'timestampHeader'] as const) {
      const name = s[key];
      if (name !== undefined && !HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [key], message: `invalid header name "${name}"` });
    }
    if (s.prefix !== undefined && HEADER_VALUE_BREAK.test(s.prefix)) ctx.addIssue({ code: 'custom', path: ['prefix'], message: 'contains a line break (CR/LF) or a NUL; a header value must be one line' });
    const timed = s.payload.includes('{timestamp}');
    if (timed && s.timestampHeader === undefined && !(s.prefix ?? '').includes('{timestamp}')) {
      ctx.addIssue({ code: 'custom', path: ['timestampHeader'], message: 'the payload signs {timestamp}: name a timestamp header (or put {timestamp} in the prefix) so the receiver can recompute it' });
    }
  });

export const outputFieldSchema = z.strictObject({
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

/** Default page cap of a paginated get audience. */
export const DEFAULT_MAX_PAGES = 10;

/**
 * How get audience reads further pages: one style, `nextUrlPath` (a next-page link in the
 * answer), `cursorParam` + `cursorPath` (a cursor handed back) or `pageParam` (page numbers,
 * the last page being the one whose `itemsPath` list is empty).
 */
export const paginationSchema = z
  .strictObject({
    nextUrlPath: z.string().optional().describe('JMESPath to the next page\'s URL in the answer (absolute, or relative to the request URL); same origin only. Missing or empty: last page.'),
    cursorParam: z.string().optional().describe('Query parameter that carries the cursor of the next page. Needs cursorPath.'),
    cursorPath: z.string().optional().describe('JMESPath to the next cursor in the answer; missing or empty: last page.'),
    pageParam: z.string().optional().describe('Query parameter that carries the page number. Needs itemsPath.'),
    startPage: z.number().int().min(0).default(1).describe('The first page\'s number (pageParam); the first request is sent as written.'),
    itemsPath: z.string().optional().describe('JMESPath to the page\'s list; an empty or missing list is the last page.'),
    maxPages: z.number().int().min(1).max(1000).default(DEFAULT_MAX_PAGES).describe('Pages read at most; reaching it without a match is an error (never a create).'),
  })
  .superRefine((p, ctx) => {
    const styles = [p.nextUrlPath, p.cursorParam, p.pageParam].filter((v) => v !== undefined && v.trim() !== '').length;
    if (styles !== 1) ctx.addIssue({ code: 'custom', message: 'set exactly one of nextUrlPath, cursorParam (with cursorPath) or pageParam (with itemsPath)' });
    if (p.cursorParam?.trim() && !p.cursorPath?.trim()) ctx.addIssue({ code: 'custom', path: ['cursorPath'], message: 'is required with cursorParam: it reads the next cursor from the answer' });
    if (p.cursorPath?.trim() && !p.cursorParam?.trim()) ctx.addIssue({ code: 'custom', path: ['cursorParam'], message: 'is required with cursorPath: it names the query parameter the cursor is sent in' });
    if (p.pageParam?.trim() && !p.itemsPath?.trim()) ctx.addIssue({ code: 'custom', path: ['itemsPath'], message: 'is required with pageParam: the last page is the one whose list is empty' });
  });

/** `500-504`: an inclusive range of statuses. */
const STATUS_RANGE = /^([1-5]\d\d)\s*-\s*([1-5]\d\d)$/;

/**
 * When and how long a request is retried (DESIGN "Retries"). Every field is optional: a
 * step's policy overrides the destination's field by field, and the destination's falls back
 * to today's rules (429 and 500–504, `maxAttempts`, Retry-After capped at 10 minutes).
 */
export const retryPolicySchema = z.strictObject({
  statuses: z
    .array(
      z.union([
        z.number().int().min(100).max(599),
        z.string().superRefine((s, ctx) => {
          const m = STATUS_RANGE.exec(s.trim());
          if (!m) ctx.addIssue({ code: 'custom', message: `"${s}" is not a status or a range like "500-504"` });
          else if (Number(m[1]) > Number(m[2])) ctx.addIssue({ code: 'custom', message: `range "${s}" ends before it starts` });
        }),
      ]),
    )
    .optional()
    .describe('HTTP statuses retried, numbers or ranges ("500-504"). Default [429, "500-504"]. Connection failures and timeouts are always retried.'),
  maxAttempts: z
    .union([z.number().int().min(1).max(10_000), z.literal('until-stopped')])
    .optional()
    .describe('Attempts per request, or "until-stopped": retry until it succeeds or the run is stopped (GrowthLoop). Default: destination.maxAttempts.'),
  maxElapsedMs: z.number().int().min(1).max(MAX_TIMER_MS).optional().describe('No retry starts once this long (ms) has passed since the first attempt. Default: no limit.'),
  retryAfterCapMs: z.number().int().min(0).max(MAX_TIMER_MS).optional().describe('Longest wait a Retry-After is obeyed for (ms); a longer one is capped. Default 600000 (10 minutes).'),
});

/** Parses a status list entry into an inclusive range. */
export function statusRange(entry: number | string): [number, number] {
  if (typeof entry === 'number') return [entry, entry];
  const m = STATUS_RANGE.exec(entry.trim());
  return m ? [Number(m[1]), Number(m[2])] : [0, -1];
}

export const getAudienceSchema = z.strictObject({
  enabled: z.boolean().default(false),
  url: z.string().default(''),
  method: z.enum(['GET', 'POST']).default('GET'),
  bodyTemplate: z.string().optional(),
  filterPath: z.string().optional(),
  pagination: paginationSchema.optional(),
  retry: retryPolicySchema.optional(),
});

export const createAudienceSchema = z.strictObject({
  enabled: z.boolean().default(false),
  url: z.string().default(''),
  method: z.enum(['POST', 'PUT']).default('POST'),
  bodyTemplate: z.string().optional(),
  retry: retryPolicySchema.optional(),
});

export const addStepSchema = z.strictObject({
  enabled: z.boolean().default(true),
  url: z.string().default(''),
  method: z.enum(HTTP_METHODS).default('POST'),
  bodyTemplate: z.string().optional(),
  ...batchFields,
  retry: retryPolicySchema.optional(),
});

export const removeStepSchema = addStepSchema.extend({
  enabled: z.boolean().default(false),
  method: z.enum(HTTP_METHODS).default('DELETE'),
});

/** A proxy URL: http(s) (CONNECT for https targets, absolute-form for http ones). */
const proxyUrl = nonEmpty.superRefine((url, ctx) => {
  const bad = /[\u0000-\u0020\u007f]/.test(url);
  let scheme = '';
  try {
    scheme = new URL(url).protocol;
  } catch {
    // reported below
  }
  if (bad || (scheme !== 'http:' && scheme !== 'https:')) {
    ctx.addIssue({ code: 'custom', message: 'must be a proxy URL like http://proxy.example.com:3128 (http or https, credentials as http://user:password@host:port)' });
  }
});

/** How this destination reaches its endpoints: proxy and TLS (README "Networks"). */
export const networkSchema = z
  .strictObject({
    proxy: proxyUrl
      .optional()
      .describe('Proxy for every request of this destination (token, audience, members), overriding HTTPS_PROXY/HTTP_PROXY/NO_PROXY. May hold credentials (http://user:password@host:port): a secret, masked like one.'),
    ca: nonEmpty
      .optional()
      .describe('PEM file of CA certificates trusted in addition to the default roots (never instead of them). Relative to the config file.'),
    clientCert: nonEmpty.optional().describe('PEM file of the client certificate (mutual TLS). Needs clientKey. Relative to the config file.'),
    clientKey: nonEmpty.optional().describe('PEM file of the client private key (mutual TLS). Needs clientCert. Relative to the config file.'),
    clientKeyPassphrase: nonEmpty.optional().describe('Passphrase of an encrypted clientKey; write it as ${env:NAME}.'),
    insecureSkipVerify: z
      .boolean()
      .optional()
      .describe("Trust any server certificate for this destination (self-signed staging). Off by default; every run warns while it is on. Prefer `ca`."),
  })
  .superRefine((n, ctx) => {
    if (n.clientCert !== undefined && n.clientKey === undefined) ctx.addIssue({ code: 'custom', path: ['clientKey'], message: 'is required with clientCert (mutual TLS needs the certificate and its private key)' });
    if (n.clientKey !== undefined && n.clientCert === undefined) ctx.addIssue({ code: 'custom', path: ['clientCert'], message: 'is required with clientKey (mutual TLS needs the certificate and its private key)' });
    if (n.clientKeyPassphrase !== undefined && n.clientKey === undefined) ctx.addIssue({ code: 'custom', path: ['clientKeyPassphrase'], message: 'is only used with clientKey' });
  });

export type NetworkConfig = z.output<typeof networkSchema>;

export const destinationSchema = z
  .strictObject({
    name: nonEmpty,
    description: z.string().optional(),
    marketingUseCase: z.string().optional(),
    headers: headersSchema,
    oauth: oauthSchema.optional(),
    signing: signingSchema.optional(),
    /** The platform this config is written for; its rules apply (aep: at least one custom header). */
    platform: z.enum(['aep']).optional(),
    retryOnErrors: z.boolean().default(true),
    maxAttempts: z.number().int().min(1).max(100).default(6),
    retry: retryPolicySchema.optional(),
    requestsPerHour: z
      .number()
      .positive()
      .refine((rph) => 3_600_000 / rph <= MAX_TIMER_MS, {
        message: `must be at least ${MIN_REQUESTS_PER_HOUR} (one request every ${(3_600_000 / MIN_REQUESTS_PER_HOUR / 86_400_000).toFixed(1)} days): a slower rate spaces requests further apart than a timer can wait`,
      })
      .optional(),
    concurrency: z.number().int().min(1).max(256).default(8),
    timeoutMs: z.number().int().min(1).max(3_600_000).default(30_000),
    /** Off by default; `true` sends `Idempotency-Key`, a string names the header. */
    idempotencyKey: z.union([z.boolean(), nonEmpty]).default(false),
    outputSchema: z.array(outputFieldSchema).optional(),
    network: networkSchema.optional(),
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
    if (d.platform === 'aep' && Object.keys(d.headers).length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['headers'],
        message: 'Adobe Experience Platform HTTP destinations require at least one custom header (platform is "aep"): add one, e.g. X-Source:outbound',
      });
    }
    const seen = new Set<string>();
    (d.outputSchema ?? []).forEach((f, i) => {
      if (seen.has(f.name)) {
        ctx.addIssue({ code: 'custom', path: ['outputSchema', i, 'name'], message: `duplicate field "${f.name}"` });
      }
      seen.add(f.name);
    });
  });

export const audienceSchema = z.strictObject({
  name: nonEmpty,
  id: z.string().optional(),
  organizationName: z.string().optional(),
});

export const recordsSchema = z.strictObject({
  key: z.string().default('id'),
  mapping: z.record(z.string(), z.string()).optional(),
  action: z.string().optional(),
});

/** A SQL query against PostgreSQL as the run's input (`run` without `--input` reads it). */
export const postgresSourceSchema = z.strictObject({
  /** `postgres://user:${env:PGPASSWORD}@host:5432/db`: a password written literally is masked wherever the config is stored. */
  url: z.string().regex(POSTGRES_URL, 'must be a postgres:// or postgresql:// URL'),
  /** Rows come in the query's order; a resume matches them by position, so ORDER BY a unique key. */
  query: z.string().trim().min(1, 'must not be empty'),
  /** Rows per cursor read: memory holds about this many rows at a time. */
  fetchSize: z.number().int().min(1).max(100_000).optional(),
});

export const sourceSchema = z.strictObject({
  postgres: postgresSourceSchema.optional(),
});

/** Membership diff (issue 12): `full` sends every input record (today's behaviour); `diff` sends only what changed since the last delivered sync. */
export const SYNC_MODES = ['full', 'diff'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

export const syncSchema = z.strictObject({
  mode: z
    .enum(SYNC_MODES)
    .default('full')
    .describe(
      'full: every input record is sent. diff: the store keeps the last delivered membership of this destination and audience; a run sends adds for new keys, adds for records whose mapped fields changed, removes (rendered with the stored record as `user`) for keys gone from the input, and nothing for unchanged ones. Needs destination.remove enabled.',
    ),
});

export const exportConfigSchema = z.strictObject({
  /** Editors' pointer to the JSON Schema; ignored. */
  $schema: z.string().optional(),
  version: z.literal(1),
  destination: destinationSchema,
  audience: audienceSchema,
  records: recordsSchema.default({ key: 'id' }),
  /** When the destination syncs (GrowthLoop's "Sync frequency"): read by `outbound schedule` and the studio's Schedule panel; a run ignores it. */
  schedule: scheduleSchema.optional(),
  /** Where the records come from when the run names no input file. */
  source: sourceSchema.optional(),
  /** Absent: a full sync, as before the field existed. */
  sync: syncSchema.optional(),
});

export type ExportConfigInput = z.input<typeof exportConfigSchema>;
export type ExportConfig = z.output<typeof exportConfigSchema>;
export type Destination = ExportConfig['destination'];
export type OAuthConfig = NonNullable<Destination['oauth']>;
export type SigningConfig = NonNullable<Destination['signing']>;
export type OutputField = NonNullable<Destination['outputSchema']>[number];
export type AddStep = Destination['add'];
export type SendStep = Destination['add'] | Destination['remove'];
export type RetryPolicyConfig = z.output<typeof retryPolicySchema>;
export type PaginationConfig = z.output<typeof paginationSchema>;
export type { ScheduleConfig } from './schedule.js';


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
  const issues: Issue[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // One issue per unknown key, at its own path, with the known key it most likely meant.
      const known = keysAt(issue.path);
      for (const key of issue.keys) {
        const near = closestName(key, known);
        issues.push({ path: formatPath([...issue.path, key]), message: `unknown key${near ? `; did you mean "${near}"?` : ` (known: ${known.join(', ')})`}` });
      }
    } else issues.push({ path: formatPath(issue.path), message: issue.message });
  }
  return { ok: false, issues };
}

/** The keys the schema knows for the object at `path` (for "did you mean"). */
function keysAt(path: ReadonlyArray<PropertyKey>): string[] {
  let node: z.ZodType | undefined = exportConfigSchema;
  for (const part of [...path, null]) {
    // Look through the wrappers (default, optional, transform pipes) to the object or array.
    for (;;) {
      const def: { type?: string; innerType?: z.ZodType; in?: z.ZodType } | undefined = (node as { def?: { type?: string; innerType?: z.ZodType; in?: z.ZodType } } | undefined)?.def;
      if (def?.innerType) node = def.innerType;
      else if (def?.type === 'pipe' && def.in) node = def.in;
      else break;
    }
    if (part === null) break;
    if (node instanceof z.ZodObject) node = (node.shape as Record<string, z.ZodType>)[String(part)];
    else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
    else return [];
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

/** JSON Schema of the config file, generated from the same zod schema. */
export function exportConfigJsonSchema(): unknown {
  return z.toJSONSchema(exportConfigSchema, { io: 'input', unrepresentable: 'any' });
}
