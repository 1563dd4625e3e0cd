import { describe, expect, it } from 'vitest';

import { compareStoreOf, createCompareStore } from '../../../../app/renderer/stores/compare.store';
import { createFakeApi } from './fakeApi';

describe('compare store', () => {
  it('starts with zoom/pan sync on and toggles it', () => {
    const store = createCompareStore();
    expect(store.getState().sync).toBe(true);
    store.getState().toggleSync();
    expect(store.getState().sync).toBe(false);
    store.getState().setSync(true);
    expect(store.getState().sync).toBe(true);
  });

  it('gives one compare store per window until AppContext creates its own', () => {
    const windowStores = { api: createFakeApi({}) };
    expect(compareStoreOf(windowStores)).toBe(compareStoreOf(windowStores));
    const own = createCompareStore();
    expect(compareStoreOf({ ...windowStores, compare: own })).toBe(own);
  });
});
