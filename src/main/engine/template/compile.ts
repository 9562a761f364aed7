// Payload templates: Handlebars with every value escaped for the place it lands
// (DESIGN invariant 5). A template is rewritten (templateRewrite.ts), compiled once in an
// isolated Handlebars environment and cached; rendering checks the result for its kind
// (a JSON body must parse, a URL must be absolute http(s), a header must be one line).
//
// Kinds:
//  json     {{x}} in a JSON string → string-escaped; outside → a JSON value (missing → null);
//           {{json x}} → any value as JSON; {{{x}}} → raw (the escape hatch).
//  url      values percent-encoded (encodeURIComponent); result must be an absolute http(s) URL.
//  header   plain text; a CR, LF or NUL in the result is refused.
//  jmespath values land as JMESPath literals ('...' or `"..."` when escaping is needed).
//  form     a body sent as application/x-www-form-urlencoded: each value form-encoded
//           (space as +), the template's own `&` and `=` kept; no validity check.
//  xml      a body sent as */xml or */*+xml: each value XML-escaped (& < > " '); no
//           well-formedness check (the endpoint judges its own dialect).
//  text     plain, no escaping — for other non-JSON bodies (text/plain, text/csv...).
import { templateEnv, KNOWN_HELPERS, MAX_RENDERED_CHARS, newRenderState, RenderCapError, RUNTIME_OPTIONS, type RenderState } from './env.js';
import { invalidJsonMessage } from './json.js';
import { compileFast, FALLBACK, type FastRender } from './fast.js';
import { originalOffset, rewriteTemplate, type Rewritten } from './rewrite.js';
import { checkHelpers } from './fields.js';
import { tokenize } from './tokens.js';
import { checkUrlTemplate, renderedUrlCharError } from './url.js';
import {
  lineColumnAt,
  offsetOf,
  type CompiledTemplate,
  type RenderOptions,
  type RenderResult,
  type TemplateError,
  type TemplateKind,
} from './types.js';

export type { CompiledTemplate, RenderOptions, RenderResult, TemplateError, TemplateKind } from './types.js';
export { formatTemplateError } from './types.js';
export { checkTemplateFields, templateFields, type FieldMode, type TemplateField } from './fields.js';

export interface CompileOptions {
  /** Where the template lives, e.g. `add.bodyTemplate` or `headers.X-Token`; used in errors. */
  name?: string;
}

const MAX_WARNINGS = 20;
const CACHE_LIMIT = 500;
const cache = new Map<string, CompiledTemplate | TemplateError>();

type Delegate = (context: unknown, options: object) => string;

interface JisonLexer {
  yylloc?: { first_line: number; first_column: number };
}

/** Handlebars' parser error, located via its lexer's last token and mapped to the original. */
function parseError(e: unknown, rw: Rewritten, source: string): TemplateError {
  const raw = e instanceof Error ? e.message : String(e);
  const lexer = (templateEnv as unknown as { Parser?: { lexer?: JisonLexer } }).Parser?.lexer;
  const loc = lexer?.yylloc;
  const expecting = /\n(Expecting [^\n]*)$/.exec(raw)?.[1];
  const reason = expecting ? `template syntax error: ${expecting.replace(/'([A-Z_]+)'/g, (_m, t: string) => tokenName(t))}` : `template syntax error: ${raw.split('\n')[0]}`;
  if (!loc) return { message: reason };
  const outOffset = offsetOf(rw.source, loc.first_line, loc.first_column);
  return { message: reason, ...lineColumnAt(source, originalOffset(rw.segments, outOffset)) };
}

const TOKEN_NAMES: Record<string, string> = {
  CLOSE: '"}}"',
  CLOSE_UNESCAPED: '"}}}"',
  OPEN_SEXPR: '"("',
  CLOSE_SEXPR: '")"',
  ID: 'a name',
  STRING: 'a string',
  NUMBER: 'a number',
  BOOLEAN: 'true/false',
  UNDEFINED: 'undefined',
  NULL: 'null',
  DATA: 'an @name',
  EQUALS: '"="',
  SEP: '"." or "/"',
  EOF: 'the end of the template',
  INVALID: 'an invalid character',
  OPEN_ENDBLOCK: '"{{/"',
  INVERSE: '"{{else}}"',
  OPEN_INVERSE_CHAIN: '"{{else ..."',
  OPEN_BLOCK_PARAMS: '"as |"',
  CLOSE_RAW_BLOCK: '"}}}}"',
};

