/**
 * Patients → studies with name, ID, study date, modality, description, image count and
 * thumbnail; files that cannot be displayed are listed under their study by file name,
 * and failed imports under the list (issue #2 "Opening studies").
 *
 * The local study archive (issue #10): a search over the whole archive, "Remove from list" per
 * study (the files stay on disk; opening them again brings the study back), a note when more
 * patients match than one page shows, and the other studies of the patient being read, each of
 * which opens beside the current one (1×2).
 */
import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { PatientSummary, StudySummary } from '../../../shared/ipc/contract';
import { archiveStoreOf, type ArchiveStore } from '../../stores/archive.store';
import { firstDisplayableInstance, studyErrors } from '../../stores/studies.store';
import { formatDicomDate, formatPersonName, messageNamingFile } from '../../lib/format';
import { useAppStores, useImports, useStudies, useViewer } from '../app/AppContext';
import { Thumbnail } from './Thumbnail';
import { openBeside } from './studyActions';

function useArchive(): ArchiveStore {
  return archiveStoreOf(useAppStores());
}

const studyDateText = (study: StudySummary) => (study.studyDate ? formatDicomDate(study.studyDate) : 'No date');

/** The inline "Remove from list" confirmation: says plainly that no file is deleted. */
function RemoveConfirm({ study, onDone }: { study: StudySummary; onDone: () => void }) {
  const archive = useArchive();
  const { viewer } = useAppStores();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  const remove = async () => {
    setBusy(true);
    const failed = await archive.getState().remove(study.studyKey);
    setBusy(false);
    if (failed) {
      setError(`Not removed: ${failed.message}`);
      return;
    }
    // A study removed from the list leaves the screen too (its files stay on disk).
    viewer.getState().closeStudy(study.studyKey);
    onDone();
  };
  return (
    <div
      className="remove-confirm"
      role="alertdialog"
      aria-label="Remove study from the list"
      data-testid="remove-confirm"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onDone();
        }
      }}
    >
      <p>
        Remove the {studyDateText(study)} study from the list? <strong>The files on disk are not deleted</strong>; opening them again brings the study back.
      </p>
      {error ? (
        <p className="file-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="remove-confirm-buttons">
        <button ref={confirmRef} type="button" className="tb danger" disabled={busy} onClick={() => void remove()} data-testid="remove-confirm-ok">
          {busy ? 'Removing…' : 'Remove from list'}
        </button>
        <button type="button" className="tb" onClick={onDone} data-testid="remove-confirm-cancel">
          Cancel
        </button>
      </div>
    </div>
  );
}

