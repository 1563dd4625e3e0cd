/**
 * Creates the main-process services and the IPC router over them. Shared by the
 * Electron composition root (app/main/index.ts) and the browser harness
 * (app/main/harness/server.ts), so both shells run the same services and handlers.
 */
import type { DecodeService } from '../services/decoding/decodeService';
import { InMemoryCatalogStore, type CatalogStore } from '../services/studies/catalogStore';
import { ImportService } from '../services/studies/importService';
import { StudyCatalog } from '../services/studies/studyCatalog';
import { registerAppHandlers, type OpenDialog } from './app.handlers';
import { EventHub } from './events';
import { IpcRouter } from './handle';
import { registerImagesHandlers } from './images.handlers';
import type { Logger } from './log';
import { registerStudiesHandlers } from './studies.handlers';
import { registerAiHandlers } from './ai.handlers';
import { AiService } from '../services/inference/aiService';
import type { AiStatus } from '../../shared/ipc/contract';
import { IngestQueue } from '../services/ingest/ingestQueue';
import { watchFolder } from '../services/ingest/watchedFolder';
import { startStoreScp, type StoreScp } from '../services/dimse/storeScp';
import { openWorklistDb, type WorklistDatabase } from '../services/worklist/worklistDb';
import { WorklistStore } from '../services/worklist/worklistStore';
import { aiIngestTriage, registerWorklistHandlers, WorklistImports } from './worklist.handlers';

/** Calls `fn` at most once per `ms` with the latest value (trailing edge). */
function throttle<T>(fn: (value: T) => void, ms: number): (value: T) => void {
  let timer: NodeJS.Timeout | null = null;
  let latest: T;
  let last = 0;
  return (value: T) => {
    latest = value;
    if (timer) return;
    const wait = Math.max(0, last + ms - Date.now());
    timer = setTimeout(() => {
      timer = null;
      last = Date.now();
      fn(latest);
    }, wait);
    timer.unref?.();
  };
}

export interface MainServicesOptions {
  decode: DecodeService;
  /** Where dropped bytes are written before import. */
  importDir: string;
  logger: Logger;
  shell: 'electron' | 'harness';
  version: string;
  platform: string;
  openDialog: OpenDialog;
  /** Catalog storage; in memory unless given (issue 5 adds SQLite at `databasePath`). */
  store?: CatalogStore;
  /**
   * The worklist database (`--db`, issue #5); `:memory:` when absent (tests). The Electron
   * shell passes the user-data default, the harness a fresh file in its temp folder.
   */
  databasePath?: string;
  /** The DICOM listener (C-STORE/C-ECHO SCP); off unless given. Received files go to `storageDir`. */
  listener?: { port: number; aeTitle: string; storageDir: string };
  /** A folder whose new, complete files are imported and triaged (issue #5); off unless given. */
  watchDir?: string;
  /** How often to look for rows committed by another process (default 1000 ms). */
  externalChangePollMs?: number;
  /** Check every response against the contract (tests, development). */
  validateResponses?: boolean;
  importConcurrency?: number;
  /** The AI (issue #4): the bundled model's manifest and where settings persist. Absent model → AI unavailable. */
  ai?: { defaultModelPath?: string; settingsPath?: string; workerPath?: string };
}

export interface MainServices {
  router: IpcRouter;
  events: EventHub;
  catalog: StudyCatalog;
  importer: ImportService;
  decode: DecodeService;
  ai: AiService;
  databasePath?: string;
  /** The triage worklist (issue #5). */
  worklist: { store: WorklistStore; queue: IngestQueue; imports: WorklistImports; listener: Promise<StoreScp | undefined> };
  /** Cancels imports, stops the listener, the AI and the decode workers, closes the database. */
  close(): Promise<void>;
}

