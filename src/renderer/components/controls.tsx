// Form controls with a visible label, an accessible name, and the field's errors beside
// it (linked with aria-describedby so a screen reader reads them too).
import { useState, type ReactNode } from 'react';
import { useStudio } from '../state/studio.js';
import { issuesAt } from '../state/form.js';

function idFor(path: string): string {
  return `f-${path.replace(/[^\w]+/g, '-')}`;
}

/** Errors for a config path, from the form (zod) and the service's validation. */
export function useFieldErrors(path: string | undefined): string[] {
  const formIssues = useStudio((s) => s.formIssues);
  const serverIssues = useStudio((s) => s.serverIssues);
  if (!path) return [];
  const server = issuesAt(serverIssues, path).concat(issuesAt(serverIssues, path.replace(/^destination\./, '')));
  return [...new Set([...issuesAt(formIssues, path), ...server])];
}

export function FieldErrors({ id, errors }: { id: string; errors: string[] }) {
  if (errors.length === 0) return null;
  return (
    <ul className="field-errors" id={id} role="alert">
      {errors.map((e) => (
        <li key={e}>{e}</li>
      ))}
    </ul>
  );
}

/** The errors of one row of a repeated group (a mapping, an output field), under the row. */
export function RowErrors({ path }: { path: string }) {
  const errors = useFieldErrors(path);
  return <FieldErrors id={`err-${path.replace(/\W+/g, '-')}`} errors={errors} />;
}

interface FieldProps {
  label: string;
  path?: string;
  hint?: ReactNode;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
  wide?: boolean;
}

export function Field({ label, path, hint, children, wide }: FieldProps) {
  const id = idFor(path ?? label);
  const errors = useFieldErrors(path);
  const errId = `${id}-err`;
  return (
    <div className={`field${wide ? ' wide' : ''}${errors.length ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        'aria-describedby': errors.length ? errId : undefined,
        'aria-invalid': errors.length ? true : undefined,
      })}
      {hint && <div className="hint">{hint}</div>}
      <FieldErrors id={errId} errors={errors} />
    </div>
  );
}

export function TextField(props: {
  label: string;
  path?: string;
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  mono?: boolean;
  hint?: ReactNode;
  wide?: boolean;
  inputMode?: 'numeric' | 'text';
}) {
  return (
    <Field label={props.label} path={props.path} hint={props.hint} wide={props.wide}>
      {(a) => (
        <input
          {...a}
          type="text"
          className={props.mono ? 'mono' : undefined}
          value={props.value}
          placeholder={props.placeholder}
          inputMode={props.inputMode}
          spellCheck={false}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

export function SelectField<T extends string>(props: {
  label: string;
  path?: string;
  value: T;
  options: readonly T[] | ReadonlyArray<{ value: T; label: string }>;
  onChange: (v: T) => void;
  disabled?: boolean;
}) {
  const options = props.options.map((o) => (typeof o === 'string' ? { value: o, label: o } : o));
  return (
    <Field label={props.label} path={props.path}>
      {(a) => (
        <select {...a} value={props.value} disabled={props.disabled} onChange={(e) => props.onChange(e.target.value as T)}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function CheckboxField(props: {
  label: string;
  path?: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  disabled?: boolean;
  hint?: ReactNode;
}) {
  const id = idFor(props.path ?? props.label);
  const errors = useFieldErrors(props.path);
  return (
    <div className={`field checkbox${errors.length ? ' invalid' : ''}`}>
      <label htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          checked={props.checked}
          disabled={props.disabled}
          aria-describedby={errors.length ? `${id}-err` : undefined}
          onChange={(e) => props.onChange(e.target.checked)}
        />
        {props.label}
      </label>
      {props.hint && <div className="hint">{props.hint}</div>}
      <FieldErrors id={`${id}-err`} errors={errors} />
    </div>
  );
}

/** Masked by default; "Reveal" is local to this input and never leaves the renderer. */
export function SecretField(props: { label: string; path: string; value: string; onChange: (v: string) => void; hint?: ReactNode }) {
  const [revealed, setRevealed] = useState(false);
  return (
    <Field label={props.label} path={props.path} hint={props.hint}>
      {(a) => (
        <div className="secret-input">
          <input
            {...a}
            type={revealed ? 'text' : 'password'}
            className="mono"
            autoComplete="off"
            spellCheck={false}
            value={props.value}
            onChange={(e) => props.onChange(e.target.value)}
          />
          <button
            type="button"
            className="ghost"
            aria-pressed={revealed}
            aria-label={revealed ? `Hide ${props.label}` : `Reveal ${props.label}`}
            onClick={() => setRevealed((r) => !r)}
          >
            {revealed ? 'Hide' : 'Reveal'}
          </button>
        </div>
      )}
    </Field>
  );
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="form-section" aria-label={title}>
      <header>
        <h3>{title}</h3>
        {actions}
      </header>
      <div className="form-grid">{children}</div>
    </section>
  );
}
