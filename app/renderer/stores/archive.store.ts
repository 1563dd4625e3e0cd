/**
 * The study browser's view of the local study archive (issue #10) beyond the page the studies
 * store lists: a search over the whole archive (`studies:list` with `search`), the other studies
 * of the patient on screen (`studies:priors`, newest first) and "Remove from list"
 * (`studies:remove`, which hides a study from the browser and the worklist and never deletes a
 * file). Follows the studies store: when it re-lists (an import, a removal, `studies:changed`),
 * the search and the priors are asked again. Created with its API so unit tests pass a fake.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppError } from '../../shared/result';
import type { PatientSummary, PreloadApi, StudySummary } from '../../shared/ipc/contract';
import { errorOf, invokeOrThrow } from '../lib/api';
import type { StudiesStore } from './studies.store';

export interface ArchiveState {
  /** The search as typed; blank = the studies store's page is shown. */
  search: string;
  /** Patients matching `resultsFor` (name, patient ID or accession number). */
  results: PatientSummary[];
  /**
   * The search `results` answer; undefined before the first answer to a non-blank search (the
   * browser keeps showing what it showed rather than an empty list while the archive is asked).
   */
  resultsFor?: string;
  /** More patients match than one page holds. */
  resultsTruncated: boolean;
  searchStatus: 'idle' | 'searching' | 'ready' | 'error';
  searchError?: AppError;
  /** The study whose patient's other studies `priors` lists. */
  priorsOf?: string;
  /** That patient's other studies, newest first (main's order). */
  priors: StudySummary[];
  /** The newest study dated before `priorsOf` (what "compare with prior" opens), or null. */
  priorStudyKey: string | null;
  priorsStatus: 'idle' | 'loading' | 'ready' | 'error';
  priorsError?: AppError;
  /** Sets the search; the archive is asked after a short pause in typing. */
  setSearch(text: string): void;
  /** Asks the archive for the current search now. */
  runSearch(): Promise<void>;
  /** Lists the other studies of `studyKey`'s patient (undefined clears the list). */
  loadPriors(studyKey: string | undefined): Promise<void>;
  /** "Remove from list", then re-lists; resolves with the reason when it failed. */
  remove(studyKey: string): Promise<AppError | undefined>;
}

export type ArchiveStore = StoreApi<ArchiveState>;

export interface ArchiveStoreOptions {
  /** Pause after the last key press before searching (ms). */
  debounceMs?: number;
}

/** Pause after typing before the archive is searched: one query per word, not per letter. */
export const SEARCH_DEBOUNCE_MS = 250;

export function createArchiveStore(api: PreloadApi, studies: StudiesStore, options: ArchiveStoreOptions = {}): ArchiveStore {
  const debounceMs = options.debounceMs ?? SEARCH_DEBOUNCE_MS;
  let searchSeq = 0;
  let priorsSeq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const store = createStore<ArchiveState>()((set, get) => ({
    search: '',
    results: [],
    resultsFor: undefined,
    resultsTruncated: false,
    searchStatus: 'idle',
    priors: [],
    priorStudyKey: null,
    priorsStatus: 'idle',
    setSearch(text) {
      set({ search: text });
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (!text.trim()) {
        // Back to the page the studies store lists; a search still in flight is dropped.
        searchSeq++;
        set({ results: [], resultsFor: undefined, resultsTruncated: false, searchStatus: 'idle', searchError: undefined });
        return;
      }
      set({ searchStatus: 'searching' });
      timer = setTimeout(() => {
        timer = undefined;
        void get().runSearch();
      }, debounceMs);
    },
    async runSearch() {
      const search = get().search.trim();
      const seq = ++searchSeq;
      if (!search) return;
      set({ searchStatus: 'searching' });
      try {
        const { patients, truncated } = await invokeOrThrow(api, 'studies:list', { search });
        // An answer to an older search must not replace a newer one.
        if (seq === searchSeq) set({ results: patients, resultsFor: search, resultsTruncated: truncated, searchStatus: 'ready', searchError: undefined });
      } catch (err) {
        if (seq === searchSeq) set({ results: [], resultsFor: search, resultsTruncated: false, searchStatus: 'error', searchError: errorOf(err) });
      }
    },
    async loadPriors(studyKey) {
      const seq = ++priorsSeq;
      if (!studyKey) {
        set({ priorsOf: undefined, priors: [], priorStudyKey: null, priorsStatus: 'idle', priorsError: undefined });
        return;
      }
      // Keep showing the list of the same study while it is re-read (no flicker after a removal).
      if (get().priorsOf !== studyKey) set({ priorsOf: studyKey, priors: [], priorStudyKey: null, priorsStatus: 'loading', priorsError: undefined });
      try {
        const { studies: priors, priorStudyKey } = await invokeOrThrow(api, 'studies:priors', { studyKey });
        if (seq === priorsSeq) set({ priors, priorStudyKey, priorsStatus: 'ready', priorsError: undefined });
      } catch (err) {
        if (seq === priorsSeq) set({ priors: [], priorStudyKey: null, priorsStatus: 'error', priorsError: errorOf(err) });
      }
    },
    async remove(studyKey) {
      try {
        await invokeOrThrow(api, 'studies:remove', { studyKey });
      } catch (err) {
        return errorOf(err);
      }
      // The re-list brings the search and the priors up to date too (subscription below).
      await studies.getState().refresh();
      return undefined;
    },
  }));
  studies.subscribe((now, before) => {
    if (now.patients === before.patients) return;
    const state = store.getState();
    if (state.search.trim() && !timer) void state.runSearch();
    if (state.priorsOf) void state.loadPriors(state.priorsOf);
  });
  return store;
}

const created = new WeakMap<object, ArchiveStore>();

/**
 * The archive store of a window: `stores.archive` once AppContext creates it, else one made on
 * first use and kept for that window.
 */
export function archiveStoreOf(stores: { api: PreloadApi; studies: StudiesStore; archive?: ArchiveStore }): ArchiveStore {
  if (stores.archive) return stores.archive;
  let store = created.get(stores);
  if (!store) {
    store = createArchiveStore(stores.api, stores.studies);
    created.set(stores, store);
  }
  return store;
}
