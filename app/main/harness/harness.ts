/**
 * The browser harness without its command line: the same main-process services as the
 * Electron shell (createMainServices) behind the HTTP/WebSocket transport. server.ts
 * is the `npm run harness` entry; tests call {@link startHarness} directly on port 0.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIALOG_UNAVAILABLE } from '../../shared/ipc/channels';
import { CodedError } from '../../shared/result';
import type { BundledModel } from '../../shared/ipc/contract';
import type { DecodeService } from '../services/decoding/decodeService';
import { createMainServices, type MainServices } from '../ipc/mainServices';
import { readIngestSettings, type IngestSettings } from '../services/worklist/ingestSettings';
import { PACS_SETTINGS_FILE } from '../services/pacs/pacsService';
import type { Logger } from '../ipc/log';
import { startHarnessTransport } from './httpTransport';

export interface HarnessOptions {
  port: number;
  /** Built renderer folder (dist/renderer). */
  rendererDir: string;
  decode: DecodeService;
  logger: Logger;
  version: string;
  /** `--db PATH`: the worklist database; default a fresh file in the harness's temp folder (a clean worklist per run). */
  databasePath?: string;
  /**
   * The DICOM listener (`--listen`/`--aet`; tests start one on port 0). Wins over the
   * `listener` of `ingest-settings.json` in the user-data folder.
   */
  listener?: { port: number; aeTitle: string };
  /** `--watch`: a folder watched for new files; wins over the settings file's `watchDir`. */
  watchDir?: string;
  /**
   * `--open-paths` / CXR_HARNESS_OPEN_PATHS: what `dialog:open` returns (tests). When
   * absent, `dialog:open` answers DIALOG_UNAVAILABLE and the harness client prompts.
   */
  openPaths?: string[];
  /** Folder for dropped bytes; default a fresh temp folder removed on close. */
  userDataDir?: string;
  validateResponses?: boolean;
  /** The AI's bundled model; absent → the AI panel says the AI is unavailable. */
  defaultModelPath?: string;
  /** The bundled models the AI settings offer (`listBundledModels`); none when absent. */
  listBundledModels?: () => Promise<BundledModel[]>;
}

export interface Harness {
  url: string;
  port: number;
  services: MainServices;
  /** Stops the server, imports and decode workers; removes the temp folder it made. */
  close(): Promise<void>;
}

/** Starts services + transport; resolves when the server listens. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const ownDir = options.userDataDir ? undefined : await mkdtemp(join(tmpdir(), 'cxr-harness-'));
  const userDataDir = options.userDataDir ?? (ownDir as string);
  // The same file the Electron shell reads and the Sources panel saves; command-line flags win.
  const ingestSettingsPath = join(userDataDir, 'ingest-settings.json');
  const ingest = readIngestSettings(ingestSettingsPath);
  for (const problem of ingest.problems) options.logger.warn('ingest-settings.json ignored in part', { problem });
  const ingestSettings: IngestSettings = { ...ingest.settings };
  if (options.listener) ingestSettings.listener = options.listener;
  if (options.watchDir) ingestSettings.watchDir = options.watchDir;
  const services = createMainServices({
    decode: options.decode,
    importDir: join(userDataDir, 'imports'),
    logger: options.logger,
    shell: 'harness',
    version: options.version,
    platform: process.platform,
    databasePath: options.databasePath ?? join(userDataDir, 'worklist.sqlite'),
    ingest: { settings: ingestSettings, settingsProblems: ingest.problems, settingsPath: ingestSettingsPath, storageDir: join(userDataDir, 'received'), storageSettingsPath: join(userDataDir, 'storage-settings.json') },
    validateResponses: options.validateResponses,
    ai: { defaultModelPath: options.defaultModelPath, listBundledModels: options.listBundledModels, settingsPath: join(userDataDir, 'ai-settings.json') },
    pacs: { settingsPath: join(userDataDir, PACS_SETTINGS_FILE), retrieveDir: join(userDataDir, 'retrieved') },
    openDialog: async () => {
      if (options.openPaths === undefined) {
        throw new CodedError(DIALOG_UNAVAILABLE, 'the harness has no native dialog; the client asks for paths');
      }
      return [...options.openPaths];
    },
  });
  let transport;
  try {
    transport = await startHarnessTransport({
      router: services.router,
      events: services.events,
      rendererDir: options.rendererDir,
      port: options.port,
      logger: options.logger,
    });
  } catch (err) {
    await services.close();
    if (ownDir) await rm(ownDir, { recursive: true, force: true });
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    url: transport.url,
    port: transport.port,
    services,
    close() {
      closing ??= (async () => {
        await transport.close();
        await services.close();
        if (ownDir) await rm(ownDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
