import { describe, expect, it } from 'vitest';
import { createViewerStore } from '../../../../app/renderer/stores/viewer.store';
import { createFakeApi } from './fakeApi';
import { makeStudy } from './studyData';

describe('viewer store', () => {
  it('opens an instance in the active viewport and marks it loading', () => {
    const store = createViewerStore(createFakeApi({}));
    store.getState().openInstance('s1', 'a');
    expect(store.getState().slots[0]).toEqual({ studyKey: 's1', instanceId: 'a', frame: 0 });
    expect(store.getState().readouts[0].status).toBe('loading');
  });

  it('toggles between 1×1 and 1×2 and returns to the first viewport in 1×1', () => {
    const store = createViewerStore(createFakeApi({}));
    store.getState().toggleLayout();
    store.getState().setActiveSlot(1);
    expect(store.getState().layout).toBe('1x2');
    store.getState().toggleLayout();
    expect(store.getState()).toMatchObject({ layout: '1x1', activeSlot: 0 });
  });

  it('a study removed from the list leaves the screen; the other side of a comparison stays, in 1×1', () => {
    const store = createViewerStore(createFakeApi({}));
    store.getState().openInstance('s1', 'a', 0);
    store.getState().setLayout('1x2');
    store.getState().openInstance('s0', 'old', 1);
    store.getState().closeStudy('s1');
    expect(store.getState()).toMatchObject({ layout: '1x1', activeSlot: 0, slots: [{ studyKey: 's0', instanceId: 'old' }, { frame: 0 }] });
    expect(store.getState().readouts[0].status).toBe('loading');
    store.getState().closeStudy('other');
    expect(store.getState().slots[0]).toMatchObject({ studyKey: 's0' });
    store.getState().closeStudy('s0');
    expect(store.getState().slots).toEqual([{ frame: 0 }, { frame: 0 }]);
    expect(store.getState().readouts[0].status).toBe('empty');
  });

  it('compare with prior opens the newest prior beside the current study', async () => {
    const prior = makeStudy('s0', '20230101', ['old-bad', 'old'], { 'old-bad': 'truncated' });
    const later = makeStudy('s2', '20250101', ['new']);
    // The patient's other studies, newest first; the prior to compare with is the newest earlier one.
    const api = createFakeApi({ 'studies:priors': (r) => ({ ok: true, value: r.studyKey === 's1' ? { studies: [later, prior], priorStudyKey: 's0' } : { studies: [], priorStudyKey: null } }) });
    const store = createViewerStore(api);
    store.getState().openInstance('s1', 'a');
    await store.getState().comparePrior();
    const { layout, slots } = store.getState();
    expect(layout).toBe('1x2');
    expect(slots[0]).toMatchObject({ studyKey: 's1', instanceId: 'a' });
    expect(slots[1]).toMatchObject({ studyKey: 's0', instanceId: 'old' });
  });

  it('says so when there is no prior', async () => {
    const store = createViewerStore(createFakeApi({ 'studies:priors': () => ({ ok: true, value: { studies: [], priorStudyKey: null } }) }));
    store.getState().openInstance('s1', 'a');
    await store.getState().comparePrior();
    expect(store.getState().layout).toBe('1x1');
    expect(store.getState().notice).toMatch(/No prior study/);
  });

  it('asks for a study before comparing', async () => {
    const api = createFakeApi({});
    const store = createViewerStore(api);
    await store.getState().comparePrior();
    expect(api.calls).toHaveLength(0);
    expect(store.getState().notice).toMatch(/Open a study first/);
  });

  it('merges readouts per viewport', () => {
    const store = createViewerStore(createFakeApi({}));
    store.getState().setReadout(1, { windowCenter: 40, status: 'ready' });
    store.getState().setReadout(1, { windowWidth: 400 });
    expect(store.getState().readouts[1]).toMatchObject({ windowCenter: 40, windowWidth: 400, status: 'ready' });
    expect(store.getState().readouts[0].status).toBe('empty');
  });
});

describe('frames', () => {
  it('changes the frame of one viewport only', () => {
    const store = createViewerStore(createFakeApi({}));
    store.getState().openInstance('s1', 'multi');
    store.getState().setFrame(0, 3);
    expect(store.getState().slots[0]).toEqual({ studyKey: 's1', instanceId: 'multi', frame: 3 });
    expect(store.getState().slots[1].frame).toBe(0);
  });
});
