// The split between the request log (centre) and the request detail (right pane): drag the
// handle, or focus it and use the arrow keys (Home/End for the narrowest and widest detail).
// The width is a CSS variable on the app grid, read only while the run view is shown.
import { useEffect, useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { runViewActions, useRunView } from '../../state/run-view.js';

/** Narrowest detail and narrowest log, px. */
const MIN_DETAIL = 300;
const MIN_LOG = 420;
const RAIL = 72;
const STEP = 24;

function appEl(): HTMLElement | null {
  return document.querySelector<HTMLElement>('.app');
}

function bounds(): { min: number; max: number; current: number } {
  const app = appEl();
  const width = app?.clientWidth ?? window.innerWidth;
  const pane = app?.querySelector<HTMLElement>('.request-detail');
  const max = Math.max(MIN_DETAIL, width - RAIL - MIN_LOG);
  return { min: MIN_DETAIL, max, current: pane?.getBoundingClientRect().width ?? Math.round(width * 0.4) };
}

export function SplitHandle() {
  const width = useRunView((s) => s.detailWidth);
  const drag = useRef<{ startX: number; startWidth: number } | null>(null);

  useEffect(() => {
    const app = appEl();
    if (!app) return;
    if (width !== null) app.style.setProperty('--run-detail-w', `${width}px`);
    return () => {
      app.style.removeProperty('--run-detail-w');
    };
  }, [width]);

  const setWidth = (px: number) => {
    const { min, max } = bounds();
    runViewActions.setDetailWidth(Math.min(max, Math.max(min, px)));
  };

  const onKey = (e: KeyboardEvent) => {
    const { min, max, current } = bounds();
    const next = e.key === 'ArrowLeft' ? current + STEP : e.key === 'ArrowRight' ? current - STEP : e.key === 'Home' ? min : e.key === 'End' ? max : null;
    if (next === null) return;
    e.preventDefault();
    setWidth(next);
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { startX: e.clientX, startWidth: bounds().current };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    setWidth(drag.current.startWidth - (e.clientX - drag.current.startX));
  };
  const onPointerUp = () => {
    drag.current = null;
  };

  const { min, max, current } = typeof document === 'undefined' ? { min: MIN_DETAIL, max: MIN_DETAIL, current: MIN_DETAIL } : bounds();
  const now = Math.round(width ?? current);
  return (
    <div
      className="split-handle"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize request log and detail"
      aria-valuemin={min}
      aria-valuemax={Math.round(max)}
      aria-valuenow={now}
      aria-valuetext={`request detail ${now} px wide`}
      title="Drag, or focus and use ← → to resize the request detail"
      tabIndex={0}
      onKeyDown={onKey}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
    />
  );
}
