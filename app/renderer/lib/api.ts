/**
 * The renderer's single way to reach main: `window.api` when the Electron preload
 * defined it (contextBridge), else the browser harness client (HTTP + WebSocket to the
 * same main-process services, STYLE.md §2). The renderer never imports electron/node.
 */
import type { AppError } from '../../shared/result';
import type { Channel, PreloadApi, RequestOf, ResponseOf } from '../../shared/ipc/contract';
import { createHarnessClient } from './harnessClient';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in the browser harness. */
    api?: PreloadApi;
  }
}

let current: PreloadApi | undefined;

/** The API of this window (created once). */
export function getApi(): PreloadApi {
  current ??= window.api ?? createHarnessClient();
  return current;
}

/** Replaces the API (unit tests, storybook-like pages). */
export function setApi(api: PreloadApi): void {
  current = api;
}

/** An IPC failure as a thrown value, for code that prefers try/catch over Result. */
export class IpcError extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
    this.name = 'IpcError';
  }
}

/** Invokes a channel and returns its value, throwing {@link IpcError} on `{ok:false}`. */
export async function invokeOrThrow<C extends Channel>(api: PreloadApi, channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const result = await api.invoke(channel, request);
  if (!result.ok) throw new IpcError(result.error);
  return result.value;
}

/** The error of a rejected call as data (transport failures included). */
export function errorOf(err: unknown): AppError {
  if (err instanceof IpcError) return err.error;
  return { code: 'IPC_FAILED', message: err instanceof Error ? err.message : String(err) };
}
