// The Errors tab: retries (the destination's retry policy, compact), attempts, pacing,
// concurrency, timeout and idempotency key.
import { CheckboxField, Section, TextField } from '../../components/controls.js';
import { edit, useStudio } from '../../state/studio.js';

export function ErrorsTab() {
  const form = useStudio((s) => s.form);
  return (
    <Section title="Error handling and pacing">
      <CheckboxField
        label="Retry on errors"
        path="destination.retryOnErrors"
        checked={form.retryOnErrors}
        onChange={(v) => edit((f) => void (f.retryOnErrors = v))}
        hint="Retries the statuses below, connection failures and timeouts with jittered backoff; honours Retry-After."
      />
      <TextField label="Max attempts" path="destination.maxAttempts" inputMode="numeric" value={form.maxAttempts} onChange={(v) => edit((f) => void (f.maxAttempts = v))} />
      <CheckboxField
        label="Retry until stopped"
        path="destination.retry.maxAttempts"
        checked={form.retry.untilStopped}
        onChange={(v) => edit((f) => void (f.retry.untilStopped = v))}
        hint="GrowthLoop's behaviour: retry until it succeeds or the run is stopped (Max attempts ignored). Cancel stops it; resume sends the record."
      />
      <TextField
        label="Retried statuses"
        path="destination.retry.statuses"
        mono
        value={form.retry.statuses}
        placeholder="429, 500-504"
        onChange={(v) => edit((f) => void (f.retry.statuses = v))}
        hint="Statuses and ranges, comma-separated. Blank: 429, 500-504."
      />
      <TextField
        label="Max retry time (ms)"
        path="destination.retry.maxElapsedMs"
        inputMode="numeric"
        value={form.retry.maxElapsedMs}
        placeholder="no limit"
        onChange={(v) => edit((f) => void (f.retry.maxElapsedMs = v))}
        hint="No retry once this long has passed since a request's first attempt."
      />
      <TextField
        label="Retry-After cap (ms)"
        path="destination.retry.retryAfterCapMs"
        inputMode="numeric"
        value={form.retry.retryAfterCapMs}
        placeholder="600000"
        onChange={(v) => edit((f) => void (f.retry.retryAfterCapMs = v))}
        hint="A longer Retry-After is shortened to this (and logged as capped)."
      />
      <TextField
        label="Requests per hour"
        path="destination.requestsPerHour"
        inputMode="numeric"
        value={form.requestsPerHour}
        placeholder="no limit"
        onChange={(v) => edit((f) => void (f.requestsPerHour = v))}
        hint="3600 ≈ one a second. Blank: no limit."
      />
      <TextField label="Concurrency" path="destination.concurrency" inputMode="numeric" value={form.concurrency} onChange={(v) => edit((f) => void (f.concurrency = v))} />
      <TextField label="Timeout (ms)" path="destination.timeoutMs" inputMode="numeric" value={form.timeoutMs} onChange={(v) => edit((f) => void (f.timeoutMs = v))} />
      <TextField
        label="Idempotency key header"
        path="destination.idempotencyKey"
        mono
        value={form.idempotencyKey}
        placeholder="off"
        onChange={(v) => edit((f) => void (f.idempotencyKey = v))}
        hint="Blank: off. A header name (e.g. Idempotency-Key) sends a stable key per batch."
      />
    </Section>
  );
}
