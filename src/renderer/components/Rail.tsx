// The left rail of places. Arrow keys move within it (roving focus).
import type { KeyboardEvent } from 'react';
import { actions, useStudio, type Place } from '../state/studio.js';

// Inline SVG icons: no icon font to load, nothing outside 'self'.
const ICONS: Record<Place, string> = {
  destinations: 'M4 12h11M11 7l5 5-5 5M19 5v14',
  samples: 'M5 6h14M5 12h14M5 18h9',
  runs: 'M7 5l11 7-11 7z',
  mock: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M12 8a4 4 0 1 0 0 8a4 4 0 1 0 0-8',
  oauth: 'M14 10a4 4 0 1 0-3.5 4L9 15.5V18h2.5v-1.5H13V15l1.2-1.2A4 4 0 0 0 14 10zM15.5 8.5h.01',
};

export const PLACES: ReadonlyArray<{ id: Place; label: string; short: string }> = [
  { id: 'destinations', label: 'Destinations', short: 'Destinations' },
  { id: 'samples', label: 'Samples', short: 'Samples' },
  { id: 'runs', label: 'Runs', short: 'Runs' },
  { id: 'mock', label: 'Mock endpoint', short: 'Mock' },
  { id: 'oauth', label: 'OAuth', short: 'OAuth' },
];

function Icon({ place }: { place: Place }) {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d={ICONS[place]} />
    </svg>
  );
}

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
          <Icon place={p.id} />
          <span className="rail-label" aria-hidden="true">
            {p.short}
          </span>
        </button>
      ))}
    </nav>
  );
}