function StudyRow({ patient, study }: { patient: PatientSummary; study: StudySummary }) {
  const stores = useAppStores();
  // Select a primitive: a selector returning a new array each time re-renders forever.
  const isOpen = useViewer((s) => s.slots.some((slot) => slot.studyKey === study.studyKey));
  const [confirming, setConfirming] = useState(false);
  const errors = studyErrors(study);
  const open = () => {
    const instance = firstDisplayableInstance(study);
    if (instance) stores.viewer.getState().openInstance(study.studyKey, instance.instanceId);
  };
  const dateText = studyDateText(study);
  return (
    <li className="study-item" data-testid="study-item">
      <div className="study-line">
        {/* The remove button sits outside `study-row`, whose one button opens the study. */}
        <div className={`study${isOpen ? ' open' : ''}`} data-testid="study-row" data-study-key={study.studyKey}>
          <button type="button" className="study-button" onClick={open} onDoubleClick={open} title={`Open study of ${formatPersonName(patient.patientName)}`}>
            <Thumbnail instanceId={study.thumbnailInstanceId} />
            <div className="study-text">
              <div className="study-date">{dateText}</div>
              <div className="study-description">{study.studyDescription || 'No description'}</div>
              <div className="study-meta">
                <span className="badge">{study.modalities.join('/') || '—'}</span>
                <span data-testid="image-count">
                  {study.numberOfImages} image{study.numberOfImages === 1 ? '' : 's'}
                </span>
              </div>
            </div>
          </button>
          {errors.length > 0 ? (
            <ul className="file-errors">
              {errors.map((e) => (
                <li key={`${e.fileName}-${e.code}`} className="file-error" data-testid="file-error" title={e.code}>
                  {messageNamingFile(e.fileName, e.message)}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        <button
          type="button"
          className="study-remove"
          aria-label={`Remove the ${dateText} study from the list`}
          title="Remove from list (the files on disk are kept)"
          aria-expanded={confirming}
          onClick={() => setConfirming((c) => !c)}
          data-testid="study-remove"
        >
          ✕
        </button>
      </div>
      {confirming ? <RemoveConfirm study={study} onDone={() => setConfirming(false)} /> : null}
    </li>
  );
}

/** The other studies of the patient in the active viewport, newest first; a click opens one beside it. */
function PriorStudies() {
  const stores = useAppStores();
  const archive = useArchive();
  const studyKey = useViewer((s) => s.slots[s.activeSlot].studyKey);
  const priorsOf = useStore(archive, (s) => s.priorsOf);
  const priors = useStore(archive, (s) => s.priors);
  const priorStudyKey = useStore(archive, (s) => s.priorStudyKey);
  const status = useStore(archive, (s) => s.priorsStatus);
  const error = useStore(archive, (s) => s.priorsError);
  const current = useStudies((s) => {
    if (!studyKey) return undefined;
    for (const p of s.patients) for (const st of p.studies) if (st.studyKey === studyKey) return st;
    return undefined;
  });
  const shownBeside = useViewer((s) => (s.layout === '1x2' ? s.slots[s.activeSlot === 0 ? 1 : 0].studyKey : undefined));

  useEffect(() => {
    void archive.getState().loadPriors(studyKey);
  }, [archive, studyKey]);

  if (!studyKey || priorsOf !== studyKey) return null;
  const currentDate = current?.studyDate;
  return (
    <section className="prior-studies" aria-label="Prior studies of this patient" data-testid="prior-studies">
      <div className="panel-title">
        Prior studies <span className="dim">{status === 'ready' ? priors.length : ''}</span>
      </div>
      {status === 'loading' ? <p className="dim small prior-note">Looking for other studies…</p> : null}
      {status === 'error' && error ? <p className="file-error prior-note">{error.message}</p> : null}
      {status === 'ready' && priors.length === 0 ? <p className="dim small prior-note">No other study of this patient.</p> : null}
      <ul className="prior-list">
        {priors.map((study) => {
          const newer = Boolean(currentDate && study.studyDate && study.studyDate > currentDate);
          const beside = shownBeside === study.studyKey;
          return (
            <li key={study.studyKey}>
              <button
                type="button"
                className={`prior-row${beside ? ' open' : ''}`}
                data-testid="prior-row"
                data-study-key={study.studyKey}
                aria-pressed={beside}
                title="Open beside the current study (1×2)"
                onClick={() => void openBeside(stores, study.studyKey)}
              >
                <span className="prior-date">{studyDateText(study)}</span>
                <span className="prior-description">{study.studyDescription || 'No description'}</span>
                <span className="badge">{study.modalities.join('/') || '—'}</span>
                {study.studyKey === priorStudyKey ? <span className="prior-tag">previous</span> : newer ? <span className="prior-tag">newer</span> : null}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function SearchBox() {
  const archive = useArchive();
  const search = useStore(archive, (s) => s.search);
  const searching = useStore(archive, (s) => s.searchStatus === 'searching');
  return (
    <div className="study-search" role="search">
      <input
        type="search"
        value={search}
        placeholder="Search name, patient ID, accession"
        aria-label="Search the study archive by patient name, patient ID or accession number"
        onChange={(e) => archive.getState().setSearch(e.target.value)}
        onKeyDown={(e) => {
          // Esc clears the search first; the viewer's Esc (close help, back to the worklist) acts on an empty box.
          if (e.key === 'Escape' && search) {
            e.stopPropagation();
            archive.getState().setSearch('');
          }
        }}
        data-testid="study-search"
      />
      {searching ? <span className="dim small" aria-live="polite">Searching…</span> : null}
    </div>
  );
}

export function StudyBrowser() {
  const archive = useArchive();
  const pagePatients = useStudies((s) => s.patients);
  const pageTruncated = useStudies((s) => s.truncated);
  const status = useStudies((s) => s.status);
  const listError = useStudies((s) => s.error);
  const search = useStore(archive, (s) => s.search.trim());
  const resultsFor = useStore(archive, (s) => s.resultsFor);
  const results = useStore(archive, (s) => s.results);
  const resultsTruncated = useStore(archive, (s) => s.resultsTruncated);
  const searchStatus = useStore(archive, (s) => s.searchStatus);
  const searchError = useStore(archive, (s) => s.searchError);
  const importErrors = useImports((s) => s.errors);
  const requestError = useImports((s) => s.requestError);
  const stores = useAppStores();
  // Results show once the archive has answered; until then the list on screen stays (no blank flash).
  const searching = search !== '' && resultsFor !== undefined;
  const patients = searching ? results : pagePatients;
  const truncated = searching ? resultsTruncated : pageTruncated;
  const studyCount = patients.reduce((n, p) => n + p.studies.length, 0);
  return (
    <aside className="study-browser" data-testid="study-browser">
      <div className="panel-title">
        Studies <span className="dim">{patients.length > 0 ? `${patients.length} patient${patients.length === 1 ? '' : 's'} · ${studyCount} stud${studyCount === 1 ? 'y' : 'ies'}` : ''}</span>
      </div>
      <SearchBox />
      <PriorStudies />
      {status === 'error' && listError ? <div className="error-banner">{listError.message}</div> : null}
      {searching && searchStatus === 'error' && searchError ? <div className="error-banner">Search failed: {searchError.message}</div> : null}
      {searching && searchStatus === 'ready' && patients.length === 0 ? (
        <div className="empty-list" data-testid="search-empty">
          <p>No patient matches “{resultsFor}”.</p>
          <p className="dim">Search looks at patient name, patient ID and accession number.</p>
        </div>
      ) : null}
      {!searching && patients.length === 0 && status !== 'loading' ? (
        <div className="empty-list">
          <p>No studies yet.</p>
          <p className="dim">Open files or a folder (Ctrl+O / Ctrl+Shift+O), or drop DICOM, PNG or JPEG files on the window.</p>
        </div>
      ) : null}
      <ul className="patients">
        {patients.map((patient) => (
          <li key={patient.patientKey} className="patient" data-testid="patient-row">
            <div className="patient-header">
              <span className="patient-name" data-testid="patient-name">
                {formatPersonName(patient.patientName)}
              </span>
              <span className="patient-id" data-testid="patient-id">
                {patient.patientId}
              </span>
              <span className="dim">{[patient.patientSex, patient.patientBirthDate ? formatDicomDate(patient.patientBirthDate) : ''].filter(Boolean).join(' · ')}</span>
            </div>
            <ul className="studies">
              {patient.studies.map((study) => (
                <StudyRow key={study.studyKey} patient={patient} study={study} />
              ))}
            </ul>
          </li>
        ))}
      </ul>
      {truncated ? (
        <p className="truncated-note" role="status" data-testid="list-truncated">
          {/* The archive says only that more match, not how many. */}
          More patients not shown (first {patients.length} listed) — refine the search.
        </p>
      ) : null}
      {importErrors.length > 0 || requestError ? (
        <div className="import-errors" data-testid="import-errors">
          <div className="panel-title">
            Not imported <span className="dim">{importErrors.length}</span>
            <button type="button" className="link" onClick={() => stores.imports.getState().dismissErrors()}>
              Clear
            </button>
          </div>
          {requestError ? <div className="file-error">{requestError.message}</div> : null}
          <ul className="file-errors">
            {importErrors.map((e) => (
              <li key={`${e.fileName}-${e.code}-${e.message}`} className="file-error" data-testid="file-error" title={e.code}>
                {messageNamingFile(e.fileName, e.message)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </aside>
  );
}
