/**
 * The live viewport controllers by slot, so toolbar buttons and shortcuts reach the
 * viewport they act on (controllers hold DOM and cornerstone state, which does not
 * belong in a zustand store).
 */
import type { SlotIndex } from '../stores/viewer.store';
import type { ViewportController } from './viewportController';

const controllers = new Map<SlotIndex, ViewportController>();

export function registerController(slot: SlotIndex, controller: ViewportController): () => void {
  controllers.set(slot, controller);
  return () => {
    if (controllers.get(slot) === controller) controllers.delete(slot);
  };
}

export function getController(slot: SlotIndex): ViewportController | undefined {
  return controllers.get(slot);
}

export function allControllers(): ViewportController[] {
  return [...controllers.values()];
}
