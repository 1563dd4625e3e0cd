/**
 * The worklist store as main uses it: every call goes to the worklist worker
 * (worklist.worker.ts), which owns the SQLite connection, and comes back as a promise. After
 * Signal's MainSQL (STYLE.md §3): sequence-numbered requests, errors as data, restart on exit.
 *
 * Calls run one at a time in the worker, in the order they were made, so a caller that awaits
 * `addInstance` and then `recordAiResult` sees its own writes in order. A worker that dies
 * fails the calls in flight (DB_WORKER_CRASHED; committed rows are safe: every write is one
 * transaction) and the next call starts a new one.
 */
import { Worker } from 'node:worker_threads';

import { CodedError } from '../../../shared/result';
import { workerScript } from '../workerScript';
import { WORKLIST_METHODS, type AsyncWorklistStore, type WorklistMethod, type WorklistReply, type WorklistRequest, type WorklistWorkerData } from './worklistProtocol';

export interface WorklistClientOptions {
  /** Database file (`--db`), or `:memory:`. */
  path: string;
  busyTimeoutMs?: number;
  /** Path of the worker bundle; default dist/workers/worklist.worker.js found by workerScript(). */
  workerPath?: string;
  /** Log sink; lines never contain paths or patient data. */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Enables the worker's fault injection (tests only). */
  testHooks?: boolean;
}

/** The store's methods as promises, plus the worker's lifecycle. */
export interface WorklistClient extends AsyncWorklistStore {
  /** Closes the database and stops the worker; later calls fail with DB_CLOSED. */
  close(): Promise<void>;
  /** Workers started so far (restarts included), for tests and diagnostics. */
  readonly workersStarted: number;
  /** Sends a raw request (tests: fault injection). */
  request(req: Omit<WorklistRequest, 'seq'> & { method: WorklistRequest['method'] }): Promise<unknown>;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** Creates the client; the worker starts on the first call. */
export function createWorklistClient(options: WorklistClientOptions): WorklistClient {
  const log = options.log ?? (() => {});
  const pending = new Map<number, Pending>();
  let worker: Worker | undefined;
  let seq = 0;
  let started = 0;
  let closed = false;

  function spawn(): Worker {
    const workerData: WorklistWorkerData = { path: options.path, busyTimeoutMs: options.busyTimeoutMs, testHooks: options.testHooks };
    const w = new Worker(options.workerPath ?? workerScript('worklist.worker'), { workerData });
    started++;
    w.on('message', (msg: WorklistReply) => {
      if (msg.type === 'log') {
        log(msg.level, msg.message);
        return;
      }
      const call = pending.get(msg.seq);
      if (!call) return;
      pending.delete(msg.seq);
      if (msg.ok) call.resolve(msg.value);
      else call.reject(new CodedError(msg.error.code, msg.error.message));
      if (pending.size === 0) w.unref();
    });
    const died = (why: string): void => {
      if (worker !== w) return;
      worker = undefined;
      if (!closed) log('error', `worklist database worker stopped: ${why}`);
      for (const call of pending.values()) call.reject(new CodedError('DB_WORKER_CRASHED', `the worklist database stopped unexpectedly (${why}); try again`));
      pending.clear();
    };
    w.on('error', (err) => died(`worker error: ${err.message.slice(0, 200)}`));
    w.on('exit', (code) => died(`exit code ${code}`));
    return w;
  }

  function send(req: WorklistRequest): Promise<unknown> {
    if (closed) return Promise.reject(new CodedError('DB_CLOSED', 'the worklist database is closed'));
    worker ??= spawn();
    const w = worker;
    return new Promise((resolve, reject) => {
      pending.set(req.seq, { resolve, reject });
      // An idle client must not keep a process (CLI, tests) alive; a call in flight must.
      w.ref();
      w.postMessage(req);
    });
  }

  const client = {
    get workersStarted() {
      return started;
    },
    request: (req: { method: WorklistRequest['method'] }) => send({ ...req, seq: ++seq } as WorklistRequest),
    async close() {
      if (closed) return;
      const w = worker;
      if (w) {
        await send({ seq: ++seq, method: 'close' }).catch(() => undefined);
        closed = true;
        worker = undefined;
        await w.terminate();
      }
      closed = true;
    },
  } as WorklistClient;
  for (const method of WORKLIST_METHODS) {
    (client as unknown as Record<WorklistMethod, (...args: unknown[]) => Promise<unknown>>)[method] = (...args: unknown[]) => send({ seq: ++seq, method, args });
  }
  return client;
}
