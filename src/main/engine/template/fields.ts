// Which record fields a template reads, from the Handlebars AST, and the checks a studio
// runs as you type: unknown fields, the wrong mode for the step, misspelled variables.
import { closestName } from '../../../shared/suggest.js';
import { templateEnv, TEMPLATE_HELPERS } from './env.js';
import { helperCallProblem } from './helpers.js';
import { originalOffset, rewriteTemplate, SITE_HELPER, type Rewritten } from './rewrite.js';
import { lineColumnAt, offsetOf, type TemplateError, type TemplateKind } from './types.js';

export interface TemplateField {
  /** `email` for {{user.email}} or {{email}} in {{#each users}}; the full path for 'top'. */
  path: string;
  scope: 'user' | 'users' | 'top';
  line: number;
  column: number;
}

export type FieldMode = 'individual' | 'batched' | 'audience';

const TOP_VARIABLES = ['audience_name', 'audience_id', 'organization_name', 'remote_audience'] as const;
const HELPER_NAMES = new Set<string>([...TEMPLATE_HELPERS, ...Object.values(SITE_HELPER), '__lit', '__jraw']);

type Scope = 'top' | 'users' | 'user' | 'other';

/** The slice of Handlebars' AST this walk reads (its typings keep these in a global namespace). */
declare namespace AST {
  interface SourceLocation {
    start: { line: number; column: number };
  }
  interface Node {
    type: string;
    loc: SourceLocation;
  }
  interface PathExpression extends Node {
    data: boolean;
    depth: number;
    parts: Array<string | number>;
    original: string;
  }
  type Expression = Node;
  interface Hash {
    pairs: Array<{ key: string; value: Expression }>;
  }
  interface SubExpression extends Node {
    path: Expression;
    params: Expression[];
    hash?: Hash;
  }
  type MustacheStatement = SubExpression;
  interface BlockStatement extends SubExpression {
    program?: Program;
    inverse?: Program;
  }
  type Statement = Node;
  interface Program {
    body: Statement[];
  }
}

function walk(rw: Rewritten, source: string): TemplateField[] {
  const ast = templateEnv.parse(rw.source) as unknown as AST.Program;
  const out: TemplateField[] = [];
  const at = (loc: AST.SourceLocation): { line: number; column: number } =>
    lineColumnAt(source, originalOffset(rw.segments, offsetOf(rw.source, loc.start.line, loc.start.column)));

  const path = (p: AST.PathExpression, scope: Scope): void => {
    if (p.data || p.parts.length === 0) return;
    if (p.depth === 0 && p.parts.length === 1 && HELPER_NAMES.has(String(p.parts[0]))) return;
    const parts = p.parts.map(String);
    if (scope === 'users' || scope === 'user') {
      if (p.depth > 0) {
        // ../x leaves the each/with: x is read from the top level.
        if (p.depth === 1 && parts.length) out.push({ path: parts.join('.'), scope: 'top', ...at(p.loc) });
        return;
      }
      if (parts.length) out.push({ path: parts.join('.'), scope, ...at(p.loc) });
      return;
    }
    if (scope !== 'top' || p.depth > 0 || parts.length === 0) return;
    const [head, ...rest] = parts;
    if (head === 'user' && rest.length) out.push({ path: rest.join('.'), scope: 'user', ...at(p.loc) });
    else out.push({ path: parts.join('.'), scope: 'top', ...at(p.loc) });
  };

  const expr = (n: AST.Expression, scope: Scope): void => {
    if (n.type === 'PathExpression') path(n as AST.PathExpression, scope);
    else if (n.type === 'SubExpression') call(n as AST.SubExpression, scope);
  };

  const call = (n: { path: AST.PathExpression | AST.Expression; params: AST.Expression[]; hash?: AST.Hash }, scope: Scope): void => {
    const p = n.path as AST.PathExpression;
    const isCall = n.params.length > 0 || (n.hash?.pairs.length ?? 0) > 0 || HELPER_NAMES.has(p.original);
    if (!isCall) expr(n.path as AST.Expression, scope);
    for (const q of n.params) expr(q, scope);
    for (const pair of n.hash?.pairs ?? []) expr(pair.value, scope);
  };

  const program = (prog: AST.Program | undefined, scope: Scope): void => {
    for (const s of prog?.body ?? []) statement(s, scope);
  };

  const statement = (s: AST.Statement, scope: Scope): void => {
    if (s.type === 'MustacheStatement') {
      call(s as AST.MustacheStatement, scope);
    } else if (s.type === 'BlockStatement') {
      const b = s as AST.BlockStatement;
      call(b, scope);
      const name = (b.path as AST.PathExpression).original;
      const first = b.params[0] as AST.PathExpression | undefined;
      const target = first?.type === 'PathExpression' && first.depth === 0 && !first.data ? first.original : undefined;
      let inner: Scope = scope;
      if (name === 'each') inner = scope === 'top' && target === 'users' ? 'users' : 'other';
      else if (name === 'with') inner = scope === 'top' && target === 'user' ? 'user' : 'other';
      program(b.program, inner);
      program(b.inverse, scope);
    }
  };

  program(ast, 'top');
  return out;
}

/** The record fields and top-level variables a template reads, with their line/column. */
export function templateFields(source: string, kind: TemplateKind): TemplateField[] {
  const rw = rewriteTemplate(source, kind);
  if ('message' in rw) return [];
  try {
    return walk(rw, source);
  } catch {
    return []; // a syntax error: compileTemplate reports it
  }
}

