// Keeps the preview in step with the form: ~150 ms after the last edit it asks the
// service for the planned requests; only the newest answer is shown, so a slow reply to
// an old keystroke never overwrites a newer one. Typing never waits on any of this.
import { api, errorText } from '../api.js';
import { debounce, latestOnly } from '../lib/latest.js';
import { useStudio, type StudioState } from './studio.js';
import { STEP_NAMES } from '../../shared/config.js';
import type { PreviewResult } from '../../shared/api.js';
import { requestIndexForTab } from './tabs.js';

const PREVIEW_LIMIT = 20;
const previewCalls = latestOnly();
const validateCalls = latestOnly();

/** Keeps, per step, the newest requests that step planned. */
function rememberByStep(
  last: StudioState['lastByStep'],
  requests: PreviewResult['requests'],
): StudioState['lastByStep'] {
  const next = { ...last };
  for (const step of STEP_NAMES) {
    const mine = requests.filter((r) => r.step === step);
    if (mine.length > 0) next[step] = mine;
  }
  return next;
}

async function runPreview(): Promise<void> {
  const { config, selectedSetId } = useStudio.getState();
  // Server-side checks (env references, template syntax) need no sample set.
  void validateCalls
    .run(() => api().validateConfig(config))
    .then((r) => {
      if (!r.stale) useStudio.setState({ serverIssues: r.value });
    })
    .catch(() => undefined);

  if (!selectedSetId) {
    useStudio.setState({ previewPending: false });
    return;
  }
  useStudio.setState({ previewPending: true });
  try {
    const r = await previewCalls.run(() => api().preview({ config, setId: selectedSetId, limit: PREVIEW_LIMIT }));
    if (r.stale) return;
    useStudio.setState((s) => ({
      preview: r.value,
      lastByStep: rememberByStep(s.lastByStep, r.value.requests),
      previewPending: false,
      previewError: undefined,
      selectedRequest: requestIndexForTab(r.value.requests, s.tab, s.selectedRequest),
    }));
  } catch (err) {
    useStudio.setState({ previewPending: false, previewError: errorText(err) });
  }
}

const scheduled = debounce(() => void runPreview(), 150);

/** Runs a pending preview now (Ctrl/Cmd+Enter) or starts one. */
export function previewNow(): void {
  scheduled.cancel();
  void runPreview();
}

/** Wires the studio state to the preview; returns the unsubscribe. */
export function startPreviewSync(): () => void {
  let lastConfig = useStudio.getState().config;
  let lastSet = useStudio.getState().selectedSetId;
  const unsubscribe = useStudio.subscribe((state) => {
    if (state.config === lastConfig && state.selectedSetId === lastSet) return;
    lastConfig = state.config;
    lastSet = state.selectedSetId;
    scheduled();
  });
  previewNow();
  return () => {
    unsubscribe();
    scheduled.cancel();
  };
}
