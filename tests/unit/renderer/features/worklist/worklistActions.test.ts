import { describe, expect, it } from 'vitest';

import { createAppStores } from '../../../../../app/renderer/features/app/AppContext';
import { handleWorklistKey, openSelectedStudy } from '../../../../../app/renderer/features/worklist/worklistActions';
import type { WorklistRow } from '../../../../../app/shared/ipc/contract';
import { createFakeApi } from '../../stores/fakeApi';
import { makePatient, makeStudy } from '../../stores/studyData';

const row = (n: number): WorklistRow => ({
  studyInstanceUid: `1.${n}`, patientName: `P^${n}`, patientId: `ID${n}`, studyDate: '20240101', modality: 'DX', covid: 0.9 - n / 10, priority: 'high',
  outOfDistribution: false, group: 'ranked', status: 'triaged', failureReason: null, reviewer: null, note: null, arrivalMs: n,
});

function stores() {
  const patients = [makePatient('p1', [makeStudy('key-1', '20240101', ['img-a', 'img-b'])])];
  const api = createFakeApi({
    'studies:list': () => ({ ok: true, value: { patients, truncated: false } }),
    'worklist:list': () => ({ ok: true, value: { entries: [row(1), row(2), row(3)], counts: { unreliable: 0, high: 3, medium: 0, low: 0, none: 0 }, ms: 1 } }),
    'worklist:open': () => ({ ok: true, value: { studyKey: 'key-1' } }),
    'studies:get': () => ({ ok: true, value: { patient: patients[0], removed: false } }),
    'worklist:review': (r) => ({ ok: true, value: { entry: { ...row(1), status: 'reviewed', reviewer: 'local user', studyInstanceUid: r.studyInstanceUid } } }),
  });
  return { api, stores: createAppStores(api) };
}

describe('worklist actions', () => {
  it('Enter opens the selected study in the viewer with its first image', async () => {
    const { stores: s } = stores();
    s.worklist.getState().setMode('worklist');
    await s.worklist.getState().refresh();
    expect(await openSelectedStudy(s)).toBe(true);
    expect(s.worklist.getState().mode).toBe('viewer');
    expect(s.viewer.getState().slots[0]).toMatchObject({ studyKey: 'key-1', instanceId: 'img-a' });
  });

  it('↑/↓ move the selection, R reviews, E opens the note dialog; other keys are left alone', async () => {
    const { api, stores: s } = stores();
    await s.worklist.getState().refresh();
    expect(handleWorklistKey(s, 'ArrowDown')).toBe(true);
    expect(handleWorklistKey(s, 'ArrowDown')).toBe(true);
    expect(handleWorklistKey(s, 'ArrowUp')).toBe(true);
    expect(s.worklist.getState().selectedUid).toBe('1.2');
    handleWorklistKey(s, 'r');
    await new Promise((r) => setTimeout(r, 0));
    expect(api.calls.find((c) => c.channel === 'worklist:review')?.request).toMatchObject({ studyInstanceUid: '1.2', action: 'reviewed' });
    handleWorklistKey(s, 'e');
    expect(s.worklist.getState().escalating).toBe('1.2');
    expect(handleWorklistKey(s, 'w')).toBe(false);
  });
});
