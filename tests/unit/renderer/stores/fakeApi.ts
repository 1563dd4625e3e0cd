/** A scripted PreloadApi for store tests: records calls, answers from handlers, emits events. */
import type { Channel, EventName, EventPayload, IpcResult, PreloadApi, RequestOf } from '../../../../app/shared/ipc/contract';

export type Handlers = { [C in Channel]?: (request: RequestOf<C>) => IpcResult<C> | Promise<IpcResult<C>> };

export interface FakeApi extends PreloadApi {
  calls: { channel: Channel; request: unknown }[];
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

export function createFakeApi(handlers: Handlers, options: { pathForFile?: (f: File) => string | undefined } = {}): FakeApi {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const api: FakeApi = {
    calls: [],
    async invoke(channel, request) {
      api.calls.push({ channel, request });
      const handler = handlers[channel] as ((r: unknown) => unknown) | undefined;
      if (!handler) return { ok: false, error: { code: 'NOT_HANDLED', message: `${channel} not scripted` } } as never;
      return (await handler(request)) as never;
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (p: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (p: unknown) => void);
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
  };
  if (options.pathForFile) api.pathForFile = options.pathForFile;
  return api;
}
