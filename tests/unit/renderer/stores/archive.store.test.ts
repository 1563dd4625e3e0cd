import { describe, expect, it } from 'vitest';

import { archiveStoreOf, createArchiveStore } from '../../../../app/renderer/stores/archive.store';
import { createStudiesStore } from '../../../../app/renderer/stores/studies.store';
import type { PatientSummary } from '../../../../app/shared/ipc/contract';
import { createFakeApi } from './fakeApi';
import { makePatient, makeStudy } from './studyData';

const tick = () => new Promise((r) => setTimeout(r, 0));

/** A small archive: patient p1 with three studies, p2 with one; removal hides a study. */
function archive() {
  const removed = new Set<string>();
  const all = (): PatientSummary[] =>
    [
      makePatient('p1', [makeStudy('s3', '20240301', ['i3']), makeStudy('s2', '20230301', ['i2']), makeStudy('s1', '20220301', ['i1'])]),
      { ...makePatient('p2', [makeStudy('s9', '20240115', ['i9'])]), patientName: 'Roe^Richard', patientId: 'P-002' },
    ]
      .map((p) => ({ ...p, studies: p.studies.filter((s) => !removed.has(s.studyKey)) }))
      .filter((p) => p.studies.length > 0);
  const api = createFakeApi({
    'studies:list': ({ search }) => {
      const q = search?.toLowerCase();
      const patients = all().filter((p) => !q || p.patientName.toLowerCase().includes(q) || p.patientId.toLowerCase().includes(q));
      return { ok: true, value: { patients, truncated: q === 'p' } };
    },
    'studies:priors': ({ studyKey }) => {
      const patient = all().find((p) => p.studies.some((s) => s.studyKey === studyKey));
      if (!patient) return { ok: false, error: { code: 'STUDY_NOT_FOUND', message: 'study is not in the archive' } };
      const others = patient.studies.filter((s) => s.studyKey !== studyKey);
      const date = patient.studies.find((s) => s.studyKey === studyKey)!.studyDate!;
      return { ok: true, value: { studies: others, priorStudyKey: others.find((s) => s.studyDate! < date)?.studyKey ?? null } };
    },
    'studies:remove': ({ studyKey }) => {
      if (studyKey === 'locked') return { ok: false, error: { code: 'DB_BUSY', message: 'the archive is busy' } };
      const had = !removed.has(studyKey);
      removed.add(studyKey);
      return { ok: true, value: { removed: had } };
    },
  });
  const studies = createStudiesStore(api);
  return { api, studies, store: createArchiveStore(api, studies, { debounceMs: 0 }) };
}

describe('archive store', () => {
  it('searches the whole archive after a pause in typing, and a blank search goes back to the page', async () => {
    const { api, store } = archive();
    store.getState().setSearch('roe');
    // Nothing answered yet: the browser keeps its list instead of flashing an empty one.
    expect(store.getState()).toMatchObject({ searchStatus: 'searching', resultsFor: undefined });
    await tick();
    await tick();
    expect(store.getState().results.map((p) => p.patientKey)).toEqual(['p2']);
    expect(store.getState()).toMatchObject({ searchStatus: 'ready', resultsFor: 'roe' });
    // Typing on keeps the last answer on screen until the next one comes.
    store.getState().setSearch('roe^r');
    expect(store.getState()).toMatchObject({ searchStatus: 'searching', resultsFor: 'roe' });
    await tick();
    await tick();
    expect(store.getState().resultsFor).toBe('roe^r');
    expect(api.calls.filter((c) => c.channel === 'studies:list').map((c) => c.request)).toEqual([{ search: 'roe' }, { search: 'roe^r' }]);
    store.getState().setSearch('  ');
    expect(store.getState()).toMatchObject({ results: [], resultsFor: undefined, searchStatus: 'idle', resultsTruncated: false });
  });

  it('asks once per pause, not once per key, and keeps only the newest answer', async () => {
    const { api, store } = archive();
    for (const text of ['d', 'do', 'doe']) store.getState().setSearch(text);
    await tick();
    await tick();
    expect(api.calls.filter((c) => c.channel === 'studies:list').map((c) => c.request)).toEqual([{ search: 'doe' }]);
    expect(store.getState().results.map((p) => p.patientKey)).toEqual(['p1']);
  });

  it('says when more patients match than one page holds', async () => {
    const { store } = archive();
    store.getState().setSearch('p');
    await store.getState().runSearch();
    expect(store.getState().resultsTruncated).toBe(true);
  });

  it('lists the patient’s other studies, newest first, with the prior to compare with', async () => {
    const { store } = archive();
    await store.getState().loadPriors('s3');
    expect(store.getState()).toMatchObject({ priorsOf: 's3', priorStudyKey: 's2', priorsStatus: 'ready' });
    expect(store.getState().priors.map((s) => s.studyKey)).toEqual(['s2', 's1']);
    await store.getState().loadPriors('s1');
    expect(store.getState().priorStudyKey).toBeNull();
    await store.getState().loadPriors(undefined);
    expect(store.getState()).toMatchObject({ priorsOf: undefined, priors: [], priorsStatus: 'idle' });
  });

  it('reports why priors could not be listed', async () => {
    const { store } = archive();
    await store.getState().loadPriors('nope');
    expect(store.getState()).toMatchObject({ priorsStatus: 'error', priorsError: { code: 'STUDY_NOT_FOUND' }, priors: [] });
  });

  it('removes a study from the list, then re-lists the page, the search and the priors', async () => {
    const { api, studies, store } = archive();
    await studies.getState().refresh();
    await store.getState().loadPriors('s3');
    store.getState().setSearch('doe');
    await tick();
    await tick();
    expect(await store.getState().remove('s2')).toBeUndefined();
    await tick();
    await tick();
    expect(api.calls.some((c) => c.channel === 'studies:remove' && (c.request as { studyKey: string }).studyKey === 's2')).toBe(true);
    const pageKeys = studies.getState().patients.flatMap((p) => p.studies.map((s) => s.studyKey));
    expect(pageKeys).not.toContain('s2');
    expect(store.getState().results[0].studies.map((s) => s.studyKey)).toEqual(['s3', 's1']);
    expect(store.getState().priors.map((s) => s.studyKey)).toEqual(['s1']);
    expect(store.getState().priorStudyKey).toBe('s1');
  });

  it('returns the reason when the archive refuses the removal, and leaves the list alone', async () => {
    const { api, store } = archive();
    expect(await store.getState().remove('locked')).toMatchObject({ code: 'DB_BUSY', message: 'the archive is busy' });
    expect(api.calls.filter((c) => c.channel === 'studies:list')).toHaveLength(0);
  });

  it('gives one archive store per window until AppContext creates its own', () => {
    const { api, studies } = archive();
    const windowStores = { api, studies };
    expect(archiveStoreOf(windowStores)).toBe(archiveStoreOf(windowStores));
    expect(archiveStoreOf({ api, studies })).not.toBe(archiveStoreOf(windowStores));
    const own = createArchiveStore(api, studies);
    expect(archiveStoreOf({ api, studies, archive: own })).toBe(own);
  });
});
