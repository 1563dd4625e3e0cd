/**
 * Stores and API of this window, created once in App and handed down by context, so
 * components never reach for module singletons (tests can mount them with fakes).
 */
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { PreloadApi } from '../../../shared/ipc/contract';
import { createAiStore, type AiStore } from '../../stores/ai.store';
import { createImportStore, type ImportState, type ImportStore } from '../../stores/import.store';
import { createStudiesStore, type StudiesState, type StudiesStore } from '../../stores/studies.store';
import { createViewerStore, type ViewerState, type ViewerStore } from '../../stores/viewer.store';
import { createWorklistStore, type WorklistState, type WorklistStore } from '../../stores/worklist.store';
import { createSourcesStore, type SourcesState, type SourcesStore } from '../../stores/sources.store';
import { createPacsStore, type PacsState, type PacsStore } from '../../stores/pacs.store';
import { persistSession, restoreSession, type SessionStorage } from '../../stores/session';

export interface AppStores {
  api: PreloadApi;
  studies: StudiesStore;
  imports: ImportStore;
  viewer: ViewerStore;
  /** AI triage results and heatmap settings (issue #4, features/ai). */
  ai: AiStore;
  /** The AI triage worklist and the Worklist | Viewer mode (issue #5, features/worklist). */
  worklist: WorklistStore;
  /** The worklist's DICOM listener and watched folder (issue #5, features/worklist Sources). */
  sources: SourcesStore;
  /** PACS search, retrieve, settings and sending results (issue #11, features/pacs). */
  pacs: PacsStore;
}

export interface AppStoresOptions {
  /** Where the session (screen, study, image) is saved and restored from; none = start fresh. */
  session?: SessionStorage;
}

/** Creates the stores of one window around its API. */
export function createAppStores(api: PreloadApi, options: AppStoresOptions = {}): AppStores {
  const stores: AppStores = {
    api,
    studies: createStudiesStore(api),
    imports: createImportStore(api),
    viewer: createViewerStore(api),
    ai: createAiStore(api),
    worklist: createWorklistStore(api),
    sources: createSourcesStore(api),
    pacs: createPacsStore(api),
  };
  showViewerWhenFilesAreOpened(stores);
  const { session } = options;
  if (session) {
    // Saving starts once the restore is done, so a half-restored screen never overwrites the saved one.
    void restoreSession(stores, session.load()).finally(() => persistSession(stores, session));
  }
  return stores;
}

/**
 * Which screen shows: the worklist is the start screen (a nurse opens the app and sees what
 * arrived, issue #5) unless the last session was reading a study, which reopens (issue #10,
 * session.ts). Opening files is a radiologist reading them (issue #2), so the viewer comes
 * forward when files are opened (menu, dialog, drop). The archive keeps every study across
 * restarts, so a non-empty study list no longer means "started with files".
 */
function showViewerWhenFilesAreOpened({ imports, worklist }: AppStores): void {
  imports.subscribe((now, before) => {
    if (now.job && now.job.jobId !== before.job?.jobId) worklist.getState().setMode('viewer');
  });
}

const AppContext = createContext<AppStores | undefined>(undefined);

export function AppProvider({ stores, children }: { stores: AppStores; children: ReactNode }) {
  return <AppContext.Provider value={stores}>{children}</AppContext.Provider>;
}

/** The stores of this window. */
export function useAppStores(): AppStores {
  const stores = useContext(AppContext);
  if (!stores) throw new Error('useAppStores outside <AppProvider>');
  return stores;
}

export function useStudies<T>(selector: (s: StudiesState) => T): T {
  return useStore(useAppStores().studies, selector);
}

export function useImports<T>(selector: (s: ImportState) => T): T {
  return useStore(useAppStores().imports, selector);
}

export function useViewer<T>(selector: (s: ViewerState) => T): T {
  return useStore(useAppStores().viewer, selector);
}

export function useWorklist<T>(selector: (s: WorklistState) => T): T {
  return useStore(useAppStores().worklist, selector);
}

export function useSources<T>(selector: (s: SourcesState) => T): T {
  return useStore(useAppStores().sources, selector);
}

export function usePacs<T>(selector: (s: PacsState) => T): T {
  return useStore(useAppStores().pacs, selector);
}
