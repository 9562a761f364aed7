// A modal dialog on the native <dialog> element: focus is trapped, Escape closes.
import { useEffect, useRef, type ReactNode } from 'react';

export function Dialog(props: {
  title: string;
  open: boolean;
  onClose: () => void;
  children: ReactNode;
  actions?: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={ref} aria-label={props.title} onClose={props.onClose} onCancel={props.onClose}>
      <h2>{props.title}</h2>
      <div className="dialog-body">{props.children}</div>
      {props.actions && <div className="dialog-actions">{props.actions}</div>}
    </dialog>
  );
}

/** Yes/no question; the confirm button carries the action's own name. */
export function ConfirmDialog(props: {
  title: string;
  open: boolean;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  return (
    <Dialog
      title={props.title}
      open={props.open}
      onClose={props.onCancel}
      actions={
        <>
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className={props.danger ? 'danger' : 'primary'}
            autoFocus
            onClick={() => {
              props.onConfirm();
            }}
          >
            {props.confirmLabel}
          </button>
        </>
      }
    >
      {props.children}
    </Dialog>
  );
}
