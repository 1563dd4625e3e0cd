/**
 * Side-by-side reading (issue #10): whether the two viewports of a 1×2 comparison zoom and pan
 * together. On by default: a radiologist comparing a study with its prior wants the same region
 * of both at the same size. The linking itself lives with the viewport controllers
 * (viewer/viewportSync.ts); this store only holds the switch the toolbar and the S key flip.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { PreloadApi } from '../../shared/ipc/contract';

export interface CompareState {
  /** Zoom and pan of one viewport follow the other (1×2 only). */
  sync: boolean;
  setSync(on: boolean): void;
  toggleSync(): void;
}

export type CompareStore = StoreApi<CompareState>;

export function createCompareStore(): CompareStore {
  return createStore<CompareState>()((set, get) => ({
    sync: true,
    setSync(on) {
      set({ sync: on });
    },
    toggleSync() {
      set({ sync: !get().sync });
    },
  }));
}

const created = new WeakMap<object, CompareStore>();

/**
 * The compare store of a window: `stores.compare` once AppContext creates it, else one made on
 * first use and kept for that window (so the toolbar, the viewports and the S key share it).
 */
export function compareStoreOf(stores: { api: PreloadApi; compare?: CompareStore }): CompareStore {
  if (stores.compare) return stores.compare;
  let store = created.get(stores);
  if (!store) {
    store = createCompareStore();
    created.set(stores, store);
  }
  return store;
}
