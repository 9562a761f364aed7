// Rewrites a template into Handlebars source where every value mustache calls the escaping
// helper for the place it sits (inside a JSON string, a JSON value, a URL, a JMESPath
// literal...). The host language's quoting is tracked over the template text; values never
// change it because they are always escaped for where they land.
import type { TemplateError, TemplateKind } from './types.js';
import { lineColumnAt } from './types.js';
import { checkBlocks, checkPaths, isSingleWord, splitWords, tokenize, type MustacheToken, type Token } from './tokens.js';

export type SiteContext =
  | 'json-str'
  | 'json-val'
  | 'url'
  | 'plain'
  | 'form'
  | 'xml'
  | 'xml-cdata'
  | 'raw'
  | 'jmes-bare'
  | 'jmes-raw'
  | 'jmes-qid'
  | 'jmes-bt'
  | 'jmes-bt-str';

/** The helper each context is rendered by (registered in templateEnv.ts). */
export const SITE_HELPER: Record<SiteContext, string> = {
  'json-str': '__js',
  'json-val': '__jv',
  url: '__u',
  plain: '__t',
  form: '__f',
  xml: '__x',
  'xml-cdata': '__xc',
  raw: '__r',
  'jmes-bare': '__jb',
  'jmes-raw': '__jr',
  'jmes-qid': '__js',
  'jmes-bt': '__jbv',
  'jmes-bt-str': '__jbs',
};

/** Helpers that make sense with no argument, so a bare `{{name}}` calls them. */
const ZERO_ARG_HELPERS = new Set(['now']);

export interface Site {
  ctx: SiteContext;
  /** How a missing value is named in warnings (`user.phone`, `users[].phone`); null: never warn. */
  display: string | null;
}

export interface Segment {
  outStart: number;
  outEnd: number;
  orig: number;
  verbatim: boolean;
}

export interface Rewritten {
  source: string;
  sites: Site[];
  lits: string[];
  segments: Segment[];
  /** The value mustaches, as written (for per-expression syntax checks). */
  valueTokens: MustacheToken[];
}

interface Chunk {
  out: string;
  orig: number;
  verbatim: boolean;
  mu: boolean;
}

type Scope = 'top' | 'users' | 'user' | 'other';

