// The preload (app/preload/index.ts) with a stand-in for `electron`: it exposes only
// invoke/on/pathForFile built from the contract's names, never ipcRenderer itself.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { PreloadApi } from '../../../../app/shared/ipc/contract';

const exposed: Record<string, unknown> = {};
const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
const invoked: Array<[string, unknown]> = [];

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => void (exposed[key] = value) },
  ipcRenderer: {
    invoke: async (channel: string, request: unknown) => {
      invoked.push([channel, request]);
      if (channel === 'studies:list') throw new Error('no handler');
      return { ok: true, value: { echoed: channel } };
    },
    on: (event: string, fn: (e: unknown, p: unknown) => void) => {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(fn);
    },
    removeListener: (event: string, fn: (e: unknown, p: unknown) => void) => void listeners.get(event)?.delete(fn),
  },
  webUtils: { getPathForFile: (file: { name: string }) => (file.name === 'none' ? '' : `/dropped/${file.name}`) },
}));

let api: PreloadApi;
beforeAll(async () => {
  await import('../../../../app/preload/index');
  api = exposed.api as PreloadApi;
});

describe('preload', () => {
  it('exposes exactly invoke, on and pathForFile as window.api', () => {
    expect(Object.keys(exposed)).toEqual(['api']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on', 'pathForFile']);
  });

  it('invokes contract channels and refuses others without reaching ipcRenderer', async () => {
    expect(await api.invoke('app:info', {})).toEqual({ ok: true, value: { echoed: 'app:info' } });
    const refused = await api.invoke('fs:read' as never, {} as never);
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(invoked.map(([c]) => c)).toEqual(['app:info']);
  });

  it('turns a failed IPC into IPC_FAILED data', async () => {
    expect(await api.invoke('studies:list', {})).toMatchObject({ ok: false, error: { code: 'IPC_FAILED' } });
  });

  it('subscribes to events without leaking the IpcRendererEvent, and unsubscribes', () => {
    const got: unknown[] = [];
    const off = api.on('studies:changed', (payload) => got.push(payload));
    for (const fn of listeners.get('studies:changed')!) fn({ sender: 'secret' }, { n: 1 });
    off();
    expect(listeners.get('studies:changed')!.size).toBe(0);
    expect(got).toEqual([{ n: 1 }]);
    expect(() => api.on('not:an-event' as never, () => {})).toThrow(/no event/);
  });

  it('gives dropped files their path, or undefined', () => {
    expect(api.pathForFile!({ name: 'a.dcm' } as File)).toBe('/dropped/a.dcm');
    expect(api.pathForFile!({ name: 'none' } as File)).toBeUndefined();
  });
});
