// The left rail of places. Arrow keys move within it (roving focus).
import type { KeyboardEvent } from 'react';
import { actions, useStudio, type Place } from '../state/store.js';

export const PLACES: ReadonlyArray<{ id: Place; label: string; icon: string }> = [
  { id: 'destinations', label: 'Destinations', icon: '⇢' },
  { id: 'samples', label: 'Samples', icon: '☰' },
  { id: 'runs', label: 'Runs', icon: '▶' },
  { id: 'mock', label: 'Mock endpoint', icon: '◎' },
  { id: 'oauth', label: 'OAuth', icon: '⚿' },
];

export function Rail() {
  const place = useStudio((s) => s.place);
  const onKey = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const buttons = [...e.currentTarget.querySelectorAll('button')];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[(i + (e.key === 'ArrowDown' ? 1 : -1) + buttons.length) % buttons.length];
    next?.focus();
    e.preventDefault();
  };
  return (
    <nav className="rail" aria-label="Places" onKeyDown={onKey}>
      <div className="brand" aria-hidden="true">
        ⇢
      </div>
      {PLACES.map((p) => (
        <button
          key={p.id}
          type="button"
          className="rail-item"
          aria-current={place === p.id ? 'page' : undefined}
          onClick={() => actions.setPlace(p.id)}
          aria-label={p.label}
          title={p.label}
        >
          <span className="rail-icon" aria-hidden="true">
            {p.icon}
          </span>
          <span className="rail-label" aria-hidden="true">
            {p.label === 'Mock endpoint' ? 'Mock' : p.label}
          </span>
        </button>
      ))}
    </nav>
  );
}
