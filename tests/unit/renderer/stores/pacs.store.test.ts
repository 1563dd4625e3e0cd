import { describe, expect, it } from 'vitest';
import { createPacsStore, DEFAULT_SEARCH_FORM, describeRetrieve, formToQuery } from '../../../../app/renderer/stores/pacs.store';
import type { PacsRetrieveProgress, PacsSettingsStatus } from '../../../../app/shared/ipc/contract';
import type { PacsSettings } from '../../../../app/shared/pacs/settings';
import { createFakeApi } from './fakeApi';

const SETTINGS: PacsSettings = {
  nodes: [
    { id: 'pacs', name: 'Main PACS', kind: 'dimse', aeTitle: 'PACS', host: '10.0.0.5', port: 104, callingAeTitle: 'CXR_TRIAGE' },
    { id: 'web', name: 'Orthanc', kind: 'dicomweb', baseUrl: 'http://pacs/dicom-web' },
  ],
  resultsNodeId: 'web',
};
const STATUS: PacsSettingsStatus = { settings: SETTINGS, problems: [], settingsPath: '/u/pacs-settings.json' };
const UID = '1.2.3.4';
const running = (jobId: string, received: number): PacsRetrieveProgress => ({ jobId, nodeId: 'pacs', studyInstanceUid: UID, phase: 'running', method: 'c-get', received, expected: 3, failed: 0, bytes: 0 });

