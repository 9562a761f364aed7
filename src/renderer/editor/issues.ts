// Which preview/validation issues belong to which template editor, and where.
import type { Issue } from '../../shared/issues.js';

export interface TemplateMarker {
  line: number;
  column: number;
  message: string;
}

/** `destination.add.bodyTemplate` and `add.bodyTemplate` name the same template. */
export function normalizeTemplateId(id: string): string {
  return id.replace(/^destination\./, '');
}

/** The issue's template id and position, from its fields or a `template:line:column` path. */
export function issueLocation(issue: Issue): { template: string; line?: number; column?: number } | undefined {
  if (issue.template) {
    return { template: normalizeTemplateId(issue.template), line: issue.line, column: issue.column };
  }
  const m = /^(.+?):(\d+):(\d+)$/.exec(issue.path);
  if (m) return { template: normalizeTemplateId(m[1]!), line: Number(m[2]), column: Number(m[3]) };
  return undefined;
}

/** Markers for one template editor; an issue without a position marks the first column. */
export function markersFor(issues: readonly Issue[], templateId: string): TemplateMarker[] {
  const out: TemplateMarker[] = [];
  for (const issue of issues) {
    const loc = issueLocation(issue);
    if (!loc || loc.template !== templateId) continue;
    out.push({ line: loc.line ?? 1, column: loc.column ?? 1, message: issue.message });
  }
  return out;
}

/** Human place of an issue: `add.bodyTemplate line 3, column 14` or its field path. */
export function describeWhere(issue: Issue): string {
  const loc = issueLocation(issue);
  if (!loc) return issue.path;
  if (loc.line === undefined) return loc.template;
  return `${loc.template} line ${loc.line}, column ${loc.column ?? 1}`;
}
