// The studio's renderer state (one zustand hook, `useStudio`) and its actions. Data flows
// one way: views call actions, actions call the API and set state, views re-render from
// state. Form edits go through `edit`. The run view keeps its own state (run-view.ts).
import { create } from 'zustand';
import type {
  DestinationSummary,
  MockStatus,
  PreviewResult,
  ResponseView,
  SampleSetSummary,
  TokenView,
} from '../../shared/api.js';
import { formatIssue, type Issue } from '../../shared/issues.js';
import type { ExportConfigInput, StepName } from '../../shared/config.js';
import { api, errorText } from '../api.js';
import { presetConfig, growthLoopPreset, PRESETS } from '../presets.js';
import { configToForm, unknownKeys, validateForm, type FormState } from './form.js';
import { parseImport } from '../lib/exportConfig.js';
import { requestIndexForTab, type Tab } from './tabs.js';

export type Place = 'destinations' | 'samples' | 'runs' | 'mock' | 'oauth';

export interface SentResponse {
  step: StepName;
  index: number;
  url: string;
  response?: ResponseView;
  error?: string;
  pending: boolean;
}

export interface StudioState {
  place: Place;
  tab: Tab;
  destinations: DestinationSummary[];
  /** Saved id of the destination being edited; undefined for a new, unsaved one. */
  currentId: string | undefined;
  form: FormState;
  /** JSON of the form at last load/save, to tell whether there are unsaved edits. */
  savedSnapshot: string;
  /** The config the form converts to (may be invalid) and what is wrong with it. */
  config: ExportConfigInput;
  formIssues: Issue[];
  /** From the service's validateConfig (env references, templates). */
  serverIssues: Issue[];

  sampleSets: SampleSetSummary[];
  selectedSetId: string | undefined;

  preview: PreviewResult | null;
  /** Per step, the requests of the last preview that planned any: shown, marked stale, while its template is broken. */
  lastByStep: Partial<Record<StepName, PreviewResult['requests']>>;
  previewPending: boolean;
  previewError: string | undefined;
  selectedRequest: number;
  sent: SentResponse | null;

  mock: MockStatus | null;
  token: TokenView | null;
  tokenPending: boolean;

  paletteOpen: boolean;
  notice: { tone: 'info' | 'error'; text: string } | null;
  /** A way out of an edited destination, waiting on Save / Discard / Cancel. */
  leaving: Leaving | null;
}

export interface Leaving {
  /** What the user asked for, as the dialog names it: "open “Lists API”", "close the window". */
  what: string;
  proceed: () => void | Promise<void>;
}

function snapshot(form: FormState): string {
  return JSON.stringify(form);
}

function formState(config: unknown) {
  const form = configToForm(config);
  const { config: converted, issues } = validateForm(form);
  return { form, config: converted, formIssues: issues, savedSnapshot: snapshot(form) };
}

export const useStudio = create<StudioState>()(() => ({
  place: 'destinations',
  tab: 'Add',
  destinations: [],
  currentId: undefined,
  // First launch shows a working example, not a blank form.
  ...formState(growthLoopPreset.config),
  serverIssues: [],
  sampleSets: [],
  selectedSetId: undefined,
  preview: null,
  lastByStep: {},
  previewPending: false,
  previewError: undefined,
  selectedRequest: 0,
  sent: null,
  mock: null,
  token: null,
  tokenPending: false,
  paletteOpen: false,
  notice: null,
  leaving: null,
}));

const set = useStudio.setState;
const get = useStudio.getState;

export function notify(text: string, tone: 'info' | 'error' = 'info'): void {
  set({ notice: { tone, text } });
}

export function isDirty(state: StudioState = get()): boolean {
  return snapshot(state.form) !== state.savedSnapshot;
}

/** Applies an edit to a copy of the form and re-validates (cheap: a zod parse). */
export function edit(recipe: (form: FormState) => void): void {
  const form = structuredClone(get().form);
  recipe(form);
  const { config, issues } = validateForm(form);
  set({ form, config, formIssues: issues });
}

