/**
 * The Electron composition root (STYLE.md §1): creates the services, registers the IPC
 * handlers, opens the window. Everything else lives in testable modules: security/
 * (app:// protocol, hardening, sender check), ipc/ (router, handlers, adapter),
 * window/ (window, menu), services/ (catalog, import, decoding).
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session } from 'electron';
import { join } from 'node:path';
import { forwardEventsToWindows, registerIpcMain } from './ipc/electronAdapter';
import { createConsoleLogger } from './ipc/log';
import { createMainServices, type MainServices } from './ipc/mainServices';
import { PACS_SETTINGS_FILE } from './services/pacs/pacsService';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './security/appProtocol';
import { hardenSession, hardenWebContents } from './security/electronHardening';
import { createDecodePool } from './services/decoding/decodePool';
import { findDefaultModel, listBundledModels } from './services/inference/modelRegistry';
import { readIngestSettings } from './services/worklist/ingestSettings';
import { defaultDatabasePath } from './services/worklist/worklistDb';
import { appMenuTemplate } from './window/appMenu';
import { createMainWindow } from './window/mainWindow';

// Must run before `ready` (Electron: privileged schemes are fixed at startup).
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
// Every webContents (windows, devtools) is hardened as soon as it exists.
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

const logger = createConsoleLogger();
let mainWindow: BrowserWindow | undefined;
let services: MainServices | undefined;

function openWindow(): BrowserWindow {
  mainWindow = createMainWindow(BrowserWindow, {
    // dist/main/index.js → dist/preload/index.js
    preloadPath: join(__dirname, '..', 'preload', 'index.js'),
    devTools: !app.isPackaged,
    title: app.getName(),
  });
  mainWindow.on('closed', () => (mainWindow = undefined));
  return mainWindow;
}

async function openDialog(kind: 'files' | 'folder'): Promise<string[]> {
  const properties: Array<'openFile' | 'openDirectory' | 'multiSelections'> = kind === 'folder' ? ['openDirectory'] : ['openFile', 'multiSelections'];
  const result = mainWindow ? await dialog.showOpenDialog(mainWindow, { properties }) : await dialog.showOpenDialog({ properties });
  return result.canceled ? [] : result.filePaths;
}

/** `--db PATH` or `--db=PATH` on the command line (issue #5: the database path is overridable). */
function databasePathArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--db') return argv[i + 1];
    if (argv[i].startsWith('--db=')) return argv[i].slice('--db='.length);
  }
  return undefined;
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(join(__dirname, '..', 'renderer')));

  // Listener and watched folder for the worklist, configured by hospital IT in this file or in
  // the worklist's Sources panel, which saves to the same file (README "The AI triage worklist").
  const ingestSettingsPath = join(app.getPath('userData'), 'ingest-settings.json');
  const ingest = readIngestSettings(ingestSettingsPath);
  for (const problem of ingest.problems) logger.warn('ingest-settings.json ignored in part', { problem });
  services = createMainServices({
    ingest: {
      settings: ingest.settings,
      settingsProblems: ingest.problems,
      settingsPath: ingestSettingsPath,
      storageDir: join(app.getPath('userData'), 'received'),
      storageSettingsPath: join(app.getPath('userData'), 'storage-settings.json'),
    },
    decode: createDecodePool({ log: (level, message) => logger[level](message) }),
    importDir: join(app.getPath('userData'), 'imports'),
    logger,
    shell: 'electron',
    version: app.getVersion(),
    platform: process.platform,
    openDialog,
    // The same file `cxr listen` / `cxr import` use by default, so their studies show up here.
    databasePath: databasePathArgument(process.argv) ?? defaultDatabasePath(app.getPath('userData')),
    ai: {
      // Packaged: resources/models (outside app.asar, so onnxruntime's native code can read it).
      defaultModelPath: findDefaultModel(__dirname, app.isPackaged ? process.resourcesPath : undefined),
      listBundledModels: () => listBundledModels(__dirname, app.isPackaged ? process.resourcesPath : undefined),
      settingsPath: join(app.getPath('userData'), 'ai-settings.json'),
    },
    // PACS nodes (issue #11): the same file `cxr pacs` reads; retrieved studies beside the received ones.
    pacs: { settingsPath: join(app.getPath('userData'), PACS_SETTINGS_FILE), retrieveDir: join(app.getPath('userData'), 'retrieved') },
  });
  registerIpcMain(ipcMain, services.router);
  forwardEventsToWindows(services.events, () => BrowserWindow.getAllWindows().map((w) => w.webContents));

  const isMac = process.platform === 'darwin';
  const menuOpen = (kind: 'files' | 'folder') => {
    void openDialog(kind).then((paths) => {
      if (paths.length > 0) services?.importer.startImport(paths);
    });
  };
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate({ open: menuOpen, devTools: !app.isPackaged, isMac })));
  openWindow();
}

if (!app.requestSingleInstanceLock()) {
  // A second launch hands over to the running instance (see 'second-instance') and quits.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  let closing = false;
  app.on('will-quit', (event) => {
    // Stop imports and decode workers before exiting, once.
    if (closing || !services) return;
    closing = true;
    event.preventDefault();
    void services.close().finally(() => app.quit());
  });
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      logger.error('startup failed', { reason: err instanceof Error ? err.name : 'unknown' });
      app.exit(1);
    });
}
