// Ctrl/Cmd+K: a filtered list of actions with their shortcuts. Arrow keys pick, Enter
// runs, Escape closes and gives focus back to where it was (the editor, a field).
import { useEffect, useMemo, useRef, useState } from 'react';
import { actions, notify, useStudio } from '../state/studio.js';
import { TABS } from '../state/tabs.js';
import { PRESETS } from '../presets.js';
import { PLACES } from './Rail.js';
import { previewNow } from '../state/preview.js';
import { runViewActions, useRunView } from '../state/run-view.js';
import { indexWithinStep } from '../views/preview/shownRequests.js';
import { ConfirmDialog } from './Dialog.js';
import { openJmesPlayground } from '../views/JmesPlayground.js';

export interface Command {
  id: string;
  label: string;
  run: () => void;
  /** The key that does the same outside the palette, as shown (`Ctrl+S`). */
  shortcut?: string;
}

const MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
/** `mod+shift+enter` → `Ctrl+Shift+Enter` (or `⌘⇧Enter` on a Mac). */
export function shortcutLabel(keys: string): string {
  return keys
    .split('+')
    .map((k) => (k === 'mod' ? (MAC ? '⌘' : 'Ctrl') : k === 'shift' ? (MAC ? '⇧' : 'Shift') : k.length === 1 ? k.toUpperCase() : k[0]!.toUpperCase() + k.slice(1)))
    .join(MAC ? '' : '+');
}

/** Where a run started from the palette reads from: the destination being edited (saved) and the selected sample set. */
function runTarget(): { destinationId: string; setId: string } | null {
  const { currentId, selectedSetId } = useStudio.getState();
  if (!currentId) {
    notify('Save the destination first (Ctrl/Cmd+S): a run reads a saved destination', 'error');
    return null;
  }
  if (!selectedSetId) {
    notify('Pick a sample set first (Samples)', 'error');
    return null;
  }
  return { destinationId: currentId, setId: selectedSetId };
}

/** Run-related commands (Dry run, Start run, Send this one, Export HAR), wired to the store actions the buttons use. */
export const runCommands = {
  dryRun() {
    const t = runTarget();
    if (!t) return;
    actions.setPlace('runs');
    void runViewActions.dryRun(t.destinationId, { setId: t.setId });
  },
  startRun() {
    const t = runTarget();
    if (!t) return;
    actions.setPlace('runs');
    void runViewActions.start(t.destinationId, { setId: t.setId });
  },
  /** Asks first, like the button: the palette shows the same confirmation. */
  sendThisOne() {
    const { preview, selectedRequest, selectedSetId } = useStudio.getState();
    const req = preview?.requests[selectedRequest];
    if (!req || !selectedSetId) {
      notify('No planned request to send: the preview has none', 'error');
      return;
    }
    actions.setPlace('destinations');
    useSendAsk.ask({ step: req.step, index: indexWithinStep(preview!.requests, selectedRequest), method: req.method, url: req.url });
  },
  exportHar() {
    if (!useRunView.getState().runId) {
      notify('Open a run first (Runs): Export HAR saves the shown run', 'error');
      return;
    }
    void runViewActions.exportRun('har');
  },
};

type SendAsk = { step: import('../../shared/config.js').StepName; index: number; method: string; url: string };
/** The palette's pending "Send this request?" question (module state: one at a time). */
const useSendAsk = {
  current: null as SendAsk | null,
  listeners: new Set<() => void>(),
  ask(value: SendAsk | null) {
    this.current = value;
    for (const l of this.listeners) l();
  },
};

export function commandList(): Command[] {
  return [
    { id: 'save', label: 'Save destination', run: () => void actions.saveDestination(), shortcut: 'mod+s' },
    { id: 'preview', label: 'Refresh preview', run: previewNow, shortcut: 'mod+enter' },
    { id: 'send-one', label: 'Send this one (the selected planned request)', run: runCommands.sendThisOne, shortcut: 'mod+shift+enter' },
    { id: 'dry-run', label: 'Dry run (this destination, selected sample set)', run: runCommands.dryRun, shortcut: 'mod+enter in Runs' },
    { id: 'start-run', label: 'Start run (this destination, selected sample set)', run: runCommands.startRun },
    { id: 'export-har', label: 'Export HAR of the shown run', run: runCommands.exportHar },
    { id: 'new-blank', label: 'New destination: blank', run: () => actions.newDestination('blank') },
    ...PRESETS.map((p) => ({ id: `new-${p.id}`, label: `New destination: ${p.label}`, run: () => actions.newDestination(p.id) })),
    { id: 'duplicate', label: 'Duplicate destination', run: () => actions.duplicateDestination() },
    ...PLACES.map((p) => ({ id: `go-${p.id}`, label: `Go to ${p.label}`, run: () => actions.setPlace(p.id) })),
    ...TABS.map((t) => ({
      id: `tab-${t}`,
      label: `Edit ${t} tab`,
      run: () => {
        actions.setPlace('destinations');
        actions.setTab(t);
      },
    })),
    { id: 'token', label: 'Fetch OAuth token', run: () => { actions.setPlace('oauth'); void actions.fetchToken(); }, shortcut: 'mod+enter in OAuth' },
    { id: 'mock-start', label: 'Start mock endpoint', run: () => void actions.startMock('ok') },
    { id: 'mock-stop', label: 'Stop mock endpoint', run: () => void actions.stopMock() },
    { id: 'generate', label: 'Generate 100 sample profiles', run: () => void actions.generateSamples(100, 1) },
    { id: 'palette', label: 'Close the command palette', run: () => undefined, shortcut: 'escape' },
    { id: 'jmes', label: 'Open JMESPath playground', run: () => openJmesPlayground() },
  ];
}