/** Builds catalog, importer and router; registers every domain's handlers. */
export function createMainServices(options: MainServicesOptions): MainServices {
  const events = new EventHub();
  const catalog = new StudyCatalog(options.store ?? new InMemoryCatalogStore());
  const importer = new ImportService({
    catalog,
    decode: options.decode,
    emit: events.emit,
    logger: options.logger,
    importDir: options.importDir,
    concurrency: options.importConcurrency,
  });
  const router = new IpcRouter({ validateResponses: options.validateResponses });
  registerAppHandlers(router, { version: options.version, platform: options.platform, shell: options.shell, openDialog: options.openDialog });
  registerStudiesHandlers(router, { catalog, importer });
  registerImagesHandlers(router, { catalog, decode: options.decode });
  const aiStatusEvent = throttle((status: AiStatus) => events.emit('ai:status', status), 250);
  let lastAiState: AiStatus['state'] | undefined;
  let onAiReady = (): void => undefined;
  const ai = new AiService({
    decode: options.decode,
    defaultModelPath: options.ai?.defaultModelPath,
    settingsPath: options.ai?.settingsPath,
    workerPath: options.ai?.workerPath,
    // Queue counts change per image during background triage: at most 4 status events a second.
    onStatus: (status) => {
      aiStatusEvent(status);
      // Images that arrived while no model was usable wait as pending: triage them now.
      if (status.state === 'ready' && lastAiState !== 'ready') onAiReady();
      lastAiState = status.state;
    },
    log: (level, message) => options.logger[level](message),
  });
  registerAiHandlers(router, { catalog, ai });
  // Loads in the background: the viewer works at once, the AI panel shows "loading".
  const aiStarted = ai.start();

  // The worklist (issue #5): one SQLite database, one ingest queue fed by imports and the listener.
  const db: WorklistDatabase = openWorklistDb(options.databasePath ?? ':memory:');
  const store = new WorklistStore(db);
  // Arrivals and triage results come one by one: the renderer re-queries at most 4 times a second.
  const worklistChanged = throttle(() => events.emit('worklist:changed', {}), 250);
  const queue = new IngestQueue({
    store,
    files: options.decode,
    triage: aiIngestTriage(ai, aiStarted),
    onEvent: () => worklistChanged(undefined),
    log: (level, message) => options.logger[level](message),
  });
  const imports = new WorklistImports({ queue, emit: events.emit });
  registerWorklistHandlers(router, { store, imports, catalog, decode: options.decode, ai, emit: events.emit });
  // Work left pending by a crash or a shutdown mid-batch resumes by itself (issue #5 crash safety).
  void queue.resumePending();
  onAiReady = () => void queue.resumePending();
  const listener: Promise<StoreScp | undefined> = options.listener
    ? startStoreScp({
        ...options.listener,
        onStored: (instance) => void queue.add(instance.path, 'listener'),
        log: (level, message) => options.logger[level](message),
      }).catch((err: unknown) => {
        options.logger.error('DICOM listener failed to start', { reason: err instanceof Error ? err.message : 'unknown' });
        return undefined;
      })
    : Promise.resolve(undefined);
  // Another process on the same database (`cxr listen`, `cxr import`) commits rows this one's
  // events never see. SQLite's data_version changes when another connection commits (it is per
  // connection and ignores this connection's own writes), so a cheap poll turns those into live updates.
  let dataVersion = db.pragma('data_version', { simple: true }) as number;
  const externalWrites = setInterval(() => {
    const now = db.pragma('data_version', { simple: true }) as number;
    if (now !== dataVersion) {
      dataVersion = now;
      worklistChanged(undefined);
    }
  }, options.externalChangePollMs ?? 1000);
  externalWrites.unref();
  const watcher = options.watchDir
    ? watchFolder({
        folder: options.watchDir,
        queue,
        store,
        onError: (message) => options.logger.warn('watched folder', { reason: message }),
      })
    : undefined;
  return {
    router,
    events,
    catalog,
    importer,
    decode: options.decode,
    ai,
    databasePath: options.databasePath,
    worklist: { store, queue, imports, listener },
    async close() {
      clearInterval(externalWrites);
      await watcher?.close();
      await (await listener)?.close();
      await imports.close();
      await queue.close();
      await importer.close();
      await ai.close();
      await options.decode.close();
      db.close();
    },
  };
}