function tokenName(t: string): string {
  return TOKEN_NAMES[t] ?? t.toLowerCase();
}

/**
 * Parses each value mustache on its own, as written, so a syntax error inside one is
 * reported in the author's terms ("got '}}'") rather than in the rewritten form.
 */
function checkExpressions(source: string, rw: Rewritten): TemplateError | null {
  for (const tok of rw.valueTokens) {
    const text = `{{${tok.expr}}}`;
    try {
      templateEnv.parse(text);
    } catch (e) {
      const lexer = (templateEnv as unknown as { Parser?: { lexer?: JisonLexer } }).Parser?.lexer;
      const col = lexer?.yylloc?.first_column ?? 2;
      const raw = e instanceof Error ? e.message : String(e);
      const expecting = /\n(Expecting [^\n]*)$/.exec(raw)?.[1];
      const message = `template syntax error: ${expecting ? expecting.replace(/'([A-Z_]+)'/g, (_m, t: string) => tokenName(t)) : raw.split('\n')[0]}`;
      return { message, ...lineColumnAt(source, tok.exprStart + Math.max(0, Math.min(col - 2, tok.expr.length))) };
    }
  }
  return null;
}

function withName(e: TemplateError, name: string | undefined): TemplateError {
  return name === undefined ? e : { template: name, ...e };
}

/**
 * Compiles `source` for the place its output lands. Compiled templates are cached by
 * (kind, name, source), so callers may call this per request without cost.
 */
