/**
 * The `worklist:` handlers over a real SQLite database in a temp folder, the real ingest
 * queue and archive queries, with a scripted decode service and AI (so the COVID probability
 * and the out-of-distribution flag of every fixture are known).
 */
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { EventHub } from '../../../../app/main/ipc/events';
import { IpcRouter } from '../../../../app/main/ipc/handle';
import { registerWorklistHandlers, WorklistImports } from '../../../../app/main/ipc/worklist.handlers';
import { IngestQueue, type IngestTriage } from '../../../../app/main/services/ingest/ingestQueue';
import { openWorklistDb, type WorklistDatabase } from '../../../../app/main/services/worklist/worklistDb';
import { WorklistStore } from '../../../../app/main/services/worklist/worklistStore';
import type { Channel, EventName, RequestOf, ResponseOf, WorklistRow } from '../../../../app/shared/ipc/contract';
import { contract } from '../../../../app/shared/ipc/contract';
import { makeTempDir } from '../../../fixtures/tools';
import { createFakeDecodeService, writeFake } from '../services/studies/fakeDecodeService';
import { aiResult, sampleInstance } from '../services/worklist/storeFixtures';

const ctx = { shell: 'harness' as const };

/** COVID probability per file name; "ood" files are out of distribution. */
const SCRIPT: Record<string, { covid: number; ood?: boolean }> = {
  'low.dcm': { covid: 0.1 },
  'high.dcm': { covid: 0.9 },
  'mid.dcm': { covid: 0.5 },
  'tie.dcm': { covid: 0.5 },
  'odd.dcm': { covid: 0.95, ood: true },
};

function scriptedTriage(delayMs = 0): IngestTriage {
  return {
    async classifyFile(path) {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      const s = SCRIPT[path.split('/').pop()!];
      if (!s) throw Object.assign(new Error('cannot classify'), { code: 'TRIAGE_FAILED' });
      return aiResult(s.covid, s.ood ? { outOfDistribution: true, priority: 'unreliable', ood: 0.99 } : {});
    },
  };
}

let tmp: ReturnType<typeof makeTempDir>;
let db: WorklistDatabase;
let router: IpcRouter;
let events: EventHub;
let imports: WorklistImports;
let queue: IngestQueue;
let archive: WorklistStore;
let seen: EventName[];
let clock: number;

function setUp(triage: IngestTriage): void {
  db = openWorklistDb(join(tmp.dir, 'worklist.sqlite'));
  // A clock that advances per call: arrival order is the order files were added.
  const store = new WorklistStore(db, () => ++clock);
  archive = store;
  events = new EventHub();
  seen = [];
  events.subscribe((event) => seen.push(event));
  const decode = createFakeDecodeService();
  queue = new IngestQueue({ store, files: decode, triage, concurrency: 1 });
  imports = new WorklistImports({ queue, emit: events.emit, progressIntervalMs: 0 });
  router = new IpcRouter({ validateResponses: true });
  registerWorklistHandlers(router, {
    store,
    imports,
    decode,
    ai: { classify: () => Promise.reject(new Error('no AI')), status: () => ({}) as never },
    emit: events.emit,
    now: () => new Date('2026-01-02T03:04:05Z'),
  });
}

function writeStudies(): string {
  const dir = join(tmp.dir, 'in');
  let n = 0;
  for (const name of Object.keys(SCRIPT)) {
    n++;
    writeFake(join(dir, name), {
      patientName: `PATIENT^${name.replace('.dcm', '').toUpperCase()}`,
      patientId: `ID-${n}`,
      studyInstanceUid: `1.9.${n}`,
      seriesInstanceUid: `1.9.${n}.1`,
      sopInstanceUid: `1.9.${n}.1.1`,
      studyDate: `2024010${n}`,
      modality: n === 1 ? 'CR' : 'DX',
    });
  }
  return dir;
}

async function callOk<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const result = await router.dispatch(channel, request, ctx);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return contract[channel].response.parse(result.value) as ResponseOf<C>;
}

async function importAll(): Promise<void> {
  const { jobId } = await callOk('worklist:import', { paths: [writeStudies()] });
  await imports.whenFinished(jobId);
}

