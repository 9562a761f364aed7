// The mock endpoint's requests as they arrive: polls the journal for entries after the
// last one seen (a bounded page each time), keeps the newest 200.
import { useEffect, useRef, useState } from 'react';
import type { MockJournalView } from '../../shared/api.js';
import { api } from '../api.js';
import { statusClass } from './runs/format.js';

const KEEP = 200;

export function MockJournal({ running }: { running: boolean }) {
  const [entries, setEntries] = useState<MockJournalView['entries']>([]);
  const [paused, setPaused] = useState(false);
  const last = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (!running || paused) return;
    let stopped = false;
    const tick = async () => {
      try {
        const res = await api().mockJournal(last.current === undefined ? { limit: 50 } : { since: last.current, limit: 500 });
        if (stopped) return;
        last.current = res.latestSeq;
        if (res.entries.length) setEntries((prev) => [...res.entries.slice().reverse(), ...prev].slice(0, KEEP));
      } catch {
        // the next tick tries again
      }
    };
    void tick();
    const t = setInterval(() => void tick(), 500);
    return () => {
      stopped = true;
      clearInterval(t);
    };
  }, [running, paused]);
  return (
    <section className="mock-journal" aria-label="Requests received">
      <div className="requests-head">
        <h3>Requests received</h3>
        <span className="muted">newest first · last {KEEP}</span>
        <button type="button" className="ghost" onClick={() => setPaused(!paused)}>
          {paused ? 'Follow' : 'Freeze'}
        </button>
        <button type="button" className="ghost" onClick={() => setEntries([])}>
          Clear list
        </button>
      </div>
      {entries.length === 0 ? (
        <div className="empty">{running ? 'Nothing yet: send a request or start a run against the mock.' : 'The mock is stopped.'}</div>
      ) : (
        <ul className="journal-list mono" aria-label="Mock requests">
          {entries.map((e) => (
            <li key={e.seq}>
              <span className="muted">{new Date(e.time).toLocaleTimeString()}</span>
              <span className={`status-pill ${statusClass(e.status)}`}>{e.status ?? e.fault ?? '—'}</span>
              <span className="method">{e.method}</span>
              <span className="url">{e.path}</span>
              {e.injected && <span className="chip">scenario</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
