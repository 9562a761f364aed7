// A run's requests as a virtualized table: only the rows in view are in the DOM, and rows
// are fetched from main a page at a time as they scroll into view (never the whole run).
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { RequestFilterView, RequestRowView } from '../../../shared/api.js';
import { STEP_NAMES } from '../../../shared/config.js';
import { api } from '../../api.js';
import { runViewActions, useRunView } from '../../state/run-view.js';
import { splitPath, statusClass, urlPath } from './format.js';

const PAGE = 100;
const ROW_H = 26;
const ERROR_KINDS = ['network', 'timeout', 'tls', 'abort', 'protocol'];

function Filters() {
  const filter = useRunView((s) => s.filter);
  const [key, setKey] = useState(filter.key ?? '');
  const [status, setStatus] = useState(filter.status ?? '');
  const apply = (patch: Partial<RequestFilterView>) => {
    const next: RequestFilterView = { ...filter, ...patch };
    for (const k of Object.keys(next) as Array<keyof RequestFilterView>) if (next[k] === undefined || next[k] === '' || next[k] === false) delete next[k];
    runViewActions.setFilter(next);
  };
  const statusOk = status === '' || /^([1-5]xx|[1-5][0-9][0-9]|none)$/.test(status);
  return (
    <div className="request-filters" role="group" aria-label="Filter requests">
      <label>
        Step
        <select aria-label="Step" value={filter.step ?? ''} onChange={(e) => apply({ step: (e.target.value || undefined) as RequestFilterView['step'] })}>
          <option value="">all</option>
          {STEP_NAMES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Status
        <input
          aria-label="Status"
          className="mono short"
          placeholder="4xx, 503, none"
          value={status}
          aria-invalid={!statusOk || undefined}
          onChange={(e) => setStatus(e.target.value.trim())}
          onBlur={() => statusOk && apply({ status: status || undefined })}
          onKeyDown={(e) => e.key === 'Enter' && statusOk && apply({ status: status || undefined })}
        />
      </label>
      <label>
        Error kind
        <select aria-label="Error kind" value={filter.errorKind ?? ''} onChange={(e) => apply({ errorKind: e.target.value || undefined })}>
          <option value="">any</option>
          {ERROR_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
      <label>
        Record key
        <input
          aria-label="Record key"
          className="mono"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          onBlur={() => apply({ key: key.trim() || undefined })}
          onKeyDown={(e) => e.key === 'Enter' && apply({ key: key.trim() || undefined })}
        />
      </label>
      <label className="inline">
        <input type="checkbox" checked={filter.failedOnly ?? false} onChange={(e) => apply({ failedOnly: e.target.checked })} />
        Failed only
      </label>
    </div>
  );
}

/** The path (what differs between rows), its last segment never cut; the whole URL in the title. */
function UrlCell({ url }: { url: string }) {
  const [head, tail] = splitPath(urlPath(url));
  return (
    <span role="cell" className="mono url-cell" title={url}>
      <span className="url-head">{head}</span>
      <span className="url-tail">{tail}</span>
    </span>
  );
}

export function RequestsTable() {
  const runId = useRunView((s) => s.runId);
  const filter = useRunView((s) => s.filter);
  const version = useRunView((s) => s.requestsVersion);
  const selected = useRunView((s) => s.requestId);
  const live = useRunView((s) => s.progress !== null && s.progress.state !== 'finished' && s.activeRunId === s.runId);
  const [total, setTotal] = useState(0);
  const pages = useRef(new Map<number, RequestRowView[]>());
  const loading = useRef(new Set<number>());
  const [, setTick] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const generation = useRef(0);

  const load = useCallback(
    async (page: number, gen: number) => {
      if (!runId || loading.current.has(page)) return;
      loading.current.add(page);
      try {
        const res = await api().runRequests({ runId, filter, offset: page * PAGE, limit: PAGE });
        if (gen !== generation.current) return;
        pages.current.set(page, res.rows);
        setTotal(res.total);
        setTick((t) => t + 1);
      } finally {
        loading.current.delete(page);
      }
    },
    [runId, filter],
  );

  // A new run, filter or version: drop the cached pages and start from the top.
  useEffect(() => {
    generation.current++;
    pages.current = new Map();
    loading.current = new Set();
    setTotal(0);
    void load(0, generation.current);
  }, [load, version]);

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_H,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    for (let p = Math.floor(first / PAGE); p <= Math.floor(last / PAGE); p++) {
      if (!pages.current.has(p)) void load(p, generation.current);
    }
  }, [first, last, load, total]);

  // While the run is live, new requests arrive: refresh the count and the pages in view.
  useEffect(() => {
    if (!live) return;
    const t = setInterval(() => {
      const lastPage = Math.floor(last / PAGE);
      pages.current.delete(lastPage);
      void load(lastPage, generation.current);
    }, 1000);
    return () => clearInterval(t);
  }, [live, last, load]);

  if (!runId) return null;
  const rowAt = (i: number) => pages.current.get(Math.floor(i / PAGE))?.[i % PAGE];

  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const all = [...pages.current.values()].flat();
    const at = all.findIndex((r) => r.id === selected);
    const next = all[Math.max(0, Math.min(all.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))];
    if (next) void runViewActions.selectRequest(next.id);
  };

  return (
    <section className="requests" aria-label="Requests">
      <div className="requests-head">
        <h3>Requests</h3>
        <span className="muted" aria-label="Request count">
          {total.toLocaleString()} attempt{total === 1 ? '' : 's'}
        </span>
        <Filters />
      </div>
      <div className="rtable" role="table" aria-label="Requests table" aria-rowcount={total + 1}>
        <div role="rowgroup" className="rtable-head">
          <div role="row" className="rrow" aria-rowindex={1}>
            <span role="columnheader">#</span>
            <span role="columnheader">Step</span>
            <span role="columnheader">Try</span>
            <span role="columnheader">Method</span>
            <span role="columnheader">Path</span>
            <span role="columnheader">Status</span>
            <span role="columnheader">Records</span>
            <span role="columnheader">Time</span>
          </div>
        </div>
        <div ref={scrollRef} className="rtable-body" role="rowgroup" aria-label="Request rows" tabIndex={0} onKeyDown={onKey}>
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((v) => {
              const r = rowAt(v.index);
              return (
                <div
                  key={v.key}
                  role="row"
                  aria-rowindex={v.index + 2}
                  aria-selected={r !== undefined && r.id === selected}
                  className={`rrow${r?.failed ? ' failed' : ''}${r && r.id === selected ? ' selected' : ''}`}
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_H, transform: `translateY(${v.start}px)` }}
                  onClick={() => r && void runViewActions.selectRequest(r.id)}
                >
                  {r ? (
                    <>
                      <span role="cell" className="mono muted">
                        {v.index + 1}
                      </span>
                      <span role="cell">{r.step}</span>
                      <span role="cell" className={r.attempt > 1 ? 'retry-text' : undefined}>
                        {r.attempt}
                      </span>
                      <span role="cell" className="mono method">
                        {r.method}
                      </span>
                      <UrlCell url={r.url} />
                      <span role="cell">
                        <span className={`status-pill ${statusClass(r.status)}`}>{r.status ?? r.errorKind ?? '—'}</span>
                      </span>
                      <span role="cell" className="num">
                        {r.recordCount}
                      </span>
                      <span role="cell" className="num mono">
                        {r.totalMs !== null ? `${Math.round(r.totalMs)} ms` : '—'}
                      </span>
                    </>
                  ) : (
                    <span role="cell" className="muted">
                      loading…
                    </span>
                  )}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}
