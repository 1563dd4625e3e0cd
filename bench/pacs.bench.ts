/**
 * PACS retrieve benchmark (issue #11), JSON lines on stdout: BENCH_N (default 100) CR studies of
 * one BENCH_ROWS × BENCH_COLUMNS (default 3000 × 2500, 16-bit, 15 MB) image each, the issue's
 * set, loaded into a real Orthanc, then retrieved one study at a time by C-GET
 *  - by our service (`retrieveStudy`, in this process: the app keeps running between retrieves),
 *    with and without the image-level C-FIND that lets it name missing instances;
 *  - by dcmtk's `getscu -S` (one process per study: how getscu is used),
 * alternating for BENCH_ROUNDS (default 3) rounds. Reports the median time per round of each and
 * the ratio ours / getscu (target ≤ 1.3).
 *
 * Then once, the app's own path (BENCH_APP=0 skips it): the real main services (archive
 * database, decode pool, the bundled model) with each instance handed to the ingest queue as it
 * lands, as a "Retrieve" click does; reports the retrieve wall time (now competing with triage for
 * the CPU) against the median getscu time, when the last study was triaged, and the lag from an
 * instance's arrival to its study being triaged and listed (median and worst).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { silentLogger } from '../app/main/ipc/log';
import { createMainServices } from '../app/main/ipc/mainServices';
import { createDecodePool } from '../app/main/services/decoding/decodePool';
import { findDefaultModel } from '../app/main/services/inference/modelRegistry';
import { retrieveStudy } from '../app/main/services/pacs/pacsService';
import type { DimseNode } from '../app/shared/pacs/settings';
import { CR_IMAGE_STORAGE, el, makeUid, writeDicom } from '../tests/fixtures/dicomWriter';
import { startOrthanc } from '../tests/fixtures/orthanc';
import { makeChestImage } from '../tests/fixtures/syntheticImages';
import { toolPath } from '../tests/fixtures/tools';

const run = promisify(execFile);
const N = Number(process.env.BENCH_N ?? 100);
const ROWS = Number(process.env.BENCH_ROWS ?? 3000);
const COLUMNS = Number(process.env.BENCH_COLUMNS ?? 2500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const emit = (line: Record<string, unknown>): void => console.log(JSON.stringify({ bench: 'pacs', ...line }));
const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'cxr-bench-pacs-'));
  const orthanc = await startOrthanc();
  try {
    const pixels = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored: 16, seed: 11 });
    const studies: string[] = [];
    let bytes = 0;
    for (let i = 0; i < N; i++) {
      const studyUid = makeUid(5_000_000 + i);
      const file = writeDicom({
        sopClassUid: CR_IMAGE_STORAGE,
        sopInstanceUid: makeUid(6_000_000 + i),
        pixel: { rows: ROWS, columns: COLUMNS, bitsStored: 16 },
        // One pixel differs per study: distinct pixel hashes, so the AI cache cannot answer for the triage.
        pixelData: { native: pixels.map((v, j) => (j === i ? (v + 1) & 0xffff : v)) },
        elements: [el('StudyInstanceUID', 'UI', studyUid), el('SeriesInstanceUID', 'UI', makeUid(7_000_000 + i)), el('Modality', 'CS', 'CR'), el('PatientID', 'LO', `B${i}`)],
      });
      bytes += file.length;
      await orthanc.upload(file);
      studies.push(studyUid);
    }
    emit({ studies: N, rows: ROWS, columns: COLUMNS, megabytes: round(bytes / 1e6) });
    const node: DimseNode = { id: 'bench', name: 'Orthanc', kind: 'dimse', aeTitle: orthanc.aeTitle, host: '127.0.0.1', port: orthanc.dicomPort, callingAeTitle: 'CXR_BENCH' };
    const times: Record<'ours' | 'oursWithList' | 'getscu', number[]> = { ours: [], oursWithList: [], getscu: [] };
    const fresh = (name: string): string => {
      const dir = join(work, name);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      return dir;
    };
    const getscu = toolPath('getscu');
    for (let r = 0; r < ROUNDS; r++) {
      let dir = fresh('getscu');
      let t0 = performance.now();
      for (const uid of studies) {
        await run(getscu, ['-S', '-aet', 'CXR_BENCH', '-aec', orthanc.aeTitle, '-k', 'QueryRetrieveLevel=STUDY', '-k', `StudyInstanceUID=${uid}`, '-od', dir, '127.0.0.1', String(orthanc.dicomPort)]);
      }
      times.getscu.push(performance.now() - t0);
      if (readdirSync(dir).length !== N) throw new Error(`getscu retrieved ${readdirSync(dir).length} of ${N}`);

      for (const [key, listInstances] of [
        ['ours', false],
        ['oursWithList', true],
      ] as const) {
        dir = fresh(key);
        t0 = performance.now();
        for (const uid of studies) {
          const outcome = await retrieveStudy(node, uid, { dir, listInstances });
          if (!outcome.complete) throw new Error(`retrieve failed: ${outcome.error?.message}`);
        }
        times[key].push(performance.now() - t0);
      }
      emit({ round: r + 1, getscuMs: round(times.getscu[r]), oursMs: round(times.ours[r]), oursWithListMs: round(times.oursWithList[r]) });
    }
    const g = median(times.getscu);
    emit({
      medianGetscuMs: round(g),
      medianOursMs: round(median(times.ours)),
      medianOursWithListMs: round(median(times.oursWithList)),
      ratio: round(median(times.ours) / g, 2),
      ratioWithList: round(median(times.oursWithList) / g, 2),
      target: 1.3,
      megabytesPerSecondOurs: round(bytes / 1e6 / (median(times.ours) / 1000)),
    });
    if (process.env.BENCH_APP !== '0') await benchAppPath(node, studies, fresh('app'), g);
  } finally {
    await orthanc.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** The app's retrieve path: instances go to the ingest queue as they land, and are triaged while the rest arrives. */
