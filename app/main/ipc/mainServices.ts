/**
 * Creates the main-process services and the IPC router over them. Shared by the
 * Electron composition root (app/main/index.ts) and the browser harness
 * (app/main/harness/server.ts), so both shells run the same services and handlers.
 */
import { dirname, join } from 'node:path';

import type { DecodeService } from '../services/decoding/decodeService';
import { ImportService } from '../services/studies/importService';
import { StorageRetention } from '../services/ingest/storageRetention';
import { registerAppHandlers, type OpenDialog } from './app.handlers';
import { EventHub } from './events';
import { IpcRouter } from './handle';
import { registerImagesHandlers } from './images.handlers';
import type { Logger } from './log';
import { registerStudiesHandlers } from './studies.handlers';
import { registerAiHandlers } from './ai.handlers';
import { AiService } from '../services/inference/aiService';
import type { AiStatus, BundledModel, IngestSourcesStatus } from '../../shared/ipc/contract';
import { IngestQueue } from '../services/ingest/ingestQueue';
import { startIngestSources, type IngestSources } from '../services/ingest/ingestSources';
import type { IngestSettings } from '../services/worklist/ingestSettings';
import { createWorklistClient, type WorklistClient } from '../services/worklist/worklistClient';
import { aiIngestTriage, registerWorklistHandlers, WorklistImports } from './worklist.handlers';
import { registerIngestHandlers } from './ingest.handlers';
import { PacsRetrievals, PacsSettingsHolder, registerPacsHandlers } from './pacs.handlers';
import { AutoSendResults } from '../services/pacs/autoSendResults';
import type { IngestEvent } from '../services/ingest/ingestQueue';

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
  /**
   * The study archive and worklist database (`--db`, issues #5 and #10); `:memory:` when absent
   * (tests). The Electron shell passes the user-data default, the harness a file in its folder.
   */
  databasePath?: string;
  /**
   * The worklist's automatic ingest (issue #5): the DICOM listener (C-STORE/C-ECHO SCP) and the
   * watched folder, both off unless `settings` names them. `settingsPath` is where the Sources
   * panel saves changes (`ingest-settings.json`; absent = not saved); `settingsProblems` are what
   * reading that file found; received files go to `storageDir` (default `received` beside `importDir`).
   */
  ingest?: {
    settings?: IngestSettings;
    settingsProblems?: string[];
    settingsPath?: string;
    storageDir?: string;
    watchIntervalMs?: number;
    /** `storage-settings.json`: the received-files retention rule (issue #10); absent = not saved. */
    storageSettingsPath?: string;
  };
  /** How often to look for rows committed by another process (default 1000 ms). */
  externalChangePollMs?: number;
  /** Check every response against the contract (tests, development). */
  validateResponses?: boolean;
  importConcurrency?: number;
  /**
   * The AI (issue #4): the bundled model's manifest, the bundled models offered in the AI
   * settings (`listBundledModels`) and where settings persist. Absent model → AI unavailable.
   */
  ai?: { defaultModelPath?: string; listBundledModels?: () => Promise<BundledModel[]>; settingsPath?: string; workerPath?: string };
  /**
   * PACS query/retrieve and results (issue #11): `settingsPath` is `pacs-settings.json` in the
   * user-data folder (absent = kept in memory only); retrieved studies are written under
   * `retrieveDir` (default `retrieved` beside `importDir`).
   */
  pacs?: { settingsPath?: string; retrieveDir?: string; autoSendSettleMs?: number };
}

export interface MainServices {
  router: IpcRouter;
  events: EventHub;
  importer: ImportService;
  decode: DecodeService;
  ai: AiService;
  databasePath?: string;
  /** The triage worklist (issue #5). */
  worklist: { store: WorklistClient; queue: IngestQueue; imports: WorklistImports; sources: IngestSources; storage: StorageRetention };
  /** PACS settings and background retrieves (issue #11). */
  pacs: { settings: PacsSettingsHolder; retrievals: PacsRetrievals; autoSend: AutoSendResults };
  /** Cancels imports, stops the listener, the AI and the decode workers, closes the database. */
  close(): Promise<void>;
}

