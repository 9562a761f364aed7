// `--set path=value`: one config field overridden for one run, the same way for every host.
// The value is JSON when it parses as JSON (10, true, {"a":1}, "quoted"), else the text as
// is; the result is validated like the file (the schema), its issues named after the
// override (`--set add.batchSize: …`). A path not starting at a top-level key (version,
// destination, audience, records) is taken under `destination` (`add.batchSize` is
// `destination.add.batchSize`). Pure: no I/O.
import type { Issue } from '../../shared/issues.js';

export interface Override {
  /** As the user wrote it (`add.batchSize`): how issues name it. */
  given: string;
  /** The full path, segment by segment (`['destination', 'add', 'batchSize']`). */
  segments: string[];
  value: unknown;
}

const TOP_LEVEL = new Set(['version', 'destination', 'audience', 'records', 'sync']);

/** `path=value` → an override, or why it is not one. */
export function parseOverride(arg: string): { ok: true; override: Override } | { ok: false; message: string } {
  const eq = arg.indexOf('=');
  if (eq <= 0) return { ok: false, message: `--set ${arg}: expected path=value (e.g. add.batchSize=10)` };
  const given = arg.slice(0, eq).trim();
  const text = arg.slice(eq + 1);
  const parts = given.split('.');
  if (parts.some((p) => p === '')) return { ok: false, message: `--set ${given}: a path is field names joined by dots (e.g. destination.headers.X-Foo)` };
  // A config field is never one of these: writing them would reach Object.prototype.
  if (parts.some((p) => p === '__proto__' || p === 'constructor' || p === 'prototype')) return { ok: false, message: `--set ${given}: "${parts.find((p) => p === '__proto__' || p === 'constructor' || p === 'prototype')}" is not a config field` };
  const segments = TOP_LEVEL.has(parts[0]!) ? parts : ['destination', ...parts];
  return { ok: true, override: { given, segments, value: parseValue(text) } };
}

/** The full path of an override as the config's issues name it (`destination.add.batchSize`). */
export function overridePath(o: Pick<Override, 'segments'>): string {
  return o.segments.join('.');
}

/** `value` (a parsed config) with every override applied, in order; the input is not changed. */
export function applyOverrides(value: unknown, overrides: readonly Override[]): { ok: true; value: unknown } | { ok: false; issues: Issue[] } {
  const root = structuredClone(value);
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    return { ok: false, issues: [{ path: '(root)', message: 'the config is not a JSON object: --set cannot apply' }] };
  }
  const issues: Issue[] = [];
  for (const o of overrides) {
    let holder = root as Record<string, unknown>;
    const walked: string[] = [];
    let blocked = false;
    for (const seg of o.segments.slice(0, -1)) {
      walked.push(seg);
      const next = Object.hasOwn(holder, seg) ? holder[seg] : undefined;
      if (next === undefined) holder[seg] = {};
      else if (next === null || typeof next !== 'object') {
        issues.push({ path: `--set ${o.given}`, message: `${walked.join('.')} is ${next === null ? 'null' : `a ${typeof next}`}, not an object: it has no field "${o.segments[walked.length]}"` });
        blocked = true;
        break;
      }
      holder = holder[seg] as Record<string, unknown>;
    }
    if (!blocked) holder[o.segments[o.segments.length - 1]!] = structuredClone(o.value);
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: root };
}

/** A config issue at or under an override's path, named after the override (`--set add.batchSize: …`). */
export function nameOverrideIssues(issues: Issue[], overrides: readonly Override[]): Issue[] {
  return issues.map((issue) => {
    // The last override of a path is the one in force.
    for (let i = overrides.length - 1; i >= 0; i--) {
      const o = overrides[i]!;
      // The schema spells an array index `[0]`: `outputSchema.0.type` is `outputSchema[0].type`.
      const full = o.segments.map((seg, n) => (/^\d+$/.test(seg) ? `[${seg}]` : n === 0 ? seg : `.${seg}`)).join('');
      if (issue.path === full || issue.path.startsWith(`${full}.`) || issue.path.startsWith(`${full}[`)) {
        return { ...issue, path: `--set ${o.given}${issue.path.slice(full.length)}` };
      }
      // A field the override created on its way (`--set add.batchSzie.x`: unknown key
      // destination.add.batchSzie); not a whole top-level section, which many things concern.
      if (issue.path.includes('.') && full.startsWith(`${issue.path}.`)) return { ...issue, path: `--set ${o.given}`, message: `${issue.path}: ${issue.message}` };
    }
    return issue;
  });
}

/** The value at `segments` of `value`, or undefined. */
export function valueAt(value: unknown, segments: readonly string[]): unknown {
  let v = value;
  for (const seg of segments) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
