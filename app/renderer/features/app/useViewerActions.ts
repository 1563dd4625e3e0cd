/**
 * One dispatcher for toolbar buttons and keyboard shortcuts: window-level actions
 * (layout, dialogs, help, compare) are handled here; image actions go to the active
 * viewport's controller.
 */
import { useCallback } from 'react';
import type { ViewerAction } from '../../viewer/keymap';
import { allControllers, getController } from '../../viewer/controllerRegistry';
import { findStudy, studyInstances } from '../../stores/studies.store';
import { useAppStores, type AppStores } from './AppContext';

/** Runs one action against the stores and the active viewport. */
export function dispatchViewerAction(stores: AppStores, action: ViewerAction): void {
  const viewer = stores.viewer.getState();
  switch (action.type) {
    case 'tool':
      viewer.setTool(action.tool);
      for (const c of allControllers()) c.setTool(action.tool);
      return;
    case 'toggleOverlay':
      viewer.toggleOverlay();
      return;
    case 'toggleTags':
      viewer.setTagsOpen(!viewer.tagsOpen);
      return;
    case 'toggleLayout':
      viewer.toggleLayout();
      return;
    case 'comparePrior':
      void viewer.comparePrior();
      return;
    case 'toggleHeatmap': {
      const ai = stores.ai.getState();
      ai.setOverlay({ visible: !ai.overlay.visible });
      return;
    }
    case 'help':
      viewer.setHelpOpen(!viewer.helpOpen);
      return;
    case 'openFiles':
      void stores.imports.getState().openDialog('files');
      return;
    case 'openFolder':
      void stores.imports.getState().openDialog('folder');
      return;
    case 'escape':
      if (viewer.helpOpen) viewer.setHelpOpen(false);
      else if (viewer.tagsOpen) viewer.setTagsOpen(false);
      else getController(viewer.activeSlot)?.run(action);
      return;
    case 'nextImage':
    case 'previousImage': {
      const slot = viewer.slots[viewer.activeSlot];
      if (!slot.studyKey || !slot.instanceId) return;
      const found = findStudy(stores.studies.getState().patients, slot.studyKey);
      if (!found) return;
      const step = action.type === 'nextImage' ? 1 : -1;
      const list = studyInstances(found.study).filter((i) => !i.error);
      const at = list.findIndex((i) => i.instanceId === slot.instanceId);
      // Multi-frame objects step through their frames before moving to the next instance.
      const frames = list[at]?.numberOfFrames ?? 1;
      const frame = slot.frame + step;
      if (at >= 0 && frame >= 0 && frame < frames) {
        viewer.setFrame(viewer.activeSlot, frame);
        return;
      }
      const next = list[at + step];
      if (next) viewer.openInstance(slot.studyKey, next.instanceId, viewer.activeSlot);
      return;
    }
    default:
      getController(viewer.activeSlot)?.run(action);
  }
}

/** The dispatcher bound to this window's stores. */
export function useViewerActions(): (action: ViewerAction) => void {
  const stores = useAppStores();
  return useCallback((action: ViewerAction) => dispatchViewerAction(stores, action), [stores]);
}
