// JMESPath (mapping, action, success path, audience filter) over the `jmespath` 0.16
// library, with errors returned instead of thrown. The library exports `compile` (a parse
// that validates) but no way to run a parsed AST, so an expression is validated once and
// cached, then evaluated with `search` (which re-parses; short expressions parse in µs).
import jmespath from 'jmespath';
import { holdsExactIntegers } from './exact.js';
import type { TemplateError } from './template/types.js';

interface Token {
  type: string;
  value: unknown;
  start: number;
}

interface JmesLib {
  search(data: unknown, expr: string): unknown;
  compile(expr: string): unknown;
  tokenize(expr: string): Token[];
}

const lib = jmespath as unknown as JmesLib;

export type CompiledJmes = { ok: true; expression: string; search(data: unknown): unknown } | { ok: false; error: TemplateError };

/**
 * How many times an expression may multiply its input (see `growthOf`). `[@,@][]` doubles
 * it, so a chain of such steps grows exponentially and is refused when the config is
 * checked: ten doublings pass, eleven do not.
 */
export const MAX_JMES_GROWTH = 1024;
/** The largest result an expression that can grow its input may give, in characters of JSON (about). */
export const MAX_JMES_RESULT_CHARS = 10 * 1024 * 1024;

interface AstNode {
  type: string;
  name?: string;
  children?: unknown[];
  value?: unknown;
}

/**
 * An upper bound on |result| / |input| for an expression: paths, slices and flattening
 * only select (1); a multiselect is the sum of its parts; a projection, pipe or
 * subexpression the product of its sides; `map(&e, a)` the product of e and a. JMESPath
 * 0.16 has no variables, so nothing else can repeat the input: the result of an
 * expression whose bound is 1 is never larger than the record it reads.
 */
export function growthOf(node: unknown): number {
  if (node === null || typeof node !== 'object') return 1;
  const n = node as AstNode;
  const kids = (n.children ?? []) as unknown[];
  switch (n.type) {
    case 'Subexpression':
    case 'Projection':
    case 'ValueProjection':
    case 'IndexExpression':
    case 'Pipe':
      return growthOf(kids[0]) * growthOf(kids[1]);
    case 'FilterProjection':
      return growthOf(kids[0]) * growthOf(kids[1]);
    case 'Flatten':
    case 'ExpressionReference':
      return growthOf(kids[0]);
    case 'KeyValuePair':
      return growthOf(n.value);
    case 'MultiSelectList':
    case 'MultiSelectHash':
      return Math.max(1, kids.reduce<number>((sum, k) => sum + growthOf(k), 0));
    case 'OrExpression':
    case 'AndExpression':
      return Math.max(growthOf(kids[0]), growthOf(kids[1]));
    case 'Function':
      if (n.name === 'map') return growthOf(kids[0]) * growthOf(kids[1]);
      // Other functions give at most (about) what their arguments hold: join, merge, to_array...
      return Math.max(1, kids.reduce<number>((sum, k) => sum + growthOf(k), 0));
    default:
      return 1;
  }
}

/** True when `v` as JSON would be longer than `limit` characters (roughly); stops counting there. */
export function largerThan(v: unknown, limit: number): boolean {
  let size = 0;
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x === 'string') size += x.length + 2;
    else if (x === null || typeof x !== 'object') size += 5;
    else if (Array.isArray(x)) {
      size += 2 + x.length;
      for (let i = 0; i < x.length; i++) stack.push(x[i]);
    } else {
      for (const k in x) {
        size += k.length + 4;
        stack.push((x as Record<string, unknown>)[k]);
      }
      size += 2;
    }
    if (size > limit) return true;
  }
  return false;
}

/** True when the expression calls a function or compares: it may compute with a value, not only move it. */
function computes(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  const n = node as AstNode;
  if (n.type === 'Function' || n.type === 'Comparator') return true;
  if (n.type === 'KeyValuePair') return computes(n.value);
  return (n.children ?? []).some(computes);
}

/** `v` as JSON after a trip through JavaScript numbers: what a lossy evaluation would give. */
function lossyJson(v: unknown): string | undefined {
  const text = JSON.stringify(v);
  return text === undefined ? undefined : JSON.stringify(JSON.parse(text));
}

/** The first number in `v` that is an integer beyond 2^53 (its value is not exact), if any. */
function unsafeInteger(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && !Number.isSafeInteger(v) ? v : undefined;
  if (v === null || typeof v !== 'object') return undefined;
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x === 'number') {
      if (Number.isInteger(x) && !Number.isSafeInteger(x)) return x;
    } else if (x !== null && typeof x === 'object') {
      for (const k in x) stack.push((x as Record<string, unknown>)[k]);
    }
  }
  return undefined;
}