async function benchAppPath(node: DimseNode, studies: string[], dir: string, getscuMs: number): Promise<void> {
  const services = createMainServices({
    decode: createDecodePool({}),
    importDir: join(dir, 'imports'),
    databasePath: join(dir, 'archive.sqlite'),
    logger: silentLogger,
    shell: 'harness',
    version: 'bench',
    platform: process.platform,
    openDialog: async () => [],
    ai: { defaultModelPath: findDefaultModel(join(__dirname, '..', 'app', 'main')) },
  });
  try {
    const arrived = new Map<string, number>();
    const lags: number[] = [];
    const outcomes: Promise<unknown>[] = [];
    let triaged = 0;
    const t0 = performance.now();
    for (const uid of studies) {
      const outcome = await retrieveStudy(node, uid, {
        dir: join(dir, uid),
        onFile: (file) => {
          arrived.set(uid, performance.now());
          outcomes.push(
            services.worklist.queue.add(file.path, 'import').then((result) => {
              if (result.status !== 'triaged') throw new Error(`study ${uid}: ${result.status}${'error' in result ? ` ${result.error.message}` : ''}`);
              triaged++;
              lags.push(performance.now() - arrived.get(uid)!);
            }),
          );
        },
      });
      if (!outcome.complete) throw new Error(`retrieve failed: ${outcome.error?.message}`);
    }
    const retrievedMs = performance.now() - t0;
    await Promise.all(outcomes);
    const allTriagedMs = performance.now() - t0;
    const listed = await services.worklist.store.worklist();
    emit({
      app: true,
      studies: studies.length,
      triaged,
      listed: listed.length,
      retrieveMs: round(retrievedMs),
      ratioToGetscu: round(retrievedMs / getscuMs, 2),
      lastTriagedMs: round(allTriagedMs),
      medianArrivalToListedMs: round(median(lags)),
      worstArrivalToListedMs: round(Math.max(...lags)),
      provider: services.ai.status().provider,
    });
  } finally {
    await services.close();
  }
}

main().catch((err) => {
  writeFileSync(2, `${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
