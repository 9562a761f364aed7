// The renderer's run view state (`useRunView`, its actions `runViewActions`): the run being
// watched, history, the requests filter and the request open in the detail pane. Live
// progress is polled (one small aggregated snapshot every 250 ms), never pushed per
// record, so the window stays responsive at full engine speed.
import type { SyncMode } from '../../shared/config.js';
import { create } from 'zustand';
import type {
  DryRunResult,
  ReplayResult,
  RequestDetail,
  RequestFilterView,
  RunInputSpec,
  RunProgress,
  RunView,
} from '../../shared/api.js';
import { api, errorText } from '../api.js';
import { notify, useStudio } from './studio.js';

export const POLL_MS = 250;

export interface RunViewState {
  runs: RunView[];
  /** The run shown in the run view (live or from history). */
  runId: string | undefined;
  /** The run started in this session that the status bar follows. */
  activeRunId: string | undefined;
  progress: RunProgress | null;
  dry: DryRunResult | null;
  dryPending: boolean;
  starting: boolean;
  filter: RequestFilterView;
  /** Bumped to make the requests table reload its pages. */
  requestsVersion: number;
  requestId: number | undefined;
  detail: RequestDetail | null;
  replay: ReplayResult | null;
  replayPending: boolean;
  curl: string | null;
  /** Interrupted runs the launch banner offers; dismissed ones leave it. */
  dismissed: string[];
  /** What the dry run on screen was planned from (dryKey): when it differs, it is stale. */
  dryKey: string | null;
  /** The dry-run summary's tables are shown (opened by a dry run, folded when a run starts). */
  dryOpen: boolean;
  /** The run history list is unfolded. */
  historyOpen: boolean;
  /** Width of the request detail pane beside the log, px; null: the layout's default. */
  detailWidth: number | null;
}

export const useRunView = create<RunViewState>()(() => ({
  runs: [],
  runId: undefined,
  activeRunId: undefined,
  progress: null,
  dry: null,
  dryPending: false,
  starting: false,
  filter: {},
  requestsVersion: 0,
  requestId: undefined,
  detail: null,
  replay: null,
  replayPending: false,
  curl: null,
  dismissed: [],
  dryKey: null,
  dryOpen: false,
  historyOpen: false,
  detailWidth: storedDetailWidth(),
}));

const DETAIL_WIDTH_KEY = 'outbound.runs.detailWidth';