/** Every word of the query must appear in the label, in any order. */
export function filterCommands(commands: readonly Command[], query: string): Command[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return commands.filter((c) => words.every((w) => c.label.toLowerCase().includes(w)));
}

export function CommandPalette() {
  const open = useStudio((s) => s.paletteOpen);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const commands = useMemo(() => commandList(), []);
  const shown = filterCommands(commands, query);
  // What had focus before the palette opened: it gets it back when the palette closes.
  const returnTo = useRef<HTMLElement | null>(null);
  const [sendAsk, setSendAsk] = useState<SendAsk | null>(null);

  useEffect(() => {
    const l = () => setSendAsk(useSendAsk.current);
    useSendAsk.listeners.add(l);
    return () => void useSendAsk.listeners.delete(l);
  }, []);

  useEffect(() => {
    if (open) {
      const before = document.activeElement;
      returnTo.current = before instanceof HTMLElement && before !== document.body ? before : null;
      setQuery('');
      setActive(0);
      setTimeout(() => inputRef.current?.focus(), 0);
    } else {
      // After the command ran: give focus back unless the command moved it (a dialog, a new place).
      setTimeout(() => restoreFocus(returnTo), 0);
    }
  }, [open]);

  const confirm = sendAsk && (
    <ConfirmDialog
      title="Send this request?"
      open
      confirmLabel="Send"
      onCancel={() => {
        useSendAsk.ask(null);
        setTimeout(() => restoreFocus(returnTo), 0);
      }}
      onConfirm={() => {
        useSendAsk.ask(null);
        void actions.sendRequest(sendAsk.step, sendAsk.index, sendAsk.url);
        setTimeout(() => restoreFocus(returnTo), 0);
      }}
    >
      <p>This sends a real request to:</p>
      <p className="mono confirm-url">
        {sendAsk.method} {sendAsk.url}
      </p>
    </ConfirmDialog>
  );
  if (!open) return confirm || null;
  const close = () => actions.togglePalette(false);
  const runAt = (i: number) => {
    const c = shown[i];
    close();
    c?.run();
  };
  return (
    <div className="palette-backdrop" onMouseDown={close}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette" onMouseDown={(e) => e.stopPropagation()}>
        <input
          ref={inputRef}
          role="combobox"
          aria-label="Command"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={shown[active] ? `cmd-${shown[active].id}` : undefined}
          placeholder="Type a command…"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, shown.length - 1));
            else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
            else if (e.key === 'Enter') runAt(active);
            else if (e.key === 'Escape') close();
            else return;
            e.preventDefault();
          }}
        />
        <ul id="palette-list" role="listbox" aria-label="Commands">
          {shown.map((c, i) => (
            <li
              key={c.id}
              id={`cmd-${c.id}`}
              role="option"
              aria-selected={i === active}
              onMouseEnter={() => setActive(i)}
              onClick={() => runAt(i)}
            >
              <span className="cmd-label">{c.label}</span>
              {c.shortcut && (
                <kbd className="cmd-shortcut" aria-label={`shortcut ${shortcutLabel(c.shortcut)}`}>
                  {shortcutLabel(c.shortcut)}
                </kbd>
              )}
            </li>
          ))}
          {shown.length === 0 && <li className="muted">No command matches “{query}”</li>}
        </ul>
      </div>
    </div>
  );
}

/** Focus back where it was, if that element is still on the page and focus now sits nowhere. */
function restoreFocus(returnTo: { current: HTMLElement | null }): void {
  const el = returnTo.current;
  const now = document.activeElement;
  if (!el || !el.isConnected) return;
  if (now && now !== document.body && now !== document.documentElement) return;
  el.focus();
  returnTo.current = null;
}
