// The environments editor (a dialog over the studio): each environment is a name and its
// variables, plain or secret. A saved secret is never shown: its field stays empty with
// "saved" said beside it, and typing replaces it. Without OS encryption a secret cannot be
// saved: the message sits beside its field with the choice to keep it for this session only.
import { useEffect, useRef, useState } from 'react';
import type { EnvironmentVariableInput, EnvironmentView } from '../../shared/api.js';
import type { Issue } from '../../shared/issues.js';
import { ConfirmDialog, Dialog } from '../components/Dialog.js';
import { environmentActions, useEnvironments } from '../state/environments.js';

interface DraftVariable {
  name: string;
  secret: boolean;
  /** Typed value; for a secret, undefined keeps the stored (or session) one. */
  value: string | undefined;
  sessionOnly: boolean;
  /** What the service says of a stored secret (set, session-only, unreadable). */
  stored?: { set: boolean; sessionOnly: boolean; locked: boolean };
}

interface Draft {
  id: string | null;
  name: string;
  variables: DraftVariable[];
}

function draftOf(env: EnvironmentView | undefined): Draft {
  if (!env) return { id: null, name: '', variables: [{ name: '', secret: false, value: '', sessionOnly: false }] };
  return {
    id: env.id,
    name: env.name,
    variables: env.variables.map((v) => ({
      name: v.name,
      secret: v.secret,
      value: v.secret ? undefined : (v.value ?? ''),
      sessionOnly: v.sessionOnly,
      ...(v.secret ? { stored: { set: v.set, sessionOnly: v.sessionOnly, locked: Boolean(v.locked) } } : {}),
    })),
  };
}

function toInput(v: DraftVariable): EnvironmentVariableInput {
  return {
    name: v.name.trim(),
    secret: v.secret,
    ...(v.value !== undefined ? { value: v.value } : {}),
    ...(v.secret && v.sessionOnly ? { sessionOnly: true } : {}),
  };
}

function secretNote(v: DraftVariable, canEncrypt: boolean): string {
  if (v.value !== undefined && v.value !== '') {
    if (v.sessionOnly) return 'kept for this session only (not saved)';
    return canEncrypt ? 'will be saved encrypted' : 'this computer cannot encrypt: it can only be kept for this session';
  }
  if (!v.stored) return 'not set';
  if (v.stored.locked) return 'saved on another machine: cannot be read here, enter it again';
  if (v.stored.sessionOnly) return v.stored.set ? 'kept for this session only (not saved)' : 'not set: it was kept for a past session only, enter it again';
  return v.stored.set ? 'saved, encrypted: type to replace' : 'not set';
}

