/**
 * A modal form dialog of the worklist screen (WAI-ARIA APG "Dialog (Modal)"): a backdrop, focus
 * kept inside (Tab and Shift+Tab wrap), Escape cancels (also when focus has left the form, e.g.
 * after a click on the backdrop), Enter in a field or Ctrl+Enter submits. The worklist's own keys
 * are off while a dialog is open (WorklistView checks the stores).
 */
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';

/** Keeps Tab and Shift+Tab inside `root`. */
function trapTab(e: KeyboardEvent<HTMLElement>, root: HTMLElement | null): void {
  if (e.key !== 'Tab' || !root) return;
  const focusable = [...root.querySelectorAll<HTMLElement>('input, button, select, textarea, [tabindex]:not([tabindex="-1"])')].filter(
    (el) => !(el as HTMLInputElement).disabled,
  );
  if (focusable.length === 0) return;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  }
}

export interface ModalDialogProps {
  testId: string;
  /** Extra class beside `wl-dialog`. */
  className?: string;
  /** The id of the dialog's heading, or else a label. */
  labelledBy?: string;
  label?: string;
  onSubmit: () => void;
  onCancel: () => void;
  children: ReactNode;
}

export function ModalDialog({ testId, className, labelledBy, label, onSubmit, onCancel, children }: ModalDialogProps) {
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      onCancel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);
  return (
    <div className="wl-dialog-backdrop" role="presentation">
      <form
        ref={form}
        className={className ? `wl-dialog ${className}` : 'wl-dialog'}
        role="dialog"
        aria-modal="true"
        aria-labelledby={labelledBy}
        aria-label={labelledBy ? undefined : label}
        data-testid={testId}
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            onCancel();
          } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            onSubmit();
          } else trapTab(e, form.current);
        }}
      >
        {children}
      </form>
    </div>
  );
}
