/** Which screen shows: the worklist at a plain start, the viewer once files are opened. */
import { describe, expect, it } from 'vitest';

import { createAppStores } from '../../../../../app/renderer/features/app/AppContext';
import { createFakeApi } from '../../stores/fakeApi';
import { makePatient, makeStudy } from '../../stores/studyData';

const withStudies = [makePatient('p1', [makeStudy('key-1', '20240101', ['img-a'])])];

describe('start screen', () => {
  it('starts on the worklist, and stays there when no files were opened with the app', async () => {
    const stores = createAppStores(createFakeApi({ 'studies:list': () => ({ ok: true, value: { patients: [], truncated: false } }) }));
    expect(stores.worklist.getState().mode).toBe('worklist');
    await stores.studies.getState().refresh();
    expect(stores.worklist.getState().mode).toBe('worklist');
  });

  it('shows the viewer when the app was started with files', async () => {
    const stores = createAppStores(createFakeApi({ 'studies:list': () => ({ ok: true, value: { patients: withStudies, truncated: false } }) }));
    await stores.studies.getState().refresh();
    expect(stores.worklist.getState().mode).toBe('viewer');
  });

  it('shows the viewer when files are opened, but not when a later study list arrives', async () => {
    let patients: typeof withStudies = [];
    const stores = createAppStores(
      createFakeApi({
        'studies:list': () => ({ ok: true, value: { patients, truncated: false } }),
        'studies:import': () => ({ ok: true, value: { jobId: 'job-1' } }),
      }),
    );
    await stores.studies.getState().refresh();
    patients = withStudies;
    await stores.studies.getState().refresh();
    expect(stores.worklist.getState().mode).toBe('worklist');
    await stores.imports.getState().importPaths(['/data/study']);
    expect(stores.worklist.getState().mode).toBe('viewer');
  });

  it('keeps the screen the user chose before the first study list arrived', async () => {
    const stores = createAppStores(createFakeApi({ 'studies:list': () => ({ ok: true, value: { patients: withStudies, truncated: false } }) }));
    // A click on "Worklist" while the app is already there is a choice too.
    stores.worklist.getState().setMode('worklist');
    await stores.studies.getState().refresh();
    expect(stores.worklist.getState().mode).toBe('worklist');
  });
});
