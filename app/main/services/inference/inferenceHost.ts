/**
 * Main's side of the inference worker (issue #4): one long-lived worker_threads worker,
 * requests numbered like Signal Desktop's MainSQL, a promise per request, pixels and
 * tensors transferred. When the worker dies (a native crash, or a run past its time
 * limit, which can only be stopped by terminating the thread) every pending request fails
 * with a coded error and the worker is restarted with exponential backoff and the model
 * reloaded; the queue above decides whether to retry a job.
 */
import { Worker } from 'node:worker_threads';

import type {
  ClassifyOutput,
  ExecutionProviderName,
  InferenceReply,
  InferenceRequest,
  OutputTensor,
} from '../../../shared/ai/inferenceProtocol';
import type { ModelManifest } from '../../../shared/ai/modelManifest';
import type { PreprocessingSpec } from '../../../shared/ai/preprocess';
import type { StoredPixels } from '../../../shared/imaging/types';
import { CodedError } from '../../../shared/result';

export interface LoadedModelInfo {
  provider: ExecutionProviderName;
  fallbackReasons: string[];
}

export interface InferenceHostOptions {
  workerPath: string;
  modelPath: string;
  manifest: ModelManifest;
  executionProviders: ExecutionProviderName[];
  /** Longest a single run may take before the worker is terminated (default 30 s). */
  runTimeoutMs?: number;
  /** Restart delays: the n-th consecutive restart waits backoffMs[min(n, last)]. */
  backoffMs?: number[];
  intraOpThreads?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

interface Pending {
  resolve: (reply: InferenceReply) => void;
  reject: (err: Error) => void;
  timer?: NodeJS.Timeout;
  /** The worker the request went to (undefined while queued before the worker existed). */
  worker?: Worker;
}

type StoppedState = { kind: 'stopped' };
type RunningState = { kind: 'running'; worker: Worker; ready: Promise<LoadedModelInfo> };

/** Raised for every request pending when the worker died; the queue retries these once. */
export const WORKER_DIED = 'INFERENCE_WORKER_DIED';
export const INFERENCE_TIMEOUT = 'INFERENCE_TIMEOUT';

/** Resolves with the promise's value, or undefined after `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class InferenceHost {
  private state: StoppedState | RunningState = { kind: 'stopped' };
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private consecutiveRestarts = 0;
  private closed = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private loaded: LoadedModelInfo | null = null;
  /** How many times the worker was restarted after dying (for status and tests). */
  restarts = 0;

  constructor(private readonly options: InferenceHostOptions) {}

  /** The provider in use once the model is loaded (status bar). */
  get provider(): ExecutionProviderName | null {
    return this.loaded?.provider ?? null;
  }

  /** Starts the worker and loads the model; resolves with the provider that works. */
  start(): Promise<LoadedModelInfo> {
    if (this.closed) return Promise.reject(new CodedError('INFERENCE_CLOSED', 'the inference service is shut down'));
    if (this.state.kind === 'running') return this.state.ready;
    const worker = new Worker(this.options.workerPath);
    const ready = this.send({ type: 'load', seq: 0, ...this.loadRequest() }).then((reply) => {
      if (reply.type !== 'loaded') throw new CodedError('MODEL_LOAD_FAILED', `unexpected reply ${reply.type}`);
      this.loaded = { provider: reply.provider, fallbackReasons: reply.fallbackReasons };
      this.options.log?.('info', `model ${this.options.manifest.name} ${this.options.manifest.version} loaded on ${reply.provider}`);
      return this.loaded;
    });
    this.state = { kind: 'running', worker, ready };
    worker.on('message', (reply: InferenceReply) => this.onReply(reply));
    worker.on('error', (err) => this.options.log?.('error', `inference worker error: ${err.message}`));
    worker.on('exit', (code) => this.onExit(worker, code));
    // The load request was queued before the worker existed in `state`: post it now.
    this.flushQueued(worker);
    ready.catch(() => undefined);
    return ready;
  }

