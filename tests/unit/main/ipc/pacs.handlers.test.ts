/**
 * The `pacs:` channels (issue #11) against the real main services and a real Orthanc (Debian
 * `orthanc` + `orthanc-dicomweb`, tests/fixtures/orthanc.ts): settings saved and refused as data,
 * "Test" messages, search, a background retrieve whose instances are triaged and open in the
 * viewer, a retrieve that fails with a message, and the results sent back (SR + SC) and read back
 * from Orthanc. Skipped with a message when Orthanc is not installed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { MainServices } from '../../../../app/main/ipc/mainServices';
import { contract, type Channel, type EventPayload, type RequestOf, type ResponseOf } from '../../../../app/shared/ipc/contract';
import type { PacsSettings } from '../../../../app/shared/pacs/settings';
import { dicomWebPluginSkipReason, freePort, startOrthanc, type OrthancPeer } from '../../../fixtures/orthanc';
import { writeTestStudy, type TestStudy } from '../../../fixtures/pacsStudies';
import { makeTempDir, requireTools } from '../../../fixtures/tools';
import { createTestMainServices } from './testMainServices';

const skipReason = dicomWebPluginSkipReason();
if (skipReason) console.warn(`[skip] pacs.handlers: ${skipReason}`);
const available = requireTools('Orthanc') && !skipReason;
const tmp = makeTempDir('cxr-pacs-handlers-');
const ctx = { shell: 'harness' as const };

describe.skipIf(!available)('pacs: handlers with Orthanc', () => {
  let orthanc: OrthancPeer;
  let services: MainServices;
  let settings: PacsSettings;
  let chest: TestStudy;
  let other: TestStudy;
  let closedPort: number;
  const progress: EventPayload<'pacs:progress'>[] = [];
  const settingsPath = join(tmp.dir, 'user-data', 'pacs-settings.json');

  async function call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const result = await services.router.dispatch(channel, request, ctx);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    expect(contract[channel].response.safeParse(result.value).success, `${channel} response matches the contract`).toBe(true);
    return result.value as ResponseOf<C>;
  }

  beforeAll(async () => {
    orthanc = await startOrthanc();
    closedPort = await freePort();
    chest = writeTestStudy(join(tmp.dir, 'src', 'a'), { patientName: 'PACS^JANE', patientId: 'PX1', accessionNumber: 'ACC-PX1', studyDate: '20240105', modality: 'CR', instances: 2 });
    other = writeTestStudy(join(tmp.dir, 'src', 'b'), { patientName: 'PACS^JOHN', patientId: 'PX2', accessionNumber: 'ACC-PX2', studyDate: '20240210', modality: 'DX' });
    for (const s of [chest, other]) for (const f of s.files) await orthanc.upload(readFileSync(f));
    settings = {
      nodes: [
        { id: 'orthanc', name: 'Orthanc', kind: 'dimse', aeTitle: orthanc.aeTitle, host: '127.0.0.1', port: orthanc.dicomPort, callingAeTitle: 'CXR_TRIAGE' },
        { id: 'web', name: 'Orthanc web', kind: 'dicomweb', baseUrl: orthanc.dicomWebUrl, auth: { type: 'none' } },
        { id: 'closed', name: 'Closed', kind: 'dimse', aeTitle: 'NOBODY', host: '127.0.0.1', port: closedPort, callingAeTitle: 'CXR_TRIAGE' },
      ],
      resultsNodeId: 'web',
      uidRoot: '1.2.826.0.1.3680043.10.999',
    };
    services = createTestMainServices(join(tmp.dir, 'user-data'), {
      validateResponses: true,
      databasePath: join(tmp.dir, 'user-data', 'worklist.sqlite'),
      pacs: { settingsPath, retrieveDir: join(tmp.dir, 'user-data', 'retrieved') },
      ai: { defaultModelPath: join(__dirname, '../../../../models/cxr-tri-v1/model.json') },
    });
    services.events.subscribe((event, payload) => {
      if (event === 'pacs:progress') progress.push(payload as EventPayload<'pacs:progress'>);
    });
  }, 90_000);
  afterAll(async () => {
    await services?.close();
    await orthanc?.stop();
    tmp.cleanup();
  });

  it('starts with no nodes and the settings path; invalid settings change nothing and name the field', async () => {
    expect(await call('pacs:settings', {})).toEqual({ settings: { nodes: [] }, problems: [], settingsPath });
    const bad = await call('pacs:configure', { settings: { nodes: [{ ...settings.nodes[0], port: 70000 }, { ...settings.nodes[1], baseUrl: 'ftp://x' }] } });
    expect(bad.problems.join('\n')).toMatch(/nodes\[0\]\.port/);
    expect(bad.problems.join('\n')).toMatch(/nodes\[1\]\.baseUrl/);
    expect(bad.status.settings).toEqual({ nodes: [] });
    expect(existsSync(settingsPath)).toBe(false);
    const good = await call('pacs:configure', { settings });
    expect(good.problems).toEqual([]);
    expect(JSON.parse(readFileSync(settingsPath, 'utf8'))).toEqual(settings);
    expect((await call('pacs:settings', {})).settings).toEqual(settings);
  });

  it('Test answers with the round trip, or a refused port as data naming host and port', async () => {
    expect(await call('pacs:test', { nodeId: 'orthanc' })).toMatchObject({ ok: true, method: 'c-echo', message: expect.stringContaining('answered C-ECHO') });
    expect(await call('pacs:test', { nodeId: 'web' })).toMatchObject({ ok: true, method: 'qido-rs' });
    const refused = await call('pacs:test', { nodeId: 'closed' });
    expect(refused).toMatchObject({ ok: false, code: 'CONNECTION_REFUSED', message: expect.stringContaining(`127.0.0.1:${closedPort}`) });
    const unknown = await services.router.dispatch('pacs:test', { nodeId: 'nope' }, ctx);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NODE_NOT_FOUND' } });
  });

  it('finds CR/DX studies by patient, accession and date over DIMSE and DICOMweb', async () => {
    for (const nodeId of ['orthanc', 'web']) {
      const all = await call('pacs:find', { nodeId, query: {} });
      expect(all.studies.map((s) => s.studyInstanceUid).sort()).toEqual([chest.studyInstanceUid, other.studyInstanceUid].sort());
      // Orthanc's DICOMweb plugin matched no PN with a caret in it here (exact or wildcard): by ID there.
      const query = nodeId === 'orthanc' ? { patientName: 'PACS^JANE', modalities: ['CR', 'DX'] } : { patientId: 'PX1', modalities: ['CR', 'DX'] };
      const byName = await call('pacs:find', { nodeId, query });
      expect(byName.studies).toHaveLength(1);
      expect(byName.studies[0]).toMatchObject({ studyInstanceUid: chest.studyInstanceUid, patientId: 'PX1', accessionNumber: 'ACC-PX1' });
      const byDate = await call('pacs:find', { nodeId, query: { studyDateFrom: '20240201', studyDateTo: '20240229', patientId: '  ' } });
      expect(byDate.studies.map((s) => s.studyInstanceUid)).toEqual([other.studyInstanceUid]);
    }
    const wrongOrder = await services.router.dispatch('pacs:find', { nodeId: 'web', query: { studyDateFrom: '20240301', studyDateTo: '20240101' } }, ctx);
    expect(wrongOrder).toMatchObject({ ok: false, error: { code: 'INVALID_QUERY' } });
  });

  it('retrieves a study in the background: progress events, imported and triaged, opens by UID', async () => {
    const { jobId } = await call('pacs:retrieve', { nodeId: 'orthanc', studyInstanceUid: chest.studyInstanceUid });
    const final = await services.pacs.retrievals.whenFinished(jobId);
    expect(final).toMatchObject({ jobId, phase: 'done', method: 'c-get', received: 2, expected: 2, failed: 0 });
    const events = progress.filter((p) => p.jobId === jobId);
    expect(events[0].phase).toBe('running');
    expect(events.at(-1)).toMatchObject({ phase: 'done', received: 2 });
    const { studyKey } = await call('worklist:open', { studyInstanceUid: chest.studyInstanceUid });
    const { patient } = await call('studies:get', { studyKey });
    expect(patient).toMatchObject({ patientId: 'PX1', studies: [{ studyInstanceUid: chest.studyInstanceUid, numberOfImages: 2 }] });
    expect((await call('pacs:retrieves', {})).jobs.find((j) => j.jobId === jobId)).toMatchObject({ phase: 'done' });
    expect(await call('pacs:cancelRetrieve', { jobId })).toEqual({ cancelled: false });
  }, 60_000);

  it('retrieves over WADO-RS too', async () => {
    const { jobId } = await call('pacs:retrieve', { nodeId: 'web', studyInstanceUid: other.studyInstanceUid });
    expect(await services.pacs.retrievals.whenFinished(jobId)).toMatchObject({ phase: 'done', method: 'wado-rs', received: 1 });
  }, 60_000);

  it('a retrieve that cannot reach the PACS ends failed with the message, not a thrown error', async () => {
    const { jobId } = await call('pacs:retrieve', { nodeId: 'closed', studyInstanceUid: chest.studyInstanceUid });
    const final = await services.pacs.retrievals.whenFinished(jobId);
    expect(final).toMatchObject({ phase: 'failed', received: 0, code: 'CONNECTION_REFUSED', message: expect.stringContaining(`${closedPort}`) });
  });

  it('sends the study\'s result to the results node as SR + SC, readable back from Orthanc', async () => {
    for (let i = 0; i < 600 && services.ai.status().state === 'loading'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(services.ai.status().state).toBe('ready');
    const before = await orthanc.rest<string[]>('GET', '/instances');
    const sent = await call('pacs:sendResults', { studyInstanceUid: chest.studyInstanceUid });
    expect(sent).toMatchObject({ nodeId: 'web', method: 'stow-rs', node: expect.stringContaining('Orthanc web') });
    expect(sent.sent.map((s) => s.kind).sort()).toEqual(['sc', 'sr']);
    for (const s of sent.sent) expect(s.sopInstanceUid.startsWith('1.2.826.0.1.3680043.10.999.')).toBe(true);
    const after = await orthanc.rest<string[]>('GET', '/instances');
    expect(after.length - before.length).toBe(2);
    // Over DIMSE to a named node as well.
    expect(await call('pacs:sendResults', { studyInstanceUid: chest.studyInstanceUid, nodeId: 'orthanc' })).toMatchObject({ method: 'c-store' });
    const missing = await services.router.dispatch('pacs:sendResults', { studyInstanceUid: '1.2.3.4' }, ctx);
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  }, 120_000);
});
