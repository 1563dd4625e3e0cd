/**
 * The PACS screen (issue #11): search a PACS (patient name, patient ID, accession, study date
 * range, modalities — CR,DX by default), list the matching studies like the worklist's rows, and
 * "Retrieve" one with its progress and Cancel. Retrieved instances are imported and triaged as
 * they arrive (main's ingest queue), so the study appears in the worklist too; once it is done,
 * "Open" shows it in the viewer. A failure half-way keeps what arrived and says what is missing.
 */
import type { PacsRetrieveProgress, PacsStudyMatch } from '../../../shared/ipc/contract';
import { describeNode } from '../../../shared/pacs/settings';
import { errorOf } from '../../lib/api';
import { describeRetrieve } from '../../stores/pacs.store';
import { firstDisplayableInstance } from '../../stores/studies.store';
import type { AppStores } from '../app/AppContext';
import { useAppStores, usePacs } from '../app/AppContext';
import { PacsSettingsDialog } from './PacsSettingsDialog';
import './pacs.css';

/** `DOE^JANE` → `DOE, JANE` (PS3.5 6.2.1 component groups). */
function personName(pn: string | undefined): string {
  if (!pn) return '';
  const [family, given, middle] = pn.split('=')[0].split('^');
  return [family, [given, middle].filter(Boolean).join(' ')].filter(Boolean).join(', ');
}

