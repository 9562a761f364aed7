// Splits a template into text and mustaches the way a JSON author means it, before
// Handlebars sees it. Rules (the ones Handlebars' own lexer gets wrong for JSON):
//  - `{{` opens a double mustache whose close is the first `}}`; any `}` right after it is
//    literal text, so `{"vip": {{user.vip}}}` works as written.
//  - `{{{` is a triple-stash only when its matching close is `}}}`; otherwise it is a
//    literal `{` followed by a double mustache (`{{{x}}: 1}` reads `{` + `{{x}}`).
//  - An odd run of backslashes before `{{` escapes the mustache (the last backslash is
//    dropped, `{{` is literal text); an even run is literal backslashes and the mustache
//    is real (so `"C:\\{{dir}}"` in JSON keeps both backslashes).
//  - Comments, blocks, `else` pass through to Handlebars; partials, decorators and raw
//    blocks (`{{{{raw}}}}`) are refused with a message.
import { lineColumnAt, type TemplateError } from './types.js';

export type MustacheKind = 'value' | 'raw' | 'open' | 'close' | 'else' | 'comment';

export interface TextToken {
  t: 'text';
  start: number;
  end: number;
}

/** Literal text that cannot be emitted as Handlebars content (an escaped `{{`). */
export interface LitToken {
  t: 'lit';
  start: number;
  end: number;
  text: string;
}

export interface MustacheToken {
  t: 'mustache';
  kind: MustacheKind;
  /** Offsets of the whole mustache in the source, delimiters included. */
  start: number;
  end: number;
  triple: boolean;
  stripLeft: boolean;
  stripRight: boolean;
  /** The expression, trimmed, and its offset in the source. */
  expr: string;
  exprStart: number;
  /** Block name for open/close (`each`, `if`, ...). */
  name?: string;
}

export type Token = TextToken | LitToken | MustacheToken;

function errorAt(source: string, offset: number, message: string): TemplateError {
  return { message, ...lineColumnAt(source, offset) };
}

/** Index of the first `}}` at or after `from`, skipping Handlebars string literals; -1 if none. */
function findClose(source: string, from: number): number {
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (c === '}' && source[i + 1] === '}') return i;
    if (c === '"' || c === "'") {
      // A string literal inside the mustache, e.g. {{lookup user "a}}b"}}.
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      if (j >= source.length) return -1;
      i = j;
    }
    if (c === '{' && source[i + 1] === '{') return -1;
  }
  return -1;
}

const WORD = /^[^\s]+/;

function classify(inner: string): { kind: MustacheKind; expr: string; lead: number; name?: string } | string {
  const lead = inner.length - inner.trimStart().length;
  const body = inner.trim();
  const first = body[0];
  if (first === '!') return { kind: 'comment', expr: body, lead };
  if (first === '>' || first === '*' || body.startsWith('#>') || body.startsWith('#*')) {
    return 'partials and decorators ({{> name}}, {{* name}}) are not available in templates';
  }
  if (first === '#' || first === '^') {
    const rest = body.slice(1).trimStart();
    if (first === '^' && rest === '') return { kind: 'else', expr: body, lead };
    const name = WORD.exec(rest)?.[0];
    if (!name) return `a block needs a helper name, e.g. {{#each users}}`;
    return { kind: 'open', expr: body, lead, name };
  }
  if (first === '/') {
    const name = body.slice(1).trim();
    if (!name) return 'a block close needs the block name, e.g. {{/each}}';
    return { kind: 'close', expr: body, lead, name };
  }
  if (first === '&') {
    const rest = body.slice(1);
    return { kind: 'raw', expr: rest.trim(), lead: lead + 1 + (rest.length - rest.trimStart().length) };
  }
  if (body === 'else' || body.startsWith('else ')) return { kind: 'else', expr: body, lead };
  if (body === '') return 'empty mustache {{}}: put a variable inside, e.g. {{user.id}}';
  return { kind: 'value', expr: body, lead };
}

