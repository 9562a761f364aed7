// A fast renderer for the common batched shape, e.g.
//   {"users": [{{#each users}}{"id": "{{id}}"}{{#unless @last}},{{/unless}}{{/each}}]}
// It walks the Handlebars AST of the rewritten source (templateRewrite.ts) and, when
// every statement is one it can reproduce exactly, renders without the Handlebars
// runtime: same lookups (own properties only), same escaping helpers called in the same
// order, same @first/@last, the value helpers (sha256, lower, date... and json) called with
// the same arguments and options. Anything else — another helper, `../`,
// an @data value, a non-array `each` target, a non-own property, a throw — makes it give
// up and the caller renders with Handlebars, so output stays byte-identical.
import { MAX_RENDERED_CHARS, type templateEnv as Env, type RenderState } from './env.js';
import { VALUE_HELPERS as VALUE_FNS } from './helpers.js';

/** Returned when this render must go through Handlebars instead. */
export const FALLBACK: unique symbol = Symbol('fallback');

type Helper = (v: unknown, site: number, o: { data: { __st: RenderState } }) => unknown;

type ValueFn = (...args: unknown[]) => unknown;

/** A value: a plain path, a literal, or a value-helper call on values. */
type Arg = { t: 0; path: string[] } | { t: 1; value: unknown } | { t: 2; fn: ValueFn; args: Arg[]; hash: Record<string, unknown> };

/**
 * What a value site's helper writes, for the skeleton check (see `skeleton`): 'str' a JSON
 * string body (__js), 'val' one whole JSON value (__jv), null anything else. A value helper
 * inside (`{{sha256 x}}`) does not change it: the escaping helper still writes its result.
 */
type Safe = 'str' | 'val' | null;

type Op =
  | { k: 0; text: string }
  | { k: 1; arg: Arg; helper: Helper; site: number; safe: Safe }
  | { k: 2; path: string[]; body: Op[] }
  | { k: 3; last: boolean; when: boolean; text: string };

/**
 * Renders `context`, or FALLBACK. When `shape` is given, the length of each `each` list is
 * pushed to it in order (-1 for a list with holes), for `skeleton`.
 */
export type FastRender = ((context: unknown, st: RenderState, shape?: number[]) => string | typeof FALLBACK) & {
  /**
   * Null when a value site writes something other than a JSON string body (__js) or a
   * whole JSON value (__jv). Otherwise the texts this template renders for `shape` with
   * every string site written `x` and every value site written first `"x"`, then `0`:
   * when both parse, every render of that shape parses (see templates' `check`).
   */
  readonly skeleton: ((shape: readonly number[]) => [string, string] | null) | null;
};

/** Escaping helpers the fast path may call (not __jr/__jraw: they need block state). */
const VALUE_HELPERS = new Set(['__js', '__jv', '__u', '__t', '__f', '__x', '__xc', '__r', '__jb', '__jbv', '__jbs']);

/** Helpers a template calls that the fast path may call too: pure functions of their arguments and @data.__st. */
const CALLABLE = new Set<string>(['json', ...Object.keys(VALUE_FNS)]);
const LITERALS = new Set(['StringLiteral', 'NumberLiteral', 'BooleanLiteral', 'NullLiteral', 'UndefinedLiteral']);

interface Node {
  type: string;
  [k: string]: unknown;
}
interface PathNode extends Node {
  data: boolean;
  depth: number;
  parts: string[];
}

const hasOwn = Object.prototype.hasOwnProperty;

function isPlainPath(n: unknown): n is PathNode {
  const p = n as PathNode | undefined;
  return !!p && p.type === 'PathExpression' && !p.data && p.depth === 0 && Array.isArray(p.parts);
}

function noHash(n: Node): boolean {
  const h = n.hash as { pairs?: unknown[] } | undefined;
  return !h || !h.pairs || h.pairs.length === 0;
}

function helperName(n: Node): string | null {
  const p = n.path as PathNode | undefined;
  return p && p.type === 'PathExpression' && !p.data && p.depth === 0 && p.parts.length === 1 ? (p.parts[0] ?? null) : null;
}

function literalValue(n: Node): unknown {
  return n.type === 'NullLiteral' ? null : n.type === 'UndefinedLiteral' ? undefined : n.value;
}

