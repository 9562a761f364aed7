// Settling a request's records: the run's counts and the `records-settled` event that the
// store records (DESIGN invariant 4). Counts follow what the endpoint answered; which records
// are delivered follows what the answer names (success.ts), never a count applied in order.
import type { Redactor } from './redact.js';
import type { Acknowledgement } from './success.js';
import type { PreparedRecord, RecordOutcome, RunCounts, RunEvent } from './types.js';

export interface SettlerDeps {
  counts: Required<RunCounts>;
  redactor: Redactor;
  emit?: (e: RunEvent) => void;
  /** Called after each settling event (the runner throttles its progress events). */
  progress: () => void;
}

export interface Settler {
  /** A whole request's records with one outcome: delivered, or failed for `reason` (already redacted). */
  all(requestId: string | null, records: PreparedRecord[], ok: boolean, reason?: string): void;
  /** A request's records as the endpoint's answer says. */
  answer(requestId: string, records: PreparedRecord[], ack: Acknowledgement): void;
}

export function createSettler({ counts, redactor, emit, progress }: SettlerDeps): Settler {
  const all = (requestId: string | null, records: PreparedRecord[], ok: boolean, reason?: string): void => {
    if (ok) counts.succeeded += records.length;
    else counts.failed += records.length;
    if (!emit) return; // nobody listens for outcomes: count them without one object per record
    const outcomes: RecordOutcome[] = records.map((r) =>
      ok ? { seq: r.seq, key: r.key, action: r.action, ok, line: r.line } : { seq: r.seq, key: r.key, action: r.action, ok, reason: reason ?? 'failed', line: r.line },
    );
    emit({ type: 'records-settled', requestId, outcomes, at: Date.now() });
    progress();
  };

  const answer = (requestId: string, records: PreparedRecord[], ack: Acknowledgement): void => {
    if (!ack.records) {
      all(requestId, records, ack.succeeded > 0, ack.reason === undefined ? undefined : redactor.text(ack.reason));
      return;
    }
    counts.succeeded += ack.succeeded;
    counts.failed += records.length - ack.succeeded;
    counts.unconfirmed += ack.unconfirmed ?? 0;
    const reasons = new Map<string, string>(); // a few distinct reasons per request: redact each once
    const redacted = (reason: string): string => {
      let r = reasons.get(reason);
      if (r === undefined) reasons.set(reason, (r = redactor.text(reason)));
      return r;
    };
    const outcomes: RecordOutcome[] = records.map((r, i) => {
      const a = ack.records![i]!;
      const base = { seq: r.seq, key: r.key, action: r.action, line: r.line };
      if (a.status === 'delivered') return { ...base, ok: true };
      return a.status === 'unconfirmed' ? { ...base, ok: false, reason: redacted(a.reason), unconfirmed: true } : { ...base, ok: false, reason: redacted(a.reason) };
    });
    emit?.({ type: 'records-settled', requestId, outcomes, at: Date.now() });
    progress();
  };

  return { all, answer };
}
