/**
 * The AI triage worklist as the renderer sees it (issue #5): the rows of `worklist:list` in
 * display order (sorted and filtered in SQLite in main, never here), counts per priority,
 * the selection and scroll position (kept while the viewer is shown, so "back" returns to the
 * same place), running imports with their progress, and the Worklist | Viewer mode.
 * Created with its API as an argument so unit tests pass a fake.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppError } from '../../shared/result';
import type { PreloadApi, ResponseOf, WorklistProgress, WorklistQuery, WorklistRow } from '../../shared/ipc/contract';
import { errorOf, invokeOrThrow } from '../lib/api';

export type WorklistFilter = NonNullable<WorklistQuery['filter']>;
export type WorklistSort = NonNullable<WorklistQuery['sort']>;
export type WorklistSortColumn = WorklistSort['column'];
export type WorklistCounts = ResponseOf<'worklist:list'>['counts'];
/** Which screen the window shows. */
/** The screen: the triage worklist, the viewer, or the PACS search (issue #11). */
export type AppMode = 'worklist' | 'viewer' | 'pacs';

/** The default order (issue #5): COVID probability highest first; the OOD group stays on top in main. */
export const DEFAULT_WORKLIST_SORT: WorklistSort = { column: 'covid', direction: 'desc' };

const EMPTY_COUNTS: WorklistCounts = { unreliable: 0, high: 0, medium: 0, low: 0, none: 0 };

export interface WorklistState {
  mode: AppMode;
  /** True once anything chose the screen (a click, opening a study or files): the start-up rule then keeps out. */
  modeChosen: boolean;
  /** True when the viewer was opened from the worklist (Esc / Back returns there). */
  openedFromWorklist: boolean;
  entries: WorklistRow[];
  counts: WorklistCounts;
  /** Time main took to query (ms), shown in the header. */
  queryMs?: number;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error?: AppError;
  filter: WorklistFilter;
  sort: WorklistSort;
  /** Index into `entries`; -1 when the list is empty. */
  selectedIndex: number;
  /** The selected study, kept across re-queries so live updates do not move the selection. */
  selectedUid?: string;
  /** Scroll offset of the list in px, restored when coming back from the viewer. */
  scrollTop: number;
  /** Running or just finished imports by job id. */
  imports: Record<string, WorklistProgress>;
  /** Study whose escalation note is being typed (the E dialog). */
  escalating?: string;
  /** The last action's failure or result, shown in the header. */
  message?: string;
  setMode(mode: AppMode): void;
  refresh(): Promise<void>;
  /** Sorts by a column; the same column again flips the direction. */
  setSort(column: WorklistSortColumn): void;
  setFilter(patch: Partial<WorklistFilter>): void;
  select(index: number): void;
  moveSelection(delta: number): void;
  setScrollTop(px: number): void;
  markReviewed(): Promise<void>;
  startEscalate(): void;
  cancelEscalate(): void;
  escalate(note: string): Promise<boolean>;
  /** Asks main to put the selected study in the catalog; resolves with its study key. */
  openSelected(): Promise<string | undefined>;
  /** "Import folder": the open dialog, then `worklist:import`. */
  importFolder(): Promise<void>;
  cancelImport(jobId: string): Promise<void>;
  exportCsv(): Promise<{ csv: string; fileName: string } | undefined>;
  summaryPng(): Promise<{ png: ArrayBuffer; fileName: string } | undefined>;
  setMessage(message: string | undefined): void;
  /** Subscribes to `worklist:changed` / `worklist:progress` and loads the list; returns the unsubscribe. */
  connect(): () => void;
}

export type WorklistStore = StoreApi<WorklistState>;

/** Drops empty filter fields, so the request carries only what narrows the list. */
export function cleanFilter(filter: WorklistFilter): WorklistFilter {
  const out: WorklistFilter = {};
  if (filter.priority?.length) out.priority = filter.priority;
  if (filter.status?.length) out.status = filter.status;
  if (filter.modality?.length) out.modality = filter.modality;
  if (filter.dateFrom) out.dateFrom = filter.dateFrom;
  if (filter.dateTo) out.dateTo = filter.dateTo;
  if (filter.search?.trim()) out.search = filter.search.trim();
  return out;
}