/** A helper argument the fast path reproduces exactly, else null. */
function compileArg(n: Node | undefined, env: typeof Env): Arg | null {
  if (!n) return null;
  if (isPlainPath(n)) return { t: 0, path: n.parts };
  if (LITERALS.has(n.type)) return { t: 1, value: literalValue(n) };
  if (n.type !== 'SubExpression') return null;
  const name = helperName(n);
  if (!name || !CALLABLE.has(name)) return null;
  const fn = env.helpers[name] as unknown as ValueFn | undefined;
  if (!fn) return null;
  const args: Arg[] = [];
  for (const p of n.params as Node[]) {
    const a = compileArg(p, env);
    if (!a) return null;
    args.push(a);
  }
  const hash: Record<string, unknown> = {};
  for (const pair of ((n.hash as { pairs?: Array<{ key: string; value: Node }> } | undefined)?.pairs ?? [])) {
    if (!LITERALS.has(pair.value.type)) return null;
    hash[pair.key] = literalValue(pair.value);
  }
  return { t: 2, fn, args, hash };
}

/** The text of a program made only of content (and __lit), else null. */
function contentOnly(prog: Node, lits: string[]): string | null {
  let s = '';
  for (const st of prog.body as Node[]) {
    if (st.type === 'ContentStatement') s += st.value as string;
    else if (st.type === 'CommentStatement') continue;
    else {
      const lit = litOf(st, lits);
      if (lit === null) return null;
      s += lit;
    }
  }
  return s;
}

function litOf(st: Node, lits: string[]): string | null {
  if (st.type !== 'MustacheStatement' || helperName(st) !== '__lit' || !noHash(st)) return null;
  const params = st.params as Node[];
  const p = params[0];
  if (params.length !== 1 || !p || p.type !== 'NumberLiteral') return null;
  return lits[p.value as number] ?? '';
}

function compileProgram(prog: Node, env: typeof Env, lits: string[], inEach: boolean): Op[] | null {
  if ((prog.blockParams as unknown[] | undefined)?.length) return null;
  const ops: Op[] = [];
  const text = (s: string): void => {
    const last = ops[ops.length - 1];
    if (last && last.k === 0) last.text += s;
    else ops.push({ k: 0, text: s });
  };
  for (const st of prog.body as Node[]) {
    if (st.type === 'ContentStatement') {
      text(st.value as string);
      continue;
    }
    if (st.type === 'CommentStatement') continue;
    const name = helperName(st);
    if (!name || !noHash(st)) return null;
    const params = st.params as Node[];
    if (st.type === 'MustacheStatement') {
      const lit = litOf(st, lits);
      if (lit !== null) {
        text(lit);
        continue;
      }
      const [v, site] = params;
      if (!VALUE_HELPERS.has(name) || params.length !== 2 || !site || site.type !== 'NumberLiteral') return null;
      const arg = compileArg(v, env);
      const helper = env.helpers[name] as unknown as Helper | undefined;
      if (!helper || !arg || arg.t === 1) return null;
      ops.push({ k: 1, arg, helper, site: site.value as number, safe: name === '__js' ? 'str' : name === '__jv' ? 'val' : null });
      continue;
    }
    if (st.type !== 'BlockStatement' || st.inverse || params.length !== 1) return null;
    const program = st.program as Node | undefined;
    if (!program) return null;
    const p = params[0] as PathNode;
    if (name === 'each' && !inEach && isPlainPath(p)) {
      const body = compileProgram(program, env, lits, true);
      if (!body) return null;
      ops.push({ k: 2, path: p.parts, body });
      continue;
    }
    if ((name === 'if' || name === 'unless') && inEach && p.type === 'PathExpression' && p.data && p.depth === 0 && p.parts.length === 1 && (p.parts[0] === 'first' || p.parts[0] === 'last')) {
      const body = contentOnly(program, lits);
      if (body === null) return null;
      ops.push({ k: 3, last: p.parts[0] === 'last', when: name === 'if', text: body });
      continue;
    }
    return null;
  }
  return ops;
}

/** Handlebars' lookupProperty for trusted own data; FALLBACK where it would consult the prototype rules. */
function lookup(ctx: unknown, path: string[]): unknown {
  let cur = ctx;
  for (let i = 0; i < path.length; i++) {
    if (cur == null) return cur;
    const name = path[i]!;
    const v = (cur as Record<string, unknown>)[name];
    if (v == null) {
      cur = v;
      continue;
    }
    if (name === 'constructor' || !hasOwn.call(cur, name)) return FALLBACK;
    cur = v;
  }
  return cur;
}

