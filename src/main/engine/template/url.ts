// What a URL template's own text may hold, checked once at compile time: no whitespace or
// control character in its literal parts (a CR/LF is dropped by the URL parser or splits the
// request line, a space is rewritten), and an http(s) scheme when the scheme is written
// literally. Values rendered into it are percent-encoded; a raw {{{value}}} is checked on
// the rendered URL (compile.ts).
import { urlCharProblem, urlSchemeProblem } from '../../../shared/config.js';
import type { Token } from './tokens.js';
import { lineColumnAt, type TemplateError } from './types.js';

const UNSAFE = /[\u0000-\u0020\u007f]/;

export function checkUrlTemplate(source: string, tokens: readonly Token[]): TemplateError | null {
  for (const tok of tokens) {
    if (tok.t === 'mustache') continue;
    const m = UNSAFE.exec(source.slice(tok.start, tok.end));
    if (m) return { message: urlCharProblem(m[0]), ...lineColumnAt(source, tok.start + m.index) };
  }
  // The literal text before the first mustache holds the scheme when it has a colon.
  const firstMustache = tokens.findIndex((t) => t.t === 'mustache');
  const lead = tokens
    .slice(0, firstMustache < 0 ? tokens.length : firstMustache)
    .map((t) => (t.t === 'lit' ? t.text : source.slice(t.start, t.end)))
    .join('');
  if (firstMustache === 0) return null; // the scheme comes from a value: checked when rendered
  const problem = urlSchemeProblem(lead, firstMustache < 0);
  return problem ? { message: problem, ...lineColumnAt(source, 0) } : null;
}

/** The rendered URL's first whitespace or control character, as an error; null when clean. */
export function renderedUrlCharError(text: string): TemplateError | null {
  const m = UNSAFE.exec(text);
  return m ? { message: `rendered ${urlCharProblem(m[0])} (position ${m.index + 1}; a value written raw with {{{…}}}?)` } : null;
}
