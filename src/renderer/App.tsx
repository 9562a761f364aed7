// The studio shell: rail | centre | preview, status bar below. Global keys live here.
import { useEffect } from 'react';
import { actions, useStudio } from './state/studio.js';
import { previewNow, startPreviewSync } from './state/preview.js';
import { Rail } from './components/Rail.js';
import { StatusBar } from './components/StatusBar.js';
import { CommandPalette, runCommands } from './components/CommandPalette.js';
import { UnsavedChangesDialog, useCloseGuard } from './components/UnsavedChangesDialog.js';
import { JmesPlaygroundDialog } from './views/JmesPlayground.js';
import { DestinationEditor } from './views/DestinationEditor.js';
import { PreviewPane } from './views/PreviewPane.js';
import { SamplesView } from './views/SamplesView.js';
import { OAuthView } from './views/OAuthView.js';
import { MockView } from './views/MockView.js';
import { RunsView } from './views/RunsView.js';
import { RequestDetailPane } from './views/runs/RequestDetailPane.js';
import { InterruptedBanner } from './views/runs/InterruptedBanner.js';
import { runViewActions } from './state/run-view.js';
import { EnvironmentPicker } from './components/EnvironmentPicker.js';
import { EnvironmentsDialog } from './views/EnvironmentsDialog.js';

let launched = false;
async function firstLaunch(): Promise<void> {
  // StrictMode mounts twice in development; generate the example profiles once.
  if (launched) return;
  launched = true;
  // Runs too: one left unfinished by the last session is offered for resumption.
  await Promise.all([actions.refreshDestinations(), actions.refreshSamples(), actions.refreshMock(), runViewActions.refreshRuns()]);
  const s = useStudio.getState();
  // A first launch shows a working example: profiles to preview against...
  if (s.sampleSets.length === 0) await actions.generateSamples(20, 1, 'Sample profiles');
  // ...and the most recently edited destination when there is one.
  const latest = [...s.destinations].sort((a, b) => b.updatedAt - a.updatedAt)[0];
  if (latest) await actions.openDestination(latest.id);
}

function useGlobalKeys() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (!mod) return;
      const key = e.key.toLowerCase();
      if (key === 's') {
        e.preventDefault();
        void actions.saveDestination();
      } else if (key === 'k') {
        e.preventDefault();
        actions.togglePalette();
      } else if (key === 'enter') {
        e.preventDefault();
        const place = useStudio.getState().place;
        // The palette lists these shortcuts (CommandPalette.tsx): keep both in step.
        if (e.shiftKey) runCommands.sendThisOne();
        else if (place === 'oauth') void actions.fetchToken();
        else if (place === 'runs') runCommands.dryRun();
        else previewNow();
      }
    };
    // Capture phase: Monaco would otherwise swallow Ctrl+Enter / Ctrl+S.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
}

export function App() {
  const place = useStudio((s) => s.place);
  useGlobalKeys();
  useCloseGuard();
  useEffect(() => {
    const stop = startPreviewSync();
    void firstLaunch();
    const poll = setInterval(() => void actions.refreshMock(), 5000);
    return () => {
      stop();
      clearInterval(poll);
    };
  }, []);

  return (
    <div className="app">
      <header className="titlebar" aria-label="Title bar">
        <EnvironmentPicker />
      </header>
      <Rail />
      <main className={`centre place-${place}`}>
        {place !== 'runs' && <InterruptedBanner />}
        {place === 'destinations' && <DestinationEditor />}
        {place === 'samples' && <SamplesView />}
        {place === 'runs' && <RunsView />}
        {place === 'mock' && <MockView />}
        {place === 'oauth' && <OAuthView />}
      </main>
      {place === 'runs' ? <RequestDetailPane /> : <PreviewPane />}
      <StatusBar />
      <CommandPalette />
      <UnsavedChangesDialog />
      <EnvironmentsDialog />
      <JmesPlaygroundDialog />
    </div>
  );
}
