// Argument schemas for every studio API method (DESIGN invariant 7: main validates every
// argument before it reaches the service). Pure: no Electron import, so unit tests run it.
import { z } from 'zod';
import { STEP_NAMES } from '../../shared/config.js';
import type { StudioMethod } from '../../shared/api.js';
import { MAX_SAMPLE_SET_PROFILES } from '../../shared/samples.js';

/** Limits that keep one IPC message from exhausting main's memory or CPU. */
export const LIMITS = {
  id: 200,
  name: 200,
  expression: 10_000,
  scenario: 1_000_000,
  /** Serialised size of a config passed as `unknown`. */
  configBytes: 2 * 1024 * 1024,
  /** Serialised size of the data a JMESPath expression is tried against. */
  jmesDataBytes: 16 * 1024 * 1024,
  importText: 64 * 1024 * 1024,
  depth: 64,
  sampleCount: MAX_SAMPLE_SET_PROFILES,
  pageSize: 10_000,
  envVariables: 1_000,
  envValue: 64 * 1024,
} as const;

export interface MethodSchema {
  /** One schema per positional argument. */
  args: z.ZodType[];
  /** How many leading arguments must be present; later ones may be omitted (undefined). */
  required: number;
}

export type MethodSchemas = Record<StudioMethod, MethodSchema>;

const id = z.string().min(1, 'must not be empty').max(LIMITS.id, `must be at most ${LIMITS.id} characters`);
const name = z.string().max(LIMITS.name, `must be at most ${LIMITS.name} characters`);
const count = (max: number) => z.number().int('must be an integer').min(0, 'must be 0 or more').max(max, `must be at most ${max}`);

/** Depth and size of a structured-clone value, measured without recursion limits of JSON.stringify. */
function measure(value: unknown, maxDepth: number, maxBytes: number): string | null {
  let bytes = 0;
  const stack: Array<{ v: unknown; d: number }> = [{ v: value, d: 0 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    if (d > maxDepth) return `is nested deeper than ${maxDepth} levels`;
    if (v === null || v === undefined || typeof v === 'boolean') bytes += 5;
    else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return 'must contain only finite numbers';
      bytes += 8;
    } else if (typeof v === 'string') bytes += v.length + 2;
    else if (Array.isArray(v)) {
      bytes += 2 + v.length;
      for (const item of v) stack.push({ v: item, d: d + 1 });
    } else if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      for (const [k, item] of Object.entries(v)) {
        bytes += k.length + 4;
        stack.push({ v: item, d: d + 1 });
      }
    } else if (typeof v === 'object' && Object.getPrototypeOf(v) === null) {
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        bytes += k.length + 4;
        stack.push({ v: item, d: d + 1 });
      }
    } else {
      return `must be plain JSON data (found ${describeType(v)})`;
    }
    if (bytes > maxBytes) return `is larger than ${Math.round(maxBytes / 1024)} KiB`;
  }
  return null;
}

