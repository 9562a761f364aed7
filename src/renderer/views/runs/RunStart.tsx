// Start an export: destination, input (a sample set or a file path), a dry run first, all in
// one compact row above the log. A dry run planned from another config or input than the
// one now chosen is marked stale, with a button to plan it again.
import { useEffect, useState } from 'react';
import type { RunInputSpec } from '../../../shared/api.js';
import type { SyncMode } from '../../../shared/config.js';
import { useStudio } from '../../state/studio.js';
import { dryKeyOf, runViewActions, useRunView } from '../../state/run-view.js';
import { DryRunSummary } from './DryRunSummary.js';

export function RunStart() {
  const destinations = useStudio((s) => s.destinations);
  const currentId = useStudio((s) => s.currentId);
  const sets = useStudio((s) => s.sampleSets);
  const selectedSetId = useStudio((s) => s.selectedSetId);
  const dry = useRunView((s) => s.dry);
  const dryPending = useRunView((s) => s.dryPending);
  const starting = useRunView((s) => s.starting);
  const progress = useRunView((s) => s.progress);
  const activeRunId = useRunView((s) => s.activeRunId);
  const dryKey = useRunView((s) => s.dryKey);
  // Re-rendered on every edit of the editor's config, so the stale mark follows it.
  useStudio((s) => s.config);
  const [destinationId, setDestinationId] = useState(currentId ?? destinations[0]?.id ?? '');
  const [kind, setKind] = useState<'samples' | 'file'>('samples');
  const [setId, setSetId] = useState(selectedSetId ?? sets[0]?.id ?? '');
  const [path, setPath] = useState('');
  // Like `run --sync`: the editor's own mode to begin with, changed for this run only.
  const [sync, setSync] = useState<SyncMode>(() => (useStudio.getState().config.sync?.mode === 'diff' ? 'diff' : 'full'));

  useEffect(() => {
    if (!destinationId && (currentId ?? destinations[0]?.id)) setDestinationId(currentId ?? destinations[0]!.id);
  }, [destinationId, currentId, destinations]);
  useEffect(() => {
    if (!setId && (selectedSetId ?? sets[0]?.id)) setSetId(selectedSetId ?? sets[0]!.id);
  }, [setId, selectedSetId, sets]);

  const input: RunInputSpec | null = kind === 'samples' ? (setId ? { setId } : null) : path.trim() ? { path: path.trim() } : null;
  const busy = Boolean(activeRunId && progress && progress.state !== 'finished');
  const ready = Boolean(destinationId && input);
  const stale = Boolean(dry && dryKey !== null && dryKey !== dryKeyOf(destinationId, input, sync));

  return (
    <section className="run-start" aria-label="Start an export">
      <h3 className="visually-hidden">Start an export</h3>
      <div className="run-start-row">
        <div className="field">
          <label htmlFor="run-destination">Destination</label>
          <select
            id="run-destination"
            title={destinations.find((d) => d.id === destinationId)?.name}
            value={destinationId}
            onChange={(e) => setDestinationId(e.target.value)}
          >
            {destinations.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
                {d.id === currentId ? ' (editing)' : ''}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="field input-kind">
          <legend className="label-like">Input</legend>
          <label className="inline">
            <input type="radio" name="run-input" checked={kind === 'samples'} onChange={() => setKind('samples')} />
            Saved profiles
          </label>
          <label className="inline">
            <input type="radio" name="run-input" checked={kind === 'file'} onChange={() => setKind('file')} />
            A file on disk
          </label>
        </fieldset>
        {kind === 'samples' ? (
          <div className="field">
            <label htmlFor="run-set">Sample set</label>
            <select id="run-set" value={setId} onChange={(e) => setSetId(e.target.value)}>
              {sets.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} ({s.count})
                </option>
              ))}
            </select>
          </div>
        ) : (
          <div className="field">
            <label htmlFor="run-file">Input file</label>
            <input
              id="run-file"
              className="mono"
              type="text"
              value={path}
              spellCheck={false}
              placeholder="/path/to/profiles.ndjson (.ndjson, .jsonl, .csv, .json, .parquet)"
              onChange={(e) => setPath(e.target.value)}
            />
          </div>
        )}
        <div className="field">
          <label htmlFor="run-sync">Sync</label>
          <select id="run-sync" value={sync} onChange={(e) => setSync(e.target.value === 'diff' ? 'diff' : 'full')} title="diff: send only what changed since the last delivered sync of this destination and audience">
            <option value="full">Full: every record</option>
            <option value="diff">Diff: only what changed</option>
          </select>
        </div>
      <div className="button-row run-buttons">
        <button type="button" disabled={!ready || dryPending} onClick={() => input && void runViewActions.dryRun(destinationId, input, sync)}>
          {dryPending ? 'Planning…' : 'Dry run'}
        </button>
        <button type="button" className="primary" disabled={!ready || starting || busy} onClick={() => input && void runViewActions.start(destinationId, input, sync)}>
          {starting ? 'Starting…' : 'Start run'}
        </button>
        {busy && <span className="muted">a run is in progress</span>}
      </div>
      </div>
      {dry && <DryRunSummary dry={dry} stale={stale} onRerun={ready && input ? () => void runViewActions.dryRun(destinationId, input, sync) : undefined} />}
    </section>
  );
}
