import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { imageMs } from '../../../../../app/main/cli/commands/triage';
import type { DecodeService } from '../../../../../app/main/services/decoding/decodeService';
import type { InferenceHost } from '../../../../../app/main/services/inference/inferenceHost';
import { loadModelManifest } from '../../../../../app/main/services/inference/modelRegistry';
import { totalMs, TriageService, type TriageOutcome } from '../../../../../app/main/services/inference/triageService';
import type { ClassifyOutput } from '../../../../../app/shared/ai/inferenceProtocol';
import type { DecodedFrame } from '../../../../../app/shared/imaging/types';
import { makeTempDir } from '../../../../fixtures/tools';

// Issue #12: a triage result's time is the image's own processing (decode + preprocess + run with
// the CAM), never the time it waited behind other images. The fakes below behave like the real
// services where it matters: the decode pool and the inference worker each do one thing at a
// time, and the worker times preprocess and run itself, after its own queue.

const tmp = makeTempDir('cxr-triage-timing-');
afterAll(() => tmp.cleanup());
const model = await loadModelManifest(join(__dirname, '../../../../../models/cxr-tri-v2/model.json'));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs tasks one at a time, in order, like a one-worker pool or the single inference worker. */
function serial(): <T>(task: () => Promise<T>) => Promise<T> {
  let chain: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>) => {
    const next = chain.then(task);
    chain = next.catch(() => undefined);
    return next;
  };
}

function fakes(opts: { decodeMs: number; preprocessMs: number; runMs: number }) {
  const decodeSlot = serial();
  const workerSlot = serial();
  const rows = 8;
  const columns = 8;
  const decode = {
    decodeFrame: (path: string) =>
      decodeSlot(async () => {
        await sleep(opts.decodeMs);
        const pixels = new Uint16Array(rows * columns).fill(path.length);
        return { info: { rows, columns, samplesPerPixel: 1, photometricInterpretation: 'MONOCHROME2' }, pixels } as unknown as DecodedFrame;
      }),
  } as unknown as DecodeService;
  const host = {
    classify: () =>
      workerSlot(async (): Promise<ClassifyOutput> => {
        await sleep(opts.preprocessMs + opts.runMs);
        const labels = model.manifest.labels.length;
        return {
          probabilities: [0.2, 0.5, 0.3],
          logits: [0, 1, 0.5],
          ood: 0,
          cam: new Float32Array(labels * 4),
          camHeight: 2,
          camWidth: 2,
          letterbox: { size: 2, scale: 1, offsetX: 0, offsetY: 0, width: 2, height: 2 } as unknown as ClassifyOutput['letterbox'],
          preprocessMs: opts.preprocessMs,
          runMs: opts.runMs,
        };
      }),
  } as unknown as InferenceHost;
  // Every file gets its own pixel hash, so nothing is served from the cache.
  let n = 0;
  const hashPixels = async (pixels: DecodedFrame['pixels']) => ({ sha256: `hash-${++n}`, pixels });
  return { decode, host, hashPixels };
}

function files(count: number, prefix: string): string[] {
  return Array.from({ length: count }, (_, i) => {
    const path = join(tmp.dir, `${prefix}-${i}.png`);
    writeFileSync(path, `image ${i}`);
    return path;
  });
}

/** Queues every file at once; returns each outcome with the time from queueing to its result. */
async function triageAll(service: TriageService, paths: string[]): Promise<{ outcome: TriageOutcome; waitedMs: number }[]> {
  const queued = performance.now();
  return Promise.all(paths.map(async (path) => ({ outcome: await service.classifyFile(path), waitedMs: performance.now() - queued })));
}

describe('TriageService timings (issue #12)', () => {
  it('does not count the queue: with one image at a time, later images take no longer than the first', async () => {
    const step = { decodeMs: 20, preprocessMs: 10, runMs: 20 };
    const service = new TriageService({ ...fakes(step), model, concurrency: 1 });
    const results = await triageAll(service, files(6, 'serial'));
    const own = step.decodeMs + step.preprocessMs + step.runMs;
    const last = results[results.length - 1];
    // The last image waited behind five others (≥ 6 × 50 ms from queueing to result)…
    expect(last.waitedMs).toBeGreaterThanOrEqual(6 * own - 5);
    // …but its time is its own work only, like the first image's.
    for (const { outcome } of results) {
      expect(outcome.timings.preprocessMs).toBe(step.preprocessMs);
      expect(outcome.timings.runMs).toBe(step.runMs);
      expect(totalMs(outcome.timings)).toBeGreaterThanOrEqual(own - 2);
      expect(totalMs(outcome.timings)).toBeLessThan(2.5 * own);
    }
    expect(totalMs(last.outcome.timings)).toBeLessThan(last.waitedMs / 2);
  });

  it('does not count a wait for the decode pool: the decode clock starts when a decoder is free', async () => {
    // Two images in flight and a one-worker decode pool: without the gate, the second image's
    // decode would be timed from the moment it queued behind the first one in the pool.
    const step = { decodeMs: 60, preprocessMs: 2, runMs: 3 };
    const service = new TriageService({ ...fakes(step), model, concurrency: 2, decodeConcurrency: 1 });
    const results = await triageAll(service, files(5, 'pool'));
    for (const { outcome } of results) {
      expect(outcome.timings.decodeMs).toBeGreaterThanOrEqual(step.decodeMs - 2);
      expect(outcome.timings.decodeMs).toBeLessThan(1.6 * step.decodeMs);
    }
  });

  it('reports the work a cached result took, not the first computation', async () => {
    const step = { decodeMs: 30, preprocessMs: 5, runMs: 10 };
    const service = new TriageService({ ...fakes(step), model, concurrency: 1 });
    const [path] = files(1, 'cached');
    const first = await service.classifyFile(path);
    const again = await service.classifyFile(path);
    expect(first.cached).toBe(false);
    expect(again.cached).toBe(true);
    expect(again.timings).toEqual({ decodeMs: 0, preprocessMs: 0, runMs: 0 });
    expect(again.probabilities).toEqual(first.probabilities);
  });

  it("gives `cxr triage`'s ms as decode + preprocess + run + the CAM PNG, to 0.1 ms", () => {
    expect(imageMs({ timings: { decodeMs: 12.34, preprocessMs: 5.01, runMs: 20.02 } })).toBe(37.4);
    expect(imageMs({ timings: { decodeMs: 12.34, preprocessMs: 5.01, runMs: 20.02 } }, 3)).toBe(40.4);
  });
});
