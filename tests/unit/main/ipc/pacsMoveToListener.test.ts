/**
 * C-MOVE while the app's own DICOM listener runs on the move destination's port (issue #11): the
 * retrieve receives through that listener (a second store SCP could not bind the port), the
 * instances are ingested once, as listener arrivals, and the retrieve completes on the C-MOVE's
 * final counts. Real Orthanc with the listener registered as its move destination; skipped with
 * a message when Orthanc is not installed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { MainServices } from '../../../../app/main/ipc/mainServices';
import type { Channel, RequestOf, ResponseOf } from '../../../../app/shared/ipc/contract';
import type { PacsSettings } from '../../../../app/shared/pacs/settings';
import { dicomWebPluginSkipReason, freePort, startOrthanc, type OrthancPeer } from '../../../fixtures/orthanc';
import { writeTestStudy, type TestStudy } from '../../../fixtures/pacsStudies';
import { makeTempDir, requireTools } from '../../../fixtures/tools';
import { createTestMainServices } from './testMainServices';

const skipReason = dicomWebPluginSkipReason();
if (skipReason) console.warn(`[skip] pacsMoveToListener: ${skipReason}`);
const available = requireTools('Orthanc') && !skipReason;
const tmp = makeTempDir('cxr-pacs-move-listener-');
const ctx = { shell: 'harness' as const };
const LISTENER_AE = 'CXR_LISTEN';

describe.skipIf(!available)('pacs: C-MOVE to the app\'s running listener, with Orthanc', () => {
  let orthanc: OrthancPeer;
  let services: MainServices;
  let settings: PacsSettings;
  let study: TestStudy;
  let listenerPort: number;

  async function call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const result = await services.router.dispatch(channel, request, ctx);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value as ResponseOf<C>;
  }

  beforeAll(async () => {
    listenerPort = await freePort();
    orthanc = await startOrthanc({ modalities: { cxr: { aeTitle: LISTENER_AE, port: listenerPort } } });
    study = writeTestStudy(join(tmp.dir, 'src'), { patientName: 'MOVE^LISTEN', patientId: 'ML1', instances: 2 });
    for (const f of study.files) await orthanc.upload(readFileSync(f));
    settings = {
      nodes: [{ id: 'orthanc', name: 'Orthanc', kind: 'dimse', aeTitle: orthanc.aeTitle, host: '127.0.0.1', port: orthanc.dicomPort, callingAeTitle: 'CXR_TRIAGE', retrieve: 'move' }],
      moveDestination: { aeTitle: LISTENER_AE, port: listenerPort },
    };
    services = createTestMainServices(join(tmp.dir, 'user-data'), {
      databasePath: join(tmp.dir, 'user-data', 'worklist.sqlite'),
      ingest: { settings: { listener: { port: listenerPort, aeTitle: LISTENER_AE } }, storageDir: join(tmp.dir, 'user-data', 'received') },
      pacs: { retrieveDir: join(tmp.dir, 'user-data', 'retrieved') },
    });
    await services.worklist.sources.ready;
    expect(services.worklist.sources.status().listener).toMatchObject({ state: 'listening', port: listenerPort });
  }, 90_000);
  afterAll(async () => {
    await services?.close();
    await orthanc?.stop();
    tmp.cleanup();
  });

  it('receives the study through the running listener: done on the final counts, the instances imported from the listener', async () => {
    await call('pacs:configure', { settings });
    const { jobId } = await call('pacs:retrieve', { nodeId: 'orthanc', studyInstanceUid: study.studyInstanceUid });
    const final = await services.pacs.retrievals.whenFinished(jobId);
    expect(final).toMatchObject({ phase: 'done', method: 'c-move', received: 2, expected: 2, failed: 0 });
    expect(final?.missingCount).toBeUndefined();
    // The listener still runs and counted the two.
    expect(services.worklist.sources.status().listener).toMatchObject({ state: 'listening', received: 2 });
    const { studyKey } = await call('worklist:open', { studyInstanceUid: study.studyInstanceUid });
    const { patient } = await call('studies:get', { studyKey });
    expect(patient.studies).toEqual([expect.objectContaining({ studyInstanceUid: study.studyInstanceUid, numberOfImages: 2 })]);
  }, 60_000);

  it('a move destination AE title other than the listener\'s fails with both named, and the listener keeps running', async () => {
    await call('pacs:configure', { settings: { ...settings, moveDestination: { aeTitle: 'OTHER_AE', port: listenerPort } } });
    const { jobId } = await call('pacs:retrieve', { nodeId: 'orthanc', studyInstanceUid: study.studyInstanceUid });
    const final = await services.pacs.retrievals.whenFinished(jobId);
    expect(final).toMatchObject({ phase: 'failed', code: 'LISTENER_FAILED', message: expect.stringMatching(new RegExp(`${LISTENER_AE}.*OTHER_AE`)) });
    expect(services.worklist.sources.status().listener).toMatchObject({ state: 'listening' });
  }, 60_000);
});
