/**
 * The watched drop folder (issue #5): new files are imported and triaged once complete.
 *
 * Polling, not fs.watch, because:
 * - on Windows network shares (SMB) change notifications are unreliable: ReadDirectoryChangesW
 *   over SMB drops events when its buffer overflows and some servers send none at all;
 * - even where events arrive, they fire when a copy STARTS, so "an event came" never means
 *   "the file is complete"; a size/mtime check is needed anyway.
 * A file is taken only when its size and mtime are the same on two consecutive polls (and it is
 * not empty), so a file still being written in chunks is never read early. Known paths (already
 * in the worklist) are skipped without being read.
 */
import { stat } from 'node:fs/promises';

import { walkFiles } from '../studies/fileWalker';
import type { WorklistStoreLike } from '../worklist/worklistProtocol';
import type { IngestOutcome, IngestQueue } from './ingestQueue';

export interface WatchedFolderOptions {
  folder: string;
  queue: IngestQueue;
  store: WorklistStoreLike<'isKnownPath'>;
  /** Poll interval; default 2000 ms. */
  intervalMs?: number;
  onOutcome?: (path: string, outcome: IngestOutcome) => void;
  onError?: (message: string) => void;
  /**
   * Called after every complete poll with the folders that could not be read in it (empty when
   * the whole tree was read), so a caller can show "folder missing" and clear it once a later
   * poll succeeds. `path` equal to `folder` means the watched folder itself is unreadable.
   */
  onPollDone?: (unreadable: { path: string; code: string }[]) => void;
}

/** A running watcher. */
export interface WatchedFolder {
  /** Runs one poll now (tests; the timer calls it too). */
  poll(): Promise<void>;
  /** Stops polling; resolves after the poll in progress. */
  close(): Promise<void>;
}

/** Starts polling `folder`. */
export function watchFolder(options: WatchedFolderOptions): WatchedFolder {
  const intervalMs = options.intervalMs ?? 2000;
  /** Last seen size/mtime of files not yet taken. */
  const candidates = new Map<string, { size: number; mtimeMs: number }>();
  /** Taken files with the size/mtime they had: a file replaced later is taken again. */
  const taken = new Map<string, string>();
  let closed = false;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const pollOnce = async (): Promise<void> => {
    const seen = new Set<string>();
    const unreadable: { path: string; code: string }[] = [];
    for await (const entry of walkFiles(options.folder, () => closed)) {
      if (entry.kind === 'error') {
        unreadable.push({ path: entry.path, code: entry.code });
        options.onError?.(`watched folder: ${entry.message}`);
        continue;
      }
      const path = entry.path;
      seen.add(path);
      let info;
      try {
        info = await stat(path);
      } catch {
        continue; // removed between the listing and stat
      }
      const signature = `${info.size}:${info.mtimeMs}`;
      if (taken.get(path) === signature) continue;
      const before = candidates.get(path);
      candidates.set(path, { size: info.size, mtimeMs: info.mtimeMs });
      const stable = before !== undefined && before.size === info.size && before.mtimeMs === info.mtimeMs && info.size > 0;
      if (!stable) continue;
      candidates.delete(path);
      const replaced = taken.has(path);
      taken.set(path, signature);
      // A path already in the worklist was imported by an earlier run: skip it without reading.
      // A file replaced under a name taken in this run is read again (ingest de-duplicates).
      if (!replaced && (await options.store.isKnownPath(path))) continue;
      void options.queue.add(path, 'watch').then((outcome) => options.onOutcome?.(path, outcome));
    }
    for (const path of candidates.keys()) if (!seen.has(path)) candidates.delete(path);
    if (!closed) options.onPollDone?.(unreadable);
  };

  const poll = (): Promise<void> => {
    if (closed) return Promise.resolve();
    running ??= pollOnce()
      .catch((err) => options.onError?.(`watched folder poll failed: ${(err as Error).message}`))
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const schedule = (): void => {
    if (closed) return;
    timer = setTimeout(() => void poll().then(schedule), intervalMs);
    timer.unref?.();
  };
  void poll().then(schedule);

  return {
    poll,
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
