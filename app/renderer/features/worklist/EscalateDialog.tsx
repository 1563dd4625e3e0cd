/** The E dialog: escalating a study needs a note (issue #5), recorded in the audit trail. */
import { useEffect, useRef, useState } from 'react';
import { useAppStores, useWorklist } from '../app/AppContext';
import { ModalDialog } from './ModalDialog';

export function EscalateDialog() {
  const stores = useAppStores();
  const uid = useWorklist((s) => s.escalating);
  const row = useWorklist((s) => s.entries.find((e) => e.studyInstanceUid === s.escalating));
  const [note, setNote] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => input.current?.focus(), []);
  if (!uid) return null;
  const submit = () => void stores.worklist.getState().escalate(note);
  const cancel = () => stores.worklist.getState().cancelEscalate();
  return (
    <ModalDialog testId="escalate-dialog" label="Escalate study" onSubmit={submit} onCancel={cancel}>
      <h2>Escalate {row?.patientName ?? 'study'}</h2>
      <label htmlFor="escalate-note">Note (required)</label>
      <textarea id="escalate-note" ref={input} rows={3} value={note} onChange={(e) => setNote(e.target.value)} data-testid="escalate-note" maxLength={2000} />
      <div className="wl-dialog-buttons">
        <button type="button" className="tb" onClick={cancel} data-testid="escalate-cancel">
          Cancel (Esc)
        </button>
        <button type="submit" className="tb pressed" disabled={!note.trim()} data-testid="escalate-submit">
          Escalate (Ctrl+Enter)
        </button>
      </div>
    </ModalDialog>
  );
}
