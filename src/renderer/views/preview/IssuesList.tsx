// The Problems list: the form's and the preview's issues, grouped (one row per message,
// saying how many records share it); each names its place and jumps to its editor tab.
import type { Issue } from '../../../shared/issues.js';
import { describeWhere } from '../../editor/issues.js';
import { actions, useStudio } from '../../state/studio.js';
import { tabForIssue } from '../../state/tabs.js';

// Stable empty: a selector returning a fresh [] would re-render forever.
const NONE_ISSUES: Issue[] = [];

/** Same message for many records ⇒ one row saying how many, so 40 records don't bury the rest. */
export function groupIssues(issues: readonly Issue[]): Array<{ issue: Issue; count: number }> {
  const groups = new Map<string, { issue: Issue; count: number }>();
  const exact = new Set<string>();
  for (const issue of issues) {
    // Validation and preview may both report the same field: that is one problem.
    const id = `${issue.path}|${issue.message}`;
    if (exact.has(id)) continue;
    exact.add(id);
    const key = `${issue.template ?? ''}|${issue.line ?? ''}|${issue.column ?? ''}|${issue.message}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { issue, count: 1 });
  }
  return [...groups.values()];
}

/** How many problems the list shows (the same field reported twice counts once). */
export function problemCount(formIssues: readonly Issue[], previewIssues: readonly Issue[]): number {
  return groupIssues([...formIssues, ...previewIssues]).reduce((n, g) => n + g.count, 0);
}

export function IssuesList() {
  const issues = useStudio((s) => s.preview?.issues ?? NONE_ISSUES);
  const formIssues = useStudio((s) => s.formIssues);
  const all = [...formIssues, ...issues];
  if (all.length === 0) return null;
  const groups = groupIssues(all);
  return (
    <section className="issues" aria-label="Problems">
      <h3>Problems ({problemCount(formIssues, issues)})</h3>
      <ul className="issue-list">
        {groups.slice(0, 30).map(({ issue: i, count }, n) => (
          <li key={n} className="issue">
            <button type="button" className="link" onClick={() => actions.setTab(tabForIssue(i))}>
              <span className="where mono">{describeWhere(i)}</span>
            </button>
            {count > 1 && <span className="muted"> and {count - 1} more</span>} {i.message}
          </li>
        ))}
      </ul>
      {groups.length > 30 && <div className="muted">{groups.length - 30} more kinds of problem not shown</div>}
    </section>
  );
}
