/**
 * The DIMSE side of the PACS service against dcmtk's dcmqrscp (an independent implementation
 * from Orthanc): C-ECHO, C-FIND, C-GET, C-MOVE to our own listener, and the results stored by
 * C-STORE and found in its archive.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { decodeFile } from '../../../../../app/main/services/decoding/decodeFile';
import { findStudies, retrieveStudy, sendResultFiles, testNode } from '../../../../../app/main/services/pacs/pacsService';
import { buildImageResults } from '../../../../../app/main/services/pacs/resultFiles';
import type { DimseNode } from '../../../../../app/shared/pacs/settings';
import { startDcmqrscp, type DcmqrscpPeer } from '../../../../fixtures/dcmqrscp';
import { freePort } from '../../../../fixtures/orthanc';
import { writeTestStudy, type TestStudy } from '../../../../fixtures/pacsStudies';
import { makeTempDir, requireTools } from '../../../../fixtures/tools';

const tmp = makeTempDir('cxr-pacs-dcmqrscp-');
afterAll(() => tmp.cleanup());

describe.skipIf(!requireTools('dcmqrscp', 'storescu'))('PACS service with dcmqrscp', () => {
  let peer: DcmqrscpPeer;
  let node: DimseNode;
  let movePort: number;
  let study: TestStudy;
  beforeAll(async () => {
    movePort = await freePort();
    peer = await startDcmqrscp({ moveDestinations: { cxr: { aeTitle: 'CXR_MOVE', port: movePort } } });
    node = { id: 'qr', name: 'dcmqrscp', kind: 'dimse', aeTitle: peer.aeTitle, host: '127.0.0.1', port: peer.port, callingAeTitle: 'CXR_TRIAGE' };
    study = writeTestStudy(join(tmp.dir, 'src'), { patientName: 'QR^PATIENT', patientId: 'Q1', accessionNumber: 'QACC', instances: 2 });
    await peer.store(study.files);
  }, 30_000);
  afterAll(async () => {
    await peer?.stop();
  });

  it('answers C-ECHO and C-FIND', async () => {
    await expect(testNode(node)).resolves.toMatchObject({ ok: true });
    const found = await findStudies(node, { patientName: 'QR*', accessionNumber: 'QACC' });
    expect(found.studies).toEqual([expect.objectContaining({ studyInstanceUid: study.studyInstanceUid, patientId: 'Q1' })]);
  });

  for (const method of ['get', 'move'] as const) {
    it(`retrieves the study by C-${method.toUpperCase()}`, async () => {
      const outcome = await retrieveStudy(node, study.studyInstanceUid, { dir: join(tmp.dir, method), method, moveDestination: { aeTitle: 'CXR_MOVE', port: movePort } });
      expect(outcome.error).toBeUndefined();
      expect(outcome).toMatchObject({ complete: true, received: 2, expected: 2 });
      expect(outcome.files.map((f) => f.sopInstanceUid).sort()).toEqual([...study.sopInstanceUids].sort());
    });
  }

  it('stores the SR and the SC by C-STORE into its archive', async () => {
    const frame = await decodeFile(readFileSync(study.files[0]), { fileName: 'q.dcm' });
    const files = await buildImageResults({
      sourcePath: study.files[0],
      frame,
      triage: { probabilities: { covid: 0.2, normal: 0.7, pneumonia: 0.1 }, label: 'normal', priority: 'low', outOfDistribution: false, model: { name: 'm', version: '1', sha256: '0'.repeat(64) } },
    });
    const before = readdirSync(peer.storageDir).length;
    await sendResultFiles(node, files);
    const names = readdirSync(peer.storageDir);
    expect(names.length).toBe(before + 2);
    expect(names.some((n) => n.startsWith('SR'))).toBe(true);
    expect(names.some((n) => n.startsWith('OT') || n.startsWith('SC'))).toBe(true);
  });
});
