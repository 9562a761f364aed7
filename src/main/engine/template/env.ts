// The isolated Handlebars environment templates run in, and the escaping helpers the
// rewriter (templateRewrite.ts) calls. Per-render state (site table, missing-value
// counts) travels in Handlebars' @data, which every block frame inherits, so the helpers
// stay shared and allocation-free.
import Handlebars from 'handlebars';
import {
  formValue,
  jmesBacktickSafe,
  jmesRawSafe,
  jsonStringBody,
  jsonText,
  plainText,
  xmlCdata, xmlText,
} from './escape.js';
import { VALUE_HELPERS } from './helpers.js';
import { JsonText } from './json-text.js';
import type { Site } from './rewrite.js';

export { JsonText } from './json-text.js';

export interface RenderState {
  sites: Site[];
  lits: string[];
  /** display + how → occurrences; insertion order is the order of first appearance. */
  missing: Map<string, { display: string; how: string; count: number }>;
  /** Values of the JMESPath raw literal being rendered (see __jraw). */
  jraw: string[] | null;
  /** Characters the finished block bodies rendered so far (see `counted`). */
  size: number;
  /** What `{{now}}` is (epoch ms): fixed by the caller for a whole run, so preview = sent. */
  now: number;
}

/**
 * The most a template may render, in characters. Checked as the output grows (after every
 * block body, e.g. each `{{#each}}` iteration), so a template that would render gigabytes
 * (an `{{#each}}` over the batch inside another) stops at the cap instead of eating memory.
 */
export const MAX_RENDERED_CHARS = 10 * 1024 * 1024;

/** Thrown when a render passes MAX_RENDERED_CHARS; the renderer turns it into the cap message. */
export class RenderCapError extends Error {
  constructor() {
    super(`rendered text is larger than the cap of ${MAX_RENDERED_CHARS / (1024 * 1024)} MiB (${MAX_RENDERED_CHARS} characters)`);
    this.name = 'RenderCapError';
  }
}

export function newRenderState(sites: Site[], lits: string[], now: number): RenderState {
  return { sites, lits, missing: new Map(), jraw: null, size: 0, now };
}

interface Opts {
  data: { __st: RenderState };
  fn?: (ctx: unknown) => string;
}

function noteMissing(o: Opts, site: number, how: 'null' | 'empty'): void {
  const st = o.data.__st;
  const display = st.sites[site]?.display;
  if (!display) return;
  const key = display + '\u0000' + how;
  const seen = st.missing.get(key);
  if (seen) seen.count++;
  else st.missing.set(key, { display, how, count: 1 });
}

function textOf(v: unknown): string {
  return v instanceof JsonText ? v.text : plainText(v);
}

