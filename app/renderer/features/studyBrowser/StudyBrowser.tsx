/**
 * Patients → studies with name, ID, study date, modality, description, image count and
 * thumbnail; files that cannot be displayed are listed under their study by file name,
 * and failed imports under the list (issue #2 "Opening studies").
 */
import type { PatientSummary, StudySummary } from '../../../shared/ipc/contract';
import { firstDisplayableInstance, studyErrors } from '../../stores/studies.store';
import { formatDicomDate, formatPersonName, messageNamingFile } from '../../lib/format';
import { useAppStores, useImports, useStudies, useViewer } from '../app/AppContext';
import { Thumbnail } from './Thumbnail';

function StudyRow({ patient, study }: { patient: PatientSummary; study: StudySummary }) {
  const stores = useAppStores();
  // Select a primitive: a selector returning a new array each time re-renders forever.
  const isOpen = useViewer((s) => s.slots.some((slot) => slot.studyKey === study.studyKey));
  const errors = studyErrors(study);
  const open = () => {
    const instance = firstDisplayableInstance(study);
    if (instance) stores.viewer.getState().openInstance(study.studyKey, instance.instanceId);
  };
  return (
    <li className={`study${isOpen ? ' open' : ''}`} data-testid="study-row" data-study-key={study.studyKey}>
      <button type="button" className="study-button" onClick={open} onDoubleClick={open} title={`Open study of ${formatPersonName(patient.patientName)}`}>
        <Thumbnail instanceId={study.thumbnailInstanceId} />
        <div className="study-text">
          <div className="study-date">{study.studyDate ? formatDicomDate(study.studyDate) : 'No date'}</div>
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
    </li>
  );
}

export function StudyBrowser() {
  const patients = useStudies((s) => s.patients);
  const status = useStudies((s) => s.status);
  const listError = useStudies((s) => s.error);
  const importErrors = useImports((s) => s.errors);
  const requestError = useImports((s) => s.requestError);
  const stores = useAppStores();
  const studyCount = patients.reduce((n, p) => n + p.studies.length, 0);
  return (
    <aside className="study-browser" data-testid="study-browser">
      <div className="panel-title">
        Studies <span className="dim">{patients.length > 0 ? `${patients.length} patient${patients.length === 1 ? '' : 's'} · ${studyCount} stud${studyCount === 1 ? 'y' : 'ies'}` : ''}</span>
      </div>
      {status === 'error' && listError ? <div className="error-banner">{listError.message}</div> : null}
      {patients.length === 0 && status !== 'loading' ? (
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
