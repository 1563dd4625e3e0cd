/**
 * Messages between the decode pool (main thread) and decode workers (STYLE.md §3, after
 * Signal's MainSQL): a typed request union with a sequence number; replies carry either a
 * value or a serialized error; workers forward log lines instead of printing.
 */
import type { AppError } from '../../../shared/result';

export type DecodeRequest =
  | { seq: number; op: 'readHeader'; path: string }
  | { seq: number; op: 'identify'; path: string }
  | { seq: number; op: 'decodeFrame'; path: string; frame: number }
  | { seq: number; op: 'thumbnail'; path: string; size: number }
  | { seq: number; op: 'tags'; path: string }
  /** Fault injection for the pool's tests; only honoured when the worker starts with testHooks. */
  | { seq: number; op: 'debug:hang' }
  | { seq: number; op: 'debug:crash' };

export type DecodeOp = DecodeRequest['op'];

export type DecodeReply =
  | { type: 'result'; seq: number; ok: true; value: unknown }
  | { type: 'result'; seq: number; ok: false; error: AppError & { name?: string; stack?: string } }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

/** workerData of a decode worker. */
export interface DecodeWorkerData {
  testHooks?: boolean;
}