const NOT_EXACT = 'the record fails rather than send a changed value';

/**
 * An expression that computes (a function, a comparison) must not change a value silently:
 * - its result may not hold an integer beyond 2^53 as a JavaScript number (to_number of a
 *   CSV field "12345678901234567890", a sum): that number is already rounded;
 * - for a record holding an exact integer (exact.ts) it is evaluated twice, on the record as
 *   is and on its lossy copy; if the two disagree, the exact value was computed with
 *   (type(), >, to_number...).
 * Records without such values pay one look at the result.
 */
function exactSearch(inner: (data: unknown) => unknown): (data: unknown) => unknown {
  return (data) => {
    const exact = inner(data);
    const unsafe = unsafeInteger(exact);
    if (unsafe !== undefined) {
      throw new Error(`gives ${unsafe}, an integer beyond 2^53 that a JavaScript number does not hold exactly; ${NOT_EXACT}`);
    }
    if (!holdsExactIntegers(data)) return exact;
    const lossy = inner(JSON.parse(JSON.stringify(data)));
    if (lossyJson(exact) !== JSON.stringify(lossy)) {
      throw new Error(`the record holds an integer beyond 2^53 (not exact as a JavaScript number) and this expression computes with it; ${NOT_EXACT}`);
    }
    return exact;
  };
}

const MIB = 1024 * 1024;

/** A searcher for an expression that may grow its input: the result's size is checked before it goes on. */
function boundedSearch(expr: string): (data: unknown) => unknown {
  return (data) => {
    const v = lib.search(data, expr);
    if (v !== null && typeof v === 'object' && largerThan(v, MAX_JMES_RESULT_CHARS)) {
      throw new Error(`result is larger than the cap of ${MAX_JMES_RESULT_CHARS / MIB} MiB of JSON`);
    }
    return v;
  };
}
export type JmesResult = { ok: true; value: unknown } | { ok: false; error: TemplateError };

const CACHE_LIMIT = 1000;
const cache = new Map<string, CompiledJmes>();

/** Position (0-based) of a syntax error, when the library's message lets us find it. */
function errorPosition(expr: string, e: Error): number | undefined {
  if (e.name === 'LexerError') {
    const ch = /Unknown character:(.*)$/s.exec(e.message)?.[1];
    if (ch) {
      const at = expr.indexOf(ch);
      return at >= 0 ? at : undefined;
    }
    return undefined;
  }
  if (/\bEOF\b/.test(e.message)) return expr.length;
  let tokens: Token[];
  try {
    tokens = lib.tokenize(expr);
  } catch {
    return undefined;
  }
  const m = /Unexpected token type: (\w+), value: (.*)$/s.exec(e.message) ?? /Invalid token \((\w+)\): "(.*)"$/s.exec(e.message) ?? /got: (\w+)()$/.exec(e.message);
  if (!m) return undefined;
  const [, type, value] = m;
  const candidates = tokens.filter((t) => t.type === type && (value === '' || String(t.value) === value));
  if (candidates.length === 0) return tokens.find((t) => t.type === type)?.start;
  // The message names the token, not where it is: with several alike (`a | | b`), the culprit
  // is the first whose prefix, cut after it, already fails with the same message.
  for (const tok of candidates) {
    const next = tokens.find((t) => t.start > tok.start);
    const prefix = expr.slice(0, next ? next.start : expr.length);
    if (parseMessage(prefix) === e.message) return tok.start;
  }
  return candidates[0]!.start;
}

/** The library's message for a parse of `expr`, or undefined when it parses. */
function parseMessage(expr: string): string | undefined {
  try {
    lib.compile(expr);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * Where an expression the parser takes but cannot run (`foo..bar`, `a.b.`) breaks: these
 * come from a dot not followed by what a dot may be (a name, `*`, `[`, `{`), so the
 * position is the token after such a dot (just past the end when there is none).
 */
function incompleteAt(expr: string): number | undefined {
  let tokens: Token[];
  try {
    tokens = lib.tokenize(expr);
  } catch {
    return undefined;
  }
  const afterDot = new Set(['UnquotedIdentifier', 'QuotedIdentifier', 'Star', 'Lbracket', 'Lbrace']);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.type !== 'Dot') continue;
    const next = tokens[i + 1];
    if (!next || next.type === 'EOF') return expr.length;
    if (!afterDot.has(next.type)) return next.start;
  }
  return expr.length;
}

/**
 * jmespath 0.16 parses some incomplete expressions (`a.b.`) into a broken AST that only
 * fails when run, with a native TypeError. A run against {} surfaces those; errors the
 * library raises on purpose (wrong argument types...) are runtime errors and pass.
 */