  /** Preprocesses and classifies one image in the worker. */
  async classify(pixels: StoredPixels, rows: number, columns: number, samplesPerPixel: 1 | 3, photometricInterpretation: string): Promise<ClassifyOutput> {
    await this.start();
    const reply = await this.send(
      { type: 'classify', seq: 0, pixels, rows, columns, samplesPerPixel, photometricInterpretation },
      [pixels.buffer as ArrayBuffer],
      this.options.runTimeoutMs ?? 30_000,
    );
    if (reply.type !== 'classified') throw new CodedError('INFERENCE_FAILED', `unexpected reply ${reply.type}`);
    return reply.result;
  }

  /** SHA-256 of pixel bytes, computed in the worker (15 MB would stall the main loop ~25 ms); the pixels come back. */
  async hashPixels<T extends StoredPixels>(pixels: T): Promise<{ sha256: string; pixels: T }> {
    const reply = await this.send({ type: 'hash', seq: 0, pixels }, [pixels.buffer as ArrayBuffer], this.options.runTimeoutMs ?? 30_000);
    if (reply.type !== 'hashed') throw new CodedError('INFERENCE_FAILED', `unexpected reply ${reply.type}`);
    return { sha256: reply.sha256, pixels: reply.pixels as T };
  }

  /** A bare session.run on a prepared tensor (benchmarks, parity tests). */
  async run(input: Float32Array, dims: number[], outputNames: string[]): Promise<{ outputs: Record<string, OutputTensor>; runMs: number }> {
    await this.start();
    const reply = await this.send(
      { type: 'run', seq: 0, inputName: this.options.manifest.input.name, input, dims, outputNames },
      [input.buffer as ArrayBuffer],
      this.options.runTimeoutMs ?? 30_000,
    );
    if (reply.type !== 'result') throw new CodedError('INFERENCE_FAILED', `unexpected reply ${reply.type}`);
    return { outputs: reply.outputs, runMs: reply.runMs };
  }

  /** Test hook: makes the worker exit abruptly, as a native crash would. */
  crashWorkerForTest(): void {
    if (this.state.kind === 'running') this.state.worker.postMessage({ type: 'crash', seq: -1 } satisfies InferenceRequest);
  }