function da(value: string | undefined): string {
  return value && /^\d{8}$/.test(value) ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}` : (value ?? '');
}

/** Opens a retrieved study in the viewer (the worklist:open route: UID → archive key → first image). */
export async function openRetrievedStudy(stores: AppStores, studyInstanceUid: string): Promise<boolean> {
  const studyKey = await stores.pacs.getState().studyKeyOf(studyInstanceUid);
  if (!studyKey) return false;
  try {
    const study = await stores.studies.getState().openStudy(studyKey);
    const instance = firstDisplayableInstance(study);
    if (!instance) {
      stores.pacs.getState().setMessage('The study has no image the viewer can show.');
      return false;
    }
    stores.viewer.getState().setLayout('1x1');
    stores.viewer.getState().openInstance(studyKey, instance.instanceId, 0);
    stores.worklist.getState().setMode('viewer');
    return true;
  } catch (err) {
    stores.pacs.getState().setMessage(`The study cannot be opened: ${errorOf(err).message}`);
    return false;
  }
}

function RetrieveCell({ study, job }: { study: PacsStudyMatch; job?: PacsRetrieveProgress }) {
  const stores = useAppStores();
  const uid = study.studyInstanceUid;
  if (!job) {
    return (
      <button type="button" className="tb" onClick={() => void stores.pacs.getState().retrieve(uid)} data-testid="pacs-retrieve">
        Retrieve
      </button>
    );
  }
  const fraction = job.expected ? Math.min(1, job.received / job.expected) : 0;
  return (
    <div className="pacs-retrieve" data-testid="pacs-retrieve-state" data-phase={job.phase}>
      {job.phase === 'running' ? (
        <div className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={job.expected ?? 0} aria-valuenow={job.received}>
          <div className="fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
        </div>
      ) : null}
      <span data-testid="pacs-retrieve-text" title={job.message}>
        {describeRetrieve(job)}
      </span>
      {job.phase === 'running' ? (
        <button type="button" className="tb" onClick={() => void stores.pacs.getState().cancelRetrieve(uid)} data-testid="pacs-retrieve-cancel">
          Cancel
        </button>
      ) : (
        <>
          {job.received > 0 ? (
            <button type="button" className="tb" onClick={() => void openRetrievedStudy(stores, uid)} data-testid="pacs-open">
              Open
            </button>
          ) : null}
          <button type="button" className="tb" onClick={() => void stores.pacs.getState().retrieve(uid)} data-testid="pacs-retrieve-again">
            {job.phase === 'done' ? 'Again' : 'Retry'}
          </button>
        </>
      )}
    </div>
  );
}

function Results() {
  const results = usePacs((s) => s.results);
  const truncated = usePacs((s) => s.truncated);
  const retrieves = usePacs((s) => s.retrieves);
  if (!results) return <p className="pacs-note dim">Search the PACS for chest radiographs to retrieve them here.</p>;
  if (results.length === 0) return <p className="pacs-note dim" data-testid="pacs-no-results">No study matches.</p>;
  return (
    <>
      {truncated ? <p className="pacs-note" data-testid="pacs-truncated">More studies match than are listed: narrow the search.</p> : null}
      <table data-testid="pacs-results">
        <thead>
          <tr>
            <th>Patient</th>
            <th>Patient ID</th>
            <th>Date</th>
            <th>Modality</th>
            <th>Accession</th>
            <th>Description</th>
            <th>Images</th>
            <th>Retrieve</th>
          </tr>
        </thead>
        <tbody>
          {results.map((s) => {
            const job = retrieves[s.studyInstanceUid];
            return (
              <tr key={s.studyInstanceUid} data-testid="pacs-row" data-uid={s.studyInstanceUid}>
                <td data-testid="pacs-row-name">{personName(s.patientName)}</td>
                <td>{s.patientId ?? ''}</td>
                <td>{da(s.studyDate)}</td>
                <td>{(s.modalitiesInStudy ?? []).join(', ')}</td>
                <td>{s.accessionNumber ?? ''}</td>
                <td>{s.studyDescription ?? ''}</td>
                <td>{s.numberOfStudyRelatedInstances ?? ''}</td>
                <td>
                  <RetrieveCell study={s} job={job} />
                  {job?.phase === 'failed' || job?.phase === 'cancelled' ? (
                    <div className="pacs-error small" data-testid="pacs-retrieve-message">
                      {job.message}
                    </div>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

export function PacsView() {
  const stores = useAppStores();
  const status = usePacs((s) => s.status);
  const nodeId = usePacs((s) => s.nodeId);
  const form = usePacs((s) => s.form);
  const searching = usePacs((s) => s.searching);
  const searchError = usePacs((s) => s.searchError);
  const message = usePacs((s) => s.message);
  const settingsOpen = usePacs((s) => s.settingsOpen);
  const pacs = stores.pacs.getState();
  const nodes = status?.settings.nodes ?? [];
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => pacs.setForm({ [key]: e.target.value });

  return (
    <section className="pacs" data-testid="pacs-view">
      <div className="wl-banner" role="note">
        AI prioritisation only — not for diagnosis. Retrieved studies are triaged and listed in the worklist.
      </div>
      <form
        className="pacs-form"
        onSubmit={(e) => {
          e.preventDefault();
          void pacs.search();
        }}
        aria-label="Search the PACS"
      >
        <label>
          PACS
          <select value={nodeId ?? ''} onChange={(e) => pacs.setNode(e.target.value)} data-testid="pacs-node" disabled={nodes.length === 0}>
            {nodes.length === 0 ? <option value="">None configured</option> : null}
            {nodes.map((n) => (
              <option key={n.id} value={n.id}>
                {describeNode(n)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Patient name
          <input type="text" value={form.patientName} onChange={set('patientName')} placeholder="DOE^J*" data-testid="pacs-patient-name" />
        </label>
        <label>
          Patient ID
          <input type="text" className="short" value={form.patientId} onChange={set('patientId')} data-testid="pacs-patient-id" />
        </label>
        <label>
          Accession
          <input type="text" className="short" value={form.accessionNumber} onChange={set('accessionNumber')} data-testid="pacs-accession" />
        </label>
        <label>
          From
          <input type="date" value={form.dateFrom} onChange={set('dateFrom')} data-testid="pacs-date-from" />
        </label>
        <label>
          To
          <input type="date" value={form.dateTo} onChange={set('dateTo')} data-testid="pacs-date-to" />
        </label>
        <label>
          Modalities (empty: any)
          <input type="text" className="short" value={form.modalities} onChange={set('modalities')} data-testid="pacs-modalities" />
        </label>
        <button type="submit" className="tb" disabled={searching || nodes.length === 0} data-testid="pacs-search">
          {searching ? 'Searching…' : 'Search'}
        </button>
        <button type="button" className="tb" onClick={() => pacs.openSettings()} data-testid="pacs-open-settings">
          PACS settings…
        </button>
      </form>
      {status && status.problems.length > 0 ? (
        <p className="pacs-note pacs-error" role="alert" data-testid="pacs-settings-file-problems">
          The PACS settings file has problems and was ignored: {status.problems.join('; ')}
        </p>
      ) : null}
      {status && nodes.length === 0 ? <p className="pacs-note dim">No PACS is configured yet: open PACS settings to add one.</p> : null}
      {searchError ? (
        <p className="pacs-note pacs-error" role="alert" data-testid="pacs-search-error">
          {searchError}
        </p>
      ) : null}
      {message ? (
        <p className="pacs-note pacs-error" role="alert" data-testid="pacs-message">
          {message}{' '}
          <button type="button" className="tb" onClick={() => pacs.setMessage(undefined)}>
            Dismiss
          </button>
        </p>
      ) : null}
      <div className="pacs-results">
        <Results />
      </div>
      {settingsOpen && status ? <PacsSettingsDialog settings={status.settings} settingsPath={status.settingsPath} /> : null}
    </section>
  );
}
