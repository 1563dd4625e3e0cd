/**
 * The app window with the security defaults of issue #2 / STYLE.md §4: context
 * isolation, sandbox, no Node in the page, no <webview>; content only from app://.
 */
import type { BrowserWindow as BrowserWindowType, BrowserWindowConstructorOptions } from 'electron';
import { APP_ENTRY_URL } from '../security/appProtocol';

/** The webPreferences every window gets (exported for a unit test of the defaults). */
export function secureWebPreferences(preloadPath: string, devTools: boolean): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools,
  };
}

/** Creates the main window and loads the renderer from app://. */
export function createMainWindow(
  BrowserWindow: typeof BrowserWindowType,
  options: { preloadPath: string; devTools: boolean; title: string },
): BrowserWindowType {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 800,
    minHeight: 600,
    title: options.title,
    backgroundColor: '#000000',
    show: false,
    webPreferences: secureWebPreferences(options.preloadPath, options.devTools),
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_ENTRY_URL);
  return win;
}
