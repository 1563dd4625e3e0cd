/**
 * `window.api` for the browser harness (STYLE.md §2): the same {@link PreloadApi} the
 * Electron preload exposes, over HTTP (POST /api/<channel>, binary envelope bodies so
 * ArrayBuffers cross as raw bytes) and a WebSocket (/events) for pushed events. The
 * server runs the same IpcRouter and services as Electron's main process.
 *
 * `dialog:open` in the harness: the server answers with its `--open-paths` list; when
 * it has none it answers DIALOG_UNAVAILABLE and this client asks the user with
 * `window.prompt` for paths on the harness machine (separated by `;` or new lines).
 * Cancel gives `{paths: []}` as the native dialog does.
 */
import { decodeEnvelope, encodeEnvelope, ENVELOPE_CONTENT_TYPE } from '../../shared/ipc/binaryEnvelope';
import { DIALOG_UNAVAILABLE, harnessRoutes, isEventName } from '../../shared/ipc/channels';
import type { Channel, EventName, EventPayload, IpcResult, PreloadApi, RequestOf } from '../../shared/ipc/contract';


/** The subset of the WebSocket interface the client uses (browser WebSocket or the `ws` package). */
interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  close(): void;
  readonly readyState: number;
}

export interface HarnessClientOptions {
  /** Origin of the harness server; default `window.location.origin`. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** WebSocket constructor; default the global one. */
  WebSocket?: new (url: string) => SocketLike;
  /** Asks for paths when the server has no `--open-paths`; default `window.prompt`. */
  prompt?: (message: string) => string | null;
  /** Longest wait for the event socket to open before an invoke goes ahead (ms). */
  socketWaitMs?: number;
}

type AnyListener = (payload: unknown) => void;

/** Creates the harness implementation of `window.api`. */
export function createHarnessClient(options: HarnessClientOptions = {}): PreloadApi & { close(): void } {
  const g = globalThis as unknown as { location?: { origin: string }; fetch?: typeof fetch; WebSocket?: new (url: string) => SocketLike; prompt?: (m: string) => string | null };
  const baseUrl = (options.baseUrl ?? g.location?.origin ?? '').replace(/\/$/, '');
  const doFetch = options.fetch ?? g.fetch?.bind(globalThis);
  const Socket = options.WebSocket ?? g.WebSocket;
  const ask = options.prompt ?? (g.prompt ? (m: string) => g.prompt!(m) : undefined);
  const socketWaitMs = options.socketWaitMs ?? 2000;

  const listeners = new Map<EventName, Set<AnyListener>>();
  let socket: SocketLike | undefined;
  let opening: Promise<void> | undefined;
  let retryDelay = 250;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const listenerCount = () => [...listeners.values()].reduce((n, s) => n + s.size, 0);

  const connect = () => {
    if (socket || closed || !Socket || listenerCount() === 0) return;
    const url = baseUrl.replace(/^http/, 'ws') + harnessRoutes.events;
    const ws = new Socket(url);
    socket = ws;
    opening = new Promise<void>((resolve) => {
      ws.onopen = () => {
        retryDelay = 250;
        resolve();
      };
      ws.onclose = () => {
        resolve();
        if (socket === ws) socket = undefined;
        opening = undefined;
        // Reconnect while someone listens (the server restarted, or a network blip).
        if (!closed && listenerCount() > 0) {
          retryTimer = setTimeout(connect, retryDelay);
          retryDelay = Math.min(retryDelay * 2, 5000);
        }
      };
    });
    ws.onerror = () => {
      /* onclose follows and schedules the retry */
    };
    ws.onmessage = (ev) => {
      const text = typeof ev.data === 'string' ? ev.data : new TextDecoder().decode(ev.data as ArrayBuffer);
      let message: { event?: unknown; payload?: unknown };
      try {
        message = JSON.parse(text);
      } catch {
        return;
      }
      if (!isEventName(message.event)) return;
      for (const listener of [...(listeners.get(message.event) ?? [])]) {
        try {
          listener(message.payload);
        } catch {
          // One failing listener must not starve the others.
        }
      }
    };
  };

  const post = async (channel: string, request: unknown): Promise<IpcResult<Channel>> => {
    if (!doFetch) return { ok: false, error: { code: 'IPC_FAILED', message: 'fetch is not available' } };
    // Events of a job started by this call must not be missed: wait for the socket first.
    if (opening) await Promise.race([opening, new Promise((r) => setTimeout(r, socketWaitMs))]);
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${harnessRoutes.apiPrefix}${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'content-type': ENVELOPE_CONTENT_TYPE },
        body: encodeEnvelope(request ?? {}),
      });
    } catch (err) {
      return { ok: false, error: { code: 'IPC_FAILED', message: `harness unreachable: ${err instanceof Error ? err.message : String(err)}` } };
    }
    try {
      const body = decodeEnvelope(await response.arrayBuffer()) as IpcResult<Channel>;
      if (body && typeof body === 'object' && typeof body.ok === 'boolean') return body;
    } catch {
      /* falls through to the HTTP status */
    }
    return { ok: false, error: { code: 'IPC_FAILED', message: `harness answered HTTP ${response.status}` } };
  };

  const api: PreloadApi & { close(): void } = {
    async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<IpcResult<C>> {
      const result = (await post(channel, request)) as IpcResult<C>;
      if (channel === 'dialog:open' && !result.ok && result.error.code === DIALOG_UNAVAILABLE && ask) {
        const kind = (request as RequestOf<'dialog:open'>).kind;
        const answer = ask(kind === 'folder' ? 'Folder to open (path on the harness machine):' : 'File(s) to open (paths on the harness machine, separated by ";"):');
        const paths = (answer ?? '')
          .split(/[;\n]/)
          .map((p) => p.trim())
          .filter(Boolean);
        return { ok: true, value: { paths } } as IpcResult<C>;
      }
      return result;
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const wrapped = listener as AnyListener;
      set.add(wrapped);
      connect();
      return () => {
        set!.delete(wrapped);
        if (listenerCount() === 0 && socket) {
          const s = socket;
          socket = undefined;
          opening = undefined;
          s.close();
        }
      };
    },
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      socket?.close();
      socket = undefined;
    },
  };
  return api;
}
