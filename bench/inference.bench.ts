/**
 * Inference pipeline benchmark (issue #4), medians over several runs, side by side:
 *  1. end to end for one 3000×2500 16-bit JPEG Lossless SV1 DICOM: decode → preprocess → run → CAM;
 *  2. the pipeline around session.run (preprocessing, transfers, postprocessing) against the bare
 *     session.run time measured inside the worker in the same calls;
 *  3. batch triage of BENCH_BATCH (default 1000) 1024×1024 8-bit PNGs through the same service
 *     as `cxr triage`: images per second and RSS after 100 images vs after the batch.
 * Run: npx tsx bench/inference.bench.ts   (BENCH_BATCH=200 for a quick run)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';

import { createTriageRuntime } from '../app/main/cli/commands/triage';
import { TriageService } from '../app/main/services/inference/triageService';
import { loadModelManifest, findDefaultModel } from '../app/main/services/inference/modelRegistry';
import { writeDicom } from '../tests/fixtures/dicomWriter';
import { makeChestImage } from '../tests/fixtures/syntheticImages';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x: number): number => Math.round(x * 10) / 10;
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cxr-bench-inference-'));
  try {
    const runtime = await createTriageRuntime({ forceCpu: true });
    const model = await loadModelManifest(findDefaultModel(__dirname)!);
    // A service without a result cache, so every run recomputes.
    // A service without a result cache, so every run recomputes (the pixel hash still runs, as in the app).
    const uncached = new TriageService({ decode: runtime.decode, host: runtime.host, model, cacheEntries: 0, concurrency: 1 });

    // 1 + 2: the large radiograph.
    const rows = 3000;
    const columns = 2500;
    const values = makeChestImage({ rows, columns, bitsStored: 16, seed: 3, noise: 0.01 });
    const raw = join(dir, 'large-raw.dcm');
    writeFileSync(raw, writeDicom({ pixel: { rows, columns, bitsAllocated: 16, bitsStored: 16 }, pixelData: { native: values } }));
    const jpegLossless = join(dir, 'large-jpegll.dcm');
    execFileSync('dcmcjpeg', ['+e1', raw, jpegLossless]);
    const endToEnd: number[] = [];
    const decodeMs: number[] = [];
    const pipelineMs: number[] = [];
    const runMs: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const t0 = performance.now();
      const outcome = await uncached.classifyFile(jpegLossless, { priority: 'interactive' });
      const total = performance.now() - t0;
      if (i === 0) continue; // warm-up: WASM and worker start
      endToEnd.push(total);
      decodeMs.push(outcome.timings.decodeMs);
      pipelineMs.push(total - outcome.timings.decodeMs);
      runMs.push(outcome.timings.runMs);
    }
    const large = {
      bench: 'inference.endToEnd.3000x2500.jpegLosslessSV1',
      endToEndMedianMs: round(median(endToEnd)),
      decodeMedianMs: round(median(decodeMs)),
      classifyRoundTripMedianMs: round(median(pipelineMs)),
      bareSessionRunMedianMs: round(median(runMs)),
      pipelineOverheadPercent: round((100 * (median(pipelineMs) - median(runMs))) / median(runMs)),
      targetEndToEndMs: 150,
      targetOverheadPercent: 30,
    };
    console.log(JSON.stringify(large));

    // 3: batch of 1024×1024 PNGs.
    const batchDir = join(dir, 'batch');
    execFileSync('mkdir', ['-p', batchDir]);
    const side = 1024;
    for (let i = 0; i < BATCH; i++) {
      const img = makeChestImage({ rows: side, columns: side, bitsStored: 8, seed: 100 + i });
      const png = new PNG({ width: side, height: side, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
      png.data = Buffer.from(img.buffer, img.byteOffset, img.byteLength);
      writeFileSync(join(batchDir, `img-${String(i).padStart(4, '0')}.png`), PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false, deflateLevel: 1 }));
    }
    const started = performance.now();
    let rssAfter100 = 0;
    let done = 0;
    const inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < BATCH; i++) {
      inFlight.push(runtime.service.classifyFile(join(batchDir, `img-${String(i).padStart(4, '0')}.png`)));
      if (inFlight.length >= 4) {
        await inFlight.shift();
        done++;
        if (done === 100) rssAfter100 = process.memoryUsage().rss;
      }
    }
    await Promise.all(inFlight);
    const seconds = (performance.now() - started) / 1000;
    global.gc?.();
    const rssAfterBatch = process.memoryUsage().rss;
    console.log(
      JSON.stringify({
        bench: 'inference.batch.1024x1024.png',
        images: BATCH,
        imagesPerSecond: round(BATCH / seconds),
        rssAfter100MB: round(rssAfter100 / 2 ** 20),
        rssAfterBatchMB: round(rssAfterBatch / 2 ** 20),
        rssGrowthMB: round((rssAfterBatch - rssAfter100) / 2 ** 20),
        targetImagesPerSecond: 10,
        targetGrowthMB: 50,
      }),
    );
    await runtime.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
