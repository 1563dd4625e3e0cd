/**
 * The PACS screen as the renderer sees it (issue #11): the node settings from `pacs:settings`
 * (saved with `pacs:configure`, whose validation problems come back as data), "Test" per node,
 * the study search form and its results, retrieves with their `pacs:progress` events, and
 * "Send results to PACS". Created with its API so unit tests pass a fake.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { PacsResultsSent, PacsRetrieveProgress, PacsSendResultsOutcome, PacsSettingsStatus, PacsStudyMatch, PacsStudyQuery, PacsTestResult, PreloadApi } from '../../shared/ipc/contract';
import type { PacsSettings } from '../../shared/pacs/settings';
import { errorOf, invokeOrThrow } from '../lib/api';

/** The search form as typed: dates as `YYYY-MM-DD` (an `<input type="date">`), modalities comma-separated. */
export interface PacsSearchForm {
  patientName: string;
  patientId: string;
  accessionNumber: string;
  dateFrom: string;
  dateTo: string;
  /** `CR,DX` by default; empty = any modality. */
  modalities: string;
}

export const DEFAULT_SEARCH_FORM: PacsSearchForm = { patientName: '', patientId: '', accessionNumber: '', dateFrom: '', dateTo: '', modalities: 'CR,DX' };

/** The form as a `pacs:find` query; throws with a message the form shows when a field is wrong. */
export function formToQuery(form: PacsSearchForm): PacsStudyQuery {
  const query: PacsStudyQuery = {};
  if (form.patientName.trim()) query.patientName = form.patientName.trim();
  if (form.patientId.trim()) query.patientId = form.patientId.trim();
  if (form.accessionNumber.trim()) query.accessionNumber = form.accessionNumber.trim();
  const da = (iso: string, which: string): string | undefined => {
    const text = iso.trim();
    if (!text) return undefined;
    const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text);
    if (!m) throw new Error(`The ${which} date must be a date (YYYY-MM-DD).`);
    return `${m[1]}${m[2]}${m[3]}`;
  };
  const from = da(form.dateFrom, '"from"');
  const to = da(form.dateTo, '"to"');
  if (from) query.studyDateFrom = from;
  if (to) query.studyDateTo = to;
  if (from && to && from > to) throw new Error('The "from" date is after the "to" date.');
  const modalities = form.modalities
    .split(/[,\s]+/)
    .map((m) => m.trim().toUpperCase())
    .filter(Boolean);
  for (const m of modalities) if (!/^[A-Z0-9_]{1,16}$/.test(m)) throw new Error(`"${m}" is not a modality code (e.g. CR, DX).`);
  query.modalities = modalities;
  return query;
}

export interface PacsTestState {
  running: boolean;
  result?: PacsTestResult;
}

export interface PacsSendState {
  sending: boolean;
  outcome?: PacsSendResultsOutcome;
  error?: string;
  /** The automatic sending after triage (`autoSendResults`): sent, or "results not sent: …". */
  automatic?: PacsResultsSent;
}

export interface PacsState {
  status?: PacsSettingsStatus;
  settingsOpen: boolean;
  saving: boolean;
  /** Why the last settings change was refused. */
  problems: string[];
  /** "Test" per node id. */
  tests: Record<string, PacsTestState>;
  /** The node searched and retrieved from (default: the first node). */
  nodeId?: string;
  form: PacsSearchForm;
  searching: boolean;
  /** Results of the last search (undefined before any). */
  results?: PacsStudyMatch[];
  truncated: boolean;
  searchError?: string;
  /** The latest retrieve per Study Instance UID. */
  retrieves: Record<string, PacsRetrieveProgress>;
  /** "Send results to PACS" per Study Instance UID. */
  sends: Record<string, PacsSendState>;
  message?: string;
  /** Reads the settings and this session's retrieves, follows `pacs:progress` and `pacs:resultsSent`; returns the unsubscribe. */
  connect(): () => void;
  refreshSettings(): Promise<void>;
  openSettings(): void;
  closeSettings(): void;
  /** Saves the whole settings; true when main accepted them. */
  saveSettings(settings: PacsSettings): Promise<boolean>;
  testNode(nodeId: string): Promise<PacsTestResult | undefined>;
  setNode(nodeId: string): void;
  setForm(patch: Partial<PacsSearchForm>): void;
  search(): Promise<void>;
  retrieve(studyInstanceUid: string): Promise<void>;
  cancelRetrieve(studyInstanceUid: string): Promise<void>;
  /** The study's archive key once it is in the worklist (retrieved), or undefined with a message. */
  studyKeyOf(studyInstanceUid: string): Promise<string | undefined>;
  sendResults(studyInstanceUid: string, nodeId?: string): Promise<PacsSendResultsOutcome | undefined>;
  setMessage(message: string | undefined): void;
}

