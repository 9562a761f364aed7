// One planned request: method and URL, step, JSON verdict, warnings, headers and body,
// and "Send this one" (after a confirmation) with the answer beneath.
import { useState } from 'react';
import type { PreviewRequestView } from '../../../shared/api.js';
import { plural } from '../../../shared/format.js';
import { ConfirmDialog } from '../../components/Dialog.js';
import { checkBody } from '../../lib/format.js';
import { actions, useStudio } from '../../state/studio.js';
import { BodyView } from './BodyView.js';
import { HeaderList } from './HeaderList.js';
import { withPlaceholders } from './Placeholders.js';
import { ResponseBlock } from './ResponseBlock.js';
import { indexWithinStep, STEP_LABEL, useShownRequests } from './shownRequests.js';

export function RequestView({ req, index, stale }: { req: PreviewRequestView; index: number; stale: boolean }) {
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
          {withPlaceholders(req.url)}
        </span>
      </div>
      <div className="request-meta">
        <span className="chip">{STEP_LABEL[req.step] ?? req.step}</span>
        {req.refused && (
          <span className="verdict error" role="alert">
            ✗ not sent: a run refuses this body (not JSON)
          </span>
        )}
        {check.kind === 'json' && !req.refused && (
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
      {req.notes && req.notes.length > 0 && (
        <ul className="notes" aria-label="Notes">
          {req.notes.map((n, i) => (
            <li key={i}>ℹ {n}</li>
          ))}
        </ul>
      )}
      <details open>
        <summary>Headers ({Object.keys(req.headers).length})</summary>
        <HeaderList headers={req.headers} label="Request headers" />
      </details>
      <BodyView body={req.body} label="Request body" contentType={req.headers['content-type'] ?? req.headers['Content-Type']} />
      <div className="send-row">
        <button type="button" className="primary" disabled={!setId || stale || !!req.refused || mine?.pending} onClick={() => setConfirm(true)}>
          Send this one
        </button>
        <span className="hint">
          {stale
            ? 'Fix the problems listed above to send.'
            : req.refused
              ? 'A run refuses this request: its body is not JSON.'
              : 'Sends exactly this request (secrets filled in by the service).'}
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