const helpers: Record<string, (...args: never[]) => unknown> = {
  /** {{json x}}: any value as JSON text. */
  json(...args: unknown[]): JsonText {
    return new JsonText(jsonText(args.length > 1 ? args[0] : undefined));
  },
  /** Inside a JSON string (also a JMESPath "quoted identifier"). */
  __js(v: unknown, site: number, o: Opts): string {
    if (v === undefined) noteMissing(o, site, 'empty');
    return typeof v === 'string' ? jsonStringBody(v) : jsonStringBody(textOf(v));
  },
  /** A JSON value outside any string. */
  __jv(v: unknown, site: number, o: Opts): string {
    if (v === undefined) noteMissing(o, site, 'null');
    return v instanceof JsonText ? v.text : jsonText(v);
  },
  __u(v: unknown, site: number, o: Opts): string {
    if (v === undefined) noteMissing(o, site, 'empty');
    return encodeURIComponent(textOf(v));
  },
  /** A value in an application/x-www-form-urlencoded body. */
  __f(v: unknown, site: number, o: Opts): string {
    if (v === undefined) noteMissing(o, site, 'empty');
    return formValue(textOf(v));
  },
  /** A value in an XML body (text or attribute). */
  __x(v: unknown, site: number, o: Opts): string {
    if (v === undefined) noteMissing(o, site, 'empty');
    return xmlText(textOf(v));
  },
  /** A value inside an XML CDATA section: as is (entities are not read there), a `]]>` split. */
  __xc(v: unknown, site: number, o: Opts): string {
    if (v === undefined) noteMissing(o, site, 'empty');
    return xmlCdata(textOf(v));
  },
  __t(v: unknown, site: number, o: Opts): string {
    if (v === undefined) noteMissing(o, site, 'empty');
    return typeof v === 'string' ? v : textOf(v);
  },
  /** Triple-stash {{{x}}} / {{&x}}: unescaped, the documented escape hatch. */
  __r(v: unknown, site: number, o: Opts): string {
    if (v === undefined) noteMissing(o, site, 'empty');
    return typeof v === 'string' ? v : textOf(v);
  },
  /** A bare value in a JMESPath expression: written as a literal. */
  __jb(v: unknown, site: number, o: Opts): string {
    if (v === undefined) noteMissing(o, site, 'null');
    if (v instanceof JsonText) return '`' + jmesBacktickSafe(v.text) + '`';
    if (typeof v === 'string') return jmesRawSafe(v) ? "'" + v + "'" : '`"' + jmesBacktickSafe(jsonStringBody(v)) + '"`';
    return '`' + jmesBacktickSafe(jsonText(v)) + '`';
  },
  /** Inside a JMESPath raw literal '...': collected, the enclosing __jraw writes the literal. */
  __jr(v: unknown, site: number, o: Opts): string {
    if (v === undefined) noteMissing(o, site, 'empty');
    const st = o.data.__st;
    if (!st.jraw) throw new Error('internal: JMESPath literal value outside its literal');
    st.jraw.push(textOf(v));
    return '\u0000';
  },
  /** Inside a JMESPath backtick literal, outside a JSON string. */
  __jbv(v: unknown, site: number, o: Opts): string {
    if (v === undefined) noteMissing(o, site, 'null');
    return jmesBacktickSafe(v instanceof JsonText ? v.text : jsonText(v));
  },
  /** Inside a JSON string inside a JMESPath backtick literal. */
  __jbs(v: unknown, site: number, o: Opts): string {
    if (v === undefined) noteMissing(o, site, 'empty');
    return jmesBacktickSafe(jsonStringBody(textOf(v)));
  },
  __lit(i: number, o: Opts): string {
    return o.data.__st.lits[i] ?? '';
  },
  /**
   * A JMESPath raw literal holding values. Written as 'text' when nothing needs escaping,
   * else as the JSON string literal `"..."`, because jmespath 0.16 cannot round-trip a
   * quote or backslash through a raw literal (it un-escapes only the first \').
   */
  __jraw(this: unknown, o: Opts): string {
    const st = o.data.__st;
    const saved = st.jraw;
    const values: string[] = [];
    st.jraw = values;
    let body: string;
    try {
      body = o.fn ? o.fn(this) : '';
    } finally {
      st.jraw = saved;
    }
    const parts = body.split('\u0000');
    if (parts.length !== values.length + 1) throw new Error('internal: JMESPath literal values out of step');
    if (values.every(jmesRawSafe)) {
      let s = parts[0]!;
      for (let i = 0; i < values.length; i++) s += values[i]! + parts[i + 1]!;
      return "'" + s + "'";
    }
    // The author's text is raw-literal syntax: \' is a quote there.
    let s = parts[0]!.replace(/\\'/g, "'");
    for (let i = 0; i < values.length; i++) s += values[i]! + parts[i + 1]!.replace(/\\'/g, "'");
    return '`"' + jmesBacktickSafe(jsonStringBody(s)) + '"`';
  },
};

type Program = (this: unknown, ctx: unknown, opts?: unknown) => string;
interface BlockOpts {
  data?: { __st?: RenderState };
  fn?: Program;
  inverse?: Program;
}

/**
 * A block body that adds what it rendered to the render's size. The state counts every
 * finished body once: a body's text holds the bodies nested in it, so when it returns the
 * size is set to (size before it) + (its length), not incremented again.
 */
function countedProgram(f: Program, st: RenderState): Program {
  return function (this: unknown, ctx, opts) {
    const before = st.size;
    const s = f.call(this, ctx, opts);
    st.size = before + s.length;
    if (st.size > MAX_RENDERED_CHARS) throw new RenderCapError();
    return s;
  };
}

/** Wraps a built-in block helper so its bodies are counted as they finish (each builds its output in one string). */
function counted(orig: Handlebars.HelperDelegate): Handlebars.HelperDelegate {
  return function (this: unknown, ...args: unknown[]) {
    const o = args[args.length - 1] as BlockOpts | undefined;
    const st = o?.data?.__st;
    if (o && st) {
      if (o.fn) o.fn = countedProgram(o.fn, st);
      if (o.inverse) o.inverse = countedProgram(o.inverse, st);
    }
    return (orig as (...a: unknown[]) => unknown).apply(this, args);
  };
}

export const templateEnv = Handlebars.create();
templateEnv.unregisterHelper('log'); // would write to the console from a template
// Only iteration can multiply a template's output: each (and a bare {{#list}} block, which
// calls each). Bodies of with/if/unless are counted in the iteration that holds them.
for (const name of ['each']) {
  const orig = templateEnv.helpers[name];
  if (orig) templateEnv.registerHelper(name, counted(orig));
}
for (const [name, fn] of Object.entries({ ...helpers, ...VALUE_HELPERS })) templateEnv.registerHelper(name, fn as Handlebars.HelperDelegate);

/** Helper names the rewriter emits and the value helpers, passed as knownHelpers so calls skip the context lookup. */
export const KNOWN_HELPERS: Record<string, boolean> = Object.fromEntries([...Object.keys(helpers), ...Object.keys(VALUE_HELPERS)].map((n) => [n, true]));

/** Names a template may call as helpers; every other call is a missing helper. */
export const TEMPLATE_HELPERS = ['json', ...(Object.keys(VALUE_HELPERS) as Array<keyof typeof VALUE_HELPERS>), 'each', 'if', 'unless', 'with', 'lookup'] as const;

/** Prototype access stays off; passing the defaults explicitly also silences Handlebars' console warning. */
export const RUNTIME_OPTIONS = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
} as const;
