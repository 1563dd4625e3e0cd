/**
 * The PACS service against a real Orthanc with its DICOMweb plugin (Debian `orthanc`,
 * `orthanc-dicomweb`), started per file on free loopback ports (tests/fixtures/orthanc.ts):
 * C-ECHO/QIDO "Test", C-FIND and QIDO-RS search, C-GET, C-MOVE to our own listener and WADO-RS
 * retrieve, and the results sent back by C-STORE and STOW-RS, then read back from Orthanc.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { decodeFile } from '../../../../../app/main/services/decoding/decodeFile';
import { buildImageResults } from '../../../../../app/main/services/pacs/resultFiles';
import { findStudies, retrieveStudy, sendResultFiles, testNode } from '../../../../../app/main/services/pacs/pacsService';
import type { DicomWebNode, DimseNode } from '../../../../../app/shared/pacs/settings';
import type { RetrieveProgress } from '../../../../../app/shared/pacs/types';
import { dicomWebPluginSkipReason, freePort, startOrthanc, type OrthancPeer } from '../../../../fixtures/orthanc';
import { writeTestStudy, type TestStudy } from '../../../../fixtures/pacsStudies';
import { makeTempDir, requireTools, toolPath } from '../../../../fixtures/tools';

const skipReason = dicomWebPluginSkipReason();
if (skipReason) console.warn(`[skip] ${skipReason}`);
const available = requireTools('Orthanc', 'dcmdump', 'dsr2html') && !skipReason;
const tmp = makeTempDir('cxr-pacs-orthanc-');
afterAll(() => tmp.cleanup());

const MOVE_AE = 'CXR_MOVE';

/** The bytes a typed array views (decoded pixels may view a larger buffer). */
const bytesOf = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe.skipIf(!available)('PACS service with Orthanc', () => {
  let orthanc: OrthancPeer;
  let movePort: number;
  let dimse: DimseNode;
  let web: DicomWebNode;
  let chestA: TestStudy;
  let chestB: TestStudy;
  let ct: TestStudy;

  beforeAll(async () => {
    movePort = await freePort();
    orthanc = await startOrthanc({ modalities: { cxr: { aeTitle: MOVE_AE, port: movePort } } });
    dimse = { id: 'orthanc', name: 'Orthanc', kind: 'dimse', aeTitle: orthanc.aeTitle, host: '127.0.0.1', port: orthanc.dicomPort, callingAeTitle: 'CXR_TRIAGE' };
    web = { id: 'orthanc-web', name: 'Orthanc web', kind: 'dicomweb', baseUrl: orthanc.dicomWebUrl };
    chestA = writeTestStudy(join(tmp.dir, 'src', 'a'), { patientName: 'DOE^JANE', patientId: 'P1', accessionNumber: 'ACC-A', studyDate: '20240105', modality: 'CR', instances: 3 });
    chestB = writeTestStudy(join(tmp.dir, 'src', 'b'), { patientName: 'SMITH^JOHN', patientId: 'P2', accessionNumber: 'ACC-B', studyDate: '20240210', modality: 'DX' });
    ct = writeTestStudy(join(tmp.dir, 'src', 'c'), { patientName: 'DOE^JANE', patientId: 'P1', accessionNumber: 'ACC-C', studyDate: '20240301', modality: 'CT' });
    for (const s of [chestA, chestB, ct]) for (const f of s.files) await orthanc.upload(readFileSync(f));
  }, 60_000);
  afterAll(async () => {
    await orthanc?.stop();
  });

  it('Test: C-ECHO and a QIDO-RS probe answer', async () => {
    await expect(testNode(dimse)).resolves.toMatchObject({ ok: true, method: 'c-echo' });
    await expect(testNode(web)).resolves.toMatchObject({ ok: true, method: 'qido-rs' });
  });

  it('Test names the wrong AE title, a refused port and a wrong DICOMweb URL in words IT can act on', async () => {
    await expect(testNode({ ...dimse, aeTitle: 'NOT_ORTHANC' })).rejects.toMatchObject({ code: 'CALLED_AE_NOT_RECOGNIZED', message: expect.stringContaining('"NOT_ORTHANC"') });
    const closed = await freePort();
    await expect(testNode({ ...dimse, port: closed })).rejects.toMatchObject({ code: 'CONNECTION_REFUSED', message: expect.stringContaining(`127.0.0.1:${closed}`) });
    await expect(testNode({ ...web, baseUrl: `http://127.0.0.1:${closed}/dicom-web` })).rejects.toMatchObject({ code: 'CONNECTION_REFUSED' });
    await expect(testNode({ ...web, baseUrl: `${orthanc.restUrl}/no-such-root` })).rejects.toMatchObject({ code: 'HTTP_ERROR', message: expect.stringContaining('404') });
  });

  for (const kind of ['dimse', 'dicomweb'] as const) {
    it(`finds CR/DX studies by default and filters by patient, accession and date (${kind})`, async () => {
      const node = kind === 'dimse' ? dimse : web;
      const uids = async (q: Parameters<typeof findStudies>[1]): Promise<string[]> => (await findStudies(node, q)).studies.map((s) => s.studyInstanceUid).sort();
      expect(await uids({})).toEqual([chestA.studyInstanceUid, chestB.studyInstanceUid].sort());
      expect(await uids({ modalities: [] })).toHaveLength(3);
      expect(await uids({ patientId: 'P1' })).toEqual([chestA.studyInstanceUid]);
      expect(await uids({ patientName: 'SMITH*' })).toEqual([chestB.studyInstanceUid]);
      expect(await uids({ accessionNumber: 'ACC-A' })).toEqual([chestA.studyInstanceUid]);
      expect(await uids({ studyDateFrom: '20240201', studyDateTo: '20240229' })).toEqual([chestB.studyInstanceUid]);
      const [a] = (await findStudies(node, { accessionNumber: 'ACC-A' })).studies;
      expect(a).toMatchObject({ patientName: 'DOE^JANE', patientId: 'P1', studyDate: '20240105', numberOfStudyRelatedInstances: 3 });
      const limited = await findStudies(node, { modalities: [], limit: 1 });
      expect(limited).toMatchObject({ truncated: true, studies: [expect.anything()] });
    });
  }

  const retrieveCases = [
    { name: 'C-GET', node: () => dimse, method: 'get' as const },
    { name: 'C-MOVE to our own listener', node: () => dimse, method: 'move' as const },
    { name: 'WADO-RS', node: () => web, method: undefined },
  ];
  for (const c of retrieveCases) {
    it(`retrieves a study by ${c.name}, handing each instance over as it lands, with progress`, async () => {
      const dir = join(tmp.dir, `got-${c.name.replace(/\W+/g, '-')}`);
      const handed: string[] = [];
      const progress: RetrieveProgress[] = [];
      const outcome = await retrieveStudy(c.node(), chestA.studyInstanceUid, {
        dir,
        method: c.method,
        moveDestination: { aeTitle: MOVE_AE, port: movePort },
        onFile: (f) => handed.push(f.sopInstanceUid),
        onProgress: (p) => progress.push(p),
      });
      expect(outcome.error).toBeUndefined();
      expect(outcome).toMatchObject({ complete: true, cancelled: false, received: 3, expected: 3, missing: [], missingCount: 0 });
      expect(handed.sort()).toEqual([...chestA.sopInstanceUids].sort());
      expect(progress.map((p) => p.received)).toEqual([...progress.map((p) => p.received)].sort((x, y) => x - y));
      expect(progress.at(-1)).toMatchObject({ received: 3, expected: 3 });
      for (const file of outcome.files) {
        expect(file.path).toBe(join(dir, `${file.sopInstanceUid}.dcm`));
        // A whole PS3.10 file with the same pixels as the source (dcmdump parses it end to end).
        execFileSync(toolPath('dcmdump'), ['+E', '-q', file.path]);
        const source = chestA.files[chestA.sopInstanceUids.indexOf(file.sopInstanceUid)];
        const [got, want] = await Promise.all([decodeFile(readFileSync(file.path), { fileName: 'got' }), decodeFile(readFileSync(source), { fileName: 'want' })]);
        expect(bytesOf(got.pixels).equals(bytesOf(want.pixels))).toBe(true);
      }
    }, 60_000);
  }

  it('a cancelled retrieve says so and keeps nothing half-written', async () => {
    const controller = new AbortController();
    controller.abort();
    const outcome = await retrieveStudy(dimse, chestA.studyInstanceUid, { dir: join(tmp.dir, 'cancelled'), signal: controller.signal });
    expect(outcome).toMatchObject({ cancelled: true, complete: false, error: { code: 'CANCELLED' } });
  });

  it('cancelling mid-retrieve stops it, keeps the instances that arrived whole and reports the rest missing', async () => {
    const controller = new AbortController();
    const dir = join(tmp.dir, 'cancel-mid');
    const outcome = await retrieveStudy(dimse, chestA.studyInstanceUid, { dir, signal: controller.signal, onFile: () => controller.abort() });
    expect(outcome).toMatchObject({ cancelled: true, complete: false, error: { code: 'CANCELLED' } });
    expect(outcome.received).toBeGreaterThanOrEqual(1);
    expect(outcome.received + outcome.missing.length).toBe(3);
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
    for (const f of outcome.files) execFileSync(toolPath('dcmdump'), ['+E', '-q', f.path]);
  });

  for (const [kind, node] of [['C-STORE', () => dimse], ['STOW-RS', () => web]] as const) {
    it(`sends the SR and the heatmap SC into new series of the study by ${kind}, and Orthanc holds them intact`, async () => {
      const source = chestB.files[0];
      const frame = await decodeFile(readFileSync(source), { fileName: 'b.dcm' });
      const cam = new Float32Array(3 * 8 * 8).map((_, i) => (i % 64) / 64);
      const files = await buildImageResults({
        sourcePath: source,
        frame,
        triage: {
          probabilities: { covid: 0.71, normal: 0.09, pneumonia: 0.2 },
          label: 'covid',
          priority: 'high',
          outOfDistribution: false,
          ood: 0.05,
          model: { name: 'cxr-tri-v2', version: '2.0.0', sha256: 'c0ffee'.padEnd(64, '0') },
          cam: { data: cam, classes: 3, height: 8, width: 8, letterbox: { scale: 8 / 64, padTop: 0, padLeft: 0, padBottom: 0, padRight: 0, height: 8, width: 8 } as never },
        },
        uidRoot: '1.2.826.0.1.3680043.10.999',
      });
      const sent = await sendResultFiles(node(), files);
      expect(sent.sent.map((s) => s.kind)).toEqual(['sr', 'sc']);
      // Orthanc files them under the source study, each in its own new series.
      const study = (await orthanc.rest<{ ID: string; MainDicomTags: { StudyInstanceUID: string } }[]>('GET', '/studies?expand')).find((s) => s.MainDicomTags.StudyInstanceUID === chestB.studyInstanceUid)!;
      const series = await orthanc.rest<{ MainDicomTags: { Modality: string; SeriesInstanceUID: string }; Instances: string[] }[]>('GET', `/studies/${study.ID}/series?expand`);
      const byUid = new Map(series.map((s) => [s.MainDicomTags.SeriesInstanceUID, s]));
      for (const f of files) {
        expect(f.sopInstanceUid.startsWith('1.2.826.0.1.3680043.10.999.')).toBe(true);
        const s = byUid.get(f.seriesInstanceUid)!;
        expect(s.MainDicomTags.Modality).toBe(f.kind === 'sr' ? 'SR' : 'OT');
        const stored = await orthanc.restBytes(`/instances/${s.Instances[0]}/file`);
        const path = join(tmp.dir, `back-${node().kind}-${f.kind}.dcm`);
        writeFileSync(path, stored);
        const dump = execFileSync(toolPath('dcmdump'), ['+E', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        expect(dump).toContain('(0010,0010) PN [SMITH^JOHN]');
        expect(dump).toContain('(0008,0050) SH [ACC-B]');
        if (f.kind === 'sr') {
          const html = execFileSync(toolPath('dsr2html'), [path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
          for (const text of ['AI prioritisation only — not for diagnosis', 'cxr-tri-v2', '2.0.0', 'c0ffee', 'Probability of covid', '0.71', 'High priority', 'No (373067005, SCT)']) expect(html).toContain(text);
        } else {
          // The pixels came back byte for byte.
          const back = await decodeFile(stored, { fileName: 'sc' });
          const sent = await decodeFile(f.bytes, { fileName: 'sc-sent' });
          expect(back.info).toMatchObject({ samplesPerPixel: 3, rows: sent.info.rows, columns: sent.info.columns });
          expect(bytesOf(back.pixels).equals(bytesOf(sent.pixels))).toBe(true);
        }
      }
    }, 60_000);
  }
});