export function EnvironmentsDialog() {
  const editing = useEnvironments((s) => s.editing);
  const environments = useEnvironments((s) => s.environments);
  const canEncrypt = useEnvironments((s) => s.canEncrypt);
  const [draft, setDraft] = useState<Draft>(() => draftOf(undefined));
  const [issues, setIssues] = useState<Issue[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const editingId = editing?.id ?? null;
  const open = editing !== null;
  /** A new environment just saved: the editor moves onto it without resetting the form. */
  const justSaved = useRef<string | null>(null);

  useEffect(() => {
    if (!open) return;
    if (justSaved.current !== null && justSaved.current === editingId) {
      justSaved.current = null;
      return;
    }
    setDraft(draftOf(environments.find((e) => e.id === editingId)));
    setIssues([]);
    setSaved(null);
    // Only when the dialog opens or switches environment: a save must not reset the form.
  }, [open, editingId]);

  const issueAt = (path: string) => issues.filter((i) => i.path === path);
  const change = (i: number, patch: Partial<DraftVariable>) => {
    setDraft((d) => ({ ...d, variables: d.variables.map((v, n) => (n === i ? { ...v, ...patch } : v)) }));
    setSaved(null);
  };

  const save = async (d: Draft = draft) => {
    const out = await environmentActions.save({
      ...(d.id ? { id: d.id } : {}),
      name: d.name,
      variables: d.variables.filter((v) => v.name.trim() !== '' || (v.value ?? '') !== '').map(toInput),
    });
    if (!out) return;
    setIssues(out.issues);
    if (out.issues.length === 0 && out.id) {
      const env = out.state.environments.find((e) => e.id === out.id);
      setDraft(draftOf(env));
      setSaved(`Saved "${env?.name ?? d.name}".`);
      if (!d.id) {
        justSaved.current = out.id;
        environmentActions.openEditor(out.id);
      }
    }
  };

  return (
    <Dialog
      title="Environments"
      open={open}
      onClose={() => environmentActions.closeEditor()}
      actions={
        <>
          {draft.id && (
            <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
              Delete environment
            </button>
          )}
          <span className="spacer" />
          <button type="button" onClick={() => environmentActions.closeEditor()}>
            Close
          </button>
          <button type="button" className="primary" onClick={() => void save()}>
            Save environment
          </button>
        </>
      }
    >
      <div className="env-editor">
        <nav className="env-list" aria-label="Environments list">
          {environments.map((e) => (
            <button key={e.id} type="button" aria-current={e.id === draft.id ? 'true' : undefined} onClick={() => environmentActions.openEditor(e.id)}>
              {e.name}
            </button>
          ))}
          <button type="button" className="link" aria-current={draft.id === null ? 'true' : undefined} onClick={() => environmentActions.openEditor(null)}>
            + New environment
          </button>
        </nav>
        <div className="env-form">
          <label className="env-name">
            <span>Environment name</span>
            <input
              value={draft.name}
              placeholder="dev, staging, prod…"
              aria-invalid={issueAt('name').length > 0}
              onChange={(e) => {
                setDraft({ ...draft, name: e.target.value });
                setSaved(null);
              }}
            />
          </label>
          {issueAt('name').map((i, n) => (
            <p key={n} className="field-error" role="alert">
              {i.message}
            </p>
          ))}
          <p className="muted env-hint">
            Referenced as <code>{'${env:NAME}'}</code> in a destination; the selected environment overrides the process environment.
            {!canEncrypt && ' This computer cannot encrypt secrets: secret values can be kept for this session only.'}
          </p>
          <table className="env-vars">
            <thead>
              <tr>
                <th scope="col">Variable</th>
                <th scope="col">Value</th>
                <th scope="col">Secret</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {draft.variables.map((v, i) => {
                const label = v.name.trim() || `variable ${i + 1}`;
                const valueIssues = issueAt(`variables[${i}].value`);
                return (
                  <tr key={i}>
                    <td>
                      <input
                        className="mono"
                        aria-label={`Name of variable ${i + 1}`}
                        value={v.name}
                        placeholder="API_KEY"
                        aria-invalid={issueAt(`variables[${i}].name`).length > 0}
                        onChange={(e) => change(i, { name: e.target.value })}
                      />
                      {issueAt(`variables[${i}].name`).map((x, n) => (
                        <p key={n} className="field-error" role="alert">
                          {x.message}
                        </p>
                      ))}
                    </td>
                    <td>
                      <input
                        className="mono"
                        aria-label={`Value of ${label}`}
                        type={v.secret ? 'password' : 'text'}
                        autoComplete="off"
                        value={v.value ?? ''}
                        placeholder={v.secret && v.stored?.set ? (v.stored.sessionOnly ? '●●●● (this session)' : '●●●● (saved)') : ''}
                        aria-invalid={valueIssues.length > 0}
                        onChange={(e) => change(i, { value: e.target.value })}
                      />
                      {v.secret && valueIssues.length === 0 && <p className="muted env-note">{secretNote(v, canEncrypt)}</p>}
                      {valueIssues.map((x, n) => (
                        <div key={n} className="field-error env-noencrypt" role="alert">
                          <p>{x.message}</p>
                          <button
                            type="button"
                            onClick={() => {
                              const next = { ...draft, variables: draft.variables.map((w, k) => (k === i ? { ...w, sessionOnly: true } : w)) };
                              setDraft(next);
                              void save(next);
                            }}
                          >
                            Keep {label} for this session only
                          </button>
                        </div>
                      ))}
                    </td>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`${label} is secret`}
                        checked={v.secret}
                        onChange={(e) => change(i, { secret: e.target.checked, value: e.target.checked ? v.value : (v.value ?? ''), sessionOnly: false })}
                      />
                    </td>
                    <td>
                      <button
                        type="button"
                        className="link"
                        aria-label={`Remove ${label}`}
                        onClick={() => setDraft({ ...draft, variables: draft.variables.filter((_, n) => n !== i) })}
                      >
                        ✕
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <button type="button" onClick={() => setDraft({ ...draft, variables: [...draft.variables, { name: '', secret: false, value: '', sessionOnly: false }] })}>
            Add variable
          </button>
          {saved && (
            <p className="env-saved" role="status">
              {saved}
            </p>
          )}
        </div>
      </div>
      <ConfirmDialog
        title={`Delete environment "${draft.name}"?`}
        open={confirmDelete}
        confirmLabel="Delete"
        danger
        onCancel={() => setConfirmDelete(false)}
        onConfirm={() => {
          setConfirmDelete(false);
          if (draft.id) void environmentActions.remove(draft.id);
        }}
      >
        Its variables and saved secrets are deleted. Runs that used it can no longer be resumed until an environment of that name exists again.
      </ConfirmDialog>
    </Dialog>
  );
}