beforeEach(() => {
  tmp = makeTempDir('cxr-worklist-ipc-');
  clock = 1000;
});
afterEach(async () => {
  await imports?.close();
  await queue?.close();
  db?.close();
  tmp.cleanup();
});

describe('worklist handlers', () => {
  it('lists the out-of-distribution study on top, then COVID highest first, ties by earliest arrival', async () => {
    setUp(scriptedTriage());
    await importAll();
    const { entries, counts } = await callOk('worklist:list', {});
    expect(entries.map((e) => e.patientName)).toEqual(['PATIENT^ODD', 'PATIENT^HIGH', expect.any(String), expect.any(String), 'PATIENT^LOW']);
    // MID and TIE share 0.5: the earlier arrival comes first (the folder walk decides which that is).
    expect([entries[2].patientName, entries[3].patientName].sort()).toEqual(['PATIENT^MID', 'PATIENT^TIE']);
    expect(entries[2].arrivalMs).toBeLessThan(entries[3].arrivalMs);
    expect(entries.map((e) => e.group)).toEqual(['needs-human-triage', 'ranked', 'ranked', 'ranked', 'ranked']);
    expect(counts).toEqual({ unreliable: 1, high: 1, medium: 2, low: 1, none: 0 });
    expect(JSON.stringify(entries)).not.toContain(tmp.dir);
  });

  it('sorts by a column and filters by priority, status, date range, modality and search in SQL', async () => {
    setUp(scriptedTriage());
    await importAll();
    const byName = await callOk('worklist:list', { sort: { column: 'patientName', direction: 'asc' } });
    expect(byName.entries[0].patientName).toBe('PATIENT^HIGH');
    const medium = await callOk('worklist:list', { filter: { priority: ['medium'] } });
    expect(medium.entries.map((e) => e.patientName).sort()).toEqual(['PATIENT^MID', 'PATIENT^TIE']);
    // The header's counts ignore the priority filter itself (every badge keeps its number).
    expect(medium.counts.high).toBe(1);
    const cr = await callOk('worklist:list', { filter: { modality: ['CR'] } });
    expect(cr.entries.map((e) => e.patientName)).toEqual(['PATIENT^LOW']);
    const dated = await callOk('worklist:list', { filter: { dateFrom: '20240102', dateTo: '20240103' } });
    expect(dated.entries).toHaveLength(2);
    const searched = await callOk('worklist:list', { filter: { search: 'id-5' } });
    expect(searched.entries.map((e) => e.patientName)).toEqual(['PATIENT^ODD']);
    const triaged = await callOk('worklist:list', { filter: { status: ['reviewed'] } });
    expect(triaged.entries).toEqual([]);
  });

  it('reports progress to done and announces the change', async () => {
    setUp(scriptedTriage());
    const progress: unknown[] = [];
    events.subscribe((event, payload) => event === 'worklist:progress' && progress.push(payload));
    await importAll();
    expect(progress.at(-1)).toMatchObject({ phase: 'done', total: 5, done: 5, failed: 0, etaSeconds: null });
    expect(progress[0]).toMatchObject({ phase: 'scanning' });
    expect(seen).toContain('worklist:changed');
  });

  it('cancels a running import: it ends as cancelled with fewer files done', async () => {
    setUp(scriptedTriage(20));
    const dir = writeStudies();
    // More files than the import keeps in flight (8), so cancelling leaves some never started.
    for (let i = 0; i < 20; i++) writeFake(join(dir, 'more', `x${i}.dcm`), { studyInstanceUid: `1.8.${i}`, seriesInstanceUid: `1.8.${i}.1`, sopInstanceUid: `1.8.${i}.1.1` });
    const { jobId } = await callOk('worklist:import', { paths: [dir] });
    await new Promise((r) => setTimeout(r, 50));
    expect(await callOk('worklist:cancelImport', { jobId })).toEqual({ cancelled: true });
    const final = await imports.whenFinished(jobId);
    expect(final).toMatchObject({ phase: 'cancelled' });
    expect(final!.done).toBeLessThan(25);
    expect(await callOk('worklist:cancelImport', { jobId })).toEqual({ cancelled: false });
  });

  it('marks reviewed and escalated with the note, and refuses an escalation without a note', async () => {
    setUp(scriptedTriage());
    await importAll();
    const [first] = (await callOk('worklist:list', {})).entries;
    const reviewed = await callOk('worklist:review', { studyInstanceUid: first.studyInstanceUid, action: 'reviewed', reviewer: 'nurse a' });
    expect(reviewed.entry).toMatchObject({ status: 'reviewed', reviewer: 'nurse a' } satisfies Partial<WorklistRow>);
    const refused = await router.dispatch('worklist:review', { studyInstanceUid: first.studyInstanceUid, action: 'escalated' }, ctx);
    expect(refused.ok ? undefined : refused.error.code).toBe('INVALID_REVIEW');
    const escalated = await callOk('worklist:review', { studyInstanceUid: first.studyInstanceUid, action: 'escalated', note: 'call the ward' });
    expect(escalated.entry).toMatchObject({ status: 'escalated', note: 'call the ward', reviewer: 'local user' });
  });

  it('opens a study: the study key of the same archive row comes back', async () => {
    setUp(scriptedTriage());
    await importAll();
    const { studyKey } = await callOk('worklist:open', { studyInstanceUid: '1.9.2' });
    // The worklist and the viewer read one archive (issue #10): the key opens the same study.
    expect(archive.archiveStudy(studyKey)?.patient.studies[0].studyInstanceUid).toBe('1.9.2');
    const unknown = await router.dispatch('worklist:open', { studyInstanceUid: '7.7' }, ctx);
    expect(unknown.ok ? undefined : unknown.error.code).toBe('NOT_FOUND');
  });

  it('exports the filtered list as CSV with the not-for-diagnosis line first', async () => {
    setUp(scriptedTriage());
    await importAll();
    const { csv, fileName } = await callOk('worklist:exportCsv', { filter: { priority: ['medium'] } });
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('# AI prioritisation only — not for diagnosis');
    expect(lines.filter((l) => !l.startsWith('#'))).toHaveLength(3); // header + 2 medium rows
    expect(fileName).toBe('worklist-20260102-030405.csv');
  });

  it('renders a summary PNG from the stored result when the AI gives no heatmap', async () => {
    setUp(scriptedTriage());
    await importAll();
    const { png, fileName } = await callOk('worklist:summaryPng', { studyInstanceUid: '1.9.2' });
    const image = PNG.sync.read(Buffer.from(png));
    expect(image.width).toBeGreaterThanOrEqual(2);
    expect(fileName).toMatch(/^summary-[0-9a-f]{12}\.png$/);
  });

  it('sorts and filters 10,000 studies in main within the issue #5 budget (figures logged)', async () => {
    setUp(scriptedTriage());
    const store = new WorklistStore(db, () => ++clock);
    db.transaction(() => {
      for (let n = 1; n <= 10_000; n++) {
        const added = store.addInstance(sampleInstance(n, { patientName: `PATIENT^${(n * 7919) % 10_000}`, studyDate: `2024${String((n % 12) + 1).padStart(2, '0')}15` }));
        if (added.added) store.recordAiResult(added.instanceId, aiResult(((n * 37) % 1000) / 1000, n % 50 === 0 ? { outOfDistribution: true, priority: 'unreliable' } : {}));
      }
    })();
    const timings: Record<string, number> = {};
    const time = async (name: string, request: RequestOf<'worklist:list'>) => {
      const result = await callOk('worklist:list', request);
      timings[name] = result.ms;
      return result;
    };
    timings.coldFirstQuery = (await callOk('worklist:list', {})).ms;
    const all = await time('default', {});
    expect(all.entries).toHaveLength(10_000);
    expect(all.entries[0].group).toBe('needs-human-triage');
    await time('byName', { sort: { column: 'patientName', direction: 'asc' } });
    await time('highOnly', { filter: { priority: ['high'] } });
    await time('search', { filter: { search: 'PATIENT^12' } });
    console.info(`worklist:list over 10,000 studies (ms in main): ${JSON.stringify(timings)}`);
    // Issue #5 asks < 100 ms; the bound here leaves room for a loaded CI machine.
    for (const ms of Object.values(timings)) expect(ms).toBeLessThan(400);
  }, 60_000);
});