/** Splits `source` into tokens, or the first lexical error with its line and column. */
export function tokenize(source: string): Token[] | TemplateError {
  const tokens: Token[] = [];
  let textStart = 0;
  let i = 0;
  const pushText = (end: number): void => {
    if (end > textStart) tokens.push({ t: 'text', start: textStart, end });
  };
  while (i < source.length) {
    let open = source.indexOf('{{', i);
    if (open < 0) break;

    let slashes = 0;
    while (open - slashes - 1 >= textStart && source[open - slashes - 1] === '\\') slashes++;
    if (slashes % 2 === 1) {
      pushText(open - 1);
      tokens.push({ t: 'lit', start: open - 1, end: open + 2, text: '{{' });
      i = textStart = open + 2;
      continue;
    }

    if (source.startsWith('{{{{', open)) {
      return errorAt(source, open, 'raw blocks {{{{ }}}} are not supported; to write a literal "{{" put a backslash before it: \\{{');
    }

    let triple = false;
    if (source.startsWith('{{{', open)) {
      const close = findClose(source, open + 3);
      if (close >= 0 && source[close + 2] === '}') triple = true;
      else open += 1; // literal "{" then a double mustache
    }

    const innerStart = open + (triple ? 3 : 2);
    let innerEnd: number;
    let end: number;
    const afterOpen = source.slice(innerStart, innerStart + 4);
    if (!triple && /^~?!--/.test(afterOpen)) {
      const m = /--~?\}\}/g;
      m.lastIndex = innerStart;
      const found = m.exec(source);
      if (!found) return errorAt(source, open, 'comment {{!-- is never closed with --}}');
      innerEnd = found.index + found[0].length - 2;
      end = innerEnd + 2;
    } else {
      const close = findClose(source, innerStart);
      if (close < 0) {
        return errorAt(source, open, `"${triple ? '{{{' : '{{'}" is not closed: add "${triple ? '}}}' : '}}'}" after the expression`);
      }
      innerEnd = close;
      end = close + (triple ? 3 : 2);
    }

    let inner = source.slice(innerStart, innerEnd);
    let exprOffset = innerStart;
    const stripLeft = inner.startsWith('~');
    if (stripLeft) {
      inner = inner.slice(1);
      exprOffset++;
    }
    const stripRight = inner.endsWith('~');
    if (stripRight) inner = inner.slice(0, -1);

    pushText(open);
    if (triple) {
      const lead = inner.length - inner.trimStart().length;
      const expr = inner.trim();
      if (!expr) return errorAt(source, open, 'empty mustache {{{}}}: put a variable inside');
      tokens.push({ t: 'mustache', kind: 'raw', start: open, end, triple, stripLeft, stripRight, expr, exprStart: exprOffset + lead });
    } else {
      const c = classify(inner);
      if (typeof c === 'string') return errorAt(source, open, c);
      const tok: MustacheToken = { t: 'mustache', kind: c.kind, start: open, end, triple, stripLeft, stripRight, expr: c.expr, exprStart: exprOffset + c.lead };
      if (c.name !== undefined) tok.name = c.name;
      tokens.push(tok);
    }
    i = textStart = end;
  }
  pushText(source.length);
  return tokens;
}

/** The blocks are balanced and each close names its open; else the error at the culprit. */
export function checkBlocks(source: string, tokens: Token[]): TemplateError | null {
  const stack: MustacheToken[] = [];
  for (const tok of tokens) {
    if (tok.t !== 'mustache') continue;
    if (tok.kind === 'open') stack.push(tok);
    else if (tok.kind === 'else' && stack.length === 0) {
      return errorAt(source, tok.start, `{{${tok.expr}}} is outside any block: it belongs between {{#if ...}} and {{/if}}`);
    } else if (tok.kind === 'close') {
      const top = stack.pop();
      if (!top) return errorAt(source, tok.start, `{{/${tok.name}}} closes a block that was never opened`);
      if (top.name !== tok.name) {
        const at = lineColumnAt(source, top.start);
        return errorAt(source, tok.start, `{{/${tok.name}}} does not match {{#${top.name}}} opened at line ${at.line}, column ${at.column}: close it with {{/${top.name}}}`);
      }
    }
  }
  const open = stack.pop();
  if (open) return errorAt(source, open.start, `{{#${open.name}}} is never closed: add {{/${open.name}}}`);
  return null;
}

const PATH_SEGMENTS = /^[^./]+([./][^./]+)*$/;

/**
 * Rejects incomplete paths such as `user.` or `user..email`, which Handlebars would
 * silently read as something else (`{{user.}}` is a call of a helper named user).
 */
export function checkPaths(source: string, tok: MustacheToken): TemplateError | null {
  const words = splitWords(tok.expr);
  for (const w of words) {
    let word = w.text;
    let at = w.offset;
    const eq = word.indexOf('=');
    if (eq >= 0) {
      word = word.slice(eq + 1);
      at += eq + 1;
    }
    if (!word || /^["'0-9-]/.test(word) || word === '.' || word === '..' || word === 'this') continue;
    let path = word.replace(/\[[^\]]*\]/g, 'x').replace(/^(\.\.\/)+/, '').replace(/^@/, '');
    if (path.startsWith('this.') || path.startsWith('this/')) path = path.slice(5);
    if (!PATH_SEGMENTS.test(path)) {
      return errorAt(source, tok.exprStart + at, `incomplete path "${word}": a field name must follow each "." (e.g. user.email)`);
    }
  }
  return null;
}

/** Top-level words of an expression (strings and brackets kept whole, parens split out). */
export function splitWords(expr: string): Array<{ text: string; offset: number }> {
  const out: Array<{ text: string; offset: number }> = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s|\(|\)/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    while (i < expr.length && !/\s|\(|\)/.test(expr[i]!)) {
      const d = expr[i];
      if (d === '"' || d === "'") {
        i++;
        while (i < expr.length && expr[i] !== d) i += expr[i] === '\\' ? 2 : 1;
      } else if (d === '[') {
        while (i < expr.length && expr[i] !== ']') i++;
      }
      i++;
    }
    out.push({ text: expr.slice(start, i), offset: start });
  }
  return out;
}

/** True when the expression is one word (a path or literal), so it can be a helper argument as is. */
export function isSingleWord(expr: string): boolean {
  const words = splitWords(expr);
  return words.length === 1 && words[0]!.text.length === expr.length;
}