function storedDetailWidth(): number | null {
  try {
    const n = Number(globalThis.localStorage?.getItem(DETAIL_WIDTH_KEY));
    return Number.isFinite(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/**
 * What a dry run depends on: the destination's config (the editor's own when it is the one
 * being edited, else the saved one, known by its save time) and the input. A dry run whose
 * key differs from the current one is stale.
 */
export function dryKeyOf(destinationId: string, input: RunInputSpec | null, sync?: SyncMode): string {
  const s = useStudio.getState();
  const config = destinationId === s.currentId ? JSON.stringify(s.config) : String(s.destinations.find((d) => d.id === destinationId)?.updatedAt ?? '');
  return `${destinationId}\n${JSON.stringify(input)}\n${config}${sync ? `\nsync:${sync}` : ''}`;
}

/** The config with the run's sync mode (the run view's choice, as `run --sync` does); none given: as it is. */
function withSync(config: unknown, sync: SyncMode | undefined): unknown {
  if (!sync || !config || typeof config !== 'object') return config;
  const { sync: _given, ...rest } = config as Record<string, unknown>;
  return sync === 'diff' ? { ...rest, sync: { mode: 'diff' } } : rest;
}

const set = useRunView.setState;
const get = useRunView.getState;

let timer: ReturnType<typeof setInterval> | undefined;

async function poll(): Promise<void> {
  const runId = get().activeRunId ?? get().runId;
  if (!runId) return;
  try {
    const progress = await api().runProgress(runId);
    if (progress && (get().runId === runId || get().activeRunId === runId)) applyProgress(progress);
  } catch {
    // one missed poll is not worth a notice; the next one tries again
  }
}

/** Shows a snapshot; the first time a run is seen finished, reload its history and table. */
function applyProgress(progress: RunProgress): void {
  const wasLive = get().progress?.state !== 'finished';
  set({ progress });
  if (progress.state === 'finished' && wasLive) {
    stopPolling();
    set({ requestsVersion: get().requestsVersion + 1 });
    void runViewActions.refreshRuns();
  }
}

function startPolling(): void {
  stopPolling();
  timer = setInterval(() => void poll(), POLL_MS);
  void poll();
}

function stopPolling(): void {
  if (timer) clearInterval(timer);
  timer = undefined;
}

/** The config the run uses: the editor's own when it is the destination being edited. */
async function configOf(destinationId: string): Promise<unknown> {
  const s = useStudio.getState();
  if (destinationId === s.currentId) return s.config;
  const saved = await api().getDestination(destinationId);
  if (!saved) throw new Error(`destination ${destinationId} no longer exists`);
  return saved.config;
}

export const runViewActions = {
  async refreshRuns() {
    try {
      set({ runs: await api().listRuns() });
    } catch (err) {
      notify(`Could not list runs: ${errorText(err)}`, 'error');
    }
  },

  async dryRun(destinationId: string, input: RunInputSpec, sync?: SyncMode) {
    set({ dryPending: true, dry: null, dryKey: null });
    try {
      const key = dryKeyOf(destinationId, input, sync);
      set({ dry: await api().dryRun({ config: withSync(await configOf(destinationId), sync), input }), dryKey: key, dryOpen: true });
    } catch (err) {
      notify(`Dry run failed: ${errorText(err)}`, 'error');
    } finally {
      set({ dryPending: false });
    }
  },

  async start(destinationId: string, input: RunInputSpec, sync?: SyncMode) {
    set({ starting: true, dryOpen: false });
    try {
      const { runId } = await api().startRun({ config: withSync(await configOf(destinationId), sync), destinationId, input });
      follow(runId);
      void runViewActions.refreshRuns();
    } catch (err) {
      notify(`Could not start the run: ${errorText(err)}`, 'error');
    } finally {
      set({ starting: false });
    }
  },

  async pause() {
    const id = get().activeRunId;
    const p = id ? await api().pauseRun(id) : null;
    if (p) applyProgress(p);
  },
  async resume() {
    const id = get().activeRunId;
    const p = id ? await api().resumeRun(id) : null;
    if (p) applyProgress(p);
  },
  async cancel() {
    const id = get().activeRunId;
    const p = id ? await api().cancelRun(id) : null;
    if (p) applyProgress(p);
    void poll();
  },

  async resumeInterrupted(runId: string) {
    try {
      await api().resumeInterrupted(runId);
      follow(runId);
      useStudio.setState({ place: 'runs' });
      void runViewActions.refreshRuns();
    } catch (err) {
      notify(`Could not resume run ${runId.slice(0, 8)}: ${errorText(err)}`, 'error');
    }
  },

  async retryFailed(runId: string) {
    try {
      await api().retryFailed(runId);
      follow(runId);
      void runViewActions.refreshRuns();
    } catch (err) {
      notify(`Could not retry: ${errorText(err)}`, 'error');
    }
  },

  setDryOpen(open: boolean) {
    set({ dryOpen: open });
  },

  setHistoryOpen(open: boolean) {
    set({ historyOpen: open });
  },

  /** Sets the request detail's width (px), remembered for the next launch. */
  setDetailWidth(px: number) {
    const width = Math.round(px);
    set({ detailWidth: width });
    try {
      globalThis.localStorage?.setItem(DETAIL_WIDTH_KEY, String(width));
    } catch {
      // a window without storage keeps the width for this session only
    }
  },

  dismiss(runId: string) {
    set({ dismissed: [...get().dismissed, runId] });
  },

  async open(runId: string) {
    set({ historyOpen: false, runId, requestId: undefined, detail: null, replay: null, curl: null, requestsVersion: get().requestsVersion + 1 });
    const progress = await api().runProgress(runId).catch(() => null);
    set({ progress });
    if (progress && progress.state !== 'finished') {
      set({ activeRunId: runId });
      startPolling();
    }
  },

  setFilter(filter: RequestFilterView) {
    set({ filter, requestsVersion: get().requestsVersion + 1 });
  },

  async selectRequest(id: number) {
    const runId = get().runId;
    if (!runId) return;
    set({ requestId: id, replay: null, curl: null });
    try {
      const detail = await api().requestDetail({ runId, id });
      if (get().requestId === id) set({ detail });
    } catch (err) {
      notify(`Could not read request #${id}: ${errorText(err)}`, 'error');
    }
  },

  async copyCurl(reveal: boolean) {
    const { runId, requestId } = get();
    if (!runId || requestId === undefined) return;
    try {
      const curl = await api().copyAsCurl({ runId, id: requestId, reveal });
      set({ curl });
      await navigator.clipboard?.writeText(curl).catch(() => undefined);
      notify(reveal ? 'cURL copied with secrets revealed: keep it to yourself' : 'cURL copied (secrets masked)');
    } catch (err) {
      notify(`Could not build the cURL command: ${errorText(err)}`, 'error');
    }
  },

  async replay(mode: 'logged' | 'rerendered') {
    const { runId, requestId } = get();
    if (!runId || requestId === undefined) return;
    set({ replayPending: true, replay: null });
    try {
      const current = useStudio.getState();
      const run = get().runs.find((r) => r.id === runId);
      // Re-rendered uses the editor's current template when it edits this run's destination.
      const config = mode === 'rerendered' && current.currentId && run && current.config.destination?.name === run.destination ? current.config : undefined;
      set({ replay: await api().replayRequest({ runId, id: requestId, mode, ...(config ? { config } : {}) }) });
    } catch (err) {
      notify(`Replay failed: ${errorText(err)}`, 'error');
    } finally {
      set({ replayPending: false });
    }
  },

  async exportRun(format: 'har' | 'ndjson') {
    const runId = get().runId;
    if (!runId) return;
    try {
      const text = await api().exportRun({ runId, format });
      download(text, format === 'har' ? 'application/json' : 'application/x-ndjson', `outbound-run-${runId.slice(0, 8)}.${format === 'har' ? 'har' : 'ndjson'}`);
    } catch (err) {
      notify(`Export failed: ${errorText(err)}`, 'error');
    }
  },

  /** Saves the run's failed records (to fix and re-run) and, beside them, their reasons. */
  async exportFailedRecords() {
    const runId = get().runId;
    if (!runId) return;
    try {
      const out = await api().exportFailed({ runId });
      const name = `outbound-run-${runId.slice(0, 8)}-failed`;
      download(out.records, out.format === 'csv' ? 'text/csv' : out.format === 'json' ? 'application/json' : 'application/x-ndjson', `${name}.${out.format}`);
      download(out.reasons, 'application/x-ndjson', `${name}.reasons.ndjson`);
      notify(`Exported ${out.exported} failed record${out.exported === 1 ? '' : 's'} and their reasons`, 'info');
    } catch (err) {
      notify(`Export of failed records refused: ${errorText(err)}`, 'error');
    }
  },
};

function download(text: string, type: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Shows `runId` in the run view and follows it live. */
function follow(runId: string): void {
  set({ runId, activeRunId: runId, progress: null, requestId: undefined, detail: null, replay: null, curl: null, requestsVersion: get().requestsVersion + 1 });
  startPolling();
}