async function loadDestination(id: string): Promise<void> {
  try {
    const saved = await api().getDestination(id);
    if (!saved) {
      notify(`Destination ${id} no longer exists`, 'error');
      return void actions.refreshDestinations();
    }
    set({ currentId: saved.id, ...formState(saved.config), serverIssues: [], sent: null, selectedRequest: 0 });
    // Saved by an older version, it may hold keys the schema no longer knows: the form
    // leaves them out (saving drops them), and says so rather than losing them silently.
    const dropped = unknownKeys(saved.config);
    if (dropped.length > 0) notify(`Ignored ${dropped.length} key(s) this version does not know: ${dropped.map(formatIssue).join('; ')}. Save to drop them.`, 'error');
  } catch (err) {
    notify(`Could not open the destination: ${errorText(err)}`, 'error');
  }
}

function loadNew(presetId: string): void {
  set({
    currentId: undefined,
    ...formState(presetConfig(presetId)),
    savedSnapshot: '',
    serverIssues: [],
    sent: null,
    selectedRequest: 0,
    place: 'destinations',
  });
}

function loadImported(parsed: unknown, fileName: string): void {
  set({ currentId: undefined, ...formState(parsed), savedSnapshot: '', serverIssues: [], sent: null });
  // The form has no place for an unknown key: name it (and what it likely meant) instead of dropping it silently.
  const issues = [...unknownKeys(parsed), ...get().formIssues];
  notify(
    issues.length === 0
      ? `Imported ${fileName}`
      : `Imported ${fileName} with ${issues.length} problem(s): ${issues[0]!.path} ${issues[0]!.message}`,
    issues.length === 0 ? 'info' : 'error',
  );
}

