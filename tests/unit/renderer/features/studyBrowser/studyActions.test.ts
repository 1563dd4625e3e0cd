import { describe, expect, it } from 'vitest';

import { openBeside } from '../../../../../app/renderer/features/studyBrowser/studyActions';
import { createStudiesStore } from '../../../../../app/renderer/stores/studies.store';
import { createViewerStore } from '../../../../../app/renderer/stores/viewer.store';
import { createFakeApi } from '../../stores/fakeApi';
import { makePatient, makeStudy } from '../../stores/studyData';

function stores() {
  const current = makeStudy('s-cur', '20240301', ['i-cur']);
  const prior = makeStudy('s-old', '20230301', ['i-old-bad', 'i-old'], { 'i-old-bad': 'i-old-bad.dcm is missing: it is no longer at /data/i-old-bad.dcm' });
  const broken = makeStudy('s-gone', '20220301', ['i-gone'], { 'i-gone': 'i-gone.dcm is missing' });
  const byKey = { 's-cur': current, 's-old': prior, 's-gone': broken } as Record<string, ReturnType<typeof makeStudy>>;
  const api = createFakeApi({
    'studies:list': () => ({ ok: true, value: { patients: [makePatient('p1', [current])], truncated: false } }),
    'studies:get': ({ studyKey }) =>
      byKey[studyKey]
        ? { ok: true, value: { patient: makePatient('p1', [byKey[studyKey]]), removed: false } }
        : { ok: false, error: { code: 'STUDY_NOT_FOUND', message: 'study is not in the archive' } },
  });
  const s = { studies: createStudiesStore(api), viewer: createViewerStore(api) };
  return s;
}

describe('openBeside', () => {
  it('opens another study of the patient beside the current one (right, 1×2), keeping the current one active', async () => {
    const s = stores();
    await s.studies.getState().refresh();
    s.viewer.getState().openInstance('s-cur', 'i-cur');
    expect(await openBeside(s, 's-old')).toBeUndefined();
    const viewer = s.viewer.getState();
    expect(viewer.layout).toBe('1x2');
    expect(viewer.activeSlot).toBe(0);
    expect(viewer.slots[0]).toMatchObject({ studyKey: 's-cur', instanceId: 'i-cur' });
    // Its first displayable image: the missing file is skipped.
    expect(viewer.slots[1]).toMatchObject({ studyKey: 's-old', instanceId: 'i-old', frame: 0 });
    // Fetched into the list, so the overlay can name its patient and date.
    expect(s.studies.getState().patients[0].studies.map((st) => st.studyKey)).toEqual(['s-cur', 's-old']);
  });

  it('opens on the left when the right viewport is the one being read', async () => {
    const s = stores();
    s.viewer.getState().setLayout('1x2');
    s.viewer.getState().openInstance('s-cur', 'i-cur', 1);
    await openBeside(s, 's-old');
    expect(s.viewer.getState().slots[0].studyKey).toBe('s-old');
    expect(s.viewer.getState().slots[1].studyKey).toBe('s-cur');
    expect(s.viewer.getState().activeSlot).toBe(1);
  });

  it('says why when the study is gone or has no image that can be shown', async () => {
    const s = stores();
    expect(await openBeside(s, 's-unknown')).toContain('study is not in the archive');
    expect(s.viewer.getState().notice).toContain('could not be opened');
    expect(await openBeside(s, 's-gone')).toContain('i-gone.dcm is missing');
    expect(s.viewer.getState().layout).toBe('1x1');
  });
});
