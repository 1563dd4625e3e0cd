/**
 * The contract test (STYLE.md §5): every channel's request and response schema, run
 * against the real handlers over the real router, with the real catalog, import service
 * and decode worker pool, on DICOM/PNG fixtures generated here (plus a DICOMDIR made by
 * dcmtk's dcmmkdir when it is installed).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MainServices } from '../../../../app/main/ipc/mainServices';
import { listBundledModels } from '../../../../app/main/services/inference/modelRegistry';
import { channels, contract, type AiStatus, type Channel, type ImportProgress, type PatientSummary, type RequestOf, type WorklistProgress, type WorklistRow } from '../../../../app/shared/ipc/contract';
import type { Result } from '../../../../app/shared/result';
import { BASIC_TEXT_SR, el, TransferSyntax, writeDicom } from '../../../fixtures/dicomWriter';
import { makeTempDir, requireTools, runTool } from '../../../fixtures/tools';
import { buildDecodeWorker } from '../../globalSetup';
import { createTestMainServices } from './testMainServices';

const tmp = makeTempDir('cxr-contract-');
const ctx = { shell: 'harness' as const };
let services: MainServices;
const pixels = Array.from({ length: 16 * 12 }, (_, i) => (i * 37) % 4096);

function patient(name: string, id: string, studyUid: string, date: string) {
  return [el('PatientName', 'PN', name), el('PatientID', 'LO', id), el('StudyInstanceUID', 'UI', studyUid), el('StudyDate', 'DA', date), el('SeriesInstanceUID', 'UI', `${studyUid}.1`)];
}

function writeFixtures(root: string): void {
  mkdirSync(join(root, 'in', 'nested'), { recursive: true });
  writeFileSync(
    join(root, 'in', 'current.dcm'),
    writeDicom({
      sopInstanceUid: '2.25.901',
      pixel: { rows: 12, columns: 16, bitsAllocated: 16, bitsStored: 12 },
      pixelData: { native: pixels },
      elements: [...patient('Doe^Jane', 'P1', '2.25.90', '20240105'), el('WindowCenter', 'DS', 2048), el('WindowWidth', 'DS', 4096)],
    }),
  );
  writeFileSync(
    join(root, 'in', 'nested', 'mono1.dcm'),
    writeDicom({
      transferSyntaxUid: TransferSyntax.ImplicitVRLittleEndian,
      sopInstanceUid: '2.25.902',
      pixel: { rows: 12, columns: 16, bitsAllocated: 16, bitsStored: 12, photometricInterpretation: 'MONOCHROME1' },
      pixelData: { native: pixels },
      elements: [...patient('Doe^Jane', 'P1', '2.25.90', '20240105'), el('InstanceNumber', 'IS', '2')],
    }),
  );
  writeFileSync(
    join(root, 'in', 'prior.dcm'),
    // A private element after the Pixel Data whose length runs past the end of the file (issue #12).
    writeDicom({
      sopInstanceUid: '2.25.903',
      pixel: { rows: 4, columns: 4 },
      pixelData: { native: new Array(16).fill(7) },
      elements: [...patient('Doe^Jane', 'P1', '2.25.80', '20200101'), el(0x7fe10010, 'LO', 'ACME 1.0'), el(0x7fe11001, 'OB', new Uint8Array(8), { lengthOverride: 100_000 })],
    }),
  );
  writeFileSync(join(root, 'in', 'report.dcm'), writeDicom({ sopClassUid: BASIC_TEXT_SR, sopInstanceUid: '2.25.904', elements: patient('Doe^Jane', 'P1', '2.25.90', '20240105') }));
  const png = new PNG({ width: 8, height: 6, colorType: 0, inputColorType: 0 });
  png.data = Buffer.alloc(8 * 6 * 4, 200);
  writeFileSync(join(root, 'in', 'photo.png'), PNG.sync.write(png));
  writeFileSync(join(root, 'in', 'broken.dcm'), Buffer.from('DICM but not really a DICOM file'));
  writeFileSync(join(root, 'in', 'empty.dcm'), Buffer.alloc(0));
}

async function call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<unknown>> {
  return services.router.dispatch(channel, request, ctx);
}

/** Calls a channel, asserts ok, and checks the value against the contract's response schema. */
async function callOk<C extends Channel>(channel: C, request: RequestOf<C>) {
  const result = await call(channel, request);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`);
  const parsed = contract[channel].response.safeParse(result.value);
  expect(parsed.success, `${channel} response matches the contract`).toBe(true);
  return parsed.data as never;
}

async function importAndWait(paths: string[]): Promise<ImportProgress> {
  const progress: ImportProgress[] = [];
  const stop = services.events.subscribe((event, payload) => {
    if (event === 'studies:importProgress') progress.push(payload as ImportProgress);
  });
  const { jobId } = await callOk('studies:import', { paths });
  const final = await services.importer.whenFinished(jobId);
  stop();
  for (const p of progress) expect(p.jobId).toBe(jobId);
  return final!;
}

/**
 * Domains whose handlers another area registers on the same router (the composition roots
 * call their register function after createMainServices); this test covers them once they
 * are wired into createMainServices.
 */
const PENDING_DOMAINS: string[] = [];
const registeredChannels = () => channels.filter((c) => !PENDING_DOMAINS.some((d) => c.startsWith(d)));

const allStudies = (patients: PatientSummary[]) => patients.flatMap((p) => p.studies);

beforeAll(async () => {
  await buildDecodeWorker();
  writeFixtures(tmp.dir);
  services = createTestMainServices(join(tmp.dir, 'user-data'), {
    openDialog: async (kind) => (kind === 'folder' ? [join(tmp.dir, 'in')] : []),
    validateResponses: true,
    ai: {
      defaultModelPath: join(__dirname, '../../../../models/cxr-tri-v1/model.json'),
      listBundledModels: () => listBundledModels(__dirname, undefined, 'cxr-tri-v1'),
      settingsPath: join(tmp.dir, 'user-data', 'ai-settings.json'),
    },
  });
}, 60_000);
afterAll(async () => {
  await services?.close();
  tmp.cleanup();
});

describe('IPC contract against the real handlers', () => {
  it('has a handler for every channel of the contract', () => {
    const expected = channels.filter((c) => !PENDING_DOMAINS.some((d) => c.startsWith(d)));
    expect(services.router.registeredChannels().sort()).toEqual([...expected].sort());
  });

  it.each(registeredChannels())('%s refuses a malformed request with INVALID_REQUEST', async (channel) => {
    const result = await services.router.dispatch(channel, 'not an object', ctx);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('INVALID_REQUEST');
  });

  it('app:info and dialog:open', async () => {
    expect(await callOk('app:info', {})).toMatchObject({ shell: 'harness', version: '0.0.0-test' });
    expect(await callOk('dialog:open', { kind: 'folder' })).toEqual({ paths: [join(tmp.dir, 'in')] });
  });

  it('studies:import reads a folder; bad files are reported by name and the rest imports', async () => {
    const final = await importAndWait([join(tmp.dir, 'in')]);
    expect(final).toMatchObject({ phase: 'done', total: 7, done: 7, failed: 2 });
    expect(final.errors.map((e) => e.fileName).sort()).toEqual(['broken.dcm', 'empty.dcm']);
    for (const e of final.errors) expect(e.message).not.toContain(tmp.dir);
  });

  it('studies:list groups Patient → Study → Series, PNG under unknown, SR listed with an error', async () => {
    const { patients } = (await callOk('studies:list', {})) as { patients: PatientSummary[] };
    expect(patients.map((p) => p.patientName)).toEqual(['Doe^Jane', 'unknown']);
    expect(patients[0].patientId).toBe('P1');
    const [current, prior] = patients[0].studies;
    expect(current).toMatchObject({ studyDate: '20240105', numberOfImages: 3 });
    expect(prior).toMatchObject({ studyDate: '20200101', numberOfImages: 1 });
    const instances = current.series.flatMap((s) => s.instances);
    expect(instances.find((i) => i.fileName === 'report.dcm')?.error?.code).toBe('NOT_AN_IMAGE');
    expect(instances.find((i) => i.fileName === 'current.dcm')).toMatchObject({ rows: 12, columns: 16, numberOfFrames: 1 });
    expect(patients[1].studies[0].series[0].instances[0].fileName).toBe('photo.png');
    expect(JSON.stringify(patients)).not.toContain(tmp.dir);
  });

  it('studies:priors gives the earlier study of the same patient', async () => {
    const { patients } = (await callOk('studies:list', {})) as { patients: PatientSummary[] };
    const current = patients[0].studies[0];
    const { studies } = (await callOk('studies:priors', { studyKey: current.studyKey })) as { studies: Array<{ studyDate?: string }> };
    expect(studies.map((s) => s.studyDate)).toEqual(['20200101']);
    const unknown = await call('studies:priors', { studyKey: 'no-such-study' });
    expect(unknown.ok ? undefined : unknown.error.code).toBe('STUDY_NOT_FOUND');
  });

  it('images:load returns the stored values and display info through the worker pool', async () => {
    const { patients } = (await callOk('studies:list', {})) as { patients: PatientSummary[] };
    const instance = allStudies(patients)
      .flatMap((s) => s.series.flatMap((se) => se.instances))
      .find((i) => i.fileName === 'current.dcm')!;
    const image = (await callOk('images:load', { instanceId: instance.instanceId })) as { info: { rows: number; windowPresets: unknown[] }; pixels: ArrayBuffer; pixelType: string };
    expect(image.pixelType).toBe('uint16');
    expect([...new Uint16Array(image.pixels)]).toEqual(pixels);
    expect(image.info).toMatchObject({ rows: 12, columns: 16, windowPresets: [{ center: 2048, width: 4096 }] });
    const outOfRange = await call('images:load', { instanceId: instance.instanceId, frame: 3 });
    expect(outOfRange.ok ? undefined : outOfRange.error.code).toBe('FRAME_OUT_OF_RANGE');
    const missing = await call('images:load', { instanceId: 'unknown-id' });
    expect(missing.ok ? undefined : missing.error.code).toBe('INSTANCE_NOT_FOUND');
  });

  it('images:load of a file whose trailing element runs past its end returns the pixels and a warning naming the file', async () => {
    const { patients } = (await callOk('studies:list', {})) as { patients: PatientSummary[] };
    const prior = allStudies(patients)
      .flatMap((s) => s.series.flatMap((se) => se.instances))
      .find((i) => i.fileName === 'prior.dcm')!;
    const image = (await callOk('images:load', { instanceId: prior.instanceId })) as { pixels: ArrayBuffer; warnings?: { code: string; message: string }[] };
    expect([...new Uint16Array(image.pixels)]).toEqual(new Array(16).fill(7));
    expect(image.warnings).toEqual([{ code: 'TRAILING_DATA_TRUNCATED', message: expect.stringContaining('prior.dcm') }]);
    const current = allStudies(patients)
      .flatMap((s) => s.series.flatMap((se) => se.instances))
      .find((i) => i.fileName === 'current.dcm')!;
    expect((await callOk('images:load', { instanceId: current.instanceId })) as object).not.toHaveProperty('warnings');
  });

  it('images:load of a non-image object is an error naming the file', async () => {
    const { patients } = (await callOk('studies:list', {})) as { patients: PatientSummary[] };
    const sr = allStudies(patients)
      .flatMap((s) => s.series.flatMap((se) => se.instances))
      .find((i) => i.fileName === 'report.dcm')!;
    const result = await call('images:load', { instanceId: sr.instanceId });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ code: 'NOT_AN_IMAGE', message: expect.stringContaining('report.dcm') });
  });

  it('images:thumbnail gives RGBA within the requested size, for DICOM and PNG', async () => {
    const { patients } = (await callOk('studies:list', {})) as { patients: PatientSummary[] };
    for (const study of allStudies(patients)) {
      const thumb = (await callOk('images:thumbnail', { instanceId: study.thumbnailInstanceId!, size: 32 })) as { width: number; height: number; rgba: ArrayBuffer };
      expect(Math.max(thumb.width, thumb.height)).toBeLessThanOrEqual(32);
      expect(thumb.rgba.byteLength).toBe(thumb.width * thumb.height * 4);
    }
  });

  it('images:tags returns the tag tree (SR included)', async () => {
    const { patients } = (await callOk('studies:list', {})) as { patients: PatientSummary[] };
    for (const fileName of ['current.dcm', 'report.dcm']) {
      const instance = allStudies(patients)
        .flatMap((s) => s.series.flatMap((se) => se.instances))
        .find((i) => i.fileName === fileName)!;
      const { elements } = (await callOk('images:tags', { instanceId: instance.instanceId })) as { elements: Array<{ keyword: string; value: string }> };
      expect(elements.find((e) => e.keyword === 'PatientID')?.value).toBe('P1');
    }
  });

  it('studies:importBytes imports dropped bytes; studies:cancelImport answers for known and unknown jobs', async () => {
    const bytes = writeDicom({ sopInstanceUid: '2.25.905', pixel: { rows: 2, columns: 2 }, pixelData: { native: [1, 2, 3, 4] }, elements: patient('Roe^Rick', 'P2', '2.25.70', '20230303') });
    const { jobId } = (await callOk('studies:importBytes', { files: [{ name: 'dropped.dcm', bytes: bytes.slice().buffer as ArrayBuffer }] })) as { jobId: string };
    const final = await services.importer.whenFinished(jobId);
    expect(final).toMatchObject({ phase: 'done', total: 1, failed: 0 });
    expect(await callOk('studies:cancelImport', { jobId })).toEqual({ cancelled: false });
    expect(await callOk('studies:cancelImport', { jobId: 'nope' })).toEqual({ cancelled: false });
    const { patients } = (await callOk('studies:list', {})) as { patients: PatientSummary[] };
    expect(patients.map((p) => p.patientName)).toContain('Roe^Rick');
  });

  it.skipIf(!requireTools('dcmmkdir'))('studies:import expands a dcmmkdir DICOMDIR into its referenced files', async () => {
    const media = join(tmp.dir, 'media');
    mkdirSync(join(media, 'IMAGES'), { recursive: true });
    for (const n of [1, 2]) {
      writeFileSync(
        join(media, 'IMAGES', `IM${n}`),
        writeDicom({ sopInstanceUid: `2.25.95${n}`, pixel: { rows: 4, columns: 4 }, pixelData: { native: new Array(16).fill(n) }, elements: [...patient('Poe^Ann', 'P3', '2.25.60', '20220202'), el('InstanceNumber', 'IS', String(n))] }),
      );
    }
    runTool('dcmmkdir', ['-q', '+I', '+r', '+id', media, '+D', join(media, 'DICOMDIR'), 'IMAGES']);
    const final = await importAndWait([join(media, 'DICOMDIR')]);
    expect(final).toMatchObject({ phase: 'done', total: 3, done: 3, failed: 0 });
    const { patients } = (await callOk('studies:list', {})) as { patients: PatientSummary[] };
    const ann = patients.find((p) => p.patientName === 'Poe^Ann')!;
    expect(ann.studies[0].series[0].instances.map((i) => i.instanceNumber)).toEqual([1, 2]);
  });

  it('ai:status reports the loaded model and provider; ai:classify returns probabilities and the CAM as bytes', async () => {
    let status = (await callOk('ai:status', {})) as { state: string };
    for (let i = 0; i < 100 && status.state === 'loading'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await callOk('ai:status', {})) as { state: string };
    }
    expect(status).toMatchObject({ state: 'ready', provider: 'cpu', model: { name: 'cxr-tri-v1' }, settings: { forceCpu: false } });
    const { patients } = (await callOk('studies:list', {})) as { patients: PatientSummary[] };
    const instance = allStudies(patients)
      .flatMap((s) => s.series.flatMap((se) => se.instances))
      .find((i) => i.fileName === 'current.dcm')!;
    const result = (await callOk('ai:classify', { instanceId: instance.instanceId })) as { probabilities: Record<string, number>; cam: ArrayBuffer; camHeight: number; camWidth: number };
    expect(Object.keys(result.probabilities).sort()).toEqual(['covid', 'normal', 'pneumonia']);
    expect(result.cam.byteLength).toBe(3 * result.camHeight * result.camWidth * 4);
    const sr = allStudies(patients)
      .flatMap((s) => s.series.flatMap((se) => se.instances))
      .find((i) => i.fileName === 'report.dcm')!;
    const refused = await call('ai:classify', { instanceId: sr.instanceId });
    expect(refused.ok ? undefined : refused.error.code).toBe('NOT_AN_IMAGE');
  });

  it('ai:status lists the bundled models (default first) and the loaded model\'s intended use and headline metrics from its manifest', async () => {
    const manifestPath = join(__dirname, '../../../../models/cxr-tri-v1/model.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const status = (await callOk('ai:status', {})) as AiStatus;
    expect(status.bundledModels[0]).toEqual({ name: 'cxr-tri-v1', version: manifest.version, manifestPath, isDefault: true });
    // cxr-tri-v2 joins the list once its files land; until then v1 is the only entry.
    expect(status.bundledModels.filter((m) => m.isDefault)).toHaveLength(1);
    expect(status.model).toMatchObject({ name: 'cxr-tri-v1', intendedUse: manifest.intendedUse, metrics: { covidAuc: manifest.metrics.covidAuc, split: manifest.metrics.split } });
  });

  it('ai:configure refuses a custom model that fails validation and keeps the bundled one', async () => {
    writeFileSync(join(tmp.dir, 'bad-model.json'), '{"name":"x"}');
    const refused = await call('ai:configure', { customModelPath: join(tmp.dir, 'bad-model.json') });
    expect(refused.ok ? undefined : refused.error.code).toBe('MODEL_MANIFEST_INVALID');
    expect(await callOk('ai:status', {})).toMatchObject({ state: 'ready', model: { name: 'cxr-tri-v1' } });
  });
  it('worklist:import triages a folder; progress events end in done; bad files count as failed', async () => {
    const progress: WorklistProgress[] = [];
    const stop = services.events.subscribe((event, payload) => {
      if (event === 'worklist:progress') progress.push(payload as WorklistProgress);
    });
    const { jobId } = (await callOk('worklist:import', { paths: [join(tmp.dir, 'in')] })) as { jobId: string };
    const final = await services.worklist.imports.whenFinished(jobId);
    stop();
    expect(final).toMatchObject({ jobId, phase: 'done', total: 7, done: 7 });
    // broken.dcm and empty.dcm; the rest were already in the archive from studies:import (one
    // archive, issue #10), so they count as duplicates, report.dcm (not an image) included.
    expect(final!.failed).toBe(2);
    expect(progress.at(-1)).toEqual(final);
    for (const p of progress) expect(p.jobId).toBe(jobId);
    expect(await callOk('worklist:cancelImport', { jobId })).toEqual({ cancelled: false });
  }, 60_000);

  it('worklist:list returns rows in display order with counts, and filters', async () => {
    const list = (await callOk('worklist:list', {})) as { entries: WorklistRow[]; counts: Record<string, number>; ms: number };
    // One archive (issue #10): the studies the viewer opened are worklist rows too: two Doe^Jane
    // studies, the PNG, the dropped Roe^Rick and the DICOMDIR's Poe^Ann.
    expect(list.entries.length).toBe(5);
    expect(JSON.stringify(list.entries)).not.toContain(tmp.dir);
    const total = Object.values(list.counts).reduce((a, b) => a + b, 0);
    expect(total).toBe(5);
    const ranked = list.entries.filter((e) => e.group === 'ranked' && e.covid !== null).map((e) => e.covid!);
    expect(ranked).toEqual([...ranked].sort((a, b) => b - a));
    const searched = (await callOk('worklist:list', { filter: { search: 'doe' } })) as { entries: WorklistRow[] };
    expect(searched.entries.map((e) => e.patientId)).toEqual(['P1', 'P1']);
    const dated = (await callOk('worklist:list', { filter: { dateFrom: '20240101' }, sort: { column: 'studyDate', direction: 'asc' } })) as { entries: WorklistRow[] };
    expect(dated.entries.map((e) => e.studyDate)).toEqual(['20240105']);
    const bad = await call('worklist:list', { filter: { dateFrom: '2024-01-01' } } as never);
    expect(bad.ok ? undefined : bad.error.code).toBe('INVALID_REQUEST');
  });

  it('worklist:review records reviewed and escalated (escalation needs a note)', async () => {
    const reviewed = (await callOk('worklist:review', { studyInstanceUid: '2.25.90', action: 'reviewed' })) as { entry: WorklistRow };
    expect(reviewed.entry).toMatchObject({ status: 'reviewed', reviewer: 'local user' });
    const refused = await call('worklist:review', { studyInstanceUid: '2.25.80', action: 'escalated' });
    expect(refused.ok ? undefined : refused.error.code).toBe('INVALID_REVIEW');
    const escalated = (await callOk('worklist:review', { studyInstanceUid: '2.25.80', action: 'escalated', note: 'look again' })) as { entry: WorklistRow };
    expect(escalated.entry).toMatchObject({ status: 'escalated', note: 'look again' });
    const unknown = await call('worklist:review', { studyInstanceUid: '9.9.9', action: 'reviewed' });
    expect(unknown.ok ? undefined : unknown.error.code).toBe('NOT_FOUND');
  });

  it('worklist:open returns the archive key under which the study browser lists the study', async () => {
    const { studyKey } = (await callOk('worklist:open', { studyInstanceUid: '2.25.90' })) as { studyKey: string };
    const { patients } = (await callOk('studies:list', {})) as { patients: PatientSummary[] };
    expect(allStudies(patients).find((s) => s.studyKey === studyKey)?.studyInstanceUid).toBe('2.25.90');
    const unknown = await call('worklist:open', { studyInstanceUid: '9.9.9' });
    expect(unknown.ok ? undefined : unknown.error.code).toBe('NOT_FOUND');
  });

  it('worklist:exportCsv starts with the not-for-diagnosis line; worklist:summaryPng is a PNG', async () => {
    const { csv, fileName } = (await callOk('worklist:exportCsv', { filter: { search: 'P1' } })) as { csv: string; fileName: string };
    expect(csv.split('\r\n')[0]).toBe('# AI prioritisation only — not for diagnosis');
    expect(csv).toContain('2.25.90');
    expect(fileName).toMatch(/^worklist-\d{8}-\d{6}\.csv$/);
    const { png } = (await callOk('worklist:summaryPng', { studyInstanceUid: '2.25.90' })) as { png: ArrayBuffer };
    expect([...new Uint8Array(png, 0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const unknown = await call('worklist:summaryPng', { studyInstanceUid: '9.9.9' });
    expect(unknown.ok ? undefined : unknown.error.code).toBe('NOT_FOUND');
  }, 30_000);

  it('ingest:sources reports both sources off; ingest:configure answers invalid settings with problems', async () => {
    const status = (await callOk('ingest:sources', {})) as { listener: { state: string }; watchedFolder: { state: string } };
    expect(status.listener.state).toBe('off');
    expect(status.watchedFolder.state).toBe('off');
    const { problems } = (await callOk('ingest:configure', { listener: { port: 70_000, aeTitle: 'CXR_TRIAGE' }, watchDir: null })) as { problems: string[] };
    expect(problems).toEqual(['Port must be a whole number from 1 to 65535.']);
  });
});
