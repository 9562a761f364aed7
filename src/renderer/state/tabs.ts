// The destination editor's tabs, and which tab shows a given config path, so tabs can
// badge their error counts and an issue in the list can jump to its tab.
import type { Issue } from '../../shared/issues.js';
import { issueLocation } from '../editor/issues.js';

export const TABS = ['Setup', 'Auth', 'Audience', 'Add', 'Remove', 'Errors', 'Schedule'] as const;
export type Tab = (typeof TABS)[number];

export function tabForPath(path: string): Tab {
  const p = path.replace(/^destination\./, '');
  if (/^(headers|oauth|signing|network)\b/.test(p)) return 'Auth';
  if (/^(audience|getAudience|createAudience)\b/.test(p)) return 'Audience';
  if (/^add\b/.test(p)) return 'Add';
  if (/^remove\b/.test(p)) return 'Remove';
  if (/^schedule\b/.test(p)) return 'Schedule';
  if (/^(retryOnErrors|maxAttempts|retry|requestsPerHour|concurrency|timeoutMs|idempotencyKey)\b/.test(p)) return 'Errors';
  return 'Setup';
}

export function tabForIssue(issue: Issue): Tab {
  const loc = issueLocation(issue);
  if (loc) return tabForPath(loc.template);
  // Record-level issues ("record p-1") name the template in their message.
  const named = /\b(?:destination\.)?((?:add|remove|getAudience|createAudience)\.\w+)/.exec(issue.message);
  return tabForPath(named ? named[1]! : issue.path);
}

export function countByTab(issues: readonly Issue[]): Record<Tab, number> {
  const out: Record<Tab, number> = { Setup: 0, Auth: 0, Audience: 0, Add: 0, Remove: 0, Errors: 0, Schedule: 0 };
  // The same message from validation and from the preview counts once.
  const seen = new Set<string>();
  for (const i of issues) {
    const tab = tabForIssue(i);
    const key = `${tab}|${i.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out[tab]++;
  }
  return out;
}

/**
 * Which planned request the preview should show for the tab being edited: the current
 * one if it belongs to the tab's step, else the first of that step, else the current.
 */
export function requestIndexForTab(
  requests: ReadonlyArray<{ step: string }>,
  tab: Tab,
  current: number,
): number {
  const steps: Partial<Record<Tab, string[]>> = {
    Add: ['add'],
    Remove: ['remove'],
    Audience: ['getAudience', 'createAudience'],
  };
  const clamped = Math.min(Math.max(0, current), Math.max(0, requests.length - 1));
  const wanted = steps[tab];
  if (!wanted) return clamped;
  if (wanted.includes(requests[clamped]?.step ?? '')) return clamped;
  const first = requests.findIndex((r) => wanted.includes(r.step));
  return first >= 0 ? first : clamped;
}
