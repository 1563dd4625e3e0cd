import { describe, expect, it } from 'vitest';
import { createAppStores } from '../../../../../app/renderer/features/app/AppContext';
import { dispatchViewerAction } from '../../../../../app/renderer/features/app/useViewerActions';
import { createFakeApi } from '../../stores/fakeApi';
import { makePatient, makeStudy } from '../../stores/studyData';

function storesWithStudy() {
  const study = makeStudy('s1', '20240101', ['a', 'b']);
  study.series[0].instances[0].numberOfFrames = 2;
  const patients = [makePatient('p1', [study])];
  const stores = createAppStores(createFakeApi({ 'studies:list': () => ({ ok: true, value: { patients, truncated: false } }) }));
  return stores;
}

describe('dispatchViewerAction', () => {
  it('steps through the frames of a multi-frame instance, then to the next instance', async () => {
    const stores = storesWithStudy();
    await stores.studies.getState().refresh();
    stores.viewer.getState().openInstance('s1', 'a');
    dispatchViewerAction(stores, { type: 'nextImage' });
    expect(stores.viewer.getState().slots[0]).toMatchObject({ instanceId: 'a', frame: 1 });
    dispatchViewerAction(stores, { type: 'nextImage' });
    expect(stores.viewer.getState().slots[0]).toMatchObject({ instanceId: 'b', frame: 0 });
    dispatchViewerAction(stores, { type: 'previousImage' });
    expect(stores.viewer.getState().slots[0]).toMatchObject({ instanceId: 'a' });
  });

  it('closes the help overlay before anything else on Escape', () => {
    const stores = storesWithStudy();
    dispatchViewerAction(stores, { type: 'help' });
    dispatchViewerAction(stores, { type: 'toggleTags' });
    dispatchViewerAction(stores, { type: 'escape' });
    expect(stores.viewer.getState()).toMatchObject({ helpOpen: false, tagsOpen: true });
    dispatchViewerAction(stores, { type: 'escape' });
    expect(stores.viewer.getState().tagsOpen).toBe(false);
  });

  it('sets the tool and toggles layout and overlay', () => {
    const stores = storesWithStudy();
    dispatchViewerAction(stores, { type: 'tool', tool: 'length' });
    dispatchViewerAction(stores, { type: 'toggleLayout' });
    dispatchViewerAction(stores, { type: 'toggleOverlay' });
    expect(stores.viewer.getState()).toMatchObject({ tool: 'length', layout: '1x2', overlayVisible: false });
  });
});