function displayFor(tok: MustacheToken, scope: Scope): string | null {
  if (!isSingleWord(tok.expr)) return null;
  const w = tok.expr;
  if (/^["'0-9-]|^@|^(true|false|null|undefined)$/.test(w)) return null;
  if (w.startsWith('../')) return w;
  const rest = w === 'this' || w === '.' ? '' : w.replace(/^this[./]/, '');
  if (scope === 'users') return rest ? `users[].${rest}` : 'users[]';
  if (scope === 'user') return rest ? `user.${rest}` : 'user';
  return w;
}

function scopeOfBlock(tok: MustacheToken, outer: Scope): Scope | 'same' {
  const words = splitWords(tok.expr.slice(1));
  const param = words[1]?.text;
  if (tok.name === 'each') return param === 'users' && outer === 'top' ? 'users' : 'other';
  if (tok.name === 'with') return param === 'user' && outer === 'top' ? 'user' : 'other';
  return 'same';
}

function err(source: string, offset: number, message: string): TemplateError {
  return { message, ...lineColumnAt(source, offset) };
}

/** Decides the context of every value mustache and where JMESPath raw literals are wrapped. */
function analyse(source: string, kind: TemplateKind, tokens: Token[]): { ctx: Map<MustacheToken, SiteContext>; display: Map<MustacheToken, string | null>; repl: Map<number, string> } | TemplateError {
  const ctx = new Map<MustacheToken, SiteContext>();
  const display = new Map<MustacheToken, string | null>();
  const repl = new Map<number, string>();
  const scopes: Array<Scope | 'same'> = [];
  const scope = (): Scope => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const s = scopes[i]!;
      if (s !== 'same') return s;
    }
    return 'top';
  };

  // JSON: inside a string or not. JMESPath: out / raw '...' / quoted "..." / `json` / "string" in `json`.
  let inStr = false;
  let jstate: 'out' | 'raw' | 'qid' | 'bt' | 'btstr' = 'out';
  let esc = false;
  let rawLit: { start: number; hasValue: boolean; rel: number; ok: boolean } | null = null;

  for (const tok of tokens) {
    if (tok.t === 'lit') continue;
    if (tok.t === 'text') {
      if (kind === 'json') {
        for (let i = tok.start; i < tok.end; i++) {
          const c = source.charCodeAt(i);
          if (esc) esc = false;
          else if (c === 92 /* \ */ && inStr) esc = true;
          else if (c === 34 /* " */) inStr = !inStr;
        }
      } else if (kind === 'jmespath') {
        for (let i = tok.start; i < tok.end; i++) {
          const c = source[i];
          if (esc) {
            esc = false;
            continue;
          }
          switch (jstate) {
            case 'out':
              if (c === "'") {
                jstate = 'raw';
                rawLit = { start: i, hasValue: false, rel: 0, ok: true };
              } else if (c === '"') jstate = 'qid';
              else if (c === '`') jstate = 'bt';
              break;
            case 'raw':
              if (c === '\\' && (source[i + 1] === '\\' || source[i + 1] === "'")) esc = true;
              else if (c === "'") {
                jstate = 'out';
                const lit = rawLit;
                rawLit = null;
                if (lit?.hasValue) {
                  if (!lit.ok || lit.rel !== 0) return err(source, lit.start, 'a JMESPath string literal \'...\' with a value in it must open and close inside the same {{#block}}');
                  if (source.slice(lit.start, i).includes('\u0000')) return err(source, lit.start, 'a JMESPath string literal must not contain a NUL character');
                  repl.set(lit.start, '{{#__jraw}}');
                  repl.set(i, '{{/__jraw}}');
                }
              }
              break;
            case 'qid':
              if (c === '\\') esc = true;
              else if (c === '"') jstate = 'out';
              break;
            case 'bt':
              if (c === '\\' && (source[i + 1] === '\\' || source[i + 1] === '`')) esc = true;
              else if (c === '"') jstate = 'btstr';
              else if (c === '`') jstate = 'out';
              break;
            case 'btstr':
              if (c === '\\') esc = true;
              else if (c === '"') jstate = 'bt';
              else if (c === '`') jstate = 'out';
              break;
          }
        }
      }
      continue;
    }

    // A mustache. A pending escape never reaches across it: the value starts fresh.
    esc = false;
    if (tok.kind === 'open' || tok.kind === 'value' || tok.kind === 'raw') {
      const bad = checkPaths(source, tok);
      if (bad) return bad;
    }
    if (tok.kind === 'open') {
      scopes.push(scopeOfBlock(tok, scope()));
      if (rawLit) rawLit.rel++;
      continue;
    }
    if (tok.kind === 'close') {
      scopes.pop();
      if (rawLit && --rawLit.rel < 0) rawLit.ok = false;
      continue;
    }
    if (tok.kind === 'else') {
      if (rawLit && rawLit.rel === 0) rawLit.ok = false;
      continue;
    }
    if (tok.kind === 'comment') continue;

    display.set(tok, displayFor(tok, scope()));
    if (tok.kind === 'raw') {
      ctx.set(tok, 'raw');
      continue;
    }
    switch (kind) {
      case 'json':
        ctx.set(tok, inStr ? 'json-str' : 'json-val');
        break;
      case 'url':
        ctx.set(tok, 'url');
        break;
      case 'header':
      case 'text':
        ctx.set(tok, 'plain');
        break;
      case 'form':
        ctx.set(tok, 'form');
        break;
      case 'xml':
        // Inside a CDATA section entities are not read: a value goes in as is (split at ]]>).
        ctx.set(tok, source.lastIndexOf('<![CDATA[', tok.start) > source.lastIndexOf(']]>', tok.start) ? 'xml-cdata' : 'xml');
        break;
      case 'jmespath':
        if (jstate === 'raw' && rawLit) rawLit.hasValue = true;
        ctx.set(tok, jstate === 'out' ? 'jmes-bare' : jstate === 'raw' ? 'jmes-raw' : jstate === 'qid' ? 'jmes-qid' : jstate === 'bt' ? 'jmes-bt' : 'jmes-bt-str');
        break;
    }
  }
  if (rawLit?.hasValue) return err(source, rawLit.start, "JMESPath string literal is never closed: add the closing '");
  return { ctx, display, repl };
}

