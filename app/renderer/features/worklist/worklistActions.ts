/**
 * Worklist actions that span stores: opening the selected study in the viewer (worklist →
 * catalog → viewer) and going back to the list. Plain functions over {@link AppStores} so
 * they are testable with the fake API and callable from key handlers and buttons alike.
 */
import type { AppStores } from '../app/AppContext';
import { findStudy, firstDisplayableInstance } from '../../stores/studies.store';

/**
 * Opens the selected worklist study in the viewer: main adds its files to the catalog
 * (`worklist:open`), the study list is re-read, and the study's first displayable image is
 * shown in the active viewport, where the AI panel and its heatmap control pick it up.
 */
export async function openSelectedStudy(stores: AppStores): Promise<boolean> {
  const studyKey = await stores.worklist.getState().openSelected();
  if (!studyKey) return false;
  await stores.studies.getState().refresh();
  const found = findStudy(stores.studies.getState().patients, studyKey);
  const instance = found ? firstDisplayableInstance(found.study) : undefined;
  if (!instance) {
    stores.worklist.getState().setMessage('The study has no image the viewer can show.');
    stores.worklist.getState().setMode('worklist');
    return false;
  }
  stores.viewer.getState().setLayout('1x1');
  stores.viewer.getState().openInstance(studyKey, instance.instanceId, 0);
  return true;
}

/** Back to the worklist; selection and scroll position were kept in the store. */
export function backToWorklist(stores: AppStores): void {
  stores.worklist.getState().setMode('worklist');
}

/**
 * The worklist's own keys (only while the worklist is shown, so they never clash with the
 * viewer's keymap, where R rotates): ↑/↓ move, Enter opens, R marks reviewed, E escalates.
 * Returns true when the key was handled.
 */
export function handleWorklistKey(stores: AppStores, key: string): boolean {
  const worklist = stores.worklist.getState();
  switch (key) {
    case 'ArrowDown':
      worklist.moveSelection(1);
      return true;
    case 'ArrowUp':
      worklist.moveSelection(-1);
      return true;
    case 'PageDown':
      worklist.moveSelection(10);
      return true;
    case 'PageUp':
      worklist.moveSelection(-10);
      return true;
    case 'Home':
      worklist.select(0);
      return true;
    case 'End':
      worklist.select(worklist.entries.length - 1);
      return true;
    case 'Enter':
      void openSelectedStudy(stores);
      return true;
    case 'r':
    case 'R':
      void worklist.markReviewed();
      return true;
    case 'e':
    case 'E':
      worklist.startEscalate();
      return true;
    default:
      return false;
  }
}
