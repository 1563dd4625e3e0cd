/**
 * "Send results to PACS" for the study on screen (issue #11): sends the AI result of the study's
 * top image as a Comprehensive SR and a Secondary Capture (heatmap and the not-for-diagnosis line
 * burnt in) to the results destination chosen in the PACS settings. Shown in the AI panel, with
 * the prioritisation-only wording beside the button.
 */
import { useEffect } from 'react';
import { findStudy } from '../../stores/studies.store';
import { useAppStores, usePacs, useStudies, useViewer } from '../app/AppContext';

export function SendResultsAction() {
  const stores = useAppStores();
  const studyKey = useViewer((s) => s.slots[s.activeSlot].studyKey);
  const uid = useStudies((s) => (studyKey ? findStudy(s.patients, studyKey)?.study.studyInstanceUid : undefined));
  const status = usePacs((s) => s.status);
  const send = usePacs((s) => (uid ? s.sends[uid] : undefined));
  useEffect(() => {
    if (!stores.pacs.getState().status) void stores.pacs.getState().refreshSettings();
  }, [stores]);
  if (!uid) return null;
  const destination = status?.settings.resultsNodeId ? status.settings.nodes.find((n) => n.id === status.settings.resultsNodeId) : undefined;
  return (
    <div className="pacs-send" data-testid="pacs-send">
      <button
        type="button"
        className="tb"
        disabled={!destination || send?.sending}
        title={destination ? `Send the AI result to ${destination.name}` : 'Choose a results destination in PACS settings first'}
        onClick={() => void stores.pacs.getState().sendResults(uid)}
        data-testid="pacs-send-results"
      >
        {send?.sending ? 'Sending…' : 'Send results to PACS'}
      </button>
      <span className="dim">
        Sends an AI report and a heatmap image{destination ? ` to ${destination.name}` : ''}, marked “prioritisation only — not for diagnosis”.
      </span>
      {send?.outcome ? (
        <span className="pacs-ok" role="status" data-testid="pacs-send-outcome">
          Sent {send.outcome.sent.length} object(s) ({send.outcome.sent.map((s) => s.kind.toUpperCase()).join(' + ')}) to {send.outcome.node}.
        </span>
      ) : null}
      {send?.automatic ? (
        <span className={send.automatic.ok ? 'pacs-ok' : 'pacs-error'} role="status" data-testid="pacs-send-automatic">
          After triage: {send.automatic.message}
        </span>
      ) : null}
      {send?.error ? (
        <span className="pacs-error" role="alert" data-testid="pacs-send-error">
          Not sent: {send.error}
        </span>
      ) : null}
    </div>
  );
}