function suggest(word: string, names: readonly string[]): string {
  const best = closestName(word, names);
  return best !== undefined ? `; did you mean "${best}"?` : '';
}

/**
 * Errors for fields no record can have (first segment not in `knownFields`; null skips
 * that check), record access in the wrong mode for the step, and unknown variables.
 * `audience` mode is for the get/create audience templates, which see no records.
 */
export function checkTemplateFields(source: string, kind: TemplateKind, mode: FieldMode, knownFields: readonly string[] | null): TemplateError[] {
  const rw = rewriteTemplate(source, kind);
  if ('message' in rw) return [rw];
  let fields: TemplateField[];
  try {
    fields = walk(rw, source);
  } catch {
    return [];
  }
  const errors: TemplateError[] = [];
  const seen = new Set<string>();
  const once = (key: string, e: TemplateError): void => {
    if (seen.has(key)) return;
    seen.add(key);
    errors.push(e);
  };
  const variables: string[] = [...TOP_VARIABLES];
  if (mode === 'individual') variables.push('user');
  if (mode === 'batched') variables.push('users');

  for (const f of fields) {
    const where = { line: f.line, column: f.column };
    const head = f.path.split('.')[0]!;
    if (f.scope === 'top') {
      if ((TOP_VARIABLES as readonly string[]).includes(head) || variables.includes(head)) continue;
      if (head === 'user' || head === 'users') {
        once(`mode:${head}`, {
          message:
            mode === 'audience'
              ? `"${head}" is not available here: audience steps see no records (only ${TOP_VARIABLES.join(', ')})`
              : head === 'user'
                ? `"user" is only available in individual mode; in batched mode use {{#each users}}...{{field}}...{{/each}}`
                : `"users" is only available in batched mode; in individual mode use {{user.field}}`,
          ...where,
        });
        continue;
      }
      once(`var:${head}`, { message: `"${head}" is not a template variable (available: ${variables.join(', ')})${suggest(head, variables)}`, field: head, ...where });
      continue;
    }
    if (mode === 'audience') {
      once(`mode:${f.scope}`, { message: `"${f.scope === 'user' ? 'user.' : ''}${f.path}" is not available here: audience steps see no records`, field: head, ...where });
      continue;
    }
    if (f.scope === 'user' && mode === 'batched') {
      once('mode:user', { message: `"user.${f.path}" is only available in individual mode; in batched mode use {{#each users}}...{{${f.path}}}...{{/each}}`, field: head, ...where });
      continue;
    }
    if (f.scope === 'users' && mode === 'individual') {
      once('mode:users', { message: `{{#each users}} is only available in batched mode; in individual mode use {{user.${f.path}}}`, field: head, ...where });
      continue;
    }
    if (knownFields && !knownFields.includes(head)) {
      once(`field:${head}`, { message: `"${head}" is not a record field (known: ${knownFields.join(', ') || 'none'})${suggest(head, knownFields)}`, field: head, ...where });
    }
  }
  return errors;
}

/**
 * The first call of a helper that does not exist (`{{nosuch id}}`, `{{#nosuch x}}`,
 * `(nosuch x)`), located in the original template; null when every call names a helper.
 * Handlebars would only fail when rendering, record by record.
 */
export function checkHelpers(ast: unknown, rw: Rewritten, source: string): TemplateError | null {
  let found: TemplateError | null = null;
  const visit = (n: AST.Node | undefined): void => {
    if (!n || found) return;
    if (n.type === 'MustacheStatement' || n.type === 'BlockStatement' || n.type === 'SubExpression') {
      const c = n as AST.BlockStatement;
      const p = c.path as AST.PathExpression;
      const isCall = n.type === 'SubExpression' || c.params.length > 0 || (c.hash?.pairs.length ?? 0) > 0;
      if (isCall && p.type === 'PathExpression' && !HELPER_NAMES.has(p.original)) {
        const near = closestName(p.original, TEMPLATE_HELPERS);
        const at = lineColumnAt(source, originalOffset(rw.segments, offsetOf(rw.source, p.loc.start.line, p.loc.start.column)));
        found = { message: `unknown helper "${p.original}" (helpers: ${TEMPLATE_HELPERS.join(', ')})${near ? `; did you mean "${near}"?` : ''}`, ...at };
        return;
      }
      if (isCall && p.type === 'PathExpression') {
        const literal = (i: number): string | undefined => {
          const q = c.params[i] as (AST.Node & { value?: unknown }) | undefined;
          return q?.type === 'StringLiteral' && typeof q.value === 'string' ? q.value : undefined;
        };
        const problem = helperCallProblem(p.original, c.params.length, literal, (c.hash?.pairs ?? []).map((x) => x.key));
        if (problem) {
          found = { message: problem, ...lineColumnAt(source, originalOffset(rw.segments, offsetOf(rw.source, p.loc.start.line, p.loc.start.column))) };
          return;
        }
      }
      for (const q of c.params) visit(q);
      for (const pair of c.hash?.pairs ?? []) visit(pair.value);
      for (const s of c.program?.body ?? []) visit(s);
      for (const s of c.inverse?.body ?? []) visit(s);
    }
  };
  for (const s of (ast as AST.Program).body) visit(s);
  return found;
}
