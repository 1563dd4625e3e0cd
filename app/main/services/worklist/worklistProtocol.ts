/**
 * Messages between the worklist client (main thread) and the worklist database worker, after
 * Signal's MainSQL (STYLE.md §3): a typed request naming one {@link WorklistStore} method, a
 * sequence number, replies carrying a value or a serialized error, and forwarded log lines.
 */
import type { AppError } from '../../../shared/result';
import type { WorklistStore } from './worklistStore';

/** The store methods the worker answers; nothing else crosses (no raw SQL, no `db`). */
export const WORKLIST_METHODS = [
  'isKnownPath',
  'addInstance',
  'recordIngestFailure',
  'pendingInstances',
  'recordAiResult',
  'recordInstanceFailure',
  'recordReview',
  'auditTrail',
  'worklist',
  'worklistEntry',
  'priorityCounts',
  'studyFilePaths',
  'studySummary',
  'dataVersion',
  'counts',
  'archivePatients',
  'archiveStudy',
  'archivePriors',
  'resolveInstance',
  'studyKeyOfUid',
  'removeStudy',
  'receivedFiles',
  'markPurged',
  'previousStudies',
  'thumbnail',
  'putThumbnail',
] as const;

export type WorklistMethod = (typeof WORKLIST_METHODS)[number];

type Method<M extends WorklistMethod> = WorklistStore[M] extends (...args: infer A) => infer R ? (...args: A) => R : never;

/**
 * Some of the store's methods, either as the store has them (synchronous, in-process: tests,
 * `cxr worklist`) or as the worker client has them (promises). Services that use the store
 * take this type and `await` every call, so both work.
 */
export type WorklistStoreLike<M extends WorklistMethod> = {
  [K in M]: (...args: Parameters<Method<K>>) => ReturnType<Method<K>> | Promise<ReturnType<Method<K>>>;
};

/** Every method as a promise: what the worker client offers. */
export type AsyncWorklistStore = {
  [K in WorklistMethod]: (...args: Parameters<Method<K>>) => Promise<ReturnType<Method<K>>>;
};

export type WorklistRequest =
  | { seq: number; method: WorklistMethod; args: unknown[] }
  | { seq: number; method: 'close' }
  /** Fault injection for the client's tests; only honoured when the worker starts with testHooks. */
  | { seq: number; method: 'debug:crash' };

export type WorklistReply =
  | { type: 'result'; seq: number; ok: true; value: unknown }
  | { type: 'result'; seq: number; ok: false; error: AppError }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

/** workerData of the worklist worker. */
export interface WorklistWorkerData {
  /** Database file, or `:memory:`. */
  path: string;
  busyTimeoutMs?: number;
  testHooks?: boolean;
}
