/**
 * Study archive benchmarks (issue #10), JSON lines on stdout. An archive of BENCH_ARCHIVE_N
 * instances (default 100,000: 20,000 patients × 2 studies × 2–3 images, Patient IDs with an
 * issuer) in a SQLite file, beside a reference archive of 1,000 instances built the same way, so
 * the ratio shows whether a query's cost grows with the archive (medians of BENCH_ROUNDS = 31 runs):
 *  - the study browser listing one patient (by key, and by a Patient ID search): target < 50 ms;
 *  - finding a study's priors: target < 10 ms;
 *  - opening one study (files checked on disk), the default browser page (500 patients), and
 *    `cxr worklist`'s prior lookup for one row;
 *  - listing one patient through the database worker the app uses (query + copy to main);
 *  - a browser thumbnail (128 px) through `images:thumbnail` as the app runs it, for one 3000×2500
 *    12-bit chest radiograph (uncompressed, the cheapest file to render): served from the
 *    archive's stored PNG vs rendered from the file (the file's mtime changed each round), and
 *    the bytes stored per instance.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { IpcRouter } from '../app/main/ipc/handle';
import { registerImagesHandlers } from '../app/main/ipc/images.handlers';
import { createDecodePool } from '../app/main/services/decoding/decodePool';
import { instanceKeyOf } from '../app/main/services/worklist/archiveQueries';
import { createWorklistClient, type WorklistClient } from '../app/main/services/worklist/worklistClient';
import { openWorklistDb } from '../app/main/services/worklist/worklistDb';
import { WorklistStore } from '../app/main/services/worklist/worklistStore';
import { workerScript } from '../app/main/services/workerScript';
import { writeDicom } from '../tests/fixtures/dicomWriter';
import { makeChestImage } from '../tests/fixtures/syntheticImages';

const N = Number(process.env.BENCH_ARCHIVE_N ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 31);
const emit = (line: Record<string, unknown>): void => console.log(JSON.stringify({ bench: 'archive', ...line }));
const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;
const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Fills an archive with `n` instances: 2 studies per patient, 2 or 3 images per study. */
function buildArchive(path: string, n: number): { store: WorklistStore; patients: number } {
  const db = openWorklistDb(path);
  let clock = 1_700_000_000_000;
  const store = new WorklistStore(db, () => ++clock);
  let instance = 0;
  let patient = 0;
  db.transaction(() => {
    while (instance < n) {
      patient++;
      for (let study = 0; study < 2 && instance < n; study++) {
        const studyUid = `2.25.1${patient}.${study}`;
        const images = 2 + ((patient + study) % 2);
        for (let image = 0; image < images && instance < n; image++, instance++) {
          store.addInstance({
            kind: 'dicom',
            filePath: `/archive/p${patient}/s${study}/i${image}.dcm`,
            contentSha256: instance.toString(16).padStart(64, '0'),
            source: 'import',
            studyInstanceUid: studyUid,
            seriesInstanceUid: `${studyUid}.1`,
            sopInstanceUid: `${studyUid}.1.${image}`,
            patientName: `PATIENT^${String(patient).padStart(6, '0')}`,
            patientId: `MRN${String(patient).padStart(6, '0')}`,
            issuerOfPatientId: 'HOSP',
            studyDate: `20${String(18 + study * 3)}0${(patient % 9) + 1}15`,
            studyTime: '101500',
            modality: 'DX',
            instanceNumber: image + 1,
            numberOfFrames: 1,
          });
        }
      }
    }
  })();
  return { store, patients: patient };
}

