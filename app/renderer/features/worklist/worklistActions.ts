/**
 * Worklist actions that span stores: opening the selected study in the viewer (worklist row →
 * archive study → viewer) and going back to the list. Plain functions over {@link AppStores} so
 * they are testable with the fake API and callable from key handlers and buttons alike.
 */
import type { AppStores } from '../app/AppContext';
import { errorOf } from '../../lib/api';
import { firstDisplayableInstance } from '../../stores/studies.store';

/**
 * Opens the selected worklist study in the viewer: the worklist and the browser read one archive
 * (issue #10), so `worklist:open` answers with the study's archive key, the study is fetched
 * (`studies:get`), and its first displayable image is shown in the active viewport, where the AI
 * panel and its heatmap control pick it up.
 */
export async function openSelectedStudy(stores: AppStores): Promise<boolean> {
  const studyKey = await stores.worklist.getState().openSelected();
  if (!studyKey) return false;
  let study;
  try {
    study = await stores.studies.getState().openStudy(studyKey);
  } catch (err) {
    stores.worklist.getState().setMessage(`The study cannot be opened: ${errorOf(err).message}`);
    stores.worklist.getState().setMode('worklist');
    return false;
  }
  const instance = firstDisplayableInstance(study);
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
