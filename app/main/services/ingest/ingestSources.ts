/**
 * The worklist's automatic ingest sources (issue #5): the DICOM listener (C-STORE/C-ECHO SCP)
 * and the watched drop folder, owned in one place so the app can show their state and change
 * them at run time ("Sources" in the worklist header).
 *
 * The issue asks for "a port already in use ... clear messages, the listener and the list keep
 * running": a listener that cannot bind, a watched folder that is missing or unreadable, or a
 * malformed `ingest-settings.json` becomes a state with a message written for the nurse and IT
 * (never patient data), instead of a log line nobody reads. Nothing here throws at the app.
 *
 * Plain Node (no Electron): the Electron shell, the browser harness and the tests run it alike.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';

import type { IngestSourcesStatus } from '../../../shared/ipc/contract';
import { CodedError } from '../../../shared/result';
import { startStoreScp, type StoreScp, type StoreScpOptions } from '../dimse/storeScp';
import { parseIngestSettings, type IngestSettings } from '../worklist/ingestSettings';
import type { IngestOutcome, IngestQueue } from './ingestQueue';
import { watchFolder, type WatchedFolder, type WatchedFolderOptions } from './watchedFolder';

export type { IngestSourcesStatus };

export interface IngestSourcesOptions {
  queue: IngestQueue;
  store: WatchedFolderOptions['store'];
  /** Where the listener writes received instances. */
  storageDir: string;
  /** Settings to start with (already read and validated by the shell; port 0 = any free port). */
  initial?: IngestSettings;
  /** Problems found reading the settings file at start, shown until a change is saved. */
  settingsProblems?: string[];
  /** Where {@link IngestSources.configure} persists settings; absent = changes last until close. */
  settingsPath?: string;
  /** Called on every change of {@link IngestSources.status} (callers throttle if they need to). */
  onStatus?: (status: IngestSourcesStatus) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Watched-folder poll interval (default 2000 ms). */
  watchIntervalMs?: number;
  /** Starts the listener; injectable for tests. Default {@link startStoreScp}. */
  startListener?: (options: StoreScpOptions) => Promise<StoreScp>;
}

/** The result of {@link IngestSources.configure}. */
export interface ConfigureResult {
  status: IngestSourcesStatus;
  /** Why the settings were refused (nothing changed); empty when they were applied. */
  problems: string[];
}

/** One instance the listener stored and handed to ingest (see {@link IngestSources.receiving}). */
export interface ListenerArrival {
  path: string;
  sopInstanceUid: string;
  sopClassUid: string;
  /** The sender's AE title (for a C-MOVE: the PACS's). */
  callingAeTitle: string;
  /** The ingest of this file, already queued by the listener. */
  ingested: Promise<IngestOutcome>;
}

/**
 * The running listener seen from a C-MOVE retrieve to our own AE (issue #11): the PACS sends the
 * study to this listener, so the retrieve watches what it stores instead of binding the same port
 * a second time (which fails).
 */
export interface ListenerTap {
  port: number;
  aeTitle: string;
  /** Calls `onArrival` for every instance stored from now on; returns the unsubscribe. */
  subscribe(onArrival: (arrival: ListenerArrival) => void): () => void;
}

/** A running pair of sources. */
export interface IngestSources {
  /** Resolves once the initial listener has bound or failed. */
  readonly ready: Promise<void>;
  status(): IngestSourcesStatus;
  /** The listener while it is listening, else undefined. */
  receiving(): ListenerTap | undefined;
  /** Validates, applies and persists new settings (calls run one after another). */
  configure(next: IngestSettings): Promise<ConfigureResult>;
  /** Stops the listener and the watcher. */
  close(): Promise<void>;
}

/** The app's wording for parseIngestSettings' problems (which name the JSON fields for IT). */
const FRIENDLY_PROBLEMS: Record<string, string> = {
  'listener.port must be an integer 1–65535': 'Port must be a whole number from 1 to 65535.',
  'listener.aeTitle must be 1–16 printable characters without a backslash': 'AE title must be 1 to 16 printable characters without a backslash.',
  'watchDir must be a folder path': 'Watched folder must be a folder path.',
};

