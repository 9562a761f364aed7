// Keeps the preview in step with the form. No fixed pause: an edit starts a preview at
// once, edits made while it runs fold into one more preview started as soon as it returns
// (the latest edit wins), and an answer an edit has superseded is dropped (lib/latest.ts).
// It also keeps the pane honest: a destination switch clears the old destination's
// requests, and a Send this one answer is cleared when the request it answered changes.
import { create } from 'zustand';
import { api, errorText } from '../api.js';
import { coalescing, latestOnly } from '../lib/latest.js';
import { useStudio, type StudioState } from './studio.js';
import { STEP_NAMES } from '../../shared/config.js';
import type { AudienceResolution, PreviewRequestView, PreviewResult } from '../../shared/api.js';
import { requestIndexForTab } from './tabs.js';

const PREVIEW_LIMIT = 20;
const validateCalls = latestOnly();
const resolveCalls = latestOnly();

/** The remote audience "Resolve now" found, for the config it was found with. */
export interface ResolvedAudience {
  /** The config it was resolved for: an edit to the audience steps makes it stale. */
  key: string;
  result?: AudienceResolution;
  pending: boolean;
  error?: string;
}

export const usePreviewExtras = create<{ resolved: ResolvedAudience | null }>()(() => ({ resolved: null }));

/** What decides the remote audience: the audience and its get step, the headers, the auth. */
function audienceKey(config: StudioState['config']): string {
  const d = (config as { destination?: Record<string, unknown> }).destination ?? {};
  return JSON.stringify([config.audience, d['getAudience'], d['headers'], d['oauth']]);
}

/** What Resolve now found, while it still belongs to the config being edited. */
export function useResolvedAudience(): ResolvedAudience | null {
  const resolved = usePreviewExtras((s) => s.resolved);
  const config = useStudio((s) => s.config);
  return resolved && resolved.key === audienceKey(config) ? resolved : null;
}

/** The resolved remote audience, when it still belongs to the config. */
function resolvedFor(config: StudioState['config']): unknown {
  const r = usePreviewExtras.getState().resolved;
  return r && r.key === audienceKey(config) && r.result?.found ? r.result.value : undefined;
}

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

/** A request's identity as sent: an answer belongs to exactly this. */
export function requestSignature(r: PreviewRequestView | undefined): string {
  return r ? JSON.stringify([r.method, r.url, r.headers, r.body ?? null]) : '';
}

/** The `index`-th request of `step` in a preview. */
function nthOfStep(requests: readonly PreviewRequestView[], step: string, index: number): PreviewRequestView | undefined {
  return requests.filter((r) => r.step === step)[index];
}

function startValidate(config: StudioState['config']): void {
  // Server-side checks (env references, template syntax) need no sample set.
  void validateCalls
    .run(() => api().validateConfig(config))
    .then((r) => {
      if (!r.stale) useStudio.setState({ serverIssues: r.value });
    })
    .catch(() => undefined);
}

const previews = coalescing(
  async (): Promise<PreviewResult | null> => {
    const { config, selectedSetId } = useStudio.getState();
    startValidate(config);
    if (!selectedSetId) return null;
    useStudio.setState({ previewPending: true });
    const remoteAudience = resolvedFor(config);
    return api().preview({ config, setId: selectedSetId, limit: PREVIEW_LIMIT, ...(remoteAudience !== undefined ? { remoteAudience } : {}) });
  },
  {
    answer(value) {
      if (!value) {
        useStudio.setState({ previewPending: false });
        return;
      }
      useStudio.setState((s) => ({
        preview: value,
        lastByStep: rememberByStep(s.lastByStep, value.requests),
        previewPending: false, // an answer is applied only when no newer edit is waiting
        previewError: undefined,
        selectedRequest: requestIndexForTab(value.requests, s.tab, s.selectedRequest),
      }));
    },
    failure(err) {
      useStudio.setState({ previewPending: false, previewError: errorText(err) });
    },
  },
);

/** Runs a preview now (Ctrl/Cmd+Enter), or right after the one in flight. */
export function previewNow(): void {
  previews.request();
}

/**
 * "Resolve now": runs the read-only get-audience step against the endpoint and previews
 * with what it found, so `remote_audience.*` shows the values a run would send.
 */
export async function resolveAudience(): Promise<void> {
  const { config } = useStudio.getState();
  const key = audienceKey(config);
  usePreviewExtras.setState({ resolved: { key, pending: true } });
  try {
    const r = await resolveCalls.run(() => api().resolveAudience({ config }));
    if (r.stale) return;
    usePreviewExtras.setState({ resolved: { key, pending: false, result: r.value } });
  } catch (err) {
    usePreviewExtras.setState({ resolved: { key, pending: false, error: errorText(err) } });
  }
  previewNow();
}

/** A destination was opened, created from a preset or imported (not an edit, not a save). */
function switchedDestination(prev: StudioState, next: StudioState): boolean {
  if (next.config === prev.config) return false;
  return next.currentId !== prev.currentId || next.savedSnapshot !== prev.savedSnapshot;
}

/** Wires the studio state to the preview; returns the unsubscribe. */
export function startPreviewSync(): () => void {
  let prev = useStudio.getState();
  let sentSignature = '';
  const unsubscribe = useStudio.subscribe((state) => {
    const before = prev;
    prev = state;
    if (switchedDestination(before, state)) {
      // The old destination's requests, answers and audience say nothing about this one.
      previews.invalidate();
      usePreviewExtras.setState({ resolved: null });
      useStudio.setState({ preview: null, lastByStep: {}, sent: null, selectedRequest: 0, previewError: undefined });
      previews.request();
      return;
    }
    // Remember which request a Send this one answers; clear the answer once it changes.
    if (state.sent !== before.sent && state.sent?.pending) {
      sentSignature = requestSignature(nthOfStep(state.preview?.requests ?? [], state.sent.step, state.sent.index));
    }
    const answered = state.sent !== before.sent && state.sent && !state.sent.pending;
    if (state.sent && state.preview && (answered || state.preview !== before.preview)) {
      const now = requestSignature(nthOfStep(state.preview.requests, state.sent.step, state.sent.index));
      if (now !== sentSignature) {
        useStudio.setState({ sent: null });
        return;
      }
    }
    if (state.config !== before.config || state.selectedSetId !== before.selectedSetId) previews.request();
  });
  previewNow();
  return () => {
    unsubscribe();
    previews.invalidate();
  };
}