function probe(expr: string): void {
  try {
    lib.search({}, expr);
  } catch (e) {
    if (e instanceof TypeError) throw e;
  }
}

function syntaxError(expr: string, e: unknown, name: string | undefined): TemplateError {
  const err = e instanceof Error ? e : new Error(String(e));
  // A bad `literal` surfaces as a JSON SyntaxError; a dangling "." as a TypeError from inside the parser.
  const what = err.name === 'SyntaxError' ? `bad JSON literal: ${err.message}` : err.name === 'TypeError' ? 'incomplete expression' : err.message;
  const shown = expr.length > 80 ? `${expr.slice(0, 77)}...` : expr;
  const out: TemplateError = { message: err.name === 'GrowthError' ? `JMESPath expression ${JSON.stringify(shown)} ${what}` : `invalid JMESPath expression ${JSON.stringify(expr)}: ${what}` };
  if (name !== undefined) out.template = name;
  const pos = err.name === 'TypeError' ? incompleteAt(expr) : errorPosition(expr, err);
  if (pos !== undefined) {
    out.line = 1;
    out.column = pos + 1;
    out.message += ` (at column ${pos + 1})`;
  }
  return out;
}

/**
 * Plain paths (`person.email`, `identityMap.ecid[0].id`, `ups."seg-1".status`) are most
 * mappings; they are walked directly instead of re-parsed by the library on every record.
 * Same semantics: a field of a non-object, or an index of a non-array, is null.
 */
function simplePath(expr: string): Array<string | number> | null {
  let tokens: Token[];
  try {
    tokens = lib.tokenize(expr);
  } catch {
    return null;
  }
  const steps: Array<string | number> = [];
  let i = 0;
  const ident = (t: Token | undefined) => t && (t.type === 'UnquotedIdentifier' || t.type === 'QuotedIdentifier');
  if (!ident(tokens[0])) return null;
  steps.push(String(tokens[0]!.value));
  i = 1;
  while (i < tokens.length && tokens[i]!.type !== 'EOF') {
    const t = tokens[i]!;
    if (t.type === 'Dot' && ident(tokens[i + 1])) {
      steps.push(String(tokens[i + 1]!.value));
      i += 2;
    } else if (t.type === 'Lbracket' && tokens[i + 1]?.type === 'Number' && tokens[i + 2]?.type === 'Rbracket') {
      steps.push(Number(tokens[i + 1]!.value));
      i += 3;
    } else return null;
  }
  return steps;
}

function walker(steps: Array<string | number>): (data: unknown) => unknown {
  return (data) => {
    let v: unknown = data;
    for (const step of steps) {
      if (typeof step === 'number') {
        if (!Array.isArray(v)) return null;
        v = v[step < 0 ? v.length + step : step];
      } else {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
        v = Object.hasOwn(v, step) ? (v as Record<string, unknown>)[step] : undefined;
      }
      if (v === undefined) return null;
    }
    return v;
  };
}

/** Validates `expr` once (cached) and returns a searcher whose runtime errors are thrown as TemplateError-carrying Errors; prefer `evaluate`. */
export function compileJmes(expr: string, name?: string): CompiledJmes {
  const key = `${name ?? ''}\u0000${expr}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let made: CompiledJmes;
  try {
    if (expr.trim() === '') throw Object.assign(new Error('empty expression'), { name: 'ParserError' });
    const ast = lib.compile(expr);
    const growth = growthOf(ast);
    if (growth > MAX_JMES_GROWTH) {
      const shown = growth < 1e15 ? String(growth) : growth.toExponential(1);
      throw Object.assign(new Error(`can multiply its input up to ${shown} times (e.g. chained multiselects like [@,@][]); the limit is ${MAX_JMES_GROWTH}`), { name: 'GrowthError' });
    }
    probe(expr);
    const steps = simplePath(expr);
    let search = steps ? walker(steps) : growth > 1 ? boundedSearch(expr) : (data: unknown) => lib.search(data, expr);
    if (!steps && computes(ast)) search = exactSearch(search);
    made = { ok: true, expression: expr, search };
  } catch (e) {
    made = { ok: false, error: syntaxError(expr, e, name) };
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, made);
  return made;
}

/** Evaluates `expr` against `data`; syntax and runtime errors (e.g. a function given the wrong type) are returned, not thrown. */
export function evaluate(expr: string, data: unknown, name?: string): JmesResult {
  const c = compileJmes(expr, name);
  if (!c.ok) return c;
  try {
    return { ok: true, value: c.search(data) };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const error: TemplateError = { message: `JMESPath ${JSON.stringify(expr)} failed: ${msg}` };
    if (name !== undefined) error.template = name;
    return { ok: false, error };
  }
}
