/**
 * retrieveStudy's C-MOVE through an already running listener (issue #11): real Orthanc moving to a
 * real store SCP on the destination port, seen through the `listener` option as the app's ingest
 * listener shows it. Missing instances are named by comparing the image-level C-FIND list with
 * what the listener reported. Skipped with a message when Orthanc is not installed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startStoreScp, type StoreScp, type StoredInstance } from '../../../../../app/main/services/dimse/storeScp';
import { retrieveStudy, type ArrivedFile, type RunningListener } from '../../../../../app/main/services/pacs/pacsService';
import type { DimseNode } from '../../../../../app/shared/pacs/settings';
import { dicomWebPluginSkipReason, freePort, startOrthanc, type OrthancPeer } from '../../../../fixtures/orthanc';
import { writeTestStudy, type TestStudy } from '../../../../fixtures/pacsStudies';
import { makeTempDir, requireTools } from '../../../../fixtures/tools';

const skipReason = dicomWebPluginSkipReason();
if (skipReason) console.warn(`[skip] retrieveViaListener: ${skipReason}`);
const available = requireTools('Orthanc') && !skipReason;
const tmp = makeTempDir('cxr-pacs-via-listener-');
const LISTENER_AE = 'CXR_LISTEN';

describe.skipIf(!available)('retrieveStudy: C-MOVE through the running listener, with Orthanc', () => {
  let orthanc: OrthancPeer;
  let scp: StoreScp;
  let node: DimseNode;
  let study: TestStudy;
  const taps = new Set<(i: StoredInstance & { ingested: Promise<unknown> }) => void>();

  beforeAll(async () => {
    const port = await freePort();
    orthanc = await startOrthanc({ modalities: { cxr: { aeTitle: LISTENER_AE, port } } });
    node = { id: 'orthanc', name: 'Orthanc', kind: 'dimse', aeTitle: orthanc.aeTitle, host: '127.0.0.1', port: orthanc.dicomPort, callingAeTitle: 'CXR_TRIAGE', retrieve: 'move' };
    study = writeTestStudy(join(tmp.dir, 'src'), { patientName: 'VIA^LISTENER', patientId: 'VL1', instances: 3 });
    for (const f of study.files) await orthanc.upload(readFileSync(f));
    // What ingestSources does: the listener queues each stored file and tells its taps.
    scp = await startStoreScp({ port, aeTitle: LISTENER_AE, storageDir: join(tmp.dir, 'received'), onStored: (i) => taps.forEach((t) => t({ ...i, ingested: Promise.resolve('queued') })) });
  }, 60_000);
  afterAll(async () => {
    await scp?.close();
    await orthanc?.stop();
    tmp.cleanup();
  });

  it('names what the listener did not report from the image-level C-FIND list; what it did is marked as already ingested', async () => {
    let dropped: string | undefined;
    const listener: RunningListener = {
      port: scp.port,
      aeTitle: LISTENER_AE,
      subscribe(onArrival) {
        // One instance stored but not reported, as if the listener had lost it.
        const tap = (i: StoredInstance & { ingested: Promise<unknown> }): void => {
          if (dropped === undefined) dropped = i.sopInstanceUid;
          else onArrival(i);
        };
        taps.add(tap);
        return () => taps.delete(tap);
      },
    };
    const files: ArrivedFile[] = [];
    const outcome = await retrieveStudy(node, study.studyInstanceUid, { dir: join(tmp.dir, 'unused'), moveDestination: { aeTitle: LISTENER_AE, port: scp.port }, listener, onFile: (f) => files.push(f) });
    expect(dropped).toBeDefined();
    expect(outcome).toMatchObject({ method: 'c-move', complete: false, received: 2, expected: 3, missingCount: 1, error: { code: 'CONNECTION_LOST' } });
    expect(outcome.missing.map((m) => m.sopInstanceUid)).toEqual([dropped]);
    expect(files).toHaveLength(2);
    for (const f of files) expect(f.ingested).toBeInstanceOf(Promise);
    expect(taps.size).toBe(0);
  }, 60_000);
});
