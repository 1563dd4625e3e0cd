// The Electron shell's pure parts (window preferences, menu, sender check) are testable
// without the Electron binary; the Playwright _electron smoke test covers the rest.
import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../../../../app/main/security/electronHardening';
import { appMenuTemplate } from '../../../../app/main/window/appMenu';
import { secureWebPreferences } from '../../../../app/main/window/mainWindow';

describe('Electron shell', () => {
  it('creates windows with the security defaults', () => {
    expect(secureWebPreferences('/p/preload.js', false)).toMatchObject({
      preload: '/p/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      webSecurity: true,
      devTools: false,
    });
  });

  it('has Open File and Open Folder in the menu, wired to the import', () => {
    const opened: string[] = [];
    const template = appMenuTemplate({ open: (kind) => opened.push(kind), devTools: false, isMac: false });
    const file = template[0].submenu as Array<{ label?: string; accelerator?: string; click?: () => void }>;
    const openFile = file.find((i) => i.label === 'Open File…')!;
    const openFolder = file.find((i) => i.label === 'Open Folder…')!;
    expect(openFile.accelerator).toBe('CmdOrCtrl+O');
    openFile.click!();
    openFolder.click!();
    expect(opened).toEqual(['files', 'folder']);
    expect(JSON.stringify(template)).not.toContain('toggleDevTools');
  });

  it('trusts only the app top frame', () => {
    expect(isTrustedSender({ url: 'app://renderer/index.html', parent: null })).toBe(true);
    expect(isTrustedSender({ url: 'app://renderer/index.html', parent: { url: 'app://renderer/' } })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });
});
