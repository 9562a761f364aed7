// Template problems of one step (from the preview and the service's validation), listed
// under its template editors; shared by the Add/Remove and Audience tabs.
import type { Issue } from '../../../shared/issues.js';
import { describeWhere, issueLocation } from '../../editor/issues.js';
import { useStudio } from '../../state/studio.js';

/** Preview and validation issues that sit in this step's templates. */
export function useTemplateIssues(prefix: string): Issue[] {
  const preview = useStudio((s) => s.preview);
  const server = useStudio((s) => s.serverIssues);
  const all = [...(preview?.issues ?? []), ...server];
  const seen = new Set<string>();
  return all.filter((i) => {
    const loc = issueLocation(i);
    if (!loc || !loc.template.startsWith(`${prefix}.`)) return false;
    const key = `${loc.template}:${loc.line}:${loc.column}:${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function TemplateIssueList({ issues }: { issues: Issue[] }) {
  const server = useStudio((s) => s.serverIssues);
  // Validation may report the same problem on the field itself: show it once, there.
  const onField = new Set(server.map((i) => `${i.path}|${i.message}`));
  const shown = issues.filter((i) => {
    const loc = issueLocation(i);
    return !(loc && onField.has(`destination.${loc.template}|${i.message}`));
  });
  if (shown.length === 0) return null;
  return (
    <ul className="issue-list wide" aria-label="Template problems">
      {shown.map((i, n) => (
        <li key={n} className="issue">
          <span className="where mono">{describeWhere(i)}</span> {messageWithoutPlace(i)}
        </li>
      ))}
    </ul>
  );
}

/**
 * The planner appends ` (line L, column C)` to a template error's message for the CLI; the
 * list names the place already (describeWhere), so the same place is not printed twice.
 */
export function messageWithoutPlace(issue: Issue): string {
  const loc = issueLocation(issue);
  if (!loc || loc.line === undefined) return issue.message;
  const suffix = ` (line ${loc.line}, column ${loc.column ?? 1})`;
  return issue.message.endsWith(suffix) ? issue.message.slice(0, -suffix.length) : issue.message;
}

/**
 * Errors about the children of a field that has no row per child (a header value with
 * CR/LF is reported at `destination.headers.X-Api-Key`): listed beside the field, named.
 */
export function ChildFieldErrors({ prefix, noun }: { prefix: string; noun: string }) {
  const server = useStudio((s) => s.serverIssues);
  const form = useStudio((s) => s.formIssues);
  const preview = useStudio((s) => s.preview?.issues);
  const seen = new Set<string>();
  const rows = [...form, ...server, ...(preview ?? [])].filter((i) => {
    if (!i.path.startsWith(`${prefix}.`)) return false;
    const id = `${i.path}|${i.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  if (rows.length === 0) return null;
  return (
    <ul className="field-errors" role="alert" aria-label={`${noun} problems`}>
      {rows.map((i) => (
        <li key={`${i.path}|${i.message}`}>
          {noun} <span className="mono">{i.path.slice(prefix.length + 1)}</span>: {i.message}
        </li>
      ))}
    </ul>
  );
}
