/**
 * Study browser actions that reach beyond one store (issue #10): opening another study of the
 * patient beside the one being read. Pure functions of the stores, so unit tests drive them with a fake API.
 */
import { errorOf } from '../../lib/api';
import { firstDisplayableInstance, type StudiesStore } from '../../stores/studies.store';
import type { SlotIndex, ViewerStore } from '../../stores/viewer.store';

/**
 * Opens `studyKey` beside the study in the active viewport (1×2): in the right viewport when the
 * left one is active (the current-left, prior-right convention of "compare with prior"), else in
 * the left; the active viewport stays on the study being read. The study is fetched first
 * (`studies:get`), so its files are checked and the overlay can name its patient and date.
 * Resolves with the reason when nothing could be opened (also shown as the viewer's notice).
 */
export async function openBeside(stores: { studies: StudiesStore; viewer: ViewerStore }, studyKey: string): Promise<string | undefined> {
  let study;
  try {
    study = await stores.studies.getState().openStudy(studyKey);
  } catch (err) {
    const message = `The study could not be opened: ${errorOf(err).message}`;
    stores.viewer.getState().setNotice(message);
    return message;
  }
  const instance = firstDisplayableInstance(study);
  if (!instance || instance.error) {
    const message = instance?.error ? `The study has no image that can be shown: ${instance.error.message}` : 'The study has no images.';
    stores.viewer.getState().setNotice(message);
    return message;
  }
  const viewer = stores.viewer.getState();
  const reading: SlotIndex = viewer.layout === '1x2' ? viewer.activeSlot : 0;
  const beside: SlotIndex = reading === 0 ? 1 : 0;
  viewer.openInstance(studyKey, instance.instanceId, beside);
  viewer.setLayout('1x2');
  viewer.setActiveSlot(reading);
  return undefined;
}
