/**
 * Storage of received images (issue #10), for hospital IT: the DICOM listener's storage folder, how
 * many files and how much space it holds, the retention rule (keep N days, at most N GB; both
 * optional) and its last run. Save applies the rule at once (`storage:configure`); main's problems
 * are shown as they come. The rule deletes only images the app itself received over the network:
 * never the user's own files and never the audit trail. Keyboard and focus: ModalDialog.
 *
 * Mount `<StorageButton />` beside the worklist's "Sources…" button; it brings its dialog.
 */
import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { describeLastRun, describeRule, formatBytes, parseRule, ruleFields, storageStoreOf, type StorageStore } from '../../stores/storage.store';
import { useAppStores } from '../app/AppContext';
import { ModalDialog } from '../worklist/ModalDialog';

function useStorageStore(): StorageStore {
  return storageStoreOf(useAppStores());
}

export function StorageDialog() {
  const storage = useStorageStore();
  const status = useStore(storage, (s) => s.status);
  const loading = useStore(storage, (s) => s.loading);
  const saving = useStore(storage, (s) => s.saving);
  const error = useStore(storage, (s) => s.error);
  const problems = useStore(storage, (s) => s.problems);
  const [days, setDays] = useState('');
  const [gb, setGb] = useState('');
  const [localProblems, setLocalProblems] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);
  const filled = useRef(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  // The form starts from the rule in force once it is known (not again: typing must not be overwritten).
  useEffect(() => {
    if (!status || filled.current) return;
    filled.current = true;
    const fields = ruleFields(status.rule);
    setDays(fields.days);
    setGb(fields.gb);
  }, [status]);

  const close = () => storage.getState().close();
  const submit = async () => {
    if (storage.getState().saving) return;
    const parsed = parseRule(days, gb);
    if ('problems' in parsed) {
      setLocalProblems(parsed.problems);
      setSaved(false);
      return;
    }
    setLocalProblems([]);
    const ok = await storage.getState().save(parsed.rule);
    setSaved(ok);
  };
  const shown = [...localProblems, ...problems];

  return (
    // Keys typed in the dialog stay in it: the worklist's own keys (R, E, arrows) must not act behind it.
    <div onKeyDown={(e) => e.stopPropagation()}>
      <ModalDialog testId="storage-dialog" className="sources" labelledBy="storage-title" onSubmit={() => void submit()} onCancel={close}>
        <h2 id="storage-title">Storage of received images</h2>
        <p className="storage-safety" data-testid="storage-safety">
          The rule deletes only images this app received over the network (DICOM listener) into the folder below. It never deletes your own files (opened or
          imported from elsewhere) and never the audit trail: the study stays in the list, its file shown as deleted by retention.
        </p>
        {error ? (
          <p className="problems" role="alert">
            Storage status unavailable: {error.message}
          </p>
        ) : null}
        {status ? (
          <dl className="storage-facts" data-testid="storage-facts">
            <dt>Folder</dt>
            <dd data-testid="storage-folder">{status.folder}</dd>
            <dt>Files</dt>
            <dd data-testid="storage-files">{status.files.toLocaleString('en-US')}</dd>
            <dt>Size</dt>
            <dd data-testid="storage-size">{formatBytes(status.bytes)}</dd>
            <dt>Rule</dt>
            <dd data-testid="storage-rule">{describeRule(status.rule)}</dd>
            <dt>Last run</dt>
            <dd data-testid="storage-last-run">{describeLastRun(status.lastRun)}</dd>
          </dl>
        ) : (
          <p className="dim">{loading ? 'Reading the storage folder…' : null}</p>
        )}
        <fieldset>
          <legend>Retention rule (blank = no limit)</legend>
          <div className="field">
            <label htmlFor="storage-days">Keep for</label>
            <input id="storage-days" ref={first} type="text" inputMode="numeric" value={days} placeholder="any age" onChange={(e) => setDays(e.target.value)} data-testid="storage-days" />
            <span>days</span>
          </div>
          <div className="field">
            <label htmlFor="storage-gb">At most</label>
            <input id="storage-gb" type="text" inputMode="decimal" value={gb} placeholder="no cap" onChange={(e) => setGb(e.target.value)} data-testid="storage-gb" />
            <span>GB</span>
          </div>
          <p className="dim small">The oldest received images go first. Saving applies the rule now, then every few hours.</p>
        </fieldset>
        {shown.length > 0 ? (
          <ul className="problems" role="alert" data-testid="storage-problems">
            {shown.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : null}
        {saved && shown.length === 0 ? (
          <p role="status" data-testid="storage-saved">
            Rule saved and applied.
          </p>
        ) : null}
        <div className="wl-dialog-buttons">
          <button type="button" className="tb" onClick={close} data-testid="storage-close">
            Close (Esc)
          </button>
          {/* Not `disabled` while saving: a disabled button drops the focus out of the dialog. */}
          <button type="submit" className="tb pressed" aria-disabled={saving} data-testid="storage-save">
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </ModalDialog>
    </div>
  );
}

/** "Storage…" and its dialog: mount beside the worklist's "Sources…" button. */
export function StorageButton() {
  const storage = useStorageStore();
  const open = useStore(storage, (s) => s.dialogOpen);
  const button = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);
  // Focus goes back to the button that opened the dialog when it closes.
  useEffect(() => {
    if (wasOpen.current && !open) button.current?.focus();
    wasOpen.current = open;
  }, [open]);
  return (
    <>
      <button ref={button} type="button" className="tb" aria-haspopup="dialog" onClick={() => void storage.getState().open()} data-testid="storage-open">
        Storage…
      </button>
      {open ? <StorageDialog /> : null}
    </>
  );
}
