// Ctrl/Cmd+K: a filtered list of actions. Arrow keys pick, Enter runs, Escape closes.
import { useEffect, useMemo, useRef, useState } from 'react';
import { actions, useStudio } from '../state/studio.js';
import { TABS } from '../state/tabs.js';
import { PRESETS } from '../presets.js';
import { PLACES } from './Rail.js';
import { previewNow } from '../state/preview.js';
import { openJmesPlayground } from '../views/JmesPlayground.js';

export interface Command {
  id: string;
  label: string;
  run: () => void;
}

export function commandList(): Command[] {
  return [
    { id: 'save', label: 'Save destination', run: () => void actions.saveDestination() },
    { id: 'preview', label: 'Refresh preview', run: previewNow },
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
    { id: 'token', label: 'Fetch OAuth token', run: () => { actions.setPlace('oauth'); void actions.fetchToken(); } },
    { id: 'mock-start', label: 'Start mock endpoint', run: () => void actions.startMock('ok') },
    { id: 'mock-stop', label: 'Stop mock endpoint', run: () => void actions.stopMock() },
    { id: 'generate', label: 'Generate 100 sample profiles', run: () => void actions.generateSamples(100, 1) },
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

  useEffect(() => {
    if (open) {
      setQuery('');
      setActive(0);
      setTimeout(() => inputRef.current?.focus(), 0);
    }
  }, [open]);

  if (!open) return null;
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
              {c.label}
            </li>
          ))}
          {shown.length === 0 && <li className="muted">No command matches “{query}”</li>}
        </ul>
      </div>
    </div>
  );
}
