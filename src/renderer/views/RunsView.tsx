// Runs: start an export (dry run first), watch it live, browse its requests, and the history.
// The request detail shows in the right-hand pane (views/runs/RequestDetailPane.tsx).
import { useEffect } from 'react';
import { runViewActions } from '../state/run-view.js';
import { InterruptedBanner } from './runs/InterruptedBanner.js';
import { RequestsTable } from './runs/RequestsTable.js';
import { RunHistory } from './runs/RunHistory.js';
import { RunProgressPanel } from './runs/RunProgressPanel.js';
import { RunStart } from './runs/RunStart.js';

export function RunsView() {
  useEffect(() => {
    void runViewActions.refreshRuns();
  }, []);
  return (
    <div className="page runs-page" role="region" aria-label="Runs">
      <h2>Runs</h2>
      <InterruptedBanner />
      <RunStart />
      <RunProgressPanel />
      <RequestsTable />
      <RunHistory />
    </div>
  );
}
