/**
 * `cxr pacs echo|find|get` and `cxr send-results` (issue #11) in-process, against a real Orthanc,
 * with the real model: a retrieved study is imported and triaged into the worklist database, and
 * its result goes back to Orthanc as an SR and an SC.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from '../../../../app/main/cli/cxr';
import { parseDateRange } from '../../../../app/main/cli/commands/pacs';
import { dicomWebPluginSkipReason, freePort, startOrthanc, type OrthancPeer } from '../../../fixtures/orthanc';
import { writeTestStudy, type TestStudy } from '../../../fixtures/pacsStudies';
import { makeTempDir, requireTools } from '../../../fixtures/tools';

const tmp = makeTempDir('cxr-pacs-cli-');
afterAll(() => tmp.cleanup());

async function cxr(...argv: string[]): Promise<{ code: number; lines: Record<string, unknown>[]; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, lines: stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), stderr };
}

describe('cxr pacs argument parsing', () => {
  it('reads date ranges', () => {
    expect(parseDateRange('20240101')).toEqual({ studyDateFrom: '20240101', studyDateTo: '20240101' });
    expect(parseDateRange('20240101-20240131')).toEqual({ studyDateFrom: '20240101', studyDateTo: '20240131' });
    expect(parseDateRange('-20240131')).toEqual({ studyDateTo: '20240131' });
    expect(() => parseDateRange('2024')).toThrow(/YYYYMMDD/);
  });

  it('refuses an unknown subcommand and a node that is not configured (exit 2, error JSON on stderr)', async () => {
    expect((await cxr('pacs', 'frobnicate')).code).toBe(2);
    const settings = join(tmp.dir, 'empty.json');
    writeFileSync(settings, JSON.stringify({ nodes: [] }));
    const r = await cxr('pacs', 'echo', 'nope', '--settings', settings);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error.code).toBe('NODE_NOT_FOUND');
  });

  it('refuses invalid settings, naming the field', async () => {
    const settings = join(tmp.dir, 'bad.json');
    writeFileSync(settings, JSON.stringify({ nodes: [{ id: 'x', name: 'X', kind: 'dimse', aeTitle: 'A\\B', host: 'h', port: 104, callingAeTitle: 'C' }] }));
    const r = await cxr('pacs', 'echo', 'x', '--settings', settings);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error).toMatchObject({ code: 'SETTINGS_INVALID', message: expect.stringContaining('nodes[0].aeTitle') });
  });
});

const skipReason = dicomWebPluginSkipReason();
describe.skipIf(!requireTools('Orthanc', 'dsr2html') || !!skipReason)('cxr pacs and cxr send-results with Orthanc', () => {
  let orthanc: OrthancPeer;
  let study: TestStudy;
  let settings: string;
  const db = join(tmp.dir, 'worklist.sqlite');

  beforeAll(async () => {
    orthanc = await startOrthanc();
    study = writeTestStudy(join(tmp.dir, 'src'), { patientName: 'CLI^PATIENT', patientId: 'C1', accessionNumber: 'CACC', studyDate: '20240115', instances: 2, rows: 256 });
    for (const f of study.files) await orthanc.upload(readFileSync(f));
    settings = join(tmp.dir, 'pacs-settings.json');
    writeFileSync(
      settings,
      JSON.stringify({
        nodes: [
          { id: 'orthanc', name: 'Orthanc', kind: 'dimse', aeTitle: orthanc.aeTitle, host: '127.0.0.1', port: orthanc.dicomPort, callingAeTitle: 'CXR_TRIAGE' },
          { id: 'web', name: 'Orthanc web', kind: 'dicomweb', baseUrl: orthanc.dicomWebUrl },
          { id: 'closed', name: 'Closed', kind: 'dimse', aeTitle: 'X', host: '127.0.0.1', port: await freePort(), callingAeTitle: 'CXR_TRIAGE' },
        ],
        resultsNodeId: 'web',
        uidRoot: '1.2.826.0.1.3680043.10.4242',
      }),
    );
  }, 60_000);
  afterAll(async () => {
    await orthanc?.stop();
  });

  it('pacs echo: one JSON line, exit 0; a refused port exits 2 with the message on stderr', async () => {
    const ok = await cxr('pacs', 'echo', 'orthanc', '--settings', settings);
    expect(ok.code).toBe(0);
    expect(ok.lines).toEqual([{ echo: { node: 'orthanc', ok: true, ms: expect.any(Number), method: 'c-echo' } }]);
    const refused = await cxr('pacs', 'echo', 'closed', '--settings', settings);
    expect(refused.code).toBe(2);
    expect(refused.lines).toEqual([]);
    expect(JSON.parse(refused.stderr).error).toMatchObject({ code: 'CONNECTION_REFUSED', message: expect.stringContaining('Connection refused') });
  });

  it('pacs find: one line per study, then the count', async () => {
    const r = await cxr('pacs', 'find', 'web', '--patient-id', 'C1', '--date', '20240101-20240131', '--settings', settings);
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([expect.objectContaining({ studyInstanceUid: study.studyInstanceUid, patientName: 'CLI^PATIENT', accessionNumber: 'CACC' }), { found: 1, truncated: false }]);
  });

  it('pacs get: retrieves by C-GET, imports and triages each instance into the worklist, exit 0', async () => {
    const r = await cxr('pacs', 'get', 'orthanc', study.studyInstanceUid, '--dir', join(tmp.dir, 'retrieved'), '--db', db, '--cpu', '--settings', settings);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = r.lines.filter((l) => 'event' in l);
    expect(events.filter((l) => l.event === 'received')).toHaveLength(2);
    expect(events.filter((l) => l.event === 'triaged')).toHaveLength(2);
    expect(r.lines.at(-1)).toMatchObject({ retrieved: { complete: true, received: 2, expected: 2, files: 2, ingest: { triaged: 2 } } });
    const list = await cxr('worklist', '--db', db);
    expect(list.lines).toEqual([expect.objectContaining({ studyInstanceUid: study.studyInstanceUid })]);
  }, 120_000);

  it('send-results: the worklist study goes back as SR + SC in new series of the same study', async () => {
    const r = await cxr('send-results', study.studyInstanceUid, '--db', db, '--cpu', '--settings', settings, '--out', join(tmp.dir, 'sent'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const sent = (r.lines[0] as { sent: { node: string; method: string; study: string; objects: { kind: string; sopInstanceUid: string }[] } }).sent;
    expect(sent).toMatchObject({ node: 'web', method: 'stow-rs', study: study.studyInstanceUid });
    expect(sent.objects.map((o) => o.kind)).toEqual(['sr', 'sc']);
    for (const o of sent.objects) expect(o.sopInstanceUid.startsWith('1.2.826.0.1.3680043.10.4242.')).toBe(true);
    const found = await orthanc.rest<{ MainDicomTags: { Modality: string } }[]>('POST', '/tools/find', JSON.stringify({ Level: 'Series', Expand: true, Query: { StudyInstanceUID: study.studyInstanceUid } }));
    expect(found.map((s) => s.MainDicomTags.Modality).sort()).toEqual(['CR', 'OT', 'SR']);
  }, 120_000);
});