  /**
   * Stops the worker gracefully: waits for a model load in progress, lets the session be
   * released after the work before it, then lets the thread end. Terminating a thread while
   * onnxruntime is in native code aborts the whole process (uncaught Napi::Error), so
   * `terminate()` is only the fallback for a worker that does not end within `graceMs`.
   */
  async close(graceMs = 10_000): Promise<void> {
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.state.kind === 'running') {
      const { worker, ready } = this.state;
      await withTimeout(ready.catch(() => undefined), graceMs);
      await this.retire(worker, graceMs);
    }
    this.failAll(new CodedError('INFERENCE_CLOSED', 'the inference service was shut down'));
  }

  /** Detaches a worker, asks it to release its session and end, and waits (bounded) for it. */
  private async retire(worker: Worker, graceMs: number): Promise<void> {
    if (this.state.kind === 'running' && this.state.worker === worker) {
      this.state = { kind: 'stopped' };
      this.loaded = null;
    }
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'dispose', seq: ++this.seq, exit: true } satisfies InferenceRequest);
    if (!(await withTimeout(exited.then(() => true), graceMs))) await worker.terminate();
  }

  private loadRequest(): Omit<Extract<InferenceRequest, { type: 'load' }>, 'type' | 'seq'> {
    const { manifest } = this.options;
    const [, , height, width] = manifest.input.shape;
    return {
      modelPath: this.options.modelPath,
      executionProviders: this.options.executionProviders,
      warmup: { inputName: manifest.input.name, height, width },
      preprocessing: manifest.preprocessing as PreprocessingSpec,
      outputNames: {
        logits: manifest.outputs.logits.name,
        probabilities: manifest.outputs.probabilities.name,
        ood: manifest.outputs.ood.name,
        cam: manifest.outputs.cam.name,
      },
      labelCount: manifest.labels.length,
      intraOpThreads: this.options.intraOpThreads,
    };
  }

  private readonly queued: { request: InferenceRequest; transfer: ArrayBuffer[] }[] = [];

  private send(request: InferenceRequest, transfer: ArrayBuffer[] = [], timeoutMs?: number): Promise<InferenceReply> {
    const seq = ++this.seq;
    const message = { ...request, seq } as InferenceRequest;
    return new Promise<InferenceReply>((resolve, reject) => {
      const entry: Pending = { resolve, reject };
      if (timeoutMs) {
        entry.timer = setTimeout(() => {
          this.pending.delete(seq);
          reject(new CodedError(INFERENCE_TIMEOUT, `inference took longer than ${timeoutMs} ms and was stopped`));
          // session.run cannot be interrupted and the thread must not be terminated while it
          // runs: the stuck worker is retired (it ends once the run returns) and the next
          // request starts a fresh one. Requests queued behind the stuck run fail now.
          const stuck = entry.worker;
          if (stuck) {
            for (const [otherSeq, other] of this.pending) {
              if (other.worker !== stuck) continue;
              if (other.timer) clearTimeout(other.timer);
              this.pending.delete(otherSeq);
              other.reject(new CodedError(WORKER_DIED, 'the inference worker was restarted after a run past its time limit'));
            }
            this.restarts++;
            void this.retire(stuck, 60_000);
          }
        }, timeoutMs);
      }
      this.pending.set(seq, entry);
      if (this.state.kind === 'running') {
        entry.worker = this.state.worker;
        this.state.worker.postMessage(message, transfer);
      } else this.queued.push({ request: message, transfer });
    });
  }

  private flushQueued(worker: Worker): void {
    for (const { request, transfer } of this.queued.splice(0)) {
      const entry = this.pending.get(request.seq);
      if (entry) entry.worker = worker;
      worker.postMessage(request, transfer);
    }
  }

  private onReply(reply: InferenceReply): void {
    if (reply.type === 'log') {
      this.options.log?.(reply.level, `inference worker: ${reply.message}`);
      return;
    }
    const entry = this.pending.get(reply.seq);
    if (!entry) return; // timed out already
    this.pending.delete(reply.seq);
    if (entry.timer) clearTimeout(entry.timer);
    if (reply.type === 'error') entry.reject(new CodedError(reply.error.code, reply.error.message));
    else {
      this.consecutiveRestarts = 0;
      entry.resolve(reply);
    }
  }

  private onExit(worker: Worker, code: number): void {
    if (this.state.kind !== 'running' || this.state.worker !== worker) return;
    this.state = { kind: 'stopped' };
    this.loaded = null;
    this.failAll(new CodedError(WORKER_DIED, `the inference worker stopped unexpectedly (exit code ${code})`), worker);
    if (this.closed) return;
    const backoff = this.options.backoffMs ?? [100, 500, 2000, 5000];
    const delay = backoff[Math.min(this.consecutiveRestarts, backoff.length - 1)];
    this.consecutiveRestarts++;
    this.restarts++;
    this.options.log?.('warn', `inference worker exited with code ${code}; restarting in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.closed && this.state.kind === 'stopped') this.start().catch((err: Error) => this.options.log?.('error', `inference restart failed: ${err.message}`));
    }, delay);
  }

  /** Fails pending requests (those sent to `worker` only, when given). */
  private failAll(err: Error, worker?: Worker): void {
    for (const [seq, entry] of this.pending) {
      if (worker && entry.worker && entry.worker !== worker) continue;
      if (entry.timer) clearTimeout(entry.timer);
      entry.reject(err);
      this.pending.delete(seq);
    }
    if (!worker) this.queued.length = 0;
  }
}