export function compileTemplate(source: string, kind: TemplateKind, opts: CompileOptions = {}): CompiledTemplate | TemplateError {
  const key = `${kind}\u0000${opts.name ?? ''}\u0000${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const made = build(source, kind, opts.name);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, made);
  return made;
}

/** True when `compileTemplate` returned an error. */
export function isTemplateError(x: CompiledTemplate | TemplateError): x is TemplateError {
  return !('render' in x);
}

function build(source: string, kind: TemplateKind, name: string | undefined): CompiledTemplate | TemplateError {
  const rw = rewriteTemplate(source, kind);
  if ('message' in rw) return withName(rw, name);
  if (kind === 'url') {
    const tokens = tokenize(source);
    const urlError = Array.isArray(tokens) ? checkUrlTemplate(source, tokens) : null;
    if (urlError) return withName(urlError, name);
  }
  const exprError = checkExpressions(source, rw);
  if (exprError) return withName(exprError, name);
  let ast: unknown;
  try {
    ast = templateEnv.parse(rw.source);
  } catch (e) {
    return withName(parseError(e, rw, source), name);
  }
  const helperError = checkHelpers(ast, rw, source);
  if (helperError) return withName(helperError, name);
  let fn: Delegate;
  try {
    fn = templateEnv.compile(rw.source, { noEscape: true, knownHelpers: KNOWN_HELPERS }) as Delegate;
  } catch (e) {
    return withName({ message: `template cannot be compiled: ${e instanceof Error ? e.message : String(e)}` }, name);
  }
  return new Template(source, kind, name, rw, fn, compileFast(ast, templateEnv, rw.lits));
}

class Template implements CompiledTemplate {
  constructor(
    readonly source: string,
    readonly kind: TemplateKind,
    readonly name: string | undefined,
    private readonly rw: Rewritten,
    private readonly fn: Delegate,
    /** The Handlebars-free renderer for common shapes (templateFast.ts); null when not covered. */
    private readonly fast: FastRender | null,
  ) {
    this.skeleton = kind === 'json' ? (fast?.skeleton ?? null) : null;
  }

  /** For a JSON body the fast path renders from escaped values only: proves a shape parses (fast.ts). */
  private readonly skeleton: ((shape: readonly number[]) => [string, string] | null) | null;
  /** Shapes (`each` list lengths) whose skeleton was checked, and whether it parsed. */
  private readonly shapes = new Map<string, boolean>();

  render(context: object, opts: RenderOptions = {}): RenderResult {
    const now = opts.now ?? Date.now();
    let st: RenderState = newRenderState(this.rw.sites, this.rw.lits, now);
    let text: string;
    const shape: number[] | undefined = this.skeleton ? [] : undefined;
    const quick = this.fast ? this.fast(context, st, shape) : FALLBACK;
    if (quick !== FALLBACK) text = quick;
    else {
      if (this.fast) st = newRenderState(this.rw.sites, this.rw.lits, now);
      try {
        text = this.fn(context, { ...RUNTIME_OPTIONS, data: { __st: st } });
      } catch (e) {
        if (e instanceof RenderCapError) return { ok: false, error: withName({ message: e.message }, this.name) };
        return { ok: false, error: this.runtimeError(e) };
      }
    }
    // Blocks are counted as they render; a template without blocks (one huge {{{x}}}) is checked here.
    if (text.length > MAX_RENDERED_CHARS) return { ok: false, error: withName({ message: new RenderCapError().message }, this.name) };
    // Valid by construction: a fast render of a shape whose skeleton parses is not parsed
    // again (a third of the engine's time was this JSON.parse). Anything else is checked.
    const bad = quick !== FALLBACK && shape && this.parses(shape) ? null : this.check(text);
    if (bad) return { ok: false, error: withName(bad, this.name) };
    return { ok: true, text, warnings: warningsOf(st) };
  }

  /** True when every fast render of `shape` is valid JSON (its skeleton parses; memoised). */
  private parses(shape: number[]): boolean {
    const key = shape.join(',');
    let known = this.shapes.get(key);
    if (known === undefined) {
      const texts = this.skeleton!(shape);
      known = texts !== null && texts.every(isJson);
      // A run sees a handful of shapes (the batch size, the last batch); the cap bounds the rest.
      if (this.shapes.size < MAX_SHAPES) this.shapes.set(key, known);
    }
    return known;
  }

  private runtimeError(e: unknown): TemplateError {
    const msg = e instanceof Error ? e.message : String(e);
    const err: TemplateError = { message: `template failed to render: ${msg.replace(/ - \d+:\d+$/, '')}` };
    const ex = e as { lineNumber?: unknown; column?: unknown };
    if (typeof ex.lineNumber === 'number' && typeof ex.column === 'number') {
      const out = offsetOf(this.rw.source, ex.lineNumber, ex.column);
      Object.assign(err, lineColumnAt(this.source, originalOffset(this.rw.segments, out)));
    }
    return withName(err, this.name);
  }

  private check(text: string): TemplateError | null {
    switch (this.kind) {
      case 'json':
        try {
          JSON.parse(text);
          return null;
        } catch (e) {
          return { message: invalidJsonMessage(text, e), rendered: text };
        }
      case 'url': {
        // new URL() would silently drop a CR/LF or tab a raw value brought in: refuse it.
        const unsafe = renderedUrlCharError(text);
        if (unsafe) return unsafe;
        let url: URL | null = null;
        try {
          url = new URL(text);
        } catch {
          url = null;
        }
        if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
          const shown = text.length > 200 ? text.slice(0, 200) + '…' : text;
          return { message: `rendered URL is not an absolute http(s) URL: "${shown}"` };
        }
        return null;
      }
      case 'header': {
        const m = /[\r\n\u0000]/.exec(text);
        if (!m) return null;
        const what = m[0] === '\u0000' ? 'a NUL character' : 'a line break (CR/LF)';
        const err: TemplateError = { message: `rendered header value contains ${what} at position ${m.index + 1}; refused (a header value must be one line)` };
        if (this.name !== undefined) err.field = this.name;
        return err;
      }
      default:
        return null;
    }
  }
}

const MAX_SHAPES = 64;

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function warningsOf(st: RenderState): string[] {
  if (st.missing.size === 0) return [];
  const out: string[] = [];
  for (const w of st.missing.values()) {
    if (out.length === MAX_WARNINGS) {
      out.push(`and ${st.missing.size - MAX_WARNINGS} more`);
      break;
    }
    const times = w.count > 1 ? (w.display.startsWith('users[]') ? ` in ${w.count} records` : ` (${w.count} times)`) : '';
    out.push(`${w.display} is missing${times} (rendered as ${w.how})`);
  }
  return out;
}

/** Renders a template from source in one call (compiles through the cache). */
export function renderTemplate(source: string, kind: TemplateKind, context: object, opts: CompileOptions & RenderOptions = {}): RenderResult {
  const t = compileTemplate(source, kind, opts);
  return isTemplateError(t) ? { ok: false, error: t } : t.render(context, opts.now !== undefined ? { now: opts.now } : {});
}
