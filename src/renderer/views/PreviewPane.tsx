// The right pane: the consequence of what you edit. Planned requests for the selected
// sample set, their bodies checked as JSON, issues with their place, the mapped records,
// and "Send this one" with the answer beside it. Its parts live in views/preview/.
import { useState } from 'react';
import { plural } from '../../shared/format.js';
import { BODY_ESCAPING_LABEL } from '../../shared/api.js';
import { actions, useStudio } from '../state/studio.js';
import { Explanation, whyNothingPlanned } from './preview/Explanation.js';
import { IssuesList, problemCount } from './preview/IssuesList.js';
import { EnvReferences } from './preview/EnvReferences.js';
import { MappedRecords } from './preview/MappedRecords.js';
import { PlaceholderNote } from './preview/Placeholders.js';
import { RequestView } from './preview/RequestView.js';
import { STEP_LABEL, useShownRequests } from './preview/shownRequests.js';

export function PreviewPane() {
  const preview = useStudio((s) => s.preview);
  const pending = useStudio((s) => s.previewPending);
  const error = useStudio((s) => s.previewError);
  const selected = useStudio((s) => s.selectedRequest);
  const sets = useStudio((s) => s.sampleSets);
  const setId = useStudio((s) => s.selectedSetId);
  const [view, setView] = useState<'requests' | 'records'>('requests');
  const formIssues = useStudio((s) => s.formIssues);
  const { requests, stale } = useShownRequests();
  const problems = problemCount(formIssues, preview?.issues ?? []);
  const req = requests[Math.min(selected, requests.length - 1)];

  return (
    <aside className="preview-pane" aria-label="Preview" aria-busy={pending}>
      <div className="toolbar">
        <label htmlFor="preview-set">Samples</label>
        <select id="preview-set" value={setId ?? ''} onChange={(e) => actions.selectSet(e.target.value)}>
          {sets.length === 0 && <option value="">no sample sets</option>}
          {sets.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({s.count})
            </option>
          ))}
        </select>
        <span className="spacer" />
        <div className="segmented" role="group" aria-label="Preview view">
          <button type="button" aria-pressed={view === 'requests'} onClick={() => setView('requests')}>
            Requests
          </button>
          <button type="button" aria-pressed={view === 'records'} onClick={() => setView('records')}>
            Mapped records
          </button>
        </div>
      </div>
      <div className="preview-scroll">
        {error && (
          <div className="verdict error" role="alert">
            Preview failed: {error}
          </div>
        )}
        {!setId && (
          <div className="empty">
            No sample profiles yet. <button type="button" onClick={() => void actions.generateSamples(20, 1, 'Sample profiles')}>Generate 20 profiles</button>
          </div>
        )}
        <EnvReferences />
        <IssuesList />
        {setId && <Explanation />}
        {view === 'records' ? (
          <MappedRecords />
        ) : (
          <>
            {preview && !stale && requests.length > 0 && !requests.some((r) => r.step === 'add' || r.step === 'remove') && (
              <div className="empty" role="status">
                {whyNothingPlanned(preview.explanation, problems, true)}
              </div>
            )}
            {requests.length > 0 && (
              <div className="request-picker">
                <label htmlFor="request-picker">Request</label>
                <select id="request-picker" value={Math.min(selected, requests.length - 1)} onChange={(e) => actions.selectRequest(Number(e.target.value))}>
                  {requests.map((r, i) => (
                    <option key={i} value={i}>
                      {i + 1}. {STEP_LABEL[r.step] ?? r.step} · {r.method} · {r.recordKeys.length ? r.recordKeys.slice(0, 2).join(', ') + (r.recordKeys.length > 2 ? ` +${r.recordKeys.length - 2}` : '') : 'audience'}
                    </option>
                  ))}
                </select>
                <span className="muted" aria-live="polite">
                  {plural(requests.length, 'request')}
                  {preview?.escaping ? ` · escaping: ${BODY_ESCAPING_LABEL[preview.escaping]}` : ''}
                  {preview ? ` · ${Math.round(preview.elapsedMs)} ms` : ''}
                  {pending ? ' · updating…' : ''}
                </span>
              </div>
            )}
            {stale && (
              <div className="stale-note" role="note" aria-label="Stale requests">
                Showing the last requests this step planned: fix the {plural(Math.max(problems, 1), 'problem')} listed above to update them.
              </div>
            )}
            <PlaceholderNote />
            {req ? (
              <div className={stale ? 'stale' : undefined}>
                <RequestView key={`${req.step}-${selected}`} req={req} stale={stale} index={Math.min(selected, requests.length - 1)} />
              </div>
            ) : (
              setId && preview && <div className="empty" role="status">{whyNothingPlanned(preview.explanation, problems)}</div>
            )}
          </>
        )}
      </div>
    </aside>
  );
}
