// The Errors tab: retries, attempts, pacing, concurrency, timeout and idempotency key.
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
        hint="Retries 429 and 500–504, connection failures and timeouts with jittered backoff; honours Retry-After."
      />
      <TextField label="Max attempts" path="destination.maxAttempts" inputMode="numeric" value={form.maxAttempts} onChange={(v) => edit((f) => void (f.maxAttempts = v))} />
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