/** A value as Handlebars computes it: the lookup, or the helper called with Handlebars' argument list. */
function evaluate(arg: Arg, ctx: unknown, o: { data: { __st: RenderState } }): unknown {
  switch (arg.t) {
    case 0:
      return lookup(ctx, arg.path);
    case 1:
      return arg.value;
    case 2: {
      const values: unknown[] = [];
      for (const a of arg.args) {
        const v = evaluate(a, ctx, o);
        if (v === FALLBACK) return FALLBACK;
        values.push(v);
      }
      values.push({ hash: arg.hash, data: o.data });
      return arg.fn.apply(ctx, values);
    }
  }
}

function run(ops: Op[], ctx: unknown, o: { data: { __st: RenderState } }, first: boolean, last: boolean, shape: number[] | undefined): string | typeof FALLBACK {
  let out = '';
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    switch (op.k) {
      case 0:
        out += op.text;
        break;
      case 1: {
        const v = op.arg.t === 0 ? lookup(ctx, op.arg.path) : evaluate(op.arg, ctx, o);
        if (v === FALLBACK) return FALLBACK;
        const r = op.helper(v, op.site, o);
        out += r != null ? r : '';
        break;
      }
      case 2: {
        const list = lookup(ctx, op.path);
        if (!Array.isArray(list)) return FALLBACK;
        let holes = false;
        for (let j = 0; j < list.length; j++) {
          if (!(j in list)) {
            holes = true;
            continue;
          }
          const r = run(op.body, list[j], o, j === 0, j === list.length - 1, undefined);
          if (r === FALLBACK) return FALLBACK;
          out += r;
          // Past the cap: Handlebars renders it again and stops at the same cap with its message.
          if (out.length > MAX_RENDERED_CHARS) return FALLBACK;
        }
        shape?.push(holes ? -1 : list.length);
        break;
      }
      case 3:
        if ((op.last ? last : first) === op.when) out += op.text;
        break;
    }
  }
  return out;
}

/**
 * The text `ops` render for a context whose `each` lists have the lengths in `shape` (in
 * order, no holes), every string site written `str` and every value site `val`.
 */
function probe(ops: Op[], shape: readonly number[], next: { i: number }, str: string, val: string, first: boolean, last: boolean): string {
  let out = '';
  for (const op of ops) {
    switch (op.k) {
      case 0:
        out += op.text;
        break;
      case 1:
        out += op.safe === 'str' ? str : val;
        break;
      case 2: {
        const n = shape[next.i++] ?? 0;
        for (let j = 0; j < n; j++) out += probe(op.body, shape, next, str, val, j === 0, j === n - 1);
        break;
      }
      case 3:
        if ((op.last ? last : first) === op.when) out += op.text;
        break;
    }
  }
  return out;
}

function allSafe(ops: Op[]): boolean {
  return ops.every((op) => (op.k === 1 ? op.safe !== null : op.k === 2 ? allSafe(op.body) : true));
}

/** A fast renderer for `ast` (the parsed rewritten source), or null when its shape is not covered. */
export function compileFast(ast: unknown, env: typeof Env, lits: string[]): FastRender | null {
  const ops = compileProgram(ast as Node, env, lits, false);
  if (!ops) return null;
  const render = (context: unknown, st: RenderState, shape?: number[]): string | typeof FALLBACK => {
    try {
      return run(ops, context, { data: { __st: st } }, false, false, shape);
    } catch {
      return FALLBACK;
    }
  };
  // Why two probes make the skeleton proof: a string body (__js) escaped by jsonStringBody
  // is plain characters and whole escapes; it keeps any string valid exactly when `x` does
  // (`x` is refused outside a string and inside an unfinished escape). A value site (__jv)
  // writes one whole JSON value; where both `"x"` (not a key position: `0` would fail there)
  // and `0` (no '-', digit or '.' glued on: `"x"` would fail) parse, any value parses.
  const skeleton = allSafe(ops)
    ? (shape: readonly number[]): [string, string] | null => (shape.includes(-1) ? null : [probe(ops, shape, { i: 0 }, 'x', '"x"', false, false), probe(ops, shape, { i: 0 }, 'x', '0', false, false)])
    : null;
  return Object.assign(render, { skeleton });
}