/** Tokenizes, checks and rewrites `source`; errors carry line/column in `source`. */
export function rewriteTemplate(source: string, kind: TemplateKind): Rewritten | TemplateError {
  const tokens = tokenize(source);
  if (!Array.isArray(tokens)) return tokens;
  const blockError = checkBlocks(source, tokens);
  if (blockError) return blockError;
  const analysis = analyse(source, kind, tokens);
  if ('message' in analysis) return analysis;
  const { ctx, display, repl } = analysis;

  const sites: Site[] = [];
  const valueTokens: MustacheToken[] = [];
  const lits: string[] = [];
  const chunks: Chunk[] = [];
  const lit = (text: string, orig: number): Chunk => {
    lits.push(text);
    return { out: `{{__lit ${lits.length - 1}}}`, orig, verbatim: false, mu: true };
  };

  for (const tok of tokens) {
    if (tok.t === 'text') {
      let from = tok.start;
      for (let i = tok.start; i < tok.end; i++) {
        const r = repl.get(i);
        if (r === undefined) continue;
        if (i > from) chunks.push({ out: source.slice(from, i), orig: from, verbatim: true, mu: false });
        chunks.push({ out: r, orig: i, verbatim: false, mu: true });
        from = i + 1;
      }
      if (tok.end > from) chunks.push({ out: source.slice(from, tok.end), orig: from, verbatim: true, mu: false });
    } else if (tok.t === 'lit') {
      chunks.push(lit(tok.text, tok.start));
    } else {
      const siteCtx = ctx.get(tok);
      if (siteCtx === undefined) {
        chunks.push({ out: source.slice(tok.start, tok.end), orig: tok.start, verbatim: true, mu: true });
        continue;
      }
      sites.push({ ctx: siteCtx, display: display.get(tok) ?? null });
      valueTokens.push(tok);
      // `{{now}}` is a call of the helper, not a read of a field called now (as in Handlebars).
      const single = isSingleWord(tok.expr) && !ZERO_ARG_HELPERS.has(tok.expr);
      chunks.push({ out: `{{${tok.stripLeft ? '~' : ''}${SITE_HELPER[siteCtx]} ${single ? '' : '('}`, orig: tok.start, verbatim: false, mu: true });
      chunks.push({ out: tok.expr, orig: tok.exprStart, verbatim: true, mu: true });
      chunks.push({ out: `${single ? '' : ')'} ${sites.length - 1}${tok.stripRight ? '~' : ''}}}`, orig: tok.exprStart + tok.expr.length, verbatim: false, mu: true });
    }
  }

  // Text next to a mustache must not merge with its braces: "}" after "}}" would read as
  // "}}}", and "{" or "\" before "{{" as "{{{" or an escape. Those characters go out via __lit.
  const fixed: Chunk[] = [];
  for (let k = 0; k < chunks.length; k++) {
    const c = chunks[k]!;
    if (c.mu) {
      fixed.push(c);
      continue;
    }
    let text = c.out;
    let orig = c.orig;
    if (chunks[k - 1]?.mu) {
      const lead = /^\}+/.exec(text)?.[0];
      if (lead) {
        fixed.push(lit(lead, orig));
        text = text.slice(lead.length);
        orig += lead.length;
      }
    }
    let tail: Chunk | null = null;
    if (chunks[k + 1]?.mu) {
      const trail = /[{\\]+$/.exec(text)?.[0];
      if (trail) {
        text = text.slice(0, -trail.length);
        tail = lit(trail, orig + text.length);
      }
    }
    if (text) fixed.push({ out: text, orig, verbatim: true, mu: false });
    if (tail) fixed.push(tail);
  }

  const segments: Segment[] = [];
  let out = '';
  for (const c of fixed) {
    segments.push({ outStart: out.length, outEnd: out.length + c.out.length, orig: c.orig, verbatim: c.verbatim });
    out += c.out;
  }
  return { source: out, sites, lits, segments, valueTokens };
}

/** Maps an offset in the rewritten source back to the template as written. */
export function originalOffset(segments: Segment[], outOffset: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = segments[mid]!;
    if (outOffset < s.outStart) hi = mid - 1;
    else if (outOffset >= s.outEnd) lo = mid + 1;
    else return s.verbatim ? s.orig + (outOffset - s.outStart) : s.orig;
  }
  const last = segments[segments.length - 1];
  return last ? (last.verbatim ? last.orig + (last.outEnd - last.outStart) : last.orig) : 0;
}
