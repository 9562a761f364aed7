// WAI-ARIA tabs: arrow keys move between tabs, the panel is labelled by its tab.
import type { KeyboardEvent, ReactNode } from 'react';

export function Tabs<T extends string>(props: {
  label: string;
  tabs: readonly T[];
  active: T;
  onChange: (tab: T) => void;
  badge?: (tab: T) => number;
  idPrefix: string;
  children: ReactNode;
  /** Shown at the end of the tab row, outside the tablist (e.g. a tool every tab can open). */
  trailing?: ReactNode;
}) {
  const { tabs, active, onChange, idPrefix } = props;
  const onKey = (e: KeyboardEvent) => {
    const i = tabs.indexOf(active);
    let next: number | undefined;
    if (e.key === 'ArrowRight') next = (i + 1) % tabs.length;
    if (e.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
    if (e.key === 'Home') next = 0;
    if (e.key === 'End') next = tabs.length - 1;
    if (next === undefined) return;
    e.preventDefault();
    const tab = tabs[next]!;
    onChange(tab);
    document.getElementById(`${idPrefix}-tab-${tab}`)?.focus();
  };
  const tablistEl = (
    <div role="tablist" aria-label={props.label} className="tablist" onKeyDown={onKey}>
      {tabs.map((tab) => {
        const count = props.badge?.(tab) ?? 0;
        return (
          <button
            key={tab}
            id={`${idPrefix}-tab-${tab}`}
            role="tab"
            type="button"
            aria-selected={tab === active}
            aria-controls={`${idPrefix}-panel`}
            tabIndex={tab === active ? 0 : -1}
            className="tab"
            onClick={() => onChange(tab)}
          >
            {tab}
            {count > 0 && (
              <span className="badge error" aria-hidden="true">
                {count}
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
  return (
    <>
      {props.trailing ? (
        <div className="tabs-row">
          {tablistEl}
          <div className="tabs-trailing">{props.trailing}</div>
        </div>
      ) : (
        tablistEl
      )}
      <div role="tabpanel" id={`${idPrefix}-panel`} aria-labelledby={`${idPrefix}-tab-${active}`} className="tabpanel" tabIndex={0}>
        {props.children}
      </div>
    </>
  );
}