describe('pacs store', () => {
  it('formToQuery: trims, turns dates into DA, modalities upper case (empty = any), refuses bad input', () => {
    expect(formToQuery(DEFAULT_SEARCH_FORM)).toEqual({ modalities: ['CR', 'DX'] });
    expect(formToQuery({ patientName: ' DOE^J* ', patientId: 'P1', accessionNumber: '', dateFrom: '2024-01-05', dateTo: '2024-02-01', modalities: 'cr dx' })).toEqual({
      patientName: 'DOE^J*',
      patientId: 'P1',
      studyDateFrom: '20240105',
      studyDateTo: '20240201',
      modalities: ['CR', 'DX'],
    });
    expect(formToQuery({ ...DEFAULT_SEARCH_FORM, modalities: '' }).modalities).toEqual([]);
    expect(() => formToQuery({ ...DEFAULT_SEARCH_FORM, dateFrom: '2024-03-01', dateTo: '2024-01-01' })).toThrow(/after/);
    expect(() => formToQuery({ ...DEFAULT_SEARCH_FORM, dateFrom: 'yesterday' })).toThrow(/date/);
    expect(() => formToQuery({ ...DEFAULT_SEARCH_FORM, modalities: 'CR;DX' })).toThrow(/modality/);
  });

  it('connect loads the settings (first node picked) and this session\'s retrieves, then follows pacs:progress', async () => {
    const api = createFakeApi({
      'pacs:settings': () => ({ ok: true, value: STATUS }),
      'pacs:retrieves': () => ({ ok: true, value: { jobs: [running('pacs-retrieve-1', 1)] } }),
    });
    const store = createPacsStore(api);
    const off = store.getState().connect();
    await expect.poll(() => store.getState().retrieves[UID]?.received).toBe(1);
    expect(store.getState()).toMatchObject({ status: STATUS, nodeId: 'pacs' });
    api.emit('pacs:progress', running('pacs-retrieve-1', 2));
    expect(store.getState().retrieves[UID].received).toBe(2);
    // A newer job replaces it; a late event of the older job is ignored.
    api.emit('pacs:progress', running('pacs-retrieve-2', 0));
    api.emit('pacs:progress', { ...running('pacs-retrieve-1', 3), phase: 'done' });
    expect(store.getState().retrieves[UID]).toMatchObject({ jobId: 'pacs-retrieve-2', received: 0 });
    off();
  });

  it('follows pacs:resultsSent: the automatic sending after triage is kept per study (#11)', () => {
    const api = createFakeApi({ 'pacs:settings': () => ({ ok: true, value: STATUS }), 'pacs:retrieves': () => ({ ok: true, value: { jobs: [] } }) });
    const store = createPacsStore(api);
    const off = store.getState().connect();
    const failed = { studyInstanceUid: UID, nodeId: 'web', node: 'Orthanc', ok: false, code: 'CONNECTION_REFUSED', message: 'results not sent: connection refused', atMs: 1 };
    api.emit('pacs:resultsSent', failed);
    expect(store.getState().sends[UID]).toEqual({ sending: false, automatic: failed });
    off();
    api.emit('pacs:resultsSent', { ...failed, ok: true, message: 'results sent to Orthanc' });
    expect(store.getState().sends[UID].automatic).toEqual(failed);
  });

  it('saveSettings: refused settings keep the problems; accepted ones update the status and keep a still-known node', async () => {
    let problems = ['nodes[0].port: Number must be less than or equal to 65535'];
    const api = createFakeApi({ 'pacs:configure': () => ({ ok: true, value: { status: STATUS, problems } }) });
    const store = createPacsStore(api);
    store.getState().openSettings();
    store.getState().setNode('web');
    expect(await store.getState().saveSettings(SETTINGS)).toBe(false);
    expect(store.getState().problems).toEqual(problems);
    problems = [];
    expect(await store.getState().saveSettings(SETTINGS)).toBe(true);
    expect(store.getState()).toMatchObject({ status: STATUS, nodeId: 'web', problems: [], saving: false });
    store.getState().closeSettings();
    expect(store.getState().settingsOpen).toBe(false);
    expect(await createPacsStore(createFakeApi({})).getState().saveSettings(SETTINGS)).toBe(false);
  });

  it('testNode keeps the answer per node, a failed call as a failed test with its message', async () => {
    const api = createFakeApi({ 'pacs:test': ({ nodeId }) => ({ ok: true, value: { ok: false, nodeId, method: 'c-echo', code: 'CONNECTION_REFUSED', message: 'Main PACS refused the connection at 10.0.0.5:104.' } }) });
    const store = createPacsStore(api);
    expect(await store.getState().testNode('pacs')).toMatchObject({ ok: false, code: 'CONNECTION_REFUSED' });
    expect(store.getState().tests.pacs).toMatchObject({ running: false, result: { message: expect.stringContaining('10.0.0.5:104') } });
    const failing = createPacsStore(createFakeApi({}));
    expect(await failing.getState().testNode('x')).toMatchObject({ ok: false, code: 'NOT_HANDLED' });
  });

  it('search sends the form as a query to the chosen node; errors are shown and keep the last results', async () => {
    let fail = false;
    const api = createFakeApi({
      'pacs:settings': () => ({ ok: true, value: STATUS }),
      'pacs:find': () => (fail ? { ok: false, error: { code: 'TIMEOUT', message: 'Main PACS did not answer.' } } : { ok: true, value: { studies: [{ studyInstanceUid: UID, patientName: 'DOE^JANE' }], truncated: false } }),
    });
    const store = createPacsStore(api);
    await store.getState().search();
    expect(store.getState().searchError).toMatch(/No PACS is configured/);
    await store.getState().refreshSettings();
    store.getState().setForm({ patientId: 'P1' });
    await store.getState().search();
    expect(api.calls.at(-1)).toEqual({ channel: 'pacs:find', request: { nodeId: 'pacs', query: { patientId: 'P1', modalities: ['CR', 'DX'] } } });
    expect(store.getState()).toMatchObject({ results: [{ studyInstanceUid: UID }], searching: false, searchError: undefined });
    fail = true;
    await store.getState().search();
    expect(store.getState()).toMatchObject({ results: [{ studyInstanceUid: UID }], searchError: 'Main PACS did not answer.' });
    store.getState().setForm({ dateFrom: 'soon' });
    await store.getState().search();
    expect(store.getState().searchError).toMatch(/date/);
  });

  it('retrieve shows the job at once, cancel sends its id, studyKeyOf and sendResults report failures as messages', async () => {
    const api = createFakeApi({
      'pacs:settings': () => ({ ok: true, value: STATUS }),
      'pacs:retrieve': () => ({ ok: true, value: { jobId: 'pacs-retrieve-7' } }),
      'pacs:cancelRetrieve': () => ({ ok: true, value: { cancelled: true } }),
      'worklist:open': ({ studyInstanceUid }) => (studyInstanceUid === UID ? { ok: true, value: { studyKey: 'k1' } } : { ok: false, error: { code: 'NOT_FOUND', message: 'study not in the worklist' } }),
      'pacs:sendResults': ({ studyInstanceUid }) =>
        studyInstanceUid === UID
          ? { ok: true, value: { nodeId: 'web', node: 'Orthanc (http://pacs/dicom-web)', method: 'stow-rs', sent: [{ kind: 'sr', sopClassUid: '1.2', sopInstanceUid: '1.3', seriesInstanceUid: '1.4' }] } }
          : { ok: false, error: { code: 'NO_RESULTS_NODE', message: 'No results destination.' } },
    });
    const store = createPacsStore(api);
    await store.getState().refreshSettings();
    await store.getState().retrieve(UID);
    expect(store.getState().retrieves[UID]).toMatchObject({ jobId: 'pacs-retrieve-7', phase: 'running', received: 0 });
    await store.getState().cancelRetrieve(UID);
    expect(api.calls.at(-1)).toEqual({ channel: 'pacs:cancelRetrieve', request: { jobId: 'pacs-retrieve-7' } });
    expect(await store.getState().studyKeyOf(UID)).toBe('k1');
    expect(await store.getState().studyKeyOf('9.9')).toBeUndefined();
    expect(store.getState().message).toMatch(/cannot be opened: study not in the worklist/);
    expect(await store.getState().sendResults(UID)).toMatchObject({ method: 'stow-rs' });
    expect(store.getState().sends[UID]).toMatchObject({ sending: false, outcome: { nodeId: 'web' } });
    expect(await store.getState().sendResults('9.9')).toBeUndefined();
    expect(store.getState().sends['9.9']).toEqual({ sending: false, error: 'No results destination.' });
  });

  it('describeRetrieve: one line per phase', () => {
    expect(describeRetrieve(running('j', 1))).toBe('Retrieving 1 of 3');
    expect(describeRetrieve({ ...running('j', 3), phase: 'done' })).toBe('Retrieved 3 of 3');
    expect(describeRetrieve({ ...running('j', 1), phase: 'failed', missingCount: 2 })).toBe('Failed after 1 of 3; 2 missing');
    expect(describeRetrieve({ ...running('j', 1), phase: 'cancelled' })).toBe('Cancelled after 1 of 3');
  });
});
