// The right pane: the consequence of what you edit. Planned requests for the selected
// sample set, their bodies checked as JSON, issues with their place, the mapped records,
// and "Send this one" with the answer beside it.
import { useMemo, useState } from 'react';
import type { ApiIssue, PreviewRequestView, PreviewResult, ResponseView } from '../../shared/api.js';
import { actions, useStudio, type SentResponse, type Tab } from '../state/store.js';
import { STEP_NAMES, type StepName } from '../../shared/config.js';
import { checkBody, formatBytes, plural, statusTone } from '../lib/format.js';
import { describeWhere } from '../editor/issues.js';
import { tabForIssue } from '../state/tabs.js';
import { ConfirmDialog } from '../components/Dialog.js';

// Stable empties: a selector returning a fresh [] would re-render forever.
const NONE_REQUESTS: PreviewRequestView[] = [];
const NONE_ISSUES: ApiIssue[] = [];
const NONE_RECORDS: PreviewResult['records'] = [];

const STEP_LABEL: Record<string, string> = {
  getAudience: 'get audience',
  createAudience: 'create audience',
  add: 'add',
  remove: 'remove',
};

/** Index of a request among the requests of its own step (what sendPreviewed takes). */
export function indexWithinStep(requests: readonly PreviewRequestView[], at: number): number {
  const step = requests[at]?.step;
  let n = 0;
  for (let i = 0; i < at; i++) if (requests[i]?.step === step) n++;
  return n;
}

