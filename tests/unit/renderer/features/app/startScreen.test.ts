/**
 * Which screen shows at start (issues #5, #10): the worklist on a first start, the viewer when
 * files are opened, and otherwise where the last session left off.
 */
import { describe, expect, it } from 'vitest';

import { createAppStores } from '../../../../../app/renderer/features/app/AppContext';
import { memorySessionStorage, type SavedSession } from '../../../../../app/renderer/stores/session';
import type { PatientSummary } from '../../../../../app/shared/ipc/contract';
import { createFakeApi } from '../../stores/fakeApi';
import { makePatient, makeStudy } from '../../stores/studyData';

const current = { ...makeStudy('s2', '20240101', ['i20', 'i21'], { i21: 'p/missing.dcm is missing: it is no longer at /data/p/missing.dcm' }), studyInstanceUid: '1.2' };
const prior = { ...makeStudy('s1', '20230101', ['i10']), studyInstanceUid: '1.1' };
const withStudies: PatientSummary[] = [makePatient('p1', [current, prior])];

function api() {
  return createFakeApi({
    'studies:list': () => ({ ok: true, value: { patients: withStudies, truncated: false } }),
    'studies:get': ({ studyKey }) => {
      const study = [current, prior].find((s) => s.studyKey === studyKey);
      return study ? { ok: true, value: { patient: makePatient('p1', [study]), removed: false } } : { ok: false, error: { code: 'STUDY_NOT_FOUND', message: 'study is not in the archive' } };
    },
    'studies:import': () => ({ ok: true, value: { jobId: 'job-1' } }),
  });
}

const viewerSession = (over: Partial<SavedSession> = {}): SavedSession => ({
  version: 1,
  mode: 'viewer',
  layout: '1x2',
  activeSlot: 1,
  slots: [
    { studyKey: 's2', studyInstanceUid: '1.2', instanceId: 'i21', frame: 0 },
    { studyKey: 's1', studyInstanceUid: '1.1', instanceId: 'i10', frame: 0 },
  ],
  ...over,
});

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('start screen', () => {
  it('starts on the worklist with no saved session, even when the archive holds studies', async () => {
    const stores = createAppStores(api(), { session: memorySessionStorage() });
    await stores.studies.getState().refresh();
    await settle();
    expect(stores.worklist.getState().mode).toBe('worklist');
  });

  it('shows the viewer when files are opened', async () => {
    const stores = createAppStores(api());
    await stores.imports.getState().importPaths(['/data/study']);
    expect(stores.worklist.getState().mode).toBe('viewer');
  });

  it('reopens the studies, images and layout of the last session, a missing file included', async () => {
    const stores = createAppStores(api(), { session: memorySessionStorage(viewerSession()) });
    await settle();
    expect(stores.worklist.getState().mode).toBe('viewer');
    expect(stores.viewer.getState()).toMatchObject({ layout: '1x2', activeSlot: 1 });
    // The missing file opens as saved: its viewport names the file and where it was.
    expect(stores.viewer.getState().slots).toMatchObject([{ studyKey: 's2', instanceId: 'i21' }, { studyKey: 's1', instanceId: 'i10' }]);
    expect(stores.studies.getState().patients[0].studies.map((s) => s.studyKey)).toEqual(['s2', 's1']);
  });

  it('returns to the worklist row of the last session', async () => {
    const stores = createAppStores(api(), { session: memorySessionStorage({ ...viewerSession(), mode: 'worklist', worklistStudyUid: '1.7' }) });
    await settle();
    expect(stores.worklist.getState()).toMatchObject({ mode: 'worklist', selectedUid: '1.7' });
  });

  it('falls back to the worklist with a message when the saved study is gone (never an empty viewer)', async () => {
    const stores = createAppStores(api(), { session: memorySessionStorage(viewerSession({ layout: '1x1', slots: [{ studyKey: 's99', frame: 0 }, null] })) });
    await settle();
    expect(stores.worklist.getState().mode).toBe('worklist');
    expect(stores.worklist.getState().message).toMatch(/could not be reopened: study is not in the archive/);
  });

  it('refuses a key that names another study in this archive (a key saved against another database)', async () => {
    const stores = createAppStores(api(), { session: memorySessionStorage(viewerSession({ layout: '1x1', slots: [{ studyKey: 's1', studyInstanceUid: '9.9', frame: 0 }, null] })) });
    await settle();
    expect(stores.worklist.getState().mode).toBe('worklist');
  });

  it('saves the session as the user works, and it restores in a new window', async () => {
    const storage = memorySessionStorage();
    const first = createAppStores(api(), { session: storage });
    await settle();
    await first.studies.getState().refresh();
    first.worklist.getState().setMode('viewer');
    first.viewer.getState().openInstance('s1', 'i10');
    await new Promise((r) => setTimeout(r, 250));
    expect(storage.saved).toMatchObject({ mode: 'viewer', slots: [{ studyKey: 's1', studyInstanceUid: '1.1', instanceId: 'i10' }, null] });
    const second = createAppStores(api(), { session: storage });
    await settle();
    expect(second.viewer.getState().slots[0]).toMatchObject({ studyKey: 's1', instanceId: 'i10' });
  });

  it('a study opened from the worklist still goes back to it with Esc after a reload; one opened from files does not', async () => {
    const fromWorklist = createAppStores(api(), { session: memorySessionStorage(viewerSession({ openedFromWorklist: true })) });
    await settle();
    expect(fromWorklist.worklist.getState()).toMatchObject({ mode: 'viewer', openedFromWorklist: true });
    const fromFiles = createAppStores(api(), { session: memorySessionStorage(viewerSession()) });
    await settle();
    expect(fromFiles.worklist.getState()).toMatchObject({ mode: 'viewer', openedFromWorklist: false });
    // Saved as the user works.
    const storage = memorySessionStorage();
    const stores = createAppStores(api(), { session: storage });
    await settle();
    stores.worklist.setState({ mode: 'viewer', openedFromWorklist: true });
    await new Promise((r) => setTimeout(r, 250));
    expect(storage.saved).toMatchObject({ mode: 'viewer', openedFromWorklist: true });
  });

  it('keeps the screen the user chose while the session was being restored', async () => {
    const stores = createAppStores(api(), { session: memorySessionStorage(viewerSession()) });
    stores.worklist.getState().setMode('worklist');
    await settle();
    expect(stores.worklist.getState().mode).toBe('worklist');
  });
});
