import { describe, expect, it } from 'vitest';
import { batchFiles, createImportStore, isImportRunning, mergeErrors } from '../../../../app/renderer/stores/import.store';
import { createFakeApi } from './fakeApi';

const progress = (jobId: string, phase: 'scanning' | 'importing' | 'done' | 'cancelled', done: number, total: number, errors: { fileName: string; code: string; message: string }[] = []) => ({
  jobId,
  phase,
  done,
  total,
  failed: errors.length,
  errors,
});

describe('import store', () => {
  it('imports the paths picked in the open dialog', async () => {
    const api = createFakeApi({
      'dialog:open': () => ({ ok: true, value: { paths: ['/data/cxr'] } }),
      'studies:import': () => ({ ok: true, value: { jobId: 'j1' } }),
    });
    const store = createImportStore(api);
    await store.getState().openDialog('folder');
    expect(api.calls.map((c) => c.channel)).toEqual(['dialog:open', 'studies:import']);
    expect(api.calls[1].request).toEqual({ paths: ['/data/cxr'] });
    expect(store.getState().job?.jobId).toBe('j1');
  });

  it('does nothing when the dialog is cancelled', async () => {
    const api = createFakeApi({ 'dialog:open': () => ({ ok: true, value: { paths: [] } }) });
    await createImportStore(api).getState().openDialog('files');
    expect(api.calls.map((c) => c.channel)).toEqual(['dialog:open']);
  });

  it('tracks progress and accumulates per-file errors without duplicates', () => {
    const store = createImportStore(createFakeApi({}));
    const err = { fileName: 'bad.dcm', code: 'DICOM_TRUNCATED', message: 'bad.dcm: truncated' };
    store.getState().onProgress(progress('j1', 'importing', 5, 10, [err]));
    expect(isImportRunning(store.getState())).toBe(true);
    store.getState().onProgress(progress('j1', 'done', 10, 10, [err]));
    expect(store.getState().job).toMatchObject({ phase: 'done', done: 10, total: 10 });
    expect(store.getState().errors).toEqual([err]);
    expect(isImportRunning(store.getState())).toBe(false);
  });

  it('cancels the running job', async () => {
    const api = createFakeApi({
      'studies:import': () => ({ ok: true, value: { jobId: 'j7' } }),
      'studies:cancelImport': () => ({ ok: true, value: { cancelled: true } }),
    });
    const store = createImportStore(api);
    await store.getState().importPaths(['/x']);
    await store.getState().cancel();
    expect(api.calls.at(-1)).toEqual({ channel: 'studies:cancelImport', request: { jobId: 'j7' } });
  });

  it('sends dropped files by path when the shell gives paths (Electron)', async () => {
    const api = createFakeApi({ 'studies:import': () => ({ ok: true, value: { jobId: 'j1' } }) }, { pathForFile: (f) => `/drop/${f.name}` });
    await createImportStore(api).getState().importFiles([new File([new Uint8Array(3)], 'a.dcm')]);
    expect(api.calls).toEqual([{ channel: 'studies:import', request: { paths: ['/drop/a.dcm'] } }]);
  });

  it('sends dropped files as bytes without paths (harness)', async () => {
    const api = createFakeApi({ 'studies:importBytes': () => ({ ok: true, value: { jobId: 'j2' } }) });
    await createImportStore(api).getState().importFiles([new File([new Uint8Array([1, 2, 3])], 'a.png')]);
    const request = api.calls[0].request as { files: { name: string; bytes: ArrayBuffer }[] };
    expect(api.calls[0].channel).toBe('studies:importBytes');
    expect(request.files[0].name).toBe('a.png');
    expect(new Uint8Array(request.files[0].bytes)).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('keeps a failed request as data', async () => {
    const store = createImportStore(createFakeApi({ 'studies:import': () => ({ ok: false, error: { code: 'INVALID_REQUEST', message: 'bad paths' } }) }));
    await store.getState().importPaths(['/x']);
    expect(store.getState().requestError).toEqual({ code: 'INVALID_REQUEST', message: 'bad paths' });
  });
});

describe('batchFiles', () => {
  it('splits by count and by bytes', () => {
    const files = Array.from({ length: 5 }, () => ({ size: 10 }));
    expect(batchFiles(files, 2, 1000).map((b) => b.length)).toEqual([2, 2, 1]);
    expect(batchFiles(files, 100, 25).map((b) => b.length)).toEqual([2, 2, 1]);
  });
});

describe('mergeErrors', () => {
  it('appends only new errors', () => {
    const a = { fileName: 'a', code: 'X', message: 'm' };
    const b = { fileName: 'b', code: 'X', message: 'm' };
    expect(mergeErrors([a], [a, b])).toEqual([a, b]);
  });
});

describe('progress overtaking the import reply', () => {
  it('keeps a job finished when its done event arrived before its job id', async () => {
    let emitDone: () => void = () => {};
    const api = createFakeApi({
      'studies:import': () => {
        emitDone();
        return { ok: true, value: { jobId: 'fast' } };
      },
    });
    const store = createImportStore(api);
    emitDone = () => store.getState().onProgress(progress('fast', 'done', 3, 3));
    await store.getState().importPaths(['/x']);
    expect(store.getState().job).toMatchObject({ jobId: 'fast', phase: 'done' });
    expect(isImportRunning(store.getState())).toBe(false);
  });
});
