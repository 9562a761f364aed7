// Shapes shared by the template compiler, the field checker and the JMESPath wrapper.

/** Where a rendered value lands; decides how it is escaped (DESIGN invariant 5). */
export type TemplateKind = 'json' | 'url' | 'header' | 'jmespath' | 'text' | 'form' | 'xml';

export interface RenderOptions {
  /** What `{{now}}` renders, epoch ms; the planner fixes it once per run (default: the time of this render). */
  now?: number;
}

export interface TemplateError {
  message: string;
  /** The template's name, e.g. `add.bodyTemplate`. */
  template?: string;
  /** 1-based line and column in the template as the user wrote it. */
  line?: number;
  column?: number;
  /** The record field or header the error is about. */
  field?: string;
  /** The rendered text a check refused (a body that is not JSON), for a preview to show broken. */
  rendered?: string;
}

export type RenderResult =
  | { ok: true; text: string; warnings: string[] }
  | { ok: false; error: TemplateError };

export interface CompiledTemplate {
  readonly kind: TemplateKind;
  readonly source: string;
  readonly name?: string;
  render(context: object, opts?: RenderOptions): RenderResult;
}

/** `name line L, column C: message` — the one format every template error is shown in. */
export function formatTemplateError(e: TemplateError): string {
  const where: string[] = [];
  if (e.template) where.push(e.template);
  if (e.line !== undefined) where.push(`line ${e.line}${e.column !== undefined ? `, column ${e.column}` : ''}`);
  return where.length ? `${where.join(' ')}: ${e.message}` : e.message;
}

/** 1-based line/column of a 0-based offset in `text`. */
export { lineColumnAt } from '../../../shared/json-locate.js';

/** 0-based offset of a 1-based line and 0-based column in `text`. */
export function offsetOf(text: string, line: number, column0: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return Math.min(offset + column0, text.length);
}
