/**
 * The Sources strip of the worklist header (issue #5): what feeds the list right now — the
 * DICOM listener ("DICOM listener CXR_TRIAGE :11112 — listening · 12 received") and the
 * watched folder — and, when one of them fails (port in use, folder missing, settings file
 * malformed), main's message marked "Error" in words and an icon, not by colour alone.
 * "Sources…" opens the dialog that changes them.
 */
import { useEffect, useRef } from 'react';
import { useAppStores, useSources } from '../app/AppContext';
import { SourcesDialog } from './SourcesDialog';
import { SourcesSummary } from './SourcesSummary';
import { StorageButton } from '../storage/StorageDialog';

export function SourcesBar() {
  const stores = useAppStores();
  const status = useSources((s) => s.status);
  const dialogOpen = useSources((s) => s.dialogOpen);
  const button = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);

  useEffect(() => stores.sources.getState().connect(), [stores]);
  // Focus goes back to the button that opened the dialog when it closes.
  useEffect(() => {
    if (wasOpen.current && !dialogOpen) button.current?.focus();
    wasOpen.current = dialogOpen;
  }, [dialogOpen]);

  return (
    <div className="wl-sources" data-testid="sources-bar">
      {/* A live region: a listener that fails or a folder that disappears is announced. */}
      <span className="wl-sources-lines" role="status" aria-label="Image sources">
        {status ? <SourcesSummary status={status} /> : <span className="dim">Loading sources…</span>}
      </span>
      <button
        ref={button}
        type="button"
        className="tb"
        data-testid="sources-open"
        aria-haspopup="dialog"
        disabled={!status}
        onClick={() => stores.sources.getState().openDialog()}
      >
        Sources…
      </button>
      {/* The received-images folder and its retention rule (issue #10). */}
      <StorageButton />
      {dialogOpen && status ? <SourcesDialog status={status} /> : null}
    </div>
  );
}
