import { describe, expect, it } from 'vitest';
import { createSourcesStore } from '../../../../app/renderer/stores/sources.store';
import type { IngestSourcesStatus } from '../../../../app/shared/ipc/contract';
import { createFakeApi } from './fakeApi';

const OFF: IngestSourcesStatus = { listener: { state: 'off', received: 0 }, watchedFolder: { state: 'off' }, settingsProblems: [] };
const LISTENING: IngestSourcesStatus = { ...OFF, listener: { state: 'listening', port: 11112, aeTitle: 'CXR_TRIAGE', received: 3 } };

describe('sources store', () => {
  it('loads the status and follows ingest:sources events', async () => {
    const api = createFakeApi({ 'ingest:sources': () => ({ ok: true, value: OFF }) });
    const store = createSourcesStore(api);
    const off = store.getState().connect();
    await expect.poll(() => store.getState().status).toEqual(OFF);
    api.emit('ingest:sources', LISTENING);
    expect(store.getState().status).toEqual(LISTENING);
    off();
  });

  it('save: accepted changes update the status; refused ones keep the problems from main', async () => {
    let problems: string[] = ['Port must be a whole number from 1 to 65535.'];
    const api = createFakeApi({ 'ingest:configure': () => ({ ok: true, value: { status: problems.length ? OFF : LISTENING, problems } }) });
    const store = createSourcesStore(api);
    store.getState().openDialog();
    expect(await store.getState().save({ listener: { port: 70000, aeTitle: 'CXR_TRIAGE' }, watchDir: null })).toBe(false);
    expect(store.getState().problems).toEqual(problems);
    problems = [];
    expect(await store.getState().save({ listener: { port: 11112, aeTitle: 'CXR_TRIAGE' }, watchDir: null })).toBe(true);
    expect(store.getState()).toMatchObject({ status: LISTENING, problems: [], saving: false });
    store.getState().closeDialog();
    expect(store.getState().dialogOpen).toBe(false);
  });

  it('a failed call becomes a problem; browseFolder gives the first path or undefined', async () => {
    const api = createFakeApi({ 'dialog:open': () => ({ ok: true, value: { paths: ['/srv/incoming'] } }) });
    const store = createSourcesStore(api);
    expect(await store.getState().save({ listener: null, watchDir: null })).toBe(false);
    expect(store.getState().problems[0]).toMatch(/^The settings could not be applied: /);
    expect(await store.getState().browseFolder()).toBe('/srv/incoming');
    expect(await createSourcesStore(createFakeApi({})).getState().browseFolder()).toBeUndefined();
  });
});