export function createWorklistStore(api: PreloadApi): WorklistStore {
  let running: Promise<void> | null = null;
  let again = false;
  return createStore<WorklistState>()((set, get) => {
    const selected = (): WorklistRow | undefined => get().entries[get().selectedIndex];

    /** One query; the selection follows its study (or stays at the same index when it left the list). */
    const query = async (): Promise<void> => {
      const { filter, sort } = get();
      set({ status: get().entries.length > 0 ? 'ready' : 'loading' });
      try {
        const value = await invokeOrThrow(api, 'worklist:list', { filter: cleanFilter(filter), sort });
        const { selectedUid, selectedIndex } = get();
        let index = selectedUid ? value.entries.findIndex((e) => e.studyInstanceUid === selectedUid) : -1;
        if (index < 0) index = Math.min(Math.max(selectedIndex, 0), value.entries.length - 1);
        set({
          entries: value.entries,
          counts: value.counts,
          queryMs: value.ms,
          status: 'ready',
          error: undefined,
          selectedIndex: index,
          selectedUid: value.entries[index]?.studyInstanceUid,
        });
      } catch (err) {
        set({ status: 'error', error: errorOf(err) });
      }
    };

    const review = async (action: 'reviewed' | 'escalated', note?: string): Promise<boolean> => {
      const row = selected();
      if (!row) return false;
      try {
        const { entry } = await invokeOrThrow(api, 'worklist:review', { studyInstanceUid: row.studyInstanceUid, action, note });
        // Show the new status at once; the `worklist:changed` re-query follows.
        set((s) => ({ entries: s.entries.map((e) => (e.studyInstanceUid === entry.studyInstanceUid ? entry : e)), message: undefined }));
        void get().refresh();
        return true;
      } catch (err) {
        set({ message: errorOf(err).message });
        return false;
      }
    };

    return {
      // The nurse's start screen (issue #5); opening files switches to the viewer (AppContext).
      mode: 'worklist',
      modeChosen: false,
      openedFromWorklist: false,
      entries: [],
      counts: EMPTY_COUNTS,
      status: 'idle',
      filter: {},
      sort: DEFAULT_WORKLIST_SORT,
      selectedIndex: -1,
      scrollTop: 0,
      imports: {},
      setMode(mode) {
        set({ mode, modeChosen: true, openedFromWorklist: mode === 'viewer' ? get().openedFromWorklist : false });
      },
      refresh() {
        // Live updates can arrive faster than queries finish: at most one query runs, and one more follows it.
        if (running) {
          again = true;
          return running;
        }
        running = (async () => {
          do {
            again = false;
            await query();
          } while (again);
        })().finally(() => (running = null));
        return running;
      },
      setSort(column) {
        const { sort } = get();
        const direction = sort.column === column ? (sort.direction === 'desc' ? 'asc' : 'desc') : column === 'covid' || column === 'priority' ? 'desc' : 'asc';
        set({ sort: { column, direction } });
        void get().refresh();
      },
      setFilter(patch) {
        set((s) => ({ filter: { ...s.filter, ...patch } }));
        void get().refresh();
      },
      select(index) {
        const { entries } = get();
        if (entries.length === 0) return;
        const i = Math.min(Math.max(index, 0), entries.length - 1);
        set({ selectedIndex: i, selectedUid: entries[i].studyInstanceUid });
      },
      moveSelection(delta) {
        get().select((get().selectedIndex < 0 ? 0 : get().selectedIndex) + delta);
      },
      setScrollTop(px) {
        set({ scrollTop: Math.max(0, px) });
      },
      async markReviewed() {
        await review('reviewed');
      },
      startEscalate() {
        const row = selected();
        if (row) set({ escalating: row.studyInstanceUid });
      },
      cancelEscalate() {
        set({ escalating: undefined });
      },
      async escalate(note) {
        if (!note.trim()) {
          set({ message: 'Escalating needs a note.' });
          return false;
        }
        const done = await review('escalated', note.trim());
        if (done) set({ escalating: undefined });
        return done;
      },
      async openSelected() {
        const row = selected();
        if (!row) return undefined;
        try {
          const { studyKey } = await invokeOrThrow(api, 'worklist:open', { studyInstanceUid: row.studyInstanceUid });
          set({ mode: 'viewer', modeChosen: true, openedFromWorklist: true, message: undefined });
          return studyKey;
        } catch (err) {
          set({ message: `The study cannot be opened: ${errorOf(err).message}` });
          return undefined;
        }
      },
      async importFolder() {
        try {
          const { paths } = await invokeOrThrow(api, 'dialog:open', { kind: 'folder' });
          if (paths.length === 0) return;
          const { jobId } = await invokeOrThrow(api, 'worklist:import', { paths });
          set((s) => ({ imports: { ...s.imports, [jobId]: s.imports[jobId] ?? { jobId, phase: 'scanning', total: 0, done: 0, failed: 0, etaSeconds: null } } }));
        } catch (err) {
          set({ message: `Import failed: ${errorOf(err).message}` });
        }
      },
      async cancelImport(jobId) {
        try {
          await invokeOrThrow(api, 'worklist:cancelImport', { jobId });
        } catch (err) {
          set({ message: errorOf(err).message });
        }
      },
      async exportCsv() {
        try {
          const { filter, sort } = get();
          return await invokeOrThrow(api, 'worklist:exportCsv', { filter: cleanFilter(filter), sort });
        } catch (err) {
          set({ message: `Export failed: ${errorOf(err).message}` });
          return undefined;
        }
      },
      async summaryPng() {
        const row = selected();
        if (!row) return undefined;
        try {
          return await invokeOrThrow(api, 'worklist:summaryPng', { studyInstanceUid: row.studyInstanceUid });
        } catch (err) {
          set({ message: `Summary failed: ${errorOf(err).message}` });
          return undefined;
        }
      },
      setMessage(message) {
        set({ message });
      },
      connect() {
        const offChanged = api.on('worklist:changed', () => void get().refresh());
        const offProgress = api.on('worklist:progress', (p) => {
          set((s) => ({ imports: { ...s.imports, [p.jobId]: p } }));
          if (p.phase === 'done' || p.phase === 'cancelled') void get().refresh();
        });
        void get().refresh();
        return () => {
          offChanged();
          offProgress();
        };
      },
    };
  });
}

/** Imports still running (the progress bars). */
export function runningImports(imports: Record<string, WorklistProgress>): WorklistProgress[] {
  return Object.values(imports).filter((p) => p.phase === 'scanning' || p.phase === 'importing');
}
