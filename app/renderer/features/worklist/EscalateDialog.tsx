/** The E dialog: escalating a study needs a note (issue #5), recorded in the audit trail. */
import { useEffect, useRef, useState } from 'react';
import { useAppStores, useWorklist } from '../app/AppContext';

export function EscalateDialog() {
  const stores = useAppStores();
  const uid = useWorklist((s) => s.escalating);
  const row = useWorklist((s) => s.entries.find((e) => e.studyInstanceUid === s.escalating));
  const [note, setNote] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => input.current?.focus(), []);
  if (!uid) return null;
  const submit = () => void stores.worklist.getState().escalate(note);
  return (
    <div className="wl-dialog-backdrop" role="presentation">
      <form
        className="wl-dialog"
        role="dialog"
        aria-modal="true"
        aria-label="Escalate study"
        data-testid="escalate-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            stores.worklist.getState().cancelEscalate();
          } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            submit();
          }
        }}
      >
        <h2>Escalate {row?.patientName ?? 'study'}</h2>
        <label htmlFor="escalate-note">Note (required)</label>
        <textarea id="escalate-note" ref={input} rows={3} value={note} onChange={(e) => setNote(e.target.value)} data-testid="escalate-note" maxLength={2000} />
        <div className="wl-dialog-buttons">
          <button type="button" className="tb" onClick={() => stores.worklist.getState().cancelEscalate()} data-testid="escalate-cancel">
            Cancel (Esc)
          </button>
          <button type="submit" className="tb pressed" disabled={!note.trim()} data-testid="escalate-submit">
            Escalate (Ctrl+Enter)
          </button>
        </div>
      </form>
    </div>
  );
}
