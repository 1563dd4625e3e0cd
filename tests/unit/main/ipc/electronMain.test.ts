// The Electron composition root (app/main/index.ts) run against a stand-in `electron`
// module: the binary is not installed here, so this checks the wiring (privileged
// scheme before ready, hardened session, every channel on ipcMain, a secure window on
// app://, the menu) without it. The Playwright _electron smoke test covers the real thing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { channelNames } from '../../../../app/shared/ipc/channels';

const userData = mkdtempSync(join(tmpdir(), 'cxr-electron-main-'));
const calls: string[] = [];
const state = {
  privileged: [] as unknown[],
  protocolHandlers: new Map<string, (r: Request) => Promise<Response>>(),
  ipcHandlers: new Map<string, (event: unknown, request: unknown) => Promise<unknown>>(),
  windows: [] as Array<{ options: { webPreferences: Record<string, unknown> }; url?: string }>,
  menu: undefined as unknown,
  permissionAnswer: undefined as boolean | undefined,
  blocked: [] as string[],
  appEvents: new Map<string, (...args: unknown[]) => void>(),
};

vi.mock('electron', () => {
  class BrowserWindow {
    static all: BrowserWindow[] = [];
    webContents = { send: () => {}, isDestroyed: () => false };
    url?: string;
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      BrowserWindow.all.push(this);
      state.windows.push(this);
    }
    static getAllWindows() {
      return BrowserWindow.all;
    }
    once() {}
    on() {}
    show() {}
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {}
    async loadURL(url: string) {
      this.url = url;
      calls.push('loadURL');
    }
  }
  return {
    app: {
      on: (event: string, fn: (...args: unknown[]) => void) => void state.appEvents.set(event, fn),
      whenReady: async () => calls.push('ready'),
      requestSingleInstanceLock: () => true,
      isPackaged: false,
      isReady: () => true,
      getName: () => 'CXR Triage',
      getVersion: () => '0.1.0',
      getPath: () => userData,
      quit: () => {},
      exit: () => {},
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => {
        calls.push('registerSchemesAsPrivileged');
        state.privileged.push(...schemes);
      },
      handle: (scheme: string, handler: (r: Request) => Promise<Response>) => void state.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: (wc: unknown, p: string, cb: (v: boolean) => void) => void) => fn({}, 'media', (v) => (state.permissionAnswer = v)),
        setPermissionCheckHandler: () => {},
        webRequest: { onBeforeRequest: (filter: { urls: string[] }) => void state.blocked.push(...filter.urls) },
      },
    },
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, request: unknown) => Promise<unknown>) => void state.ipcHandlers.set(channel, fn),
      removeHandler: () => {},
    },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => void (state.menu = m) },
    dialog: { showOpenDialog: async () => ({ canceled: true, filePaths: [] }) },
    BrowserWindow,
  };
});

beforeAll(async () => {
  await import('../../../../app/main/index');
  await vi.waitFor(() => expect(state.windows.length).toBe(1), { timeout: 10_000 });
});
afterAll(async () => {
  rmSync(userData, { recursive: true, force: true });
});

describe('Electron composition root', () => {
  it('registers the app:// scheme as privileged before ready', () => {
    expect(calls.indexOf('registerSchemesAsPrivileged')).toBeLessThan(calls.indexOf('ready'));
    expect(state.privileged).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    expect(state.protocolHandlers.has('app')).toBe(true);
  });

  it('hardens the session: permissions denied, remote and file URLs blocked', () => {
    expect(state.permissionAnswer).toBe(false);
    expect(state.blocked).toEqual(expect.arrayContaining(['http://*/*', 'https://*/*', 'file:///*']));
    expect(state.appEvents.has('web-contents-created')).toBe(true);
  });

  it('registers every contract channel and checks the sender', async () => {
    expect([...state.ipcHandlers.keys()].sort()).toEqual([...channelNames].sort());
    const info = state.ipcHandlers.get('app:info')!;
    expect(await info({ senderFrame: { url: 'app://renderer/index.html', parent: null } }, {})).toEqual({
      ok: true,
      value: { version: '0.1.0', platform: process.platform, shell: 'electron' },
    });
    expect(await info({ senderFrame: { url: 'https://evil.example/', parent: null } }, {})).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_SENDER' } });
  });

  it('opens one secure window on app://renderer with the preload bundle', () => {
    const [win] = state.windows;
    expect(win.url).toBe('app://renderer/index.html');
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(String(win.options.webPreferences.preload)).toMatch(/preload[\\/]index\.js$/);
  });

  it('installs the menu with Open File and Open Folder', () => {
    expect(JSON.stringify(state.menu)).toContain('Open File…');
    expect(JSON.stringify(state.menu)).toContain('Open Folder…');
  });
});