export const actions = {
  setPlace(place: Place) {
    set({ place });
  },
  setTab(tab: Tab) {
    // The preview follows the editor: the Add tab shows an add request, and so on.
    const requests = get().preview?.requests ?? [];
    set({ tab, selectedRequest: requestIndexForTab(requests, tab, get().selectedRequest) });
  },

  async refreshDestinations() {
    try {
      set({ destinations: await api().listDestinations() });
    } catch (err) {
      notify(`Could not list destinations: ${errorText(err)}`, 'error');
    }
  },

  /** Opens a saved destination; with unsaved edits, asks first (Save / Discard / Cancel). */
  async openDestination(id: string) {
    const name = get().destinations.find((d) => d.id === id)?.name;
    return actions.leaveThen(name ? `open “${name}”` : 'open another destination', () => loadDestination(id));
  },

  /**
   * Every way out of an edited destination goes through here: without unsaved edits it
   * proceeds at once, otherwise the unsaved-changes dialog asks Save / Discard / Cancel.
   */
  async leaveThen(what: string, proceed: () => void | Promise<void>): Promise<void> {
    if (!isDirty()) return proceed();
    set({ leaving: { what, proceed } });
  },

  /** The answer to the unsaved-changes dialog. Save proceeds only once the save held. */
  async resolveLeaving(choice: 'save' | 'discard' | 'cancel'): Promise<void> {
    const leaving = get().leaving;
    if (!leaving) return;
    if (choice === 'cancel') return set({ leaving: null });
    if (choice === 'save') {
      await actions.saveDestination();
      if (isDirty()) return; // the save failed (its notice says why): keep asking
      if (get().leaving !== leaving) return; // cancelled (Escape) while the save ran
    }
    set({ leaving: null });
    await leaving.proceed();
  },

  /** A new, unsaved destination from a preset id ('blank' for an empty one); asks first when edits are unsaved. */
  newDestination(presetId: string) {
    const preset = PRESETS.find((p) => p.id === presetId);
    void actions.leaveThen(preset ? `start a new ${preset.label} destination` : 'start a new blank destination', () => loadNew(presetId));
  },

  /**
   * Loads an imported config file's text as a new, unsaved destination (asking first when
   * edits are unsaved). Returns why the file was refused (what and where), or undefined.
   */
  importConfig(text: string, fileName: string): string | undefined {
    const parsed = parseImport(text, fileName);
    if (!parsed.ok) {
      notify(parsed.message, 'error');
      return parsed.message;
    }
    void actions.leaveThen(`import ${fileName}`, () => loadImported(parsed.value, fileName));
    return undefined;
  },

  duplicateDestination() {
    edit((f) => {
      f.name = `${f.name} (copy)`;
    });
    set({ currentId: undefined, savedSnapshot: '' });
    notify('Duplicated: save to keep the copy');
  },

  async saveDestination() {
    const { config, currentId } = get();
    try {
      const result = await api().saveDestination({ id: currentId, config });
      set({ currentId: result.id, savedSnapshot: snapshot(get().form), serverIssues: result.issues });
      notify(result.issues.length ? `Saved with ${result.issues.length} problem(s)` : 'Saved');
      await actions.refreshDestinations();
    } catch (err) {
      notify(`Could not save: ${errorText(err)}`, 'error');
    }
  },

  async deleteDestination(id: string) {
    try {
      await api().deleteDestination(id);
      // The delete dialog was the question: the deleted destination's edits go with it.
      if (get().currentId === id) loadNew('blank');
      await actions.refreshDestinations();
      notify('Deleted');
    } catch (err) {
      notify(`Could not delete: ${errorText(err)}`, 'error');
    }
  },

  async refreshSamples() {
    try {
      const sets = await api().listSampleSets();
      const current = get().selectedSetId;
      set({
        sampleSets: sets,
        selectedSetId: current && sets.some((s) => s.id === current) ? current : sets[0]?.id,
      });
    } catch (err) {
      notify(`Could not list sample sets: ${errorText(err)}`, 'error');
    }
  },

  selectSet(id: string) {
    set({ selectedSetId: id, sent: null });
  },

  async generateSamples(count: number, seed?: number, name?: string) {
    try {
      const created = await api().generateSamples({ count, seed, name });
      await actions.refreshSamples();
      set({ selectedSetId: created.id });
      notify(`Generated ${created.count} profiles in "${created.name}"`);
      return created;
    } catch (err) {
      notify(`Could not generate samples: ${errorText(err)}`, 'error');
      return undefined;
    }
  },

  async renameSampleSet(setId: string, name: string) {
    try {
      const renamed = await api().renameSampleSet({ setId, name });
      await actions.refreshSamples();
      notify(`Renamed to "${renamed.name}"`);
      return true;
    } catch (err) {
      notify(`Could not rename the sample set: ${errorText(err)}`, 'error');
      return false;
    }
  },

  async deleteSampleSet(setId: string) {
    try {
      const name = get().sampleSets.find((x) => x.id === setId)?.name ?? setId;
      await api().deleteSampleSet(setId);
      // refreshSamples picks the first remaining set when the deleted one was selected.
      await actions.refreshSamples();
      notify(`Deleted "${name}"`);
    } catch (err) {
      notify(`Could not delete the sample set: ${errorText(err)}`, 'error');
    }
  },

  selectRequest(index: number) {
    set({ selectedRequest: index });
  },

  async sendRequest(step: StepName, index: number, url: string) {
    const { config, selectedSetId } = get();
    if (!selectedSetId) return;
    set({ sent: { step, index, url, pending: true } });
    try {
      const response = await api().sendPreviewed({ config, setId: selectedSetId, step, index });
      set({ sent: { step, index, url, response, pending: false } });
    } catch (err) {
      set({ sent: { step, index, url, error: errorText(err), pending: false } });
    }
  },

  async refreshMock() {
    try {
      set({ mock: await api().mockStatus() });
    } catch {
      set({ mock: null });
    }
  },

  async startMock(scenario: string) {
    try {
      set({ mock: await api().startMock({ scenario }) });
    } catch (err) {
      notify(`Could not start the mock endpoint: ${errorText(err)}`, 'error');
    }
  },

  async stopMock() {
    try {
      set({ mock: await api().stopMock() });
    } catch (err) {
      notify(`Could not stop the mock endpoint: ${errorText(err)}`, 'error');
    }
  },

  async fetchToken() {
    set({ tokenPending: true });
    try {
      set({ token: await api().testOAuth({ config: get().config }), tokenPending: false });
    } catch (err) {
      set({ token: { ok: false, error: errorText(err) }, tokenPending: false });
    }
  },

  togglePalette(open?: boolean) {
    set({ paletteOpen: open ?? !get().paletteOpen });
  },
};
