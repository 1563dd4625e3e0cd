/**
 * The window: toolbar, study browser, viewport grid, optional tag browser, help
 * overlay, import progress and the persistent research notice. Subscribes to main's
 * events and owns the keyboard shortcuts.
 */
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { isTextInput, resolveShortcut } from './viewer/keymap';
import { AppProvider, useAppStores, useViewer, type AppStores } from './features/app/AppContext';
import { dispatchViewerAction } from './features/app/useViewerActions';
import { useFileDrop } from './features/app/useFileDrop';
import { Toolbar } from './features/toolbar/Toolbar';
import { StudyBrowser } from './features/studyBrowser/StudyBrowser';
import { ViewportGrid } from './features/viewport/Viewport';
import { TagBrowser } from './features/tagBrowser/TagBrowser';
import { HelpOverlay } from './features/help/HelpOverlay';
import { ImportProgress } from './features/importProgress/ImportProgress';
import { ResearchNotice } from './features/notice/ResearchNotice';
import { AiPanel } from './features/ai/AiPanel';
import { WorklistView } from './features/worklist/WorklistView';
import { backToWorklist } from './features/worklist/worklistActions';
import { DismissibleNotice } from './features/notice/DismissibleNotice';
import { PacsView } from './features/pacs/PacsView';

function useMainEvents(stores: AppStores): void {
  useEffect(() => {
    const offProgress = stores.api.on('studies:importProgress', (p) => {
      stores.imports.getState().onProgress(p);
      if (p.phase === 'done' || p.phase === 'cancelled') void stores.studies.getState().refresh();
    });
    const offChanged = stores.api.on('studies:changed', () => void stores.studies.getState().refresh());
    const offAi = stores.ai.getState().connect();
    const offWorklist = stores.worklist.getState().connect();
    const offPacs = stores.pacs.getState().connect();
    void stores.studies.getState().refresh();
    return () => {
      offProgress();
      offChanged();
      offAi();
      offWorklist();
      offPacs();
    };
  }, [stores]);
}

function useShortcuts(stores: AppStores): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const worklist = stores.worklist.getState();
      // The worklist has its own keys (WorklistView); the viewer's (R rotates) stay off there and on the PACS screen.
      if (worklist.mode !== 'viewer') return;
      if (isTextInput(e.target) && e.key !== 'Escape') return;
      if (worklist.openedFromWorklist && (e.key === 'Escape' || e.key === 'Backspace')) {
        const viewer = stores.viewer.getState();
        // Esc first closes the viewer's own overlays; with none open it goes back to the list.
        if (e.key === 'Backspace' || (!viewer.helpOpen && !viewer.tagsOpen)) {
          e.preventDefault();
          backToWorklist(stores);
          return;
        }
      }
      const action = resolveShortcut(e);
      if (!action) return;
      e.preventDefault();
      dispatchViewerAction(stores, action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [stores]);
}

function Shell() {
  const stores = useAppStores();
  useMainEvents(stores);
  useShortcuts(stores);
  const dragging = useFileDrop();
  const tagsOpen = useViewer((s) => s.tagsOpen);
  const helpOpen = useViewer((s) => s.helpOpen);
  const notice = useViewer((s) => s.notice);
  const activeInstance = useViewer((s) => s.slots[s.activeSlot].instanceId);
  const activeFrame = useViewer((s) => s.slots[s.activeSlot].frame);
  const mode = useStore(stores.worklist, (s) => s.mode);
  return (
    <div className="app">
      <Toolbar />
      <ImportProgress />
      {mode === 'worklist' ? (
        <WorklistView />
      ) : mode === 'pacs' ? (
        <PacsView />
      ) : (
      <main className="workspace">
        <StudyBrowser />
        <section className="viewer-area">
          <DismissibleNotice message={notice} testId="viewer-notice" onDismiss={() => stores.viewer.getState().setNotice(undefined)} />
          <ViewportGrid />
        </section>
        {tagsOpen ? <TagBrowser /> : null}
        <AiPanel instanceId={activeInstance} frame={activeFrame} />
      </main>
      )}
      <ResearchNotice />
      {helpOpen ? <HelpOverlay /> : null}
      {dragging ? (
        <div className="drop-overlay" data-testid="drop-overlay">
          Drop DICOM, PNG or JPEG files or folders to import
        </div>
      ) : null}
    </div>
  );
}

export function App({ stores }: { stores: AppStores }) {
  return (
    <AppProvider stores={stores}>
      <Shell />
    </AppProvider>
  );
}
