/**
 * DecodeService over a small pool of worker_threads (issue #2: decoding runs off the main
 * event loop). Pattern of Signal's MainSQL (STYLE.md §3): a typed request union with sequence
 * numbers, a promise per request, restart on exit. Each task has a time limit: a hung worker
 * is terminated and replaced and the task fails with DECODE_TIMEOUT; a worker that dies fails
 * only its own task (WORKER_CRASHED) and is replaced. Logs name files by a hash, never a path.
 */
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DecodedFrame } from '../../../shared/imaging/types';
import type { TagNode } from '../../../shared/ipc/contract';
import { CodedError } from '../../../shared/result';
import { workerScript } from '../workerScript';
import type { DecodeReply, DecodeRequest, DecodeWorkerData } from './decodeProtocol';
import type { DecodeService, FileIdentity, InstanceHeader, Thumbnail } from './decodeService';
import { baseName, DecodeErrorCode } from './decodeErrors';

/** Per-task time limit unless configured (issue #2 "nothing hangs"). */
export const DEFAULT_TASK_TIMEOUT_MS = 20_000;

export interface DecodePoolOptions {
  /** Worker count; default max(1, min(2, cpus − 1)). */
  size?: number;
  /** Per-task time limit in ms; default {@link DEFAULT_TASK_TIMEOUT_MS}. */
  taskTimeoutMs?: number;
  /** Path of the worker bundle; default dist/workers/decode.worker.js found by workerScript(). */
  workerPath?: string;
  /** Enables the worker's fault-injection requests (tests only). */
  testHooks?: boolean;
  /** Log sink; lines never contain paths or patient data. Default: none. */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** A DecodeService plus the raw request entry point the tests use. */
export interface DecodePool extends DecodeService {
  /** Sends a request (without seq) and resolves with the worker's value. */
  request<T>(req: DistributiveOmit<DecodeRequest, 'seq'>, label?: string): Promise<T>;
  /** Workers started so far (replacements included), for tests and diagnostics. */
  readonly workersStarted: number;
}

type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;

interface Task {
  req: DecodeRequest;
  label: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  task?: Task;
  timer?: NodeJS.Timeout;
  /** Set when we terminate the worker ourselves, so its exit is not reported as a crash. */
  retired: boolean;
}

/** A short hash naming a file in logs (never the path, which may contain patient names). */
export function fileHash(path: string): string {
  return createHash('sha256').update(path).digest('hex').slice(0, 12);
}

/** Import work, which the user's own requests overtake. */
function isBulk(op: DecodeRequest['op']): boolean {
  return op === 'readHeader' || op === 'identify';
}

/** Creates the pool. Workers start lazily, on the first requests. */
export function createDecodePool(options: DecodePoolOptions = {}): DecodePool {
  const size = Math.max(1, options.size ?? Math.max(1, Math.min(2, cpus().length - 1)));
  const timeoutMs = options.taskTimeoutMs ?? DEFAULT_TASK_TIMEOUT_MS;
  const log = options.log ?? (() => {});
  const slots: Slot[] = [];
  const queue: Task[] = [];
  let seq = 0;
  let started = 0;
  let closed = false;
  let scriptPath: string | undefined = options.workerPath;

  function spawn(): Slot {
    scriptPath ??= workerScript('decode.worker');
    const workerData: DecodeWorkerData = { testHooks: options.testHooks };
    const worker = new Worker(scriptPath, { workerData });
    started++;
    const slot: Slot = { worker, retired: false };
    worker.on('message', (msg: DecodeReply) => onMessage(slot, msg));
    worker.on('error', (err) => onDeath(slot, `worker error: ${err.message.slice(0, 200)}`));
    worker.on('exit', (code) => onDeath(slot, `worker exited with code ${code}`));
    // Idle workers must not keep the process (CLI, tests) alive.
    worker.unref();
    return slot;
  }

  function finish(slot: Slot): Task | undefined {
    const task = slot.task;
    slot.task = undefined;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.worker.unref();
    return task;
  }

  function onMessage(slot: Slot, msg: DecodeReply): void {
    if (msg.type === 'log') {
      log(msg.level, msg.message);
      return;
    }
    const task = slot.task;
    if (!task || task.req.seq !== msg.seq) return; // a late reply of a timed-out task
    finish(slot);
    if (msg.ok) task.resolve(msg.value);
    else task.reject(new CodedError(msg.error.code, msg.error.message));
    pump();
  }

  function replace(slot: Slot): void {
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
    if (!closed && queue.length > 0) pump();
  }

  function onDeath(slot: Slot, why: string): void {
    if (slot.retired) return;
    slot.retired = true;
    const task = finish(slot);
    void slot.worker.terminate();
    if (task) {
      log('error', `decode worker died during ${task.req.op} of file ${task.label}: ${why}`);
      task.reject(new CodedError(DecodeErrorCode.WORKER_CRASHED, `${displayName(task)}: the decoder stopped unexpectedly (${why}); the file was skipped`));
    }
    replace(slot);
  }

  function onTimeout(slot: Slot): void {
    const task = finish(slot);
    slot.retired = true;
    void slot.worker.terminate();
    if (task) {
      log('warn', `decode ${task.req.op} of file ${task.label} exceeded ${timeoutMs} ms; worker replaced`);
      task.reject(new CodedError(DecodeErrorCode.DECODE_TIMEOUT, `${displayName(task)}: decoding took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`));
    }
    replace(slot);
  }

  function pump(): void {
    while (!closed && queue.length > 0) {
      let slot = slots.find((s) => !s.task && !s.retired);
      if (!slot) {
        if (slots.length >= size) return;
        try {
          slot = spawn();
        } catch (err) {
          // The worker bundle is missing: fail queued tasks with a clear message instead of hanging.
          const message = err instanceof Error ? err.message : String(err);
          for (const t of queue.splice(0)) t.reject(new CodedError(DecodeErrorCode.DECODER_UNAVAILABLE, message));
          return;
        }
        slots.push(slot);
      }
      const task = queue.shift()!;
      slot.task = task;
      slot.worker.ref();
      const s = slot;
      slot.timer = setTimeout(() => onTimeout(s), timeoutMs);
      slot.worker.postMessage(task.req);
    }
  }

  function request<T>(req: DistributiveOmit<DecodeRequest, 'seq'>, label = ''): Promise<T> {
    if (closed) return Promise.reject(new CodedError(DecodeErrorCode.DECODER_CLOSED, 'the decoder is closed'));
    return new Promise<T>((resolve, reject) => {
      const task: Task = { req: { ...req, seq: ++seq } as DecodeRequest, label, resolve: resolve as (v: unknown) => void, reject };
      // Header reads and identifications are bulk import work; pixels, thumbnails and tags are
      // for what the user is looking at. Those overtake every waiting bulk task (first come,
      // first served among themselves), so opening an image never waits behind a thousand-file
      // import (issue #2).
      const firstBulk = isBulk(req.op) ? -1 : queue.findIndex((t) => isBulk(t.req.op));
      if (firstBulk === -1) queue.push(task);
      else queue.splice(firstBulk, 0, task);
      pump();
    });
  }

  function displayName(task: Task): string {
    return 'path' in task.req ? baseName(task.req.path) : task.req.op;
  }

  return {
    get workersStarted() {
      return started;
    },
    request,
    readHeader: (path) => request<InstanceHeader>({ op: 'readHeader', path }, fileHash(path)),
    identify: (path) => request<FileIdentity>({ op: 'identify', path }, fileHash(path)),
    decodeFrame: (path, frame) => request<DecodedFrame>({ op: 'decodeFrame', path, frame }, fileHash(path)),
    thumbnail: (path, size) => request<Thumbnail>({ op: 'thumbnail', path, size }, fileHash(path)),
    tags: (path) => request<TagNode[]>({ op: 'tags', path }, fileHash(path)),
    async close() {
      if (closed) return;
      closed = true;
      for (const t of queue.splice(0)) t.reject(new CodedError(DecodeErrorCode.DECODER_CLOSED, 'the decoder was closed'));
      await Promise.all(
        slots.splice(0).map(async (slot) => {
          slot.retired = true;
          const task = finish(slot);
          task?.reject(new CodedError(DecodeErrorCode.DECODER_CLOSED, 'the decoder was closed'));
          await slot.worker.terminate();
        }),
      );
    },
  };
}
