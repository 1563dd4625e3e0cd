import { describe, expect, it } from 'vitest';
import { createStudiesStore, findInstance, firstDisplayableInstance, studyErrors, studyInstances, THUMBNAIL_CONCURRENCY } from '../../../../app/renderer/stores/studies.store';
import { createFakeApi } from './fakeApi';
import { makePatient, makeStudy } from './studyData';

describe('studies store', () => {
  it('lists patients from studies:list', async () => {
    const patients = [makePatient('p1', [makeStudy('s1', '20240101', ['a'])])];
    const store = createStudiesStore(createFakeApi({ 'studies:list': () => ({ ok: true, value: { patients, truncated: false } }) }));
    await store.getState().refresh();
    expect(store.getState().status).toBe('ready');
    expect(store.getState().patients).toEqual(patients);
  });

  it('keeps a list error as data', async () => {
    const store = createStudiesStore(createFakeApi({ 'studies:list': () => ({ ok: false, error: { code: 'X', message: 'boom' } }) }));
    await store.getState().refresh();
    expect(store.getState().status).toBe('error');
    expect(store.getState().error).toEqual({ code: 'X', message: 'boom' });
  });

  it('fetches a thumbnail once and records failures per instance', async () => {
    const api = createFakeApi({
      'images:thumbnail': (r) => (r.instanceId === 'good' ? { ok: true, value: { width: 1, height: 1, rgba: new ArrayBuffer(4) } } : { ok: false, error: { code: 'BAD', message: 'bad.dcm: truncated' } }),
    });
    const store = createStudiesStore(api);
    await store.getState().loadThumbnail('good');
    await store.getState().loadThumbnail('good');
    await store.getState().loadThumbnail('bad');
    expect(api.calls.filter((c) => c.channel === 'images:thumbnail')).toHaveLength(2);
    expect(store.getState().thumbnails.good.status).toBe('ready');
    expect(store.getState().thumbnails.bad).toEqual({ status: 'error', error: { code: 'BAD', message: 'bad.dcm: truncated' } });
  });

  it('keeps at most THUMBNAIL_CONCURRENCY thumbnail requests in flight', async () => {
    let active = 0;
    let peak = 0;
    const api = createFakeApi({
      'images:thumbnail': async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        return { ok: true, value: { width: 1, height: 1, rgba: new ArrayBuffer(4) } };
      },
    });
    const store = createStudiesStore(api);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.getState().loadThumbnail(`i${i}`)));
    expect(peak).toBe(THUMBNAIL_CONCURRENCY);
    expect(Object.values(store.getState().thumbnails).every((t) => t.status === 'ready')).toBe(true);
  });

  it('ignores a slower, older refresh', async () => {
    let release: () => void = () => {};
    let first = true;
    const api = createFakeApi({
      'studies:list': async () => {
        if (first) {
          first = false;
          await new Promise<void>((r) => (release = r));
          return { ok: true, value: { patients: [], truncated: false } };
        }
        return { ok: true, value: { patients: [makePatient('p1', [])], truncated: false } };
      },
    });
    const store = createStudiesStore(api);
    const older = store.getState().refresh();
    await store.getState().refresh();
    release();
    await older;
    expect(store.getState().patients).toHaveLength(1);
  });
});

describe('catalog helpers', () => {
  const study = makeStudy('s1', '20240101', ['bad', 'a', 'b'], { bad: 'bad.dcm: truncated' });
  it('orders instances and skips undisplayable ones when opening', () => {
    expect(studyInstances(study).map((i) => i.instanceId)).toEqual(['bad', 'a', 'b']);
    expect(firstDisplayableInstance(study)?.instanceId).toBe('a');
  });

  it('lists per-file errors by file name', () => {
    expect(studyErrors(study)).toEqual([{ fileName: 'bad.dcm', code: 'DICOM_TRUNCATED', message: 'bad.dcm: truncated' }]);
  });

  it('finds an instance with its patient and study', () => {
    const found = findInstance([makePatient('p1', [study])], 'b');
    expect(found?.study.studyKey).toBe('s1');
    expect(found?.patient.patientKey).toBe('p1');
  });
});
