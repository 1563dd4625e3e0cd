/**
 * One image through the AI (issue #4): decode (decode pool) → preprocess + session.run
 * (inference worker) → triage from the manifest's thresholds. Every heavy step runs on a
 * worker thread; this class only routes buffers and keeps the result cache.
 *
 * Cache: results are keyed by (pixel-data sha256, model sha256), so a new model version
 * recomputes and the same pixels in another file reuse the result. A second map from the
 * file's identity (path, size, mtime, frame) to its pixel hash makes reopening an image
 * instant without decoding it again.
 *
 * Timings (issue #12): `timings` is this image's own work — decode, preprocess, session.run
 * (which computes the Grad-CAM too) — never time spent waiting behind other images. The job
 * queue's wait is outside `process()`; preprocess and run are timed inside the inference
 * worker, after its own queue; and the decodes this service asks for go through a gate no
 * wider than the decode pool, so the clock around `decodeFrame` starts when a decoder is free
 * for this image rather than while the pool is still busy with the previous one.
 */
import { stat } from 'node:fs/promises';

import type { ClassifyOutput } from '../../../shared/ai/inferenceProtocol';
import type { Letterbox } from '../../../shared/ai/preprocess';
import type { StoredPixels } from '../../../shared/imaging/types';
import { triage } from '../../../shared/ai/postprocess';
import type { DecodeService } from '../decoding/decodeService';
import type { InferenceHost } from './inferenceHost';
import { JobQueue, type JobPriority, type JobProgress } from './jobQueue';
import { INFERENCE_TIMEOUT, WORKER_DIED } from './inferenceHost';
import type { ModelHandle } from './modelRegistry';

export type PriorityLabel = 'high' | 'medium' | 'low' | 'unreliable';

export interface TriageOutcome {
  /** Calibrated probabilities by label (covid, normal, pneumonia). */
  probabilities: Record<string, number>;
  label: string;
  /** 'unreliable' when the out-of-distribution guard fires: never ranked by probability. */
  priority: PriorityLabel;
  outOfDistribution: boolean;
  ood: number;
  cam: { data: Float32Array; classes: number; height: number; width: number; letterbox: Letterbox };
  rows: number;
  columns: number;
  model: { name: string; version: string; sha256: string };
  pixelSha256: string;
  /**
   * Milliseconds of this call's own work, queue waits excluded. A result reused from the cache
   * reports the work this call did (0 for preprocess and run), not the first computation's.
   */
  timings: TriageTimings;
  cached: boolean;
}

/** Per-image processing time in ms (issue #12); {@link totalMs} sums it. */
export interface TriageTimings {
  decodeMs: number;
  preprocessMs: number;
  runMs: number;
}

/** The image's own processing time: decode + preprocess + run (the CAM is a model output). */
export function totalMs(timings: TriageTimings): number {
  return timings.decodeMs + timings.preprocessMs + timings.runMs;
}

export interface TriageServiceOptions {
  decode: DecodeService;
  host: InferenceHost;
  model: ModelHandle;
  /** Images in flight at once: 2 overlaps decoding of one with inference of another. */
  concurrency?: number;
  /**
   * Decodes this service has in flight at once (default: `concurrency`). Set it to the decode
   * pool's size so an image's decode clock does not run while its request waits in the pool
   * behind another image's (the CLI does; the app's AI service runs one image at a time).
   */
  decodeConcurrency?: number;
  onProgress?: (progress: JobProgress) => void;
  /**
   * Sha256 of a frame's pixel bytes. Default: computed in the inference worker, off the main
   * loop (the pixels are transferred there and back). Tests and benchmarks may inject another.
   */
  hashPixels?: (pixels: StoredPixels) => Promise<{ sha256: string; pixels: StoredPixels }>;
  /** Cached results kept in memory (each holds a small CAM, ~2 KB); 0 disables the cache (benchmarks). */
  cacheEntries?: number;
}

export class TriageService {
  private readonly queue: JobQueue;
  private readonly results = new Map<string, TriageOutcome>();
  private readonly fileHashes = new Map<string, string>();
  private nextJob = 0;
  private decodesRunning = 0;
  private readonly decodeWaiters: (() => void)[] = [];

  constructor(private readonly options: TriageServiceOptions) {
    this.queue = new JobQueue({
      concurrency: options.concurrency ?? 2,
      retryableCodes: new Set([WORKER_DIED, INFERENCE_TIMEOUT]),
      onProgress: options.onProgress,
    });
  }

  get model(): ModelHandle {
    return this.options.model;
  }

