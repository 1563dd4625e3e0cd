import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

import { createDecodePool } from '../../../../../app/main/services/decoding/decodePool';
import { importFolder, type ImportProgress } from '../../../../../app/main/services/ingest/folderImport';
import { IngestQueue, type IngestEvent } from '../../../../../app/main/services/ingest/ingestQueue';
import { openWorklistDb } from '../../../../../app/main/services/worklist/worklistDb';
import { WorklistStore } from '../../../../../app/main/services/worklist/worklistStore';
import { CodedError } from '../../../../../app/shared/result';
import { makeTempDir } from '../../../../fixtures/tools';
import { dirOf, fakeTriage, writeChestDicom, writeChestPng, writeCorruptDicom, writeNonImageDicom } from './ingestFixtures';

const tmp = makeTempDir('cxr-ingest-');
const decode = createDecodePool({ size: 1 });
afterAll(async () => {
  await decode.close();
  tmp.cleanup();
});

let store: WorklistStore;
let caseNo = 0;
beforeEach(() => {
  store = new WorklistStore(openWorklistDb(join(tmp.dir, `db${++caseNo}.sqlite`)));
});

describe('folder import', () => {
  it('imports and triages DICOM and PNG files recursively, recording a corrupt file as failed and carrying on', async () => {
    const dir = dirOf(tmp.dir, 'mixed');
    writeChestDicom(join(dir, 'a10.dcm'), 1);
    writeChestDicom(join(dir, 'nested', 'deeper', 'b90.dcm'), 2);
    writeChestPng(join(dir, 'nested', 'c50.png'), 3);
    writeCorruptDicom(join(dir, 'broken.dcm'));
    const triage = fakeTriage();
    const queue = new IngestQueue({ store, files: decode, triage });
    const summary = await importFolder(queue, dir);
    expect(summary).toMatchObject({ total: 4, added: 3, triaged: 3, failed: 1, duplicates: 0 });
    expect(summary.errors[0].message).toContain('broken.dcm');
    expect(store.worklist().map((e) => e.covid)).toEqual([0.9, 0.5, 0.1]);
    expect(store.counts()).toMatchObject({ studies: 3, instances: 3, triaged: 3, pending: 0, ingestFailures: 1 });
  });

  it('adds nothing twice when the same folder is imported again', async () => {
    const dir = dirOf(tmp.dir, 'twice');
    writeChestDicom(join(dir, 'a.dcm'), 11);
    writeChestPng(join(dir, 'b.png'), 12);
    const triage = fakeTriage();
    const queue = new IngestQueue({ store, files: decode, triage });
    await importFolder(queue, dir);
    const again = await importFolder(queue, dir);
    expect(again).toMatchObject({ total: 2, added: 0, duplicates: 2 });
    expect(store.counts()).toMatchObject({ instances: 2, aiResults: 2 });
    expect(triage.calls).toHaveLength(2);
  });

  it('lists a non-image DICOM object under its study in the archive, untriaged, with no worklist row (issue #10)', async () => {
    const dir = dirOf(tmp.dir, 'sr');
    writeNonImageDicom(join(dir, 'report.dcm'));
    const events: IngestEvent[] = [];
    const triage = fakeTriage();
    const queue = new IngestQueue({ store, files: decode, triage, onEvent: (e) => events.push(e) });
    const summary = await importFolder(queue, dir);
    expect(summary.errors).toEqual([{ code: 'NOT_AN_IMAGE', message: expect.stringContaining('report.dcm is not an image') }]);
    expect(events.map((e) => e.type)).toEqual(['added', 'failed']);
    expect(events[1]).toEqual({ type: 'failed', fileName: 'report.dcm', error: expect.objectContaining({ code: 'NOT_AN_IMAGE' }) });
    expect(triage.calls).toHaveLength(0);
    expect(store.counts()).toMatchObject({ instances: 1, pending: 0, ingestFailures: 0 });
    expect(store.worklist()).toEqual([]);
    const [patient] = store.archivePatients().patients;
    expect(patient.studies[0].series[0].instances[0]).toMatchObject({ fileName: 'report.dcm', error: { code: 'NOT_AN_IMAGE' } });
  });

  it('marks an image whose triage fails as failed with the reason, and the study too', async () => {
    const dir = dirOf(tmp.dir, 'triage-error');
    writeChestDicom(join(dir, 'will-fail.dcm'), 21);
    writeChestDicom(join(dir, 'ok30.dcm'), 22);
    const queue = new IngestQueue({ store, files: decode, triage: fakeTriage() });
    const summary = await importFolder(queue, dir);
    expect(summary).toMatchObject({ added: 2, triaged: 1, failed: 1 });
    const failed = store.worklist().find((e) => e.status === 'failed');
    expect(failed?.failureReason).toContain('will-fail.dcm');
  });

  it('reports progress with total, done, failed and an ETA', async () => {
    const dir = dirOf(tmp.dir, 'progress');
    for (let i = 0; i < 5; i++) writeChestDicom(join(dir, `p${i}.dcm`), 30 + i);
    writeCorruptDicom(join(dir, 'zz-bad.dcm'));
    const progress: ImportProgress[] = [];
    const queue = new IngestQueue({ store, files: decode, triage: fakeTriage() });
    await importFolder(queue, dir, { onProgress: (p) => progress.push(p) });
    expect(progress[0]).toEqual({ total: 6, done: 0, failed: 0, etaSeconds: null });
    expect(progress.at(-1)).toEqual({ total: 6, done: 6, failed: 1, etaSeconds: 0 });
    expect(progress.map((p) => p.done)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('stops feeding files when cancelled; files in flight finish', async () => {
    const dir = dirOf(tmp.dir, 'cancel');
    for (let i = 0; i < 20; i++) writeChestDicom(join(dir, `c${String(i).padStart(2, '0')}.dcm`), 50 + i);
    const controller = new AbortController();
    const queue = new IngestQueue({ store, files: decode, triage: fakeTriage(20), concurrency: 2 });
    const summary = await importFolder(queue, dir, {
      signal: controller.signal,
      window: 2,
      onProgress: (p) => {
        if (p.done === 3) controller.abort();
      },
    });
    expect(summary.cancelled).toBe(true);
    expect(summary.triaged).toBeLessThan(20);
    expect(store.counts()).toMatchObject({ instances: summary.triaged, pending: 0 });
  });
});

describe('database write failures', () => {
  it('reports a file the database refuses (disk full) with its name and carries on with the next', async () => {
    const dir = dirOf(tmp.dir, 'dbfull');
    const first = writeChestDicom(join(dir, 'first.dcm'), 90);
    const second = writeChestDicom(join(dir, 'second20.dcm'), 91);
    let full = true;
    const flaky = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'addInstance' && full) {
          return () => {
            full = false;
            throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const queue = new IngestQueue({ store: flaky, files: decode, triage: fakeTriage() });
    expect(await queue.add(first, 'import')).toEqual({ status: 'failed', error: { code: 'SQLITE_FULL', message: 'first.dcm: not added to the worklist: database or disk is full' } });
    expect(await queue.add(second, 'import')).toMatchObject({ status: 'triaged', covid: 0.2 });
  });
});

describe('resume', () => {
  it('triages instances left pending by an earlier run, by themselves', async () => {
    const dir = dirOf(tmp.dir, 'resume');
    const path = writeChestDicom(join(dir, 'r40.dcm'), 60);
    // An earlier run recorded the instance and died before triage.
    const firstRun = new IngestQueue({ store, files: decode, triage: { classifyFile: () => new Promise(() => {}) } });
    void firstRun.add(path, 'import');
    await waitFor(() => store.counts().pending === 1);
    const triage = fakeTriage();
    const next = new IngestQueue({ store, files: decode, triage });
    const outcomes = await next.resumePending();
    expect(outcomes).toEqual([expect.objectContaining({ status: 'triaged', covid: 0.4 })]);
    expect(store.counts()).toMatchObject({ pending: 0, triaged: 1 });
  });

  it('fails a pending instance whose file has gone, with the file named', async () => {
    const path = join(tmp.dir, 'gone', 'missing.dcm');
    store.addInstance({ kind: 'dicom', filePath: path, contentSha256: '0'.repeat(64), source: 'import', studyInstanceUid: '1.2', seriesInstanceUid: '1.2.1', sopInstanceUid: '1.2.1.1' });
    const outcomes = await new IngestQueue({ store, files: decode, triage: fakeTriage() }).resumePending();
    expect(outcomes[0]).toMatchObject({ status: 'failed', error: { code: 'FILE_MISSING', message: 'missing.dcm is no longer on disk' } });
  });

  it('keeps images pending while no model is usable and triages them once one is', async () => {
    const dir = dirOf(tmp.dir, 'no-model');
    writeChestDicom(join(dir, 'a40.dcm'), 41);
    let modelReady = false;
    const working = fakeTriage();
    const triage: typeof working = {
      calls: working.calls,
      classifyFile: async (path, opts) => {
        if (!modelReady) throw new CodedError('AI_UNAVAILABLE', 'AI is unavailable: no model is installed');
        return working.classifyFile(path, opts);
      },
    };
    const queue = new IngestQueue({ store, files: decode, triage });
    const summary = await importFolder(queue, dir);
    expect(summary).toMatchObject({ added: 1, failed: 0 });
    expect(store.counts()).toMatchObject({ pending: 1, triaged: 0 });
    modelReady = true;
    await queue.resumePending();
    expect(store.counts()).toMatchObject({ pending: 0, triaged: 1 });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
