/**
 * The preload: contextBridge only (STYLE.md §2). It exposes `window.api`, built from the
 * contract's channel and event names; the raw `ipcRenderer` never reaches the page.
 * The window is sandboxed, so this script may require nothing but `electron`: it
 * imports the zod-free name lists (shared/ipc/channels.ts), never contract.ts' values.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { isChannel, isEventName } from '../shared/ipc/channels';
import type { PreloadApi } from '../shared/ipc/contract';

const api: PreloadApi = {
  invoke(channel, request) {
    if (!isChannel(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `no channel "${String(channel).slice(0, 64)}"` } });
    }
    // Main answers every request with a Result; a rejection means the IPC itself failed.
    return ipcRenderer.invoke(channel, request).catch((err: unknown) => ({
      ok: false as const,
      error: { code: 'IPC_FAILED', message: err instanceof Error ? err.message : String(err) },
    }));
  },
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`no event "${String(event).slice(0, 64)}"`);
    // The page's listener never sees the IpcRendererEvent (it exposes `sender`).
    const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload as never);
    ipcRenderer.on(event, forward);
    return () => {
      ipcRenderer.removeListener(event, forward);
    };
  },
  pathForFile(file) {
    try {
      return webUtils.getPathForFile(file) || undefined;
    } catch {
      return undefined;
    }
  },
};

contextBridge.exposeInMainWorld('api', api);
