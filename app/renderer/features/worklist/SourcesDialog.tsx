/**
 * The Sources dialog (issue #5): turns the DICOM listener on or off, sets its port and AE title,
 * and sets or clears the watched folder (typed, or picked with Browse where a folder dialog
 * exists). Main validates and answers problems as data, shown here; it also saves the change
 * to `ingest-settings.json`, the same file IT may edit. Escape closes; focus stays inside the
 * dialog and the worklist's keys (arrows, Enter, R, E) are off while it is open.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { IngestSourcesStatus } from '../../../shared/ipc/contract';
import { useAppStores, useSources } from '../app/AppContext';
import { SourcesSummary } from './SourcesSummary';

const DEFAULT_PORT = 11112;
const DEFAULT_AE_TITLE = 'CXR_TRIAGE';

/** Keeps Tab and Shift+Tab inside `root` (a modal dialog, WAI-ARIA APG "Dialog (Modal)"). */
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

export function SourcesDialog({ status }: { status: IngestSourcesStatus }) {
  const stores = useAppStores();
  const problems = useSources((s) => s.problems);
  const saving = useSources((s) => s.saving);
  const [listenerOn, setListenerOn] = useState(status.listener.state !== 'off');
  const [port, setPort] = useState(String(status.listener.port || DEFAULT_PORT));
  const [aeTitle, setAeTitle] = useState(status.listener.aeTitle ?? DEFAULT_AE_TITLE);
  const [watchDir, setWatchDir] = useState(status.watchedFolder.folder ?? '');
  const [localProblems, setLocalProblems] = useState<string[]>([]);
  const form = useRef<HTMLFormElement>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  // Escape closes even when focus has left the form (a click on the backdrop, the page body).
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      stores.sources.getState().closeDialog();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [stores]);

  const close = () => stores.sources.getState().closeDialog();
  const submit = async () => {
    if (stores.sources.getState().saving) return;
    const portText = port.trim();
    if (listenerOn && !/^\d{1,5}$/.test(portText)) {
      setLocalProblems(['Port must be a whole number from 1 to 65535.']);
      return;
    }
    setLocalProblems([]);
    const folder = watchDir.trim();
    const ok = await stores.sources.getState().save({
      listener: listenerOn ? { port: Number(portText), aeTitle: aeTitle.trim() } : null,
      watchDir: folder ? folder : null,
    });
    if (ok) close();
  };
  const browse = async () => {
    const picked = await stores.sources.getState().browseFolder();
    if (picked) setWatchDir(picked);
  };
  const shown = [...localProblems, ...problems];

  return (
    <div className="wl-dialog-backdrop" role="presentation">
      <form
        ref={form}
        className="wl-dialog sources"
        role="dialog"
        aria-modal="true"
        aria-labelledby="sources-title"
        data-testid="sources-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            close();
            return;
          }
          trapTab(e, form.current);
        }}
      >
        <h2 id="sources-title">Image sources</h2>
        <div className="wl-sources-lines" role="group" aria-label="Current state">
          <SourcesSummary status={status} />
        </div>
        <fieldset>
          <legend>DICOM listener (C-STORE / C-ECHO)</legend>
          <div className="field">
            <input id="sources-listener-on" ref={first} type="checkbox" checked={listenerOn} onChange={(e) => setListenerOn(e.target.checked)} data-testid="sources-listener-on" />
            <label htmlFor="sources-listener-on">Receive images from modalities and PACS</label>
          </div>
          <div className="field">
            <label htmlFor="sources-port">Port</label>
            <input id="sources-port" type="text" inputMode="numeric" value={port} disabled={!listenerOn} onChange={(e) => setPort(e.target.value)} data-testid="sources-port" />
          </div>
          <div className="field">
            <label htmlFor="sources-aet">AE title</label>
            <input id="sources-aet" type="text" maxLength={16} value={aeTitle} disabled={!listenerOn} onChange={(e) => setAeTitle(e.target.value)} data-testid="sources-aet" />
          </div>
        </fieldset>
        <fieldset>
          <legend>Watched folder</legend>
          <div className="field">
            <label htmlFor="sources-watch-dir">Folder (empty: off)</label>
            <input id="sources-watch-dir" type="text" value={watchDir} placeholder="D:\incoming" onChange={(e) => setWatchDir(e.target.value)} data-testid="sources-watch-dir" />
          </div>
          <div className="field">
            <button type="button" className="tb" onClick={() => void browse()} data-testid="sources-browse">
              Browse…
            </button>
            <button type="button" className="tb" onClick={() => setWatchDir('')} disabled={!watchDir} data-testid="sources-clear-watch">
              Clear
            </button>
          </div>
        </fieldset>
        {status.settingsPath ? <p className="dim small">Saved to {status.settingsPath}</p> : <p className="dim small">Changes apply until the app is closed.</p>}
        {shown.length > 0 ? (
          <ul className="problems" role="alert" data-testid="sources-problems">
            {shown.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : null}
        <div className="wl-dialog-buttons">
          <button type="button" className="tb" onClick={close} data-testid="sources-cancel">
            Cancel (Esc)
          </button>
          {/* Not `disabled` while saving: a disabled button drops the focus out of the dialog. */}
          <button type="submit" className="tb pressed" aria-disabled={saving} data-testid="sources-save">
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </div>
  );
}
