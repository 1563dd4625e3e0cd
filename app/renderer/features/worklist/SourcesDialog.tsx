/**
 * The Sources dialog (issue #5): turns the DICOM listener on or off, sets its port and AE title,
 * and sets or clears the watched folder (typed, or picked with Browse where a folder dialog
 * exists). Main validates and answers problems as data, shown here; it also saves the change
 * to `ingest-settings.json`, the same file IT may edit. Keyboard and focus: ModalDialog.
 */
import { useEffect, useRef, useState } from 'react';
import type { IngestSourcesStatus } from '../../../shared/ipc/contract';
import { useAppStores, useSources } from '../app/AppContext';
import { ModalDialog } from './ModalDialog';
import { SourcesSummary } from './SourcesSummary';

const DEFAULT_PORT = 11112;
const DEFAULT_AE_TITLE = 'CXR_TRIAGE';

export function SourcesDialog({ status }: { status: IngestSourcesStatus }) {
  const stores = useAppStores();
  const problems = useSources((s) => s.problems);
  const saving = useSources((s) => s.saving);
  const [listenerOn, setListenerOn] = useState(status.listener.state !== 'off');
  const [port, setPort] = useState(String(status.listener.port || DEFAULT_PORT));
  const [aeTitle, setAeTitle] = useState(status.listener.aeTitle ?? DEFAULT_AE_TITLE);
  const [watchDir, setWatchDir] = useState(status.watchedFolder.folder ?? '');
  const [localProblems, setLocalProblems] = useState<string[]>([]);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
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
    <ModalDialog testId="sources-dialog" className="sources" labelledBy="sources-title" onSubmit={() => void submit()} onCancel={close}>
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
    </ModalDialog>
  );
}
