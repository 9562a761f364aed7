// Runs, built around the request log: a compact start row (dry run folded under it), the
// history folded, the run's progress and chart compact, and the log filling the rest. The
// request detail shows in the right-hand pane (views/runs/RequestDetailPane.tsx), and the
// handle on the log's right edge resizes the two (views/runs/SplitHandle.tsx).
import { useEffect } from 'react';
import { runViewActions } from '../state/run-view.js';
import { InterruptedBanner } from './runs/InterruptedBanner.js';
import { RequestsTable } from './runs/RequestsTable.js';
import { RunHistory } from './runs/RunHistory.js';
import { RunProgressPanel } from './runs/RunProgressPanel.js';
import { RunStart } from './runs/RunStart.js';
import { SplitHandle } from './runs/SplitHandle.js';

export function RunsView() {
  useEffect(() => {
    void runViewActions.refreshRuns();
  }, []);
  return (
    <>
      <div className="page runs-page run-view" role="region" aria-label="Runs">
        <h2 className="visually-hidden">Runs</h2>
        <InterruptedBanner />
        <RunStart />
        <RunHistory />
        <RunProgressPanel />
        <RequestsTable />
      </div>
      <SplitHandle />
    </>
  );
}