  progress(): JobProgress {
    return this.queue.progress();
  }

  /** Triage one frame of a file. Interactive jobs (the image on screen) overtake background triage. */
  classifyFile(path: string, opts: { priority?: JobPriority; frame?: number; jobId?: string } = {}): Promise<TriageOutcome> {
    const jobId = opts.jobId ?? `job-${++this.nextJob}`;
    return this.queue.add(jobId, opts.priority ?? 'background', () => this.process(path, opts.frame ?? 0));
  }

  cancel(jobId: string): boolean {
    return this.queue.cancel(jobId);
  }

  cancelAll(): number {
    return this.queue.cancelAll();
  }

  private resultKey(pixelSha256: string): string {
    return `${pixelSha256}:${this.options.model.manifest.sha256}`;
  }

  private async process(path: string, frame: number): Promise<TriageOutcome> {
    const info = await stat(path);
    const fileKey = `${path}\0${info.size}\0${info.mtimeMs}\0${frame}`;
    const knownHash = this.options.cacheEntries === 0 ? undefined : this.fileHashes.get(fileKey);
    const known = knownHash ? this.results.get(this.resultKey(knownHash)) : undefined;
    if (known) return { ...known, cached: true, timings: { decodeMs: 0, preprocessMs: 0, runMs: 0 } };

    const { decoded, decodeMs } = await this.timedDecode(path, frame);
    const { rows, columns, samplesPerPixel, photometricInterpretation } = decoded.info;
    const hash = this.options.hashPixels ?? ((p: StoredPixels) => this.options.host.hashPixels(p));
    const { sha256: pixelSha256, pixels } = await hash(decoded.pixels);
    this.fileHashes.set(fileKey, pixelSha256);
    const cachedResult = this.results.get(this.resultKey(pixelSha256));
    if (cachedResult) return { ...cachedResult, rows, columns, cached: true, timings: { decodeMs, preprocessMs: 0, runMs: 0 } };

    // After decoding, YBR and palette colour are RGB already (decode service contract).
    const photometric = samplesPerPixel === 3 ? 'RGB' : photometricInterpretation;
    const output = await this.options.host.classify(pixels, rows, columns, samplesPerPixel, photometric);
    const outcome = this.toOutcome(output, rows, columns, pixelSha256, decodeMs);
    this.remember(this.resultKey(pixelSha256), outcome);
    return outcome;
  }

  /** Decodes one frame through the gate; the clock starts once this image holds a decode slot. */
  private async timedDecode(path: string, frame: number): Promise<{ decoded: Awaited<ReturnType<DecodeService['decodeFrame']>>; decodeMs: number }> {
    const limit = Math.max(1, this.options.decodeConcurrency ?? this.options.concurrency ?? 2);
    while (this.decodesRunning >= limit) await new Promise<void>((resolve) => this.decodeWaiters.push(resolve));
    this.decodesRunning++;
    try {
      const t0 = performance.now();
      const decoded = await this.options.decode.decodeFrame(path, frame);
      return { decoded, decodeMs: performance.now() - t0 };
    } finally {
      this.decodesRunning--;
      this.decodeWaiters.shift()?.();
    }
  }

  private toOutcome(output: ClassifyOutput, rows: number, columns: number, pixelSha256: string, decodeMs: number): TriageOutcome {
    const { manifest } = this.options.model;
    const verdict = triage(output.probabilities, output.ood, manifest);
    const probabilities: Record<string, number> = {};
    manifest.labels.forEach((label, i) => (probabilities[label] = output.probabilities[i]));
    return {
      probabilities,
      label: verdict.label,
      priority: verdict.unreliable ? 'unreliable' : (verdict.priority ?? 'low'),
      outOfDistribution: verdict.unreliable,
      ood: output.ood,
      cam: { data: output.cam, classes: manifest.labels.length, height: output.camHeight, width: output.camWidth, letterbox: output.letterbox },
      rows,
      columns,
      model: { name: manifest.name, version: manifest.version, sha256: manifest.sha256 },
      pixelSha256,
      timings: { decodeMs, preprocessMs: output.preprocessMs, runMs: output.runMs },
      cached: false,
    };
  }

  private remember(key: string, outcome: TriageOutcome): void {
    const limit = this.options.cacheEntries ?? 5000;
    if (limit === 0) return;
    if (this.results.size >= limit) {
      const oldest = this.results.keys().next().value;
      if (oldest !== undefined) this.results.delete(oldest);
    }
    this.results.set(key, outcome);
  }
}