/** Builds catalog, importer and router; registers every domain's handlers. */
export function createMainServices(options: MainServicesOptions): MainServices {
  const events = new EventHub();
  const router = new IpcRouter({ validateResponses: options.validateResponses });
  registerAppHandlers(router, { version: options.version, platform: options.platform, shell: options.shell, openDialog: options.openDialog });
  // One SQLite database is the study archive the viewer browses and the worklist (issues #5, #10).
  // It lives on its own worker thread (SQLite queries and WAL checkpoints never stall the main
  // event loop); a database that cannot be opened answers each call with the reason.
  const store = createWorklistClient({ path: options.databasePath ?? ':memory:', log: (level, message) => options.logger[level](message) });
  registerImagesHandlers(router, { archive: store, decode: options.decode, log: options.logger });
  const aiStatusEvent = throttle((status: AiStatus) => events.emit('ai:status', status), 250);
  let lastAiState: AiStatus['state'] | undefined;
  let onAiReady = (): void => undefined;
  const ai = new AiService({
    decode: options.decode,
    defaultModelPath: options.ai?.defaultModelPath,
    listBundledModels: options.ai?.listBundledModels,
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
  registerAiHandlers(router, { archive: store, ai });
  // Loads in the background: the viewer works at once, the AI panel shows "loading".
  const aiStarted = ai.start();

  // One ingest queue fed by the viewer's imports, worklist imports, the listener and the watched
  // folder. Arrivals and triage results come one by one: the renderer re-queries at most 4 times
  // a second; an arrival also changes the study browser.
  const worklistChanged = throttle(() => events.emit('worklist:changed', {}), 250);
  const studiesChanged = throttle(() => events.emit('studies:changed', {}), 500);
  // Bound below, once the PACS settings exist: automatic results sending after triage (issue #11).
  let onIngestEvent = (_event: IngestEvent): void => undefined;
  const queue = new IngestQueue({
    store,
    files: options.decode,
    triage: aiIngestTriage(ai, aiStarted),
    onEvent: (event) => {
      worklistChanged(undefined);
      if (event.type === 'added') studiesChanged(undefined);
      onIngestEvent(event);
    },
    log: (level, message) => options.logger[level](message),
  });
  const importer = new ImportService({
    queue,
    decode: options.decode,
    emit: events.emit,
    logger: options.logger,
    importDir: options.importDir,
    concurrency: options.importConcurrency,
  });
  registerStudiesHandlers(router, { archive: store, importer, emit: events.emit });
  const imports = new WorklistImports({ queue, emit: events.emit });
  registerWorklistHandlers(router, { store, imports, decode: options.decode, ai, emit: events.emit });
  // Work left pending by a crash or a shutdown mid-batch resumes by itself (issue #5 crash safety).
  void queue.resumePending();
  onAiReady = () => void queue.resumePending();
  // Listener and watched folder: their state and failures reach the Sources strip as events;
  // received counts change per instance, so at most 4 events a second.
  const sourcesEvent = throttle((status: IngestSourcesStatus) => events.emit('ingest:sources', status), 250);
  const storageDir = options.ingest?.storageDir ?? join(dirname(options.importDir), 'received');
  const sources = startIngestSources({
    queue,
    store,
    storageDir,
    initial: options.ingest?.settings,
    settingsProblems: options.ingest?.settingsProblems,
    settingsPath: options.ingest?.settingsPath,
    watchIntervalMs: options.ingest?.watchIntervalMs,
    onStatus: sourcesEvent,
    log: (level, message) => options.logger[level](message),
  });
  const storage = new StorageRetention({ store, storageDir, settingsPath: options.ingest?.storageSettingsPath, log: (level, message) => options.logger[level](message) });
  void storage.start();
  registerIngestHandlers(router, { sources, storage });
  // PACS (issue #11): retrieved instances enter the same ingest queue as every other arrival.
  const pacsSettings = new PacsSettingsHolder(options.pacs?.settingsPath);
  const retrievals = new PacsRetrievals({
    settings: pacsSettings,
    queue,
    emit: events.emit,
    retrieveDir: options.pacs?.retrieveDir ?? join(dirname(options.importDir), 'retrieved'),
    // A C-MOVE to the port our listener holds is received by it (a second SCP cannot bind there).
    listener: () => sources.receiving(),
  });
  registerPacsHandlers(router, { settings: pacsSettings, retrievals, store, decode: options.decode, ai });
  const autoSend = new AutoSendResults({
    settings: () => pacsSettings.settings(),
    store,
    decode: options.decode,
    ai,
    onOutcome: (outcome) => events.emit('pacs:resultsSent', outcome),
    settleMs: options.pacs?.autoSendSettleMs,
    log: (level, message) => options.logger[level](message),
  });
  onIngestEvent = autoSend.onIngestEvent;
  // Another process on the same database (`cxr listen`, `cxr import`) commits rows this one's
  // events never see. SQLite's data_version changes when another connection commits (it is per
  // connection and ignores this connection's own writes), so a cheap poll turns those into live updates.
  let dataVersion: number | undefined;
  const pollDataVersion = (): void => {
    store.dataVersion().then(
      (now) => {
        if (dataVersion !== undefined && now !== dataVersion) {
          worklistChanged(undefined);
          studiesChanged(undefined);
        }
        dataVersion = now;
      },
      () => undefined, // the database is unavailable: worklist:list reports why
    );
  };
  pollDataVersion();
  const externalWrites = setInterval(pollDataVersion, options.externalChangePollMs ?? 1000);
  externalWrites.unref();
  return {
    router,
    events,
    importer,
    decode: options.decode,
    ai,
    databasePath: options.databasePath,
    worklist: { store, queue, imports, sources, storage },
    pacs: { settings: pacsSettings, retrievals, autoSend },
    async close() {
      clearInterval(externalWrites);
      await retrievals.close();
      await autoSend.close();
      await sources.close();
      await storage.close();
      await imports.close();
      await queue.close();
      await importer.close();
      await ai.close();
      await options.decode.close();
      await store.close();
    },
  };
}
