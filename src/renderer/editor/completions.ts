// Field-name completion for Handlebars templates. Pure: given the text before the cursor
// and the preview's mapped records, say what may come next. Monaco's provider wraps it.
import { TEMPLATE_HELPER_DOCS } from '../../shared/template-helpers.js';

export interface Completion {
  label: string;
  detail: string;
  kind: 'field' | 'variable' | 'helper';
}

export const TOP_LEVEL_VARS: Completion[] = [
  { label: 'audience_name', detail: 'the audience name', kind: 'variable' },
  { label: 'audience_id', detail: 'the audience id', kind: 'variable' },
  { label: 'organization_name', detail: 'the organization name', kind: 'variable' },
  { label: 'remote_audience', detail: 'found or created audience (get/create step)', kind: 'variable' },
];

const HELPERS: Completion[] = [
  ...TEMPLATE_HELPER_DOCS.map((h): Completion => ({ label: h.name, detail: `{{${h.signature}}}: ${h.summary}`, kind: 'helper' })),
  { label: '#each', detail: 'loop: {{#each users}}…{{/each}}', kind: 'helper' },
  { label: '#if', detail: 'condition', kind: 'helper' },
  { label: '#unless', detail: 'negated condition, e.g. {{#unless @last}},{{/unless}}', kind: 'helper' },
];

const LOOP_VARS: Completion[] = [
  { label: '@index', detail: 'position in the loop', kind: 'variable' },
  { label: '@first', detail: 'true on the first item', kind: 'variable' },
  { label: '@last', detail: 'true on the last item', kind: 'variable' },
  { label: 'this', detail: 'the current item', kind: 'variable' },
];

/** Dotted paths of the records' fields (nested objects one level down), in first-seen order. */
export function recordFields(records: ReadonlyArray<{ data: Record<string, unknown> }>, prefix = ''): string[] {
  const seen = new Set<string>();
  const walk = (value: unknown, path: string, depth: number) => {
    if (!value || typeof value !== 'object' || Array.isArray(value) || depth > 2) return;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const p = path ? `${path}.${k}` : k;
      seen.add(p);
      walk(v, p, depth + 1);
    }
  };
  for (const r of records.slice(0, 50)) walk(r.data, '', 0);
  const all = [...seen];
  if (!prefix) return all.filter((p) => !p.includes('.'));
  // Children of `prefix` only, as the segment that follows it.
  return all
    .filter((p) => p.startsWith(`${prefix}.`))
    .map((p) => p.slice(prefix.length + 1))
    .filter((p) => !p.includes('.'));
}

/** Depth of open `{{#each}}` blocks before the cursor. */
function eachDepth(text: string): number {
  const opens = text.match(/\{\{~?#each\b/g)?.length ?? 0;
  const closes = text.match(/\{\{~?\/each\s*~?\}\}/g)?.length ?? 0;
  return Math.max(0, opens - closes);
}

/**
 * What to offer at the cursor. Returns [] outside `{{ … }}`. After `user.` (or
 * `users.`/a nested path) offers that object's fields; inside `{{#each}}` offers the
 * item's fields and loop variables; elsewhere the top-level variables and helpers.
 */
export function completionsAt(
  textBefore: string,
  records: ReadonlyArray<{ data: Record<string, unknown> }>,
): Completion[] {
  const open = textBefore.lastIndexOf('{{');
  if (open < 0 || textBefore.indexOf('}}', open) >= 0) return [];
  const inside = textBefore.slice(open + 2).replace(/^~?\s*/, '');
  const token = /[\w.@]*$/.exec(inside)?.[0] ?? '';
  const field = (label: string): Completion => ({ label, detail: 'record field', kind: 'field' });

  const dot = token.lastIndexOf('.');
  if (dot >= 0) {
    const base = token.slice(0, dot);
    const [head, ...rest] = base.split('.');
    if (head === 'user' || head === 'this') return recordFields(records, rest.join('.')).map(field);
    if (head === 'remote_audience') {
      return ['id', 'name'].map((label) => ({ label, detail: 'from the get/create response', kind: 'variable' }));
    }
    // Inside an each block a bare nested path is an item field.
    if (eachDepth(textBefore) > 0) return recordFields(records, base).map(field);
    return [];
  }

  // Right after `#each ` the useful word is `users`.
  if (/#each\s+\w*$/.test(inside)) return [{ label: 'users', detail: 'the batch of records', kind: 'variable' }];

  const out: Completion[] = [];
  if (eachDepth(textBefore) > 0) out.push(...recordFields(records).map(field), ...LOOP_VARS);
  out.push(
    { label: 'user', detail: 'the record (individual mode)', kind: 'variable' },
    { label: 'users', detail: 'the records (batched mode)', kind: 'variable' },
    ...TOP_LEVEL_VARS,
    ...HELPERS,
  );
  return out;
}

/** Whether the cursor (end of `textBefore`) is inside an unclosed `{{`. */
function insideMustache(textBefore: string): boolean {
  const open = textBefore.lastIndexOf('{{');
  return open >= 0 && textBefore.indexOf('}}', open) < 0;
}

/**
 * The hover for `word` at the end of `textBefore` (the text up to the word's end): a helper's
 * signature, what it does and an example, in Markdown; null outside a mustache or for
 * anything that is not a helper.
 */
export function hoverAt(textBefore: string, word: string): string[] | null {
  if (!insideMustache(textBefore)) return null;
  const h = TEMPLATE_HELPER_DOCS.find((d) => d.name === word);
  if (!h) return null;
  return ['`{{' + h.signature + '}}`', h.doc, 'Example: `' + h.example + '`'];
}