function time(fn: () => unknown): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cxr-archive-bench-'));
  try {
    const built = performance.now();
    const big = buildArchive(join(dir, 'big.sqlite'), N);
    emit({ case: 'build', instances: N, patients: big.patients, seconds: round((performance.now() - built) / 1000, 1) });
    const small = buildArchive(join(dir, 'small.sqlite'), 1000);
    const archives = { big, small };

    // The same relative patient in both archives (the middle one), its newer study.
    const probes = Object.fromEntries(
      Object.entries(archives).map(([name, a]) => {
        const mrn = `MRN${String(Math.ceil(a.patients / 2)).padStart(6, '0')}`;
        const patient = a.store.archivePatients({ search: mrn }).patients[0];
        return [name, { mrn, patientKey: patient.patientKey, studyKey: patient.studies[0].studyKey, studyUid: patient.studies[0].studyInstanceUid! }];
      }),
    );
    const cases: Array<{ case: string; targetMs?: number; run: (a: WorklistStore, p: (typeof probes)['big']) => unknown }> = [
      { case: 'list one patient (by key)', targetMs: 50, run: (a, p) => a.archivePatients({ patientKey: p.patientKey }) },
      { case: 'list one patient (search by Patient ID)', targetMs: 50, run: (a, p) => a.archivePatients({ search: p.mrn }) },
      { case: 'find priors', targetMs: 10, run: (a, p) => a.archivePriors(p.studyKey) },
      { case: 'open one study (files checked)', run: (a, p) => a.archiveStudy(p.studyKey) },
      { case: 'previous study of a worklist row', run: (a, p) => a.previousStudies([p.studyUid]) },
      { case: 'browser page (500 patients)', run: (a) => a.archivePatients({ limit: 500 }) },
    ];
    for (const c of cases) {
      const ms: Record<string, number> = {};
      for (const [name, a] of Object.entries(archives)) {
        const p = probes[name];
        c.run(a.store, p); // warm the statement and the page cache
        ms[name] = median(Array.from({ length: ROUNDS }, () => time(() => c.run(a.store, p))));
      }
      emit({
        case: c.case,
        instances: N,
        medianMs: round(ms.big, 3),
        reference1kMs: round(ms.small, 3),
        ratioToReference: round(ms.big / ms.small),
        ...(c.targetMs ? { targetMs: c.targetMs, met: ms.big < c.targetMs } : {}),
      });
    }
    for (const a of Object.values(archives)) a.store.db.close();

    // The app's path: the query on the database worker, the answer copied back to main.
    const client = createWorklistClient({ path: join(dir, 'big.sqlite'), workerPath: workerScript('worklist.worker') });
    const p = probes.big;
    await client.archivePatients({ patientKey: p.patientKey });
    const viaWorker = median(await (async () => {
      const out: number[] = [];
      for (let i = 0; i < ROUNDS; i++) out.push(await timeAsync(() => client.archivePatients({ patientKey: p.patientKey })));
      return out;
    })());
    const priorsViaWorker = median(await (async () => {
      const out: number[] = [];
      for (let i = 0; i < ROUNDS; i++) out.push(await timeAsync(() => client.archivePriors(p.studyKey)));
      return out;
    })());
    await benchThumbnails(client, dir);
    await client.close();
    const stored = openWorklistDb(join(dir, 'big.sqlite'), { readonly: true });
    const { bytes } = stored.prepare('SELECT length(png) AS bytes FROM thumbnails WHERE size = 128').get() as { bytes: number };
    stored.close();
    emit({ case: 'thumbnail stored per instance (128 px, PNG)', bytes, rgbaBytes: thumbnailRgbaBytes });
    emit({ case: 'list one patient via the database worker', instances: N, medianMs: round(viaWorker, 3), targetMs: 50, met: viaWorker < 50 });
    emit({ case: 'find priors via the database worker', instances: N, medianMs: round(priorsViaWorker, 3), targetMs: 10, met: priorsViaWorker < 10 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let thumbnailRgbaBytes = 0;

/** `images:thumbnail` over the archive (worker) and the decode pool: stored vs rendered, medians. */
async function benchThumbnails(client: WorklistClient, dir: string): Promise<void> {
  const rows = 2500;
  const columns = 3000;
  const file = join(dir, 'chest.dcm');
  writeFileSync(
    file,
    writeDicom({ sopInstanceUid: '2.25.4242', pixel: { rows, columns, bitsStored: 12 }, pixelData: { native: makeChestImage({ rows, columns, bitsStored: 12 }) } }),
  );
  const added = await client.addInstance({
    kind: 'dicom', filePath: file, contentSha256: 'c'.repeat(64), source: 'import',
    studyInstanceUid: '2.25.4240', seriesInstanceUid: '2.25.4241', sopInstanceUid: '2.25.4242', numberOfFrames: 1,
  });
  const instanceId = instanceKeyOf(added.instanceId);
  const pool = createDecodePool({ size: 1 });
  const router = new IpcRouter();
  registerImagesHandlers(router, { archive: client, decode: pool });
  const ctx = { shell: 'harness' as const };
  /** One request's time; the store's fire-and-forget write is waited for outside it. */
  const request = async (): Promise<number> => {
    const started = performance.now();
    const r = await router.dispatch('images:thumbnail', { instanceId, size: 128 }, ctx);
    const ms = performance.now() - started;
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    thumbnailRgbaBytes = (r.value as { rgba: ArrayBuffer }).rgba.byteLength;
    await client.dataVersion(); // queued behind the write on the worker
    return ms;
  };
  try {
    // Rendering a 3000×2500 frame takes a while: fewer rounds than the queries.
    const renderRounds = Math.min(ROUNDS, 11);
    let stamp = 1_700_000_000;
    const rendered: number[] = [];
    for (let i = 0; i <= renderRounds; i++) {
      utimesSync(file, ++stamp, stamp); // another mtime: the stored one no longer matches
      const ms = await request();
      if (i > 0) rendered.push(ms); // the first warms the decode worker
    }
    const fromDb: number[] = [];
    await request();
    for (let i = 0; i < ROUNDS; i++) fromDb.push(await request());
    const render = median(rendered);
    const stored = median(fromDb);
    emit({ case: 'thumbnail rendered from the file (128 px, 3000×2500)', medianMs: round(render, 2), rounds: renderRounds });
    emit({ case: 'thumbnail served from the archive (128 px)', medianMs: round(stored, 3), instances: N, renderToStored: round(render / stored, 1) });
  } finally {
    await pool.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
