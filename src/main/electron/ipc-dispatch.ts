// The validating dispatcher between IPC and the service. Pure (no Electron import): ipc.ts
// wires it to ipcMain, tests and the browser harness call it directly.
import type { z } from 'zod';
import { STUDIO_METHODS, type StudioApi, type StudioMethod } from '../../shared/api.js';
import { describeType, type MethodSchemas } from './ipc-schemas.js';

/** A call the renderer should never have made: unknown method or malformed arguments. */
export class IpcArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IpcArgumentError';
  }
}

export type Dispatch = (method: string, args: unknown[]) => Promise<unknown>;

const KNOWN = new Set<string>(STUDIO_METHODS);

export function isStudioMethod(method: unknown): method is StudioMethod {
  return typeof method === 'string' && KNOWN.has(method);
}

/** `.config.destination.add` or `[2]`; empty for the argument itself. */
function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  return out;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v: unknown = root;
  for (const part of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[part];
  }
  return v;
}

/** One readable line per issue: `argument 1 .config: expected object, received string`. */
function formatIssue(method: string, index: number, arg: unknown, issue: z.core.$ZodIssue): string {
  const where = `${method}: argument ${index + 1}${issue.path.length ? ' ' + formatIssuePath(issue.path) : ''}`;
  switch (issue.code) {
    case 'invalid_type': {
      const actual = valueAt(arg, issue.path);
      if (issue.expected === 'int' && typeof actual === 'number') return `${where}: must be an integer`;
      const received = actual === undefined ? 'nothing' : describeType(actual);
      const expected = issue.expected === 'record' ? 'object' : issue.expected;
      return `${where}: expected ${expected}, received ${received}`;
    }
    case 'unrecognized_keys':
      return `${where}: unknown ${issue.keys.length === 1 ? 'property' : 'properties'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_value':
      return `${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${where}: ${issue.message}`;
  }
}

export function createDispatcher(service: StudioApi, schemas: MethodSchemas): Dispatch {
  return async (method, args) => {
    if (!isStudioMethod(method) || !Object.hasOwn(schemas, method)) {
      throw new IpcArgumentError(`unknown method "${String(method).slice(0, 100)}"`);
    }
    if (!Array.isArray(args)) throw new IpcArgumentError(`${method}: arguments must be a list`);
    const schema = schemas[method];
    if (args.length > schema.args.length) {
      throw new IpcArgumentError(
        `${method}: expected at most ${schema.args.length} argument${schema.args.length === 1 ? '' : 's'}, received ${args.length}`,
      );
    }
    const parsed: unknown[] = [];
    for (let i = 0; i < schema.args.length; i++) {
      const arg = args[i];
      if (arg === undefined && i >= schema.required) break;
      if (arg === undefined) throw new IpcArgumentError(`${method}: argument ${i + 1} is missing`);
      const result = schema.args[i]!.safeParse(arg);
      if (!result.success) {
        const lines = result.error.issues.slice(0, 5).map((issue) => formatIssue(method, i, arg, issue));
        throw new IpcArgumentError(lines.join('; '));
      }
      parsed.push(result.data);
    }
    const fn = service[method] as (...a: unknown[]) => Promise<unknown>;
    return fn.apply(service, parsed);
  };
}
