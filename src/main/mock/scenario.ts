// Scenario files: what the mock should do instead of (or on top of) answering normally.
// Validated with zod; errors name the file and the field path, e.g.
//   scenario.json: add.sequence[1].status: Too big: expected number to be <=599
//
// Shape (route keys at the top level, next to `seed`):
//   {
//     "name": "optional", "description": "optional",
//     "seed": 42,                      // PRNG seed for failureRate and latency ranges
//     "tokenTtlSeconds": 5,            // overrides the server's token lifetime
//     "revokeTokensEvery": 50,         // every 50th /api request: 401 + revoke all tokens
//     "add": {                         // or token, getAudience, createAudience, remove, webhook, "*"
//       "sequence": [ { "status": 429, "headers": { "Retry-After": "1" } }, { "passthrough": true } ],
//       "then": "passthrough",         // or "repeat"
//       "failureRate": 0.2,
//       "failures": [ { "status": 503 }, { "reset": true }, { "hang": true } ],
//       "latencyMs": { "min": 5, "max": 50 }
//     }
//   }
// A route's own rule wins over "*" field by field (sequence+then, failureRate+failures,
// latencyMs are taken as groups).

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { formatPath } from '../../shared/config.js';
import { formatIssue } from '../../shared/issues.js';

export const ROUTE_KEYS = ['token', 'getAudience', 'createAudience', 'add', 'remove', 'webhook'] as const;
export type RouteKey = (typeof ROUTE_KEYS)[number];

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const answerSchema = z
  .strictObject({
    status: z.number().int().min(200).max(599).optional(),
    headers: z
      .record(
        z.string().regex(headerName, 'not a valid HTTP header name'),
        z.union([z.string(), z.number()]).refine((v) => !/[\r\n]/.test(String(v)), 'header value must not contain CR or LF'),
      )
      .optional(),
    /** A string is sent as is; anything else is sent as JSON. */
    body: z.unknown().optional(),
    delayMs: z.number().min(0).max(600_000).optional(),
    /** Destroy the socket without answering (the client sees ECONNRESET). */
    reset: z.literal(true).optional(),
    /** Never answer (the client times out). */
    hang: z.literal(true).optional(),
    /** Answer normally (after delayMs, if any). */
    passthrough: z.literal(true).optional(),
  })
  .superRefine((a, ctx) => {
    const kinds = [a.reset, a.hang, a.passthrough].filter(Boolean).length;
    if (kinds > 1) {
      ctx.addIssue({ code: 'custom', message: 'use only one of reset, hang and passthrough' });
    }
    if (kinds === 1 && (a.status !== undefined || a.body !== undefined || a.headers !== undefined)) {
      ctx.addIssue({ code: 'custom', message: 'status, headers and body have no effect with reset, hang or passthrough' });
    }
  });

const latencySchema = z.union([
  z.number().min(0).max(600_000),
  z
    .strictObject({ min: z.number().min(0).max(600_000), max: z.number().min(0).max(600_000) })
    .refine((r) => r.min <= r.max, { message: 'min must not be greater than max', path: ['min'] }),
]);

export const routeRuleSchema = z
  .strictObject({
    sequence: z.array(answerSchema).min(1).optional(),
    then: z.enum(['passthrough', 'repeat']).optional(),
    failureRate: z.number().min(0).max(1).optional(),
    failures: z.array(answerSchema).min(1).optional(),
    latencyMs: latencySchema.optional(),
  })
  .superRefine((r, ctx) => {
    if (r.failureRate !== undefined && r.failureRate > 0 && !r.failures) {
      ctx.addIssue({ code: 'custom', message: 'failures is required when failureRate is above 0', path: ['failures'] });
    }
    if (r.then !== undefined && !r.sequence) {
      ctx.addIssue({ code: 'custom', message: 'then needs a sequence', path: ['then'] });
    }
  });

const ruleShape = Object.fromEntries([...ROUTE_KEYS, '*'].map((k) => [k, routeRuleSchema.optional()])) as Record<
  RouteKey | '*',
  z.ZodOptional<typeof routeRuleSchema>
>;

export const scenarioSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  seed: z.number().int().optional(),
  tokenTtlSeconds: z.number().positive().max(31_536_000).optional(),
  revokeTokensEvery: z.number().int().min(1).optional(),
  ...ruleShape,
});

export type ScenarioAnswer = z.infer<typeof answerSchema>;
export type RouteRule = z.infer<typeof routeRuleSchema>;
export type Scenario = z.infer<typeof scenarioSchema>;

export class ScenarioError extends Error {
  constructor(
    message: string,
    readonly source: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ScenarioError';
  }
}


/** Validates a scenario value; `source` (a file name) prefixes every error. */
export function parseScenario(value: unknown, source = 'scenario'): Scenario {
  const r = scenarioSchema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => {
    if (i.code === 'unrecognized_keys') {
      // Point at the unknown key itself, which is usually a typo of a route key.
      return { path: i.keys.map((k) => formatPath([...i.path, k])).join(', '), message: 'unknown field' };
    }
    return { path: formatPath(i.path), message: i.message };
  });
  const lines = issues.map((i) => `${source}: ${formatIssue(i)}`);
  throw new ScenarioError(lines.join('\n'), source, issues);
}

/** Line and column (1-based) of a character offset, for JSON syntax errors. */
function lineCol(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: pos - last };
}

/** Reads and validates a scenario JSON file. Errors name the file and the field or position. */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ScenarioError(`${path}: cannot read scenario file (${code})`, path, [{ path: '(file)', message: code }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    // V8 gives "at position N" and sometimes "(line L column C)"; add the line when missing.
    const m = /position (\d+)\b(?! \(line)/.exec(msg);
    const where = m ? (({ line, column }) => ` (line ${line}, column ${column})`)(lineCol(text, Number(m[1]))) : '';
    throw new ScenarioError(`${path}: invalid JSON: ${msg}${where}`, path, [{ path: '(json)', message: msg }]);
  }
  return parseScenario(value, path);
}
