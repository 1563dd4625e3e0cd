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
}

type StoppedState = { kind: 'stopped' };
type RunningState = { kind: 'running'; worker: Worker; ready: Promise<LoadedModelInfo> };

/** Raised for every request pending when the worker died; the queue retries these once. */
export const WORKER_DIED = 'INFERENCE_WORKER_DIED';
export const INFERENCE_TIMEOUT = 'INFERENCE_TIMEOUT';

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

  async close(): Promise<void> {
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.state.kind === 'running') {
      const { worker } = this.state;
      this.state = { kind: 'stopped' };
      await worker.terminate();
    }
    this.failAll(new CodedError('INFERENCE_CLOSED', 'the inference service was shut down'));
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
          // session.run cannot be interrupted: terminating the thread is the only way out.
          this.pending.delete(seq);
          reject(new CodedError(INFERENCE_TIMEOUT, `inference took longer than ${timeoutMs} ms and was stopped`));
          if (this.state.kind === 'running') void this.state.worker.terminate();
        }, timeoutMs);
      }
      this.pending.set(seq, entry);
      if (this.state.kind === 'running') this.state.worker.postMessage(message, transfer);
      else this.queued.push({ request: message, transfer });
    });
  }

  private flushQueued(worker: Worker): void {
    for (const { request, transfer } of this.queued.splice(0)) worker.postMessage(request, transfer);
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
    this.failAll(new CodedError(WORKER_DIED, `the inference worker stopped unexpectedly (exit code ${code})`));
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

  private failAll(err: Error): void {
    for (const [seq, entry] of this.pending) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.reject(err);
      this.pending.delete(seq);
    }
    this.queued.length = 0;
  }
}
