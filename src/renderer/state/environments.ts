// Environments in the renderer: the list, the selected one (picked in the title bar) and the
// editor dialog's open state. Secret values never come here from the service; the editor
// only sends a new one when the user types it.
import { create } from 'zustand';
import type { EnvironmentsState, EnvironmentVariableInput, SaveEnvironmentResult } from '../../shared/api.js';
import { api, errorText } from '../api.js';
import { previewNow } from './preview.js';
import { notify } from './studio.js';

export interface EnvironmentsUi extends EnvironmentsState {
  loaded: boolean;
  /** The editor dialog: closed, or open on an environment (null: a new one). */
  editing: { id: string | null } | null;
}

export const useEnvironments = create<EnvironmentsUi>()(() => ({
  environments: [],
  selectedId: null,
  canEncrypt: true,
  loaded: false,
  editing: null,
}));

const set = useEnvironments.setState;

/** The preview and the checks resolve `${env:…}` against the selected environment: redo them. */
function refreshPreview(): void {
  previewNow();
}

export const environmentActions = {
  async refresh(): Promise<void> {
    try {
      set({ ...(await api().listEnvironments()), loaded: true });
    } catch (err) {
      notify(`Could not list environments: ${errorText(err)}`, 'error');
    }
  },

  async select(id: string | null): Promise<void> {
    try {
      set({ ...(await api().selectEnvironment(id)) });
      refreshPreview();
    } catch (err) {
      notify(`Could not select the environment: ${errorText(err)}`, 'error');
    }
  },

  /** Saves; the issues (each at its field) come back for the dialog to show beside the field. */
  async save(input: { id?: string; name: string; variables: EnvironmentVariableInput[] }): Promise<SaveEnvironmentResult | null> {
    try {
      const out = await api().saveEnvironment(input);
      set({ ...out.state });
      if (out.issues.length === 0) refreshPreview();
      return out;
    } catch (err) {
      notify(`Could not save the environment: ${errorText(err)}`, 'error');
      return null;
    }
  },

  async remove(id: string): Promise<void> {
    try {
      set({ ...(await api().deleteEnvironment(id)), editing: null });
      refreshPreview();
    } catch (err) {
      notify(`Could not delete the environment: ${errorText(err)}`, 'error');
    }
  },

  openEditor(id: string | null): void {
    set({ editing: { id } });
  },

  closeEditor(): void {
    set({ editing: null });
  },
};