/** Any plain JSON value within a size and depth budget (the service validates the content). */
function boundedJson(maxBytes: number) {
  return z.unknown().superRefine((value, ctx) => {
    const problem = measure(value, LIMITS.depth, maxBytes);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** A config object, passed on as is: the service reports its issues field by field. */
const configArg = z
  .record(z.string(), z.unknown())
  .superRefine((value, ctx) => {
    const problem = measure(value, LIMITS.depth, LIMITS.configBytes);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** A run's input: a sample set id or an absolute-or-relative file path. */
const runInput = z.union([
  z.strictObject({ setId: id }),
  z.strictObject({ path: z.string().min(1, 'must not be empty').max(4096, 'must be at most 4096 characters').refine((p) => !p.includes('\0'), 'must not contain NUL') }),
]);
const filePath = z.string().min(1, 'must not be empty').max(4096, 'must be at most 4096 characters').refine((p) => !p.includes('\0'), 'must not contain NUL');
const rowId = z.number().int('must be an integer').min(1, 'must be 1 or more').max(Number.MAX_SAFE_INTEGER);

const none: MethodSchema = { args: [], required: 0 };
const one = (schema: z.ZodType): MethodSchema => ({ args: [schema], required: 1 });

export const METHOD_SCHEMAS: MethodSchemas = {
  listDestinations: none,
  getDestination: one(id),
  saveDestination: one(z.strictObject({ id: id.optional(), config: configArg })),
  deleteDestination: one(id),
  validateConfig: one(boundedJson(LIMITS.configBytes)),

  listSampleSets: none,
  generateSamples: one(
    z.strictObject({
      name: name.optional(),
      count: count(LIMITS.sampleCount).min(1, 'must be at least 1'),
      seed: z.number().int('must be an integer').optional(),
    }),
  ),
  importSamples: one(
    z.strictObject({
      name: name.min(1, 'must not be empty'),
      // parquet: the file's bytes as base64 (a binary file is no text)
      format: z.enum(['ndjson', 'csv', 'json', 'parquet']),
      text: z.string().max(LIMITS.importText, `must be at most ${LIMITS.importText / 1024 / 1024} MiB`),
    }),
  ),
  getSamples: one(
    z.strictObject({
      setId: id,
      offset: count(Number.MAX_SAFE_INTEGER).optional(),
      limit: count(LIMITS.pageSize).optional(),
    }),
  ),
  renameSampleSet: one(z.strictObject({ setId: id, name: name.min(1, 'must not be empty') })),
  deleteSampleSet: one(id),

  preview: one(
    z.strictObject({
      config: boundedJson(LIMITS.configBytes),
      setId: id,
      limit: count(LIMITS.pageSize).min(1, 'must be at least 1').optional(),
      remoteAudience: boundedJson(LIMITS.jmesDataBytes).optional(),
    }),
  ),
  resolveAudience: one(z.strictObject({ config: boundedJson(LIMITS.configBytes) })),
  sendPreviewed: one(
    z.strictObject({
      config: boundedJson(LIMITS.configBytes),
      setId: id,
      step: z.enum(STEP_NAMES),
      index: count(LIMITS.pageSize),
    }),
  ),
  evaluateJmes: one(
    z.strictObject({
      expression: z.string().max(LIMITS.expression, `must be at most ${LIMITS.expression} characters`),
      data: boundedJson(LIMITS.jmesDataBytes),
      purpose: z.enum(['filter', 'success', 'mapping']).optional(),
      recordCount: count(Number.MAX_SAFE_INTEGER).optional(),
    }),
  ),
  testOAuth: one(z.strictObject({ config: boundedJson(LIMITS.configBytes) })),

  mockStatus: none,
  startMock: {
    args: [
      z.strictObject({
        scenario: z.string().max(LIMITS.scenario, `must be at most ${LIMITS.scenario} characters`).optional(),
      }),
    ],
    required: 0,
  },
  stopMock: none,
  mockJournal: one(z.strictObject({ since: count(Number.MAX_SAFE_INTEGER).optional(), limit: count(LIMITS.pageSize).optional() })),

  dryRun: one(z.strictObject({ config: configArg, input: runInput })),
  startRun: one(z.strictObject({ config: configArg, destinationId: id.optional(), input: runInput })),
  runProgress: one(id),
  pauseRun: one(id),
  resumeRun: one(id),
  cancelRun: one(id),
  resumeInterrupted: one(id),
  retryFailed: one(id),
  listRuns: none,
  getRun: one(id),
  runRequests: one(
    z.strictObject({
      runId: id,
      filter: z
        .strictObject({
          step: z.enum(STEP_NAMES).optional(),
          status: z.string().regex(/^([1-5]xx|[1-5][0-9][0-9]|none)$/, 'must be an HTTP status (404), a class (4xx) or "none"').optional(),
          errorKind: z.string().min(1).max(LIMITS.name).optional(),
          key: z.string().min(1).max(LIMITS.id).optional(),
          failedOnly: z.boolean().optional(),
        })
        .optional(),
      offset: count(Number.MAX_SAFE_INTEGER).optional(),
      limit: count(LIMITS.pageSize).optional(),
    }),
  ),
  requestDetail: one(z.strictObject({ runId: id, id: rowId })),
  copyAsCurl: one(z.strictObject({ runId: id, id: rowId, reveal: z.boolean().optional() })),
  replayRequest: one(
    z.strictObject({ runId: id, id: rowId, mode: z.enum(['logged', 'rerendered']), config: configArg.optional() }),
  ),
  exportRun: one(z.strictObject({ runId: id, format: z.enum(['har', 'ndjson']) })),
  exportFailed: one(z.strictObject({ runId: id })),

  listEnvironments: none,
  saveEnvironment: one(
    z.strictObject({
      id: id.optional(),
      name: z.string().min(1, 'must not be empty').max(LIMITS.name, `must be at most ${LIMITS.name} characters`),
      variables: z
        .array(
          z.strictObject({
            name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be letters, digits and _, not starting with a digit').max(LIMITS.name),
            secret: z.boolean(),
            value: z.string().max(LIMITS.envValue, `must be at most ${LIMITS.envValue} characters`).optional(),
            sessionOnly: z.boolean().optional(),
          }),
        )
        .max(LIMITS.envVariables, `must have at most ${LIMITS.envVariables} variables`),
    }),
  ),
  deleteEnvironment: one(id),
  selectEnvironment: one(id.nullable()),

  // Schedules (issue 12): paths are text here; app/schedule resolves and quotes them.
  planSchedule: one(
    z.strictObject({
      config: configArg,
      schedule: z.strictObject({ every: name.optional(), cron: name.optional(), timezone: name.optional() }).optional(),
      configPath: filePath,
      inputPath: filePath.optional(),
      query: z.string().max(100_000).optional(),
      dbPath: filePath.optional(),
      envFile: filePath.optional(),
    }),
  ),
};

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return proto?.constructor?.name ?? 'object';
  }
  return typeof value;
}
