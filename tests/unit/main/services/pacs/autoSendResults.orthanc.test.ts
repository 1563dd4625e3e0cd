/**
 * Automatic results sending after triage (issue #11, `autoSendResults`) through the real main
 * services (ingest queue, AI with the bundled v1 model) and a real Orthanc as the results node:
 * nothing while off; once per study while on; never for the SC we created coming back; a failure
 * published as "results not sent: …". Skipped with a message when Orthanc is not installed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { MainServices } from '../../../../../app/main/ipc/mainServices';
import type { Channel, EventPayload, RequestOf, ResponseOf } from '../../../../../app/shared/ipc/contract';
import type { PacsSettings } from '../../../../../app/shared/pacs/settings';
import { COMPREHENSIVE_SR, SECONDARY_CAPTURE } from '../../../../../app/shared/pacs/resultObjects';
import { dicomWebPluginSkipReason, freePort, startOrthanc, type OrthancPeer } from '../../../../fixtures/orthanc';
import { writeTestStudy } from '../../../../fixtures/pacsStudies';
import { makeTempDir, requireTools } from '../../../../fixtures/tools';
import { createTestMainServices } from '../../ipc/testMainServices';

const skipReason = dicomWebPluginSkipReason();
if (skipReason) console.warn(`[skip] autoSendResults: ${skipReason}`);
const available = requireTools('Orthanc') && !skipReason;
const tmp = makeTempDir('cxr-pacs-autosend-');
const ctx = { shell: 'harness' as const };

describe.skipIf(!available)('pacs: automatic results sending after triage, with Orthanc', () => {
  let orthanc: OrthancPeer;
  let services: MainServices;
  let settings: PacsSettings;
  const outcomes: EventPayload<'pacs:resultsSent'>[] = [];

  async function call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const result = await services.router.dispatch(channel, request, ctx);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value as ResponseOf<C>;
  }

  /** SOP Class UIDs of what Orthanc holds for a study. */
  async function sopClassesInOrthanc(studyInstanceUid: string): Promise<string[]> {
    const ids = await orthanc.rest<string[]>('POST', '/tools/find', JSON.stringify({ Level: 'Instance', Query: { StudyInstanceUID: studyInstanceUid } }));
    const classes = await Promise.all(ids.map(async (id) => (await orthanc.restBytes(`/instances/${id}/metadata/SopClassUid`)).toString().trim()));
    return classes.sort();
  }

  /** Imports one file through the app's ingest queue, then waits for any automatic sending. */
  async function ingest(path: string): Promise<string> {
    const outcome = await services.worklist.queue.add(path, 'import');
    await services.pacs.autoSend.idle();
    return outcome.status;
  }

  beforeAll(async () => {
    orthanc = await startOrthanc();
    const closedPort = await freePort();
    settings = {
      nodes: [
        { id: 'orthanc', name: 'Orthanc', kind: 'dimse', aeTitle: orthanc.aeTitle, host: '127.0.0.1', port: orthanc.dicomPort, callingAeTitle: 'CXR_TRIAGE' },
        { id: 'closed', name: 'Closed', kind: 'dimse', aeTitle: 'NOBODY', host: '127.0.0.1', port: closedPort, callingAeTitle: 'CXR_TRIAGE' },
      ],
      resultsNodeId: 'orthanc',
      uidRoot: '1.2.826.0.1.3680043.10.998',
    };
    services = createTestMainServices(join(tmp.dir, 'user-data'), {
      databasePath: join(tmp.dir, 'user-data', 'worklist.sqlite'),
      pacs: { retrieveDir: join(tmp.dir, 'user-data', 'retrieved'), autoSendSettleMs: 50 },
      ai: { defaultModelPath: join(__dirname, '../../../../../models/cxr-tri-v1/model.json') },
    });
    services.events.subscribe((event, payload) => {
      if (event === 'pacs:resultsSent') outcomes.push(payload as EventPayload<'pacs:resultsSent'>);
    });
    for (let i = 0; i < 600 && services.ai.status().state === 'loading'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(services.ai.status().state).toBe('ready');
  }, 90_000);
  afterAll(async () => {
    await services?.close();
    await orthanc?.stop();
    tmp.cleanup();
  });

  it('sends nothing while autoSendResults is off', async () => {
    expect((await call('pacs:configure', { settings })).problems).toEqual([]);
    const study = writeTestStudy(join(tmp.dir, 'off'), { patientName: 'AUTO^OFF', patientId: 'AO1' });
    expect(await ingest(study.files[0])).toBe('triaged');
    await new Promise((r) => setTimeout(r, 200));
    expect(await sopClassesInOrthanc(study.studyInstanceUid)).toEqual([]);
    expect(outcomes).toEqual([]);
  }, 60_000);

  it('when on, sends a triaged study\'s SR and SC once: a later instance of the study sends nothing more', async () => {
    expect((await call('pacs:configure', { settings: { ...settings, autoSendResults: true } })).problems).toEqual([]);
    const study = writeTestStudy(join(tmp.dir, 'on'), { patientName: 'AUTO^ON', patientId: 'AN1', instances: 2 });
    expect(await ingest(study.files[0])).toBe('triaged');
    expect(await sopClassesInOrthanc(study.studyInstanceUid)).toEqual([COMPREHENSIVE_SR, SECONDARY_CAPTURE].sort());
    expect(outcomes).toEqual([expect.objectContaining({ studyInstanceUid: study.studyInstanceUid, nodeId: 'orthanc', ok: true, message: expect.stringContaining('results sent to Orthanc') })]);
    expect(await ingest(study.files[1])).toBe('triaged');
    expect(await sopClassesInOrthanc(study.studyInstanceUid)).toEqual([COMPREHENSIVE_SR, SECONDARY_CAPTURE].sort());
    expect(outcomes).toHaveLength(1);
  }, 60_000);

  it('never sends for the Secondary Capture we created, coming back into the app', async () => {
    // A study not sent yet (triaged while off); its SC made by an explicit click, then re-imported.
    const study = writeTestStudy(join(tmp.dir, 'own'), { patientName: 'AUTO^OWN', patientId: 'AW1' });
    await call('pacs:configure', { settings });
    expect(await ingest(study.files[0])).toBe('triaged');
    const sent = await call('pacs:sendResults', { studyInstanceUid: study.studyInstanceUid });
    const sc = sent.sent.find((s) => s.kind === 'sc')!;
    const [orthancId] = await orthanc.rest<string[]>('POST', '/tools/find', JSON.stringify({ Level: 'Instance', Query: { SOPInstanceUID: sc.sopInstanceUid } }));
    const scPath = join(tmp.dir, 'own', 'our-sc.dcm');
    writeFileSync(scPath, await orthanc.restBytes(`/instances/${orthancId}/file`));
    await call('pacs:configure', { settings: { ...settings, autoSendResults: true } });
    const before = outcomes.length;
    expect(await ingest(scPath)).toBe('triaged');
    expect(await sopClassesInOrthanc(study.studyInstanceUid)).toHaveLength(2);
    expect(outcomes).toHaveLength(before);
  }, 60_000);

  it('a send that fails is published as "results not sent" with the reason', async () => {
    await call('pacs:configure', { settings: { ...settings, resultsNodeId: 'closed', autoSendResults: true } });
    const study = writeTestStudy(join(tmp.dir, 'fail'), { patientName: 'AUTO^FAIL', patientId: 'AF1' });
    expect(await ingest(study.files[0])).toBe('triaged');
    const failed = outcomes.at(-1)!;
    expect(failed).toMatchObject({ studyInstanceUid: study.studyInstanceUid, nodeId: 'closed', ok: false, code: 'CONNECTION_REFUSED', message: expect.stringMatching(/^results not sent: /) });
    expect(failed.message).not.toContain('AUTO^FAIL');
    expect(services.pacs.autoSend.outcomes().at(-1)).toEqual(failed);
  }, 60_000);
});
