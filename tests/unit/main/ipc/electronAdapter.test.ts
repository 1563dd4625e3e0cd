import { describe, expect, it } from 'vitest';
import { forwardEventsToWindows, registerIpcMain, type InvokeEventLike, type IpcMainLike } from '../../../../app/main/ipc/electronAdapter';
import { EventHub } from '../../../../app/main/ipc/events';
import { IpcRouter } from '../../../../app/main/ipc/handle';
import { channelNames } from '../../../../app/shared/ipc/channels';

function fakeIpcMain() {
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  return { ipcMain, handlers };
}

const router = () => new IpcRouter().handle('app:info', () => ({ version: '1', platform: 'linux', shell: 'electron' }));

describe('Electron IPC adapter', () => {
  it('registers every contract channel and removes them again', () => {
    const { ipcMain, handlers } = fakeIpcMain();
    const unregister = registerIpcMain(ipcMain, router());
    expect([...handlers.keys()].sort()).toEqual([...channelNames].sort());
    unregister();
    expect(handlers.size).toBe(0);
  });

  it('answers the app top frame on app://renderer', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    registerIpcMain(ipcMain, router());
    const result = await handlers.get('app:info')!({ senderFrame: { url: 'app://renderer/index.html', parent: null } }, {});
    expect(result).toEqual({ ok: true, value: { version: '1', platform: 'linux', shell: 'electron' } });
  });

  it.each([
    ['a sub-frame', { url: 'app://renderer/index.html', parent: {} }],
    ['a file:// page', { url: 'file:///home/x/index.html', parent: null }],
    ['a remote page', { url: 'https://example.com/', parent: null }],
    ['another app host', { url: 'app://evil/index.html', parent: null }],
    ['a destroyed frame', null],
  ])('refuses %s with UNTRUSTED_SENDER', async (_name, senderFrame) => {
    const { ipcMain, handlers } = fakeIpcMain();
    registerIpcMain(ipcMain, router());
    const result = (await handlers.get('app:info')!({ senderFrame }, {})) as { ok: boolean; error?: { code: string } };
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe('UNTRUSTED_SENDER');
  });

  it('forwards events to live windows only', () => {
    const hub = new EventHub();
    const sent: string[] = [];
    const live = { send: (c: string) => sent.push(`live:${c}`), isDestroyed: () => false };
    const dead = { send: (c: string) => sent.push(`dead:${c}`), isDestroyed: () => true };
    const stop = forwardEventsToWindows(hub, () => [live, dead]);
    hub.emit('studies:changed', {});
    stop();
    hub.emit('studies:changed', {});
    expect(sent).toEqual(['live:studies:changed']);
  });
});