export type PacsStore = StoreApi<PacsState>;

export function createPacsStore(api: PreloadApi): PacsStore {
  return createStore<PacsState>()((set, get) => {
    const withStatus = (status: PacsSettingsStatus): Partial<PacsState> => {
      const ids = status.settings.nodes.map((n) => n.id);
      const nodeId = get().nodeId && ids.includes(get().nodeId as string) ? get().nodeId : ids[0];
      return { status, nodeId };
    };
    const onProgress = (p: PacsRetrieveProgress): void => {
      const current = get().retrieves[p.studyInstanceUid];
      // A later job of the same study replaces an earlier one; late events of the old one are dropped.
      if (current && current.jobId !== p.jobId && jobNumber(current.jobId) > jobNumber(p.jobId)) return;
      set((s) => ({ retrieves: { ...s.retrieves, [p.studyInstanceUid]: p } }));
    };
    return {
      status: undefined,
      settingsOpen: false,
      saving: false,
      problems: [],
      tests: {},
      nodeId: undefined,
      form: DEFAULT_SEARCH_FORM,
      searching: false,
      results: undefined,
      truncated: false,
      searchError: undefined,
      retrieves: {},
      sends: {},
      message: undefined,
      connect() {
        void get().refreshSettings();
        void invokeOrThrow(api, 'pacs:retrieves', {}).then(
          ({ jobs }) => {
            for (const job of jobs) onProgress(job);
          },
          () => undefined,
        );
        const offProgress = api.on('pacs:progress', onProgress);
        const offSent = api.on('pacs:resultsSent', (sent) =>
          set((s) => ({ sends: { ...s.sends, [sent.studyInstanceUid]: { ...(s.sends[sent.studyInstanceUid] ?? { sending: false }), automatic: sent } } })),
        );
        return () => {
          offProgress();
          offSent();
        };
      },
      async refreshSettings() {
        try {
          set(withStatus(await invokeOrThrow(api, 'pacs:settings', {})));
        } catch (err) {
          set({ message: `The PACS settings cannot be read: ${errorOf(err).message}` });
        }
      },
      openSettings() {
        set({ settingsOpen: true, problems: [] });
      },
      closeSettings() {
        set({ settingsOpen: false, problems: [] });
      },
      async saveSettings(settings) {
        set({ saving: true, problems: [] });
        try {
          const { status, problems } = await invokeOrThrow(api, 'pacs:configure', { settings });
          set({ ...withStatus(status), problems, saving: false });
          return problems.length === 0;
        } catch (err) {
          set({ problems: [`The settings could not be saved: ${errorOf(err).message}`], saving: false });
          return false;
        }
      },
      async testNode(nodeId) {
        set((s) => ({ tests: { ...s.tests, [nodeId]: { running: true } } }));
        let result: PacsTestResult;
        try {
          result = await invokeOrThrow(api, 'pacs:test', { nodeId });
        } catch (err) {
          const e = errorOf(err);
          result = { ok: false, nodeId, method: 'c-echo', code: e.code, message: e.message };
        }
        set((s) => ({ tests: { ...s.tests, [nodeId]: { running: false, result } } }));
        return result;
      },
      setNode(nodeId) {
        set({ nodeId });
      },
      setForm(patch) {
        set((s) => ({ form: { ...s.form, ...patch } }));
      },
      async search() {
        const { nodeId, form } = get();
        if (!nodeId) {
          set({ searchError: 'No PACS is configured: add one in PACS settings.' });
          return;
        }
        let query: PacsStudyQuery;
        try {
          query = formToQuery(form);
        } catch (err) {
          set({ searchError: errorOf(err).message });
          return;
        }
        set({ searching: true, searchError: undefined });
        try {
          const { studies, truncated } = await invokeOrThrow(api, 'pacs:find', { nodeId, query });
          set({ results: studies, truncated, searching: false });
        } catch (err) {
          // The last results stay on screen; the error says why the new search has none.
          set({ searchError: errorOf(err).message, searching: false });
        }
      },
      async retrieve(studyInstanceUid) {
        const { nodeId } = get();
        if (!nodeId) return;
        try {
          const { jobId } = await invokeOrThrow(api, 'pacs:retrieve', { nodeId, studyInstanceUid });
          const current = get().retrieves[studyInstanceUid];
          // The first event may already have come; otherwise show the job as started.
          if (current?.jobId !== jobId) {
            set((s) => ({
              retrieves: { ...s.retrieves, [studyInstanceUid]: { jobId, nodeId, studyInstanceUid, phase: 'running', method: 'c-get', received: 0, failed: 0, bytes: 0 } },
            }));
          }
        } catch (err) {
          set({ message: `The study cannot be retrieved: ${errorOf(err).message}` });
        }
      },
      async cancelRetrieve(studyInstanceUid) {
        const job = get().retrieves[studyInstanceUid];
        if (!job) return;
        try {
          await invokeOrThrow(api, 'pacs:cancelRetrieve', { jobId: job.jobId });
        } catch (err) {
          set({ message: errorOf(err).message });
        }
      },
      async studyKeyOf(studyInstanceUid) {
        try {
          return (await invokeOrThrow(api, 'worklist:open', { studyInstanceUid })).studyKey;
        } catch (err) {
          set({ message: `The study cannot be opened: ${errorOf(err).message}` });
          return undefined;
        }
      },
      async sendResults(studyInstanceUid, nodeId) {
        set((s) => ({ sends: { ...s.sends, [studyInstanceUid]: { sending: true, automatic: s.sends[studyInstanceUid]?.automatic } } }));
        try {
          const outcome = await invokeOrThrow(api, 'pacs:sendResults', { studyInstanceUid, ...(nodeId ? { nodeId } : {}) });
          set((s) => ({ sends: { ...s.sends, [studyInstanceUid]: { sending: false, outcome, automatic: s.sends[studyInstanceUid]?.automatic } } }));
          return outcome;
        } catch (err) {
          set((s) => ({ sends: { ...s.sends, [studyInstanceUid]: { sending: false, error: errorOf(err).message, automatic: s.sends[studyInstanceUid]?.automatic } } }));
          return undefined;
        }
      },
      setMessage(message) {
        set({ message });
      },
    };
  });
}

function jobNumber(jobId: string): number {
  return Number(/(\d+)$/.exec(jobId)?.[1] ?? 0);
}

/** "Retrieving 3 of 5", "Retrieved 5", "Failed: …" — one line for a row. */
export function describeRetrieve(p: PacsRetrieveProgress): string {
  const of = p.expected !== undefined ? ` of ${p.expected}` : '';
  switch (p.phase) {
    case 'running':
      return `Retrieving ${p.received}${of}${p.failed ? ` (${p.failed} failed)` : ''}`;
    case 'done':
      return `Retrieved ${p.received}${of}`;
    case 'cancelled':
      return `Cancelled after ${p.received}${of}`;
    default:
      return `Failed after ${p.received}${of}${p.missingCount ? `; ${p.missingCount} missing` : ''}`;
  }
}