/** Message for a listener that could not start; codes come from startStoreScp. */
export function listenerFailureMessage(port: number, err: unknown): string {
  const code = err instanceof CodedError ? err.code : ((err as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN');
  switch (code) {
    case 'PORT_IN_USE':
      return `Port ${port} is already in use by another program: the DICOM listener is not receiving. Choose another port in Sources.`;
    case 'PORT_DENIED':
      return `Port ${port} needs administrator rights on this computer: the DICOM listener is not receiving. Choose a port above 1023 in Sources.`;
    case 'INVALID_AE_TITLE':
      return 'The AE title is not valid: the DICOM listener is not receiving. Use 1 to 16 printable characters in Sources.';
    case 'EACCES':
    case 'EPERM':
    case 'ENOSPC':
    case 'EROFS':
      return `The folder for received images cannot be written (${code}): the DICOM listener is not receiving. Ask IT to check the app's data folder.`;
    default:
      return `The DICOM listener could not start on port ${port} (${code}): it is not receiving. Choose another port in Sources or ask IT.`;
  }
}

/** Message for a watched folder that cannot be read (the folder's name only, never file names). */
async function folderFailureMessage(folder: string, code: string): Promise<string> {
  const name = basename(folder) || folder;
  if (code === 'PERMISSION_DENIED') return `Watched folder "${name}" cannot be read (no permission): new files there are not imported. Check its permissions or choose another folder in Sources.`;
  const info = await stat(folder).catch((err: NodeJS.ErrnoException) => err.code ?? 'EIO');
  if (info === 'ENOENT') return `Watched folder "${name}" does not exist: new files there are not imported. Create it, reconnect the drive, or choose another folder in Sources.`;
  if (typeof info !== 'string' && !info.isDirectory()) return `Watched folder "${name}" is a file, not a folder: nothing is imported. Choose a folder in Sources.`;
  return `Watched folder "${name}" cannot be read: new files there are not imported. Check the folder or choose another in Sources.`;
}

/** Writes `text` to `path` atomically: a temp file in the same folder, fsynced, then renamed over it. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      // A power cut after the rename must not leave an empty settings file.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

/** The settings as `ingest-settings.json` holds them (README "The AI triage worklist"). */
function settingsJson(settings: IngestSettings): string {
  const out: IngestSettings = {};
  if (settings.listener) out.listener = { port: settings.listener.port, aeTitle: settings.listener.aeTitle };
  if (settings.watchDir) out.watchDir = settings.watchDir;
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** Starts the sources from `initial`; the listener binds in the background (see `ready`). */
export function startIngestSources(options: IngestSourcesOptions): IngestSources {
  const log = options.log ?? (() => undefined);
  const startListener = options.startListener ?? startStoreScp;
  let settings: IngestSettings = {};
  let scp: StoreScp | undefined;
  let watcher: WatchedFolder | undefined;
  /** Bumped whenever the watcher is replaced: late callbacks of an old one are ignored. */
  let watchGeneration = 0;
  let received = 0;
  let closed = false;
  const taps = new Set<(arrival: ListenerArrival) => void>();
  const status: IngestSourcesStatus = {
    listener: { state: 'off', received: 0 },
    watchedFolder: { state: 'off' },
    settingsProblems: (options.settingsProblems ?? []).map((p) => `ingest-settings.json was ignored in part: ${p}. Fix it or save new settings in Sources.`),
    settingsPath: options.settingsPath,
  };

  const snapshot = (): IngestSourcesStatus => ({
    listener: { ...status.listener, received },
    watchedFolder: { ...status.watchedFolder },
    settingsProblems: [...status.settingsProblems],
    ...(status.settingsPath !== undefined ? { settingsPath: status.settingsPath } : {}),
  });
  const changed = (): void => {
    if (closed) return;
    try {
      options.onStatus?.(snapshot());
    } catch (err) {
      log('warn', `ingest sources status listener failed: ${(err as Error).message}`);
    }
  };

  const stopListener = async (): Promise<void> => {
    const old = scp;
    scp = undefined;
    await old?.close();
  };

  const startListenerFrom = async (listener: IngestSettings['listener']): Promise<void> => {
    if (!listener) {
      status.listener = { state: 'off', received };
      changed();
      return;
    }
    status.listener = { state: 'starting', port: listener.port, aeTitle: listener.aeTitle, received };
    changed();
    try {
      const started = await startListener({
        port: listener.port,
        aeTitle: listener.aeTitle,
        storageDir: options.storageDir,
        onStored: (instance) => {
          received++;
          const ingested = options.queue.add(instance.path, 'listener');
          for (const tap of [...taps]) {
            try {
              tap({ ...instance, ingested });
            } catch (err) {
              log('warn', `listener tap failed: ${(err as Error).message}`);
            }
          }
          changed();
        },
        log,
      });
      if (closed) {
        await started.close();
        return;
      }
      scp = started;
      status.listener = { state: 'listening', port: started.port, aeTitle: listener.aeTitle, received };
    } catch (err) {
      const message = listenerFailureMessage(listener.port, err);
      log('error', `DICOM listener failed to start: ${err instanceof CodedError ? err.code : ((err as NodeJS.ErrnoException).code ?? 'unknown')}`);
      status.listener = { state: 'failed', port: listener.port, aeTitle: listener.aeTitle, received, message };
    }
    changed();
  };

  const stopWatcher = async (): Promise<void> => {
    watchGeneration++;
    const old = watcher;
    watcher = undefined;
    await old?.close();
  };

  const startWatcherFrom = (folder: string | undefined): void => {
    if (!folder) {
      status.watchedFolder = { state: 'off' };
      changed();
      return;
    }
    const generation = ++watchGeneration;
    status.watchedFolder = { state: 'watching', folder };
    changed();
    watcher = watchFolder({
      folder,
      queue: options.queue,
      store: options.store,
      intervalMs: options.watchIntervalMs,
      onError: (message) => {
        // Unreadable folders are reported per poll through onPollDone; only log other failures.
        if (!message.startsWith('watched folder: folder cannot be read')) log('warn', message);
      },
      onPollDone: (unreadable) => {
        void (async () => {
          const root = unreadable.find((u) => u.path === folder);
          let next: IngestSourcesStatus['watchedFolder'];
          if (root) next = { state: 'failed', folder, message: await folderFailureMessage(folder, root.code) };
          else if (unreadable.length > 0)
            next = { state: 'watching', folder, message: `${unreadable.length} sub-folder(s) of the watched folder cannot be read: files in them are not imported.` };
          else next = { state: 'watching', folder };
          if (generation !== watchGeneration || closed) return;
          const before = status.watchedFolder;
          if (before.state === next.state && before.message === next.message) return;
          if (next.state === 'failed') log('warn', 'watched folder cannot be read');
          else if (before.state === 'failed') log('info', 'watched folder readable again');
          status.watchedFolder = next;
          changed();
        })();
      },
    });
  };

  // One change at a time: a second Save waits for the first to bind or fail.
  let chain: Promise<unknown> = (async () => {
    settings = options.initial ?? {};
    startWatcherFrom(settings.watchDir);
    await startListenerFrom(settings.listener);
  })();
  const ready = chain.then(() => undefined);

  const configure = async (next: IngestSettings): Promise<ConfigureResult> => {
    const parsed = parseIngestSettings(next);
    const problems = parsed.problems.map((p) => FRIENDLY_PROBLEMS[p] ?? p);
    if (parsed.settings.watchDir !== undefined && !isAbsolute(parsed.settings.watchDir)) problems.push('Watched folder must be a full path (for example D:\\incoming or /srv/incoming).');
    if (problems.length > 0 || closed) return { status: snapshot(), problems: closed ? ['The app is closing.'] : problems };
    const wanted = parsed.settings;
    const listenerChanged =
      wanted.listener?.port !== settings.listener?.port || wanted.listener?.aeTitle !== settings.listener?.aeTitle || status.listener.state === 'failed';
    const watchChanged = wanted.watchDir !== settings.watchDir;
    settings = wanted;
    // Only what changed restarts: saving the folder must not drop a sender's open association.
    if (watchChanged) {
      await stopWatcher();
      startWatcherFrom(wanted.watchDir);
    }
    if (listenerChanged) {
      await stopListener();
      await startListenerFrom(wanted.listener);
    }
    status.settingsProblems = [];
    if (options.settingsPath) {
      try {
        await writeFileAtomic(options.settingsPath, settingsJson(wanted));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
        log('error', `ingest settings not saved: ${code}`);
        status.settingsProblems = [`The settings could not be saved (${code}): they apply until the app is closed.`];
      }
    }
    changed();
    return { status: snapshot(), problems: [] };
  };

  const tapSubscribe = (onArrival: (arrival: ListenerArrival) => void): (() => void) => {
    taps.add(onArrival);
    return () => {
      taps.delete(onArrival);
    };
  };

  return {
    ready,
    status: snapshot,
    receiving() {
      if (!scp || status.listener.state !== 'listening' || status.listener.aeTitle === undefined) return undefined;
      return { port: scp.port, aeTitle: status.listener.aeTitle, subscribe: tapSubscribe };
    },
    configure(next) {
      const run = chain.then(() => configure(next));
      chain = run.catch(() => undefined);
      return run;
    },
    async close() {
      await chain.catch(() => undefined);
      closed = true;
      await stopWatcher();
      await stopListener();
    },
  };
}
