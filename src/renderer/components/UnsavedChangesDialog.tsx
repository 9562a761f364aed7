// The unsaved-changes guard: every way out of an edited destination (another destination,
// New destination, Import config, closing the window) asks Save / Discard / Cancel first.
import { useEffect } from 'react';
import { actions, isDirty, useStudio } from '../state/studio.js';
import { Dialog } from './Dialog.js';

/** Set once the user chose to close anyway, so the second beforeunload lets the window go. */
let closingAnyway = false;

/**
 * Closing the window with unsaved edits: the page cancels the unload and asks in its own
 * dialog. In Electron a cancelled beforeunload keeps the window open without any prompt
 * (main.ts only brings it to the front), so this dialog is the question; a browser also
 * shows its own "Leave site?" prompt first.
 */
export function useCloseGuard(): void {
  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (closingAnyway || !isDirty()) return;
      e.preventDefault();
      e.returnValue = ''; // older Chromium needs it set to ask
      void actions.leaveThen('close the window', () => {
        closingAnyway = true;
        window.close();
      });
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);
}

export function UnsavedChangesDialog() {
  const leaving = useStudio((s) => s.leaving);
  const name = useStudio((s) => s.form.name);
  const isNew = useStudio((s) => s.currentId === undefined);
  return (
    <Dialog
      title="Save changes?"
      open={leaving !== null}
      onClose={() => void actions.resolveLeaving('cancel')}
      actions={
        <>
          <button type="button" onClick={() => void actions.resolveLeaving('cancel')}>
            Cancel
          </button>
          <button type="button" className="danger-ghost" onClick={() => void actions.resolveLeaving('discard')}>
            Discard
          </button>
          <button type="button" className="primary" autoFocus onClick={() => void actions.resolveLeaving('save')}>
            Save
          </button>
        </>
      }
    >
      <p>
        “{name || 'Untitled'}” has {isNew ? 'never been saved' : 'changes that are not saved'}. Save before you {leaving?.what ?? 'go on'}?
      </p>
      <p className="muted">Discard drops the changes; Cancel keeps editing.</p>
    </Dialog>
  );
}
