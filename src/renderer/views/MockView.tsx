// The built-in mock endpoint: start/stop it and choose how it misbehaves.
import { useState } from 'react';
import { actions, useStudio } from '../state/studio.js';
import { MockJournal } from './MockJournal.js';

export const SCENARIOS: ReadonlyArray<{ id: string; label: string }> = [
  { id: 'ok', label: 'ok: every request succeeds' },
  { id: 'rate-limited', label: 'rate-limited: 429 with Retry-After' },
  { id: 'flaky', label: 'flaky: some 500/503 answers' },
  { id: 'slow', label: 'slow: answers take seconds' },
  { id: 'down', label: 'down: connections refused' },
  { id: 'expired-tokens', label: 'expired-tokens: 401 until a fresh token' },
];

export function MockView() {
  const mock = useStudio((s) => s.mock);
  const [scenario, setScenario] = useState(mock?.scenario ?? 'ok');
  const running = mock?.running ?? false;
  return (
    <div className="page" role="region" aria-label="Mock endpoint">
      <h2>Mock endpoint</h2>
      <p className="lede">
        A loopback HTTP server that behaves like an audience API and an OAuth token endpoint. Point a destination at it to try
        retries, rate limits and token expiry without touching a real system.
      </p>
      <div className="mock-status" role="status" aria-label="Mock endpoint status">
        <span className={`dot ${running ? 'ok' : 'off'}`} aria-hidden="true">
          ●
        </span>
        {running ? (
          <>
            running on <span className="mono">{mock?.url ?? `:${mock?.port}`}</span> · scenario <strong>{mock?.scenario}</strong> ·{' '}
            {mock?.journalSize ?? 0} requests received
          </>
        ) : (
          'stopped'
        )}
      </div>
      <div className="form-grid narrow">
        <div className="field">
          <label htmlFor="mock-scenario">Scenario</label>
          <select id="mock-scenario" value={scenario} onChange={(e) => setScenario(e.target.value)}>
            {SCENARIOS.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field actions-end">
          {running ? (
            <div className="button-row">
              <button type="button" className="primary" onClick={() => void actions.startMock(scenario)}>
                Apply scenario
              </button>
              <button type="button" onClick={() => void actions.stopMock()}>
                Stop mock
              </button>
            </div>
          ) : (
            <button type="button" className="primary" onClick={() => void actions.startMock(scenario)}>
              Start mock
            </button>
          )}
        </div>
      </div>
      <button type="button" className="ghost" onClick={() => void actions.refreshMock()}>
        Refresh status
      </button>
      <MockJournal running={running} />
    </div>
  );
}
