// The centre of the Destinations place: pick, create, save, import/export a destination,
// and edit it in seven tabs (the last, Schedule, is when it syncs). Validated as you type; tabs badge their problems.
import { useRef, useState } from 'react';
import { PRESETS } from '../presets.js';
import { actions, isDirty, notify, useStudio } from '../state/studio.js';
import { configForExport } from '../lib/exportConfig.js';
import { countByTab, TABS, type Tab } from '../state/tabs.js';
import { Tabs } from '../components/Tabs.js';
import { ConfirmDialog, Dialog } from '../components/Dialog.js';
import { AudienceTab } from './destination/AudienceTab.js';
import { AuthTab } from './destination/AuthTab.js';
import { ErrorsTab } from './destination/ErrorsTab.js';
import { SetupTab } from './destination/SetupTab.js';
import { ScheduleTab } from './destination/ScheduleTab.js';
import { StepEditor } from './destination/StepEditor.js';
import { JmesPlaygroundButton } from './JmesPlayground.js';

function downloadJson(raw: unknown, name: string) {
  const { config, envNames } = configForExport(raw);
  if (envNames.length > 0) notify(`Exported; set ${envNames.join(', ')} in the environment before running it with the CLI`);
  const blob = new Blob([`${JSON.stringify(config, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name.trim().replace(/[^\w.-]+/g, '-').toLowerCase() || 'destination'}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function NewDestinationDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog
      title="New destination"
      open={open}
      onClose={onClose}
      actions={
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      }
    >
      <ul className="preset-list">
        <li>
          <button
            type="button"
            className="preset"
            onClick={() => {
              actions.newDestination('blank');
              onClose();
            }}
          >
            <strong>Blank</strong>
            <span>An empty destination with one add step</span>
          </button>
        </li>
        {PRESETS.map((p) => (
          <li key={p.id}>
            <button
              type="button"
              className="preset"
              onClick={() => {
                actions.newDestination(p.id);
                onClose();
              }}
            >
              <strong>{p.label}</strong>
              <span>{p.description}</span>
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}

export function DestinationEditor() {
  const tab = useStudio((s) => s.tab);
  const destinations = useStudio((s) => s.destinations);
  const currentId = useStudio((s) => s.currentId);
  const name = useStudio((s) => s.form.name);
  const dirty = useStudio((s) => isDirty(s));
  const formIssues = useStudio((s) => s.formIssues);
  const serverIssues = useStudio((s) => s.serverIssues);
  const previewIssues = useStudio((s) => s.preview?.issues);
  const [newOpen, setNewOpen] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [importRefused, setImportRefused] = useState<string | undefined>(undefined);
  const fileRef = useRef<HTMLInputElement>(null);
  const counts = countByTab([...formIssues, ...serverIssues, ...(previewIssues ?? [])]);

  return (
    <div className="editor-pane" aria-label="Destination editor" role="region">
      <div className="toolbar">
        <label className="visually-hidden" htmlFor="destination-picker">
          Destination
        </label>
        <select
          id="destination-picker"
          // Long names end in an ellipsis where there is no room: the tooltip gives them whole.
          title={(currentId && destinations.find((d) => d.id === currentId)?.name) || `${name || 'Untitled'} (unsaved)`}
          value={currentId ?? ''}
          onChange={(e) => e.target.value && void actions.openDestination(e.target.value)}
        >
          <option value="">{currentId ? '' : `${name || 'Untitled'} (unsaved)`}</option>
          {destinations.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
        {dirty && (
          <span className="dirty" title="Unsaved changes" aria-label="Unsaved changes">
            ●
          </span>
        )}
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => void actions.saveDestination()} title="Save (Ctrl/Cmd+S)">
          Save
        </button>
        <button type="button" onClick={() => setNewOpen(true)}>
          New destination
        </button>
        <button type="button" onClick={() => actions.duplicateDestination()}>
          Duplicate
        </button>
        <button type="button" onClick={() => downloadJson(useStudio.getState().config, name)}>
          Export config
        </button>
        <button type="button" onClick={() => fileRef.current?.click()}>
          Import config
        </button>
        <input
          ref={fileRef}
          type="file"
          accept=".json,application/json"
          className="visually-hidden"
          aria-label="Import config file"
          tabIndex={-1}
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (file) setImportRefused(actions.importConfig(await file.text(), file.name));
            e.target.value = '';
          }}
        />
        <button type="button" className="danger-ghost" disabled={!currentId} onClick={() => setConfirmDelete(true)}>
          Delete
        </button>
      </div>
      <Tabs<Tab>
        label="Destination sections"
        idPrefix="dest"
        tabs={TABS}
        active={tab}
        onChange={actions.setTab}
        badge={(t) => counts[t]}
        trailing={<JmesPlaygroundButton />}
      >
        {tab === 'Setup' && <SetupTab />}
        {tab === 'Auth' && <AuthTab />}
        {tab === 'Audience' && <AudienceTab />}
        {tab === 'Add' && <StepEditor key="add" step="add" />}
        {tab === 'Remove' && <StepEditor key="remove" step="remove" />}
        {tab === 'Errors' && <ErrorsTab />}
        {tab === 'Schedule' && <ScheduleTab />}
      </Tabs>
      <NewDestinationDialog open={newOpen} onClose={() => setNewOpen(false)} />
      <ConfirmDialog
        title="Delete destination"
        open={confirmDelete}
        confirmLabel="Delete"
        danger
        onCancel={() => setConfirmDelete(false)}
        onConfirm={() => {
          setConfirmDelete(false);
          if (currentId) void actions.deleteDestination(currentId);
        }}
      >
        Delete “{name}”? Its saved config is removed{dirty ? ', and so are its unsaved changes' : ''}; runs already recorded stay.
      </ConfirmDialog>
      <Dialog
        title="Config not imported"
        open={importRefused !== undefined}
        onClose={() => setImportRefused(undefined)}
        actions={
          <button type="button" className="primary" autoFocus onClick={() => setImportRefused(undefined)}>
            OK
          </button>
        }
      >
        <p role="alert" className="import-refused">
          {importRefused}
        </p>
      </Dialog>
    </div>
  );
}