function Headers({ headers, label }: { headers: Record<string, string>; label: string }) {
  const entries = Object.entries(headers);
  if (entries.length === 0) return <div className="muted">no headers</div>;
  return (
    <dl className="headers mono" aria-label={label}>
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}:</dt> <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Body with a pretty | raw toggle; invalid JSON names line and column and marks the line. */
function Body({ body, label, contentType }: { body: string | undefined; label: string; contentType?: string }) {
  const [raw, setRaw] = useState(false);
  const check = useMemo(() => checkBody(body, contentType), [body, contentType]);
  if (check.kind === 'none') return <div className="muted">no body</div>;
  const text = raw || check.kind !== 'json' ? body! : check.pretty;
  return (
    <div className="body-view">
      <div className="segmented" role="group" aria-label={`Format of ${label.toLowerCase()}`}>
        <button type="button" aria-pressed={!raw} onClick={() => setRaw(false)}>
          pretty
        </button>
        <button type="button" aria-pressed={raw} onClick={() => setRaw(true)}>
          raw
        </button>
      </div>
      {check.kind === 'invalid' ? (
        <>
          <div className="verdict error" role="alert">
            ✗ invalid JSON at line {check.line}, column {check.column}: {check.message}
          </div>
          <pre className="mono code-block" aria-label={label}>
            {text.split('\n').map((line, i) => (
              <div key={i} className={i + 1 === check.line ? 'bad-line' : undefined}>
                {i + 1 === check.line ? (
                  <>
                    {line.slice(0, check.column - 1)}
                    <mark className="bad-char">{line.slice(check.column - 1, check.column) || ' '}</mark>
                    {line.slice(check.column)}
                  </>
                ) : (
                  line || ' '
                )}
              </div>
            ))}
          </pre>
        </>
      ) : (
        <pre className="mono code-block" aria-label={label}>
          {text}
        </pre>
      )}
    </div>
  );
}

function ResponseBlock({ sent }: { sent: SentResponse }) {
  if (sent.pending) return <div className="response muted" aria-live="polite">Sending…</div>;
  if (sent.error) {
    return (
      <div className="response" aria-label="Response" role="region">
        <div className="verdict error" role="alert">
          ✗ {sent.error}
        </div>
      </div>
    );
  }
  const r = sent.response as ResponseView;
  const tone = statusTone(r.status, r.ok);
  return (
    <div className="response" aria-label="Response" role="region">
      <div className="response-line">
        {r.status !== undefined ? (
          <span className={`status-pill ${tone}`} aria-label={`Status ${r.status}`}>
            {r.status}
          </span>
        ) : (
          <span className="status-pill error">{r.errorKind ?? 'failed'}</span>
        )}
        {r.timings && (
          <span className="muted">
            {Math.round(r.timings.total)} ms (first byte {Math.round(r.timings.ttfb)} ms)
          </span>
        )}
        {r.bodyBytes !== undefined && <span className="muted">{formatBytes(r.bodyBytes)}{r.truncated ? ' (truncated)' : ''}</span>}
      </div>
      {r.error && <div className="verdict error">✗ {r.error}</div>}
      {r.verdict && <div className={`verdict ${r.ok ? 'ok' : 'error'}`}>{r.ok ? '✓' : '✗'} {r.verdict}</div>}
      {r.headers && (
        <details>
          <summary>Response headers ({Object.keys(r.headers).length})</summary>
          <Headers headers={r.headers} label="Response headers" />
        </details>
      )}
      <Body body={r.body} label="Response body" contentType={r.headers?.['content-type']} />
    </div>
  );
}

function RequestView({ req, index, stale }: { req: PreviewRequestView; index: number; stale: boolean }) {
  const requests = useShownRequests().requests;
  const sent = useStudio((s) => s.sent);
  const setId = useStudio((s) => s.selectedSetId);
  const [confirm, setConfirm] = useState(false);
  const stepIndex = indexWithinStep(requests, index);
  const check = checkBody(req.body, req.headers['content-type'] ?? req.headers['Content-Type']);
  const mine = sent && sent.step === req.step && sent.index === stepIndex ? sent : null;
  const send = () => {
    setConfirm(false);
    void actions.sendRequest(req.step, stepIndex, req.url);
  };
  return (
    <article className="request" aria-label="Planned request">
      <div className="request-line mono">
        <span className="method">{req.method}</span>
        <span className="url" title={req.url}>
          {req.url}
        </span>
      </div>
      <div className="request-meta">
        <span className="chip">{STEP_LABEL[req.step] ?? req.step}</span>
        {check.kind === 'json' && (
          <span className="verdict ok">
            ✓ valid JSON · {plural(req.recordKeys.length, 'record')}
          </span>
        )}
        {check.kind !== 'json' && req.recordKeys.length > 0 && <span>{plural(req.recordKeys.length, 'record')}</span>}
      </div>
      {req.warnings.length > 0 && (
        <ul className="warnings" aria-label="Warnings">
          {req.warnings.map((w, i) => (
            <li key={i}>⚠ {w}</li>
          ))}
        </ul>
      )}
      <details open>
        <summary>Headers ({Object.keys(req.headers).length})</summary>
        <Headers headers={req.headers} label="Request headers" />
      </details>
      <Body body={req.body} label="Request body" contentType={req.headers['content-type'] ?? req.headers['Content-Type']} />
      <div className="send-row">
        <button type="button" className="primary" disabled={!setId || stale || mine?.pending} onClick={() => setConfirm(true)}>
          Send this one
        </button>
        <span className="hint">
          {stale ? 'Fix the problems above to send.' : 'Sends exactly this request (secrets filled in by the service).'}
        </span>
      </div>
      {mine && <ResponseBlock sent={mine} />}
      <ConfirmDialog title="Send this request?" open={confirm} confirmLabel="Send" onCancel={() => setConfirm(false)} onConfirm={send}>
        <p>This sends a real request to:</p>
        <p className="mono confirm-url">
          {req.method} {req.url}
        </p>
      </ConfirmDialog>
    </article>
  );
}

/** Same message for many records ⇒ one row saying how many, so 40 records don't bury the rest. */
export function groupIssues(issues: readonly ApiIssue[]): Array<{ issue: ApiIssue; count: number }> {
  const groups = new Map<string, { issue: ApiIssue; count: number }>();
  const exact = new Set<string>();
  for (const issue of issues) {
    // Validation and preview may both report the same field: that is one problem.
    const id = `${issue.path}|${issue.message}`;
    if (exact.has(id)) continue;
    exact.add(id);
    const key = `${issue.template ?? ''}|${issue.line ?? ''}|${issue.column ?? ''}|${issue.message}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { issue, count: 1 });
  }
  return [...groups.values()];
}

/**
 * The requests to show: the current preview's, or, while a half-typed template plans
 * nothing, the last ones that planned (marked stale) so the pane does not jump.
 */
function useShownRequests(): { requests: PreviewRequestView[]; stale: boolean } {
  const preview = useStudio((s) => s.preview);
  const lastByStep = useStudio((s) => s.lastByStep);
  const tab = useStudio((s) => s.tab);
  return useMemo(() => {
    if (!preview) return { requests: NONE_REQUESTS, stale: false };
    if (preview.issues.length > 0) {
      // The step being edited planned nothing (its template is broken mid-edit): show what
      // it planned last, marked stale, rather than another step's requests.
      const steps = TAB_STEPS[tab] ?? (preview.requests.length === 0 ? STEP_NAMES : undefined);
      if (steps && !preview.requests.some((r) => steps.includes(r.step))) {
        const last = steps.flatMap((s) => lastByStep[s] ?? []);
        if (last.length > 0) return { requests: last, stale: true };
      }
    }
    return { requests: preview.requests, stale: false };
  }, [preview, lastByStep, tab]);
}

const TAB_STEPS: Partial<Record<Tab, readonly StepName[]>> = {
  Add: ['add'],
  Remove: ['remove'],
  Audience: ['getAudience', 'createAudience'],
};

function IssuesList() {
  const issues = useStudio((s) => s.preview?.issues ?? NONE_ISSUES);
  const formIssues = useStudio((s) => s.formIssues);
  const all = [...formIssues, ...issues];
  if (all.length === 0) return null;
  const groups = groupIssues(all);
  return (
    <section className="issues" aria-label="Problems">
      <h3>Problems ({groups.reduce((n, g) => n + g.count, 0)})</h3>
      <ul className="issue-list">
        {groups.slice(0, 30).map(({ issue: i, count }, n) => (
          <li key={n} className="issue">
            <button type="button" className="link" onClick={() => actions.setTab(tabForIssue(i))}>
              <span className="where mono">{describeWhere(i)}</span>
            </button>
            {count > 1 && <span className="muted"> and {count - 1} more</span>} {i.message}
          </li>
        ))}
      </ul>
      {groups.length > 30 && <div className="muted">{groups.length - 30} more kinds of problem not shown</div>}
    </section>
  );
}

function MappedRecords() {
  const records = useStudio((s) => s.preview?.records ?? NONE_RECORDS);
  if (records.length === 0) return <div className="empty">No mapped records yet: pick a sample set.</div>;
  return (
    <ol className="record-list" aria-label="Mapped records">
      {records.map((r, i) => (
        <li key={i}>
          <div className="record-head">
            <span className="mono">{r.key}</span> <span className={`chip ${r.action}`}>{r.action}</span>
          </div>
          <pre className="mono code-block">{JSON.stringify(r.data, null, 2)}</pre>
        </li>
      ))}
    </ol>
  );
}

export function PreviewPane() {
  const preview = useStudio((s) => s.preview);
  const pending = useStudio((s) => s.previewPending);
  const error = useStudio((s) => s.previewError);
  const selected = useStudio((s) => s.selectedRequest);
  const sets = useStudio((s) => s.sampleSets);
  const setId = useStudio((s) => s.selectedSetId);
  const [view, setView] = useState<'requests' | 'records'>('requests');
  const { requests, stale } = useShownRequests();
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
        <IssuesList />
        {view === 'records' ? (
          <MappedRecords />
        ) : (
          <>
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
                  {preview ? ` · ${Math.round(preview.elapsedMs)} ms` : ''}
                  {pending ? ' · updating…' : ''}
                </span>
              </div>
            )}
            {stale && (
              <div className="stale-note" role="note">
                Showing the last requests this step planned: fix the problems above to update them.
              </div>
            )}
            {req ? (
              <div className={stale ? 'stale' : undefined}>
                <RequestView key={`${req.step}-${selected}`} req={req} stale={stale} index={Math.min(selected, requests.length - 1)} />
              </div>
            ) : (
              setId && !pending && preview && <div className="empty">No requests planned: fix the problems above, or enable add/remove.</div>
            )}
          </>
        )}
      </div>
    </aside>
  );
}
