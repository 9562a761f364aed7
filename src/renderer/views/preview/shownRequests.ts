// Which planned requests the preview shows (the current ones, or the last a broken step
// planned, marked stale), how a step is named, and where a request sits within its step.
import { useMemo } from 'react';
import type { PreviewRequestView } from '../../../shared/api.js';
import { STEP_NAMES, type StepName } from '../../../shared/config.js';
import { useStudio } from '../../state/studio.js';
import type { Tab } from '../../state/tabs.js';

// Stable empty: a selector returning a fresh [] would re-render forever.
const NONE_REQUESTS: PreviewRequestView[] = [];

export const STEP_LABEL: Record<string, string> = {
  getAudience: 'get audience',
  createAudience: 'create audience',
  add: 'add',
  remove: 'remove',
};

/** Index of a request among the requests of its own step (what sendPreviewed takes). */
export function indexWithinStep(requests: readonly PreviewRequestView[], at: number): number {
  const step = requests[at]?.step;
  let n = 0;
  for (let i = 0; i < at; i++) if (requests[i]?.step === step) n++;
  return n;
}

/** The steps whose requests each editor tab shows. */
const TAB_STEPS: Partial<Record<Tab, readonly StepName[]>> = {
  Add: ['add'],
  Remove: ['remove'],
  Audience: ['getAudience', 'createAudience'],
};

/**
 * The requests to show: the current preview's, or, while a half-typed template plans
 * nothing, the last ones that planned (marked stale) so the pane does not jump.
 */
export function useShownRequests(): { requests: PreviewRequestView[]; stale: boolean } {
  const preview = useStudio((s) => s.preview);
  const lastByStep = useStudio((s) => s.lastByStep);
  const tab = useStudio((s) => s.tab);
  return useMemo(() => {
    if (!preview) return { requests: NONE_REQUESTS, stale: false };
    if (preview.issues.length > 0) {
      // The step being edited planned nothing (its template is broken mid-edit): show what
      // it planned last, marked stale, rather than another step's requests.
      const steps = TAB_STEPS[tab] ?? (preview.requests.length === 0 ? STEP_NAMES : undefined);
      if (steps && !preview.requests.some((r) => steps.includes(r.step))) {
        const last = steps.flatMap((s) => lastByStep[s] ?? []);
        if (last.length > 0) return { requests: last, stale: true };
      }
    }
    return { requests: preview.requests, stale: false };
  }, [preview, lastByStep, tab]);
}
