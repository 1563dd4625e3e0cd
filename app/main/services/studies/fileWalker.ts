/**
 * Recursive folder walk for imports. Iterative (no recursion depth limit), async
 * (`fs.opendir` streams entries, so a folder of 100 000 files never blocks the event
 * loop), skips hidden and system entries, and does not follow symbolic links to
 * folders (a link loop would never end).
 */
import { opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** File and folder names that are never studies (OS metadata, recycle bins, macOS resource forks). */
const SYSTEM_NAMES = new Set([
  'thumbs.db',
  'desktop.ini',
  'ehthumbs.db',
  '$recycle.bin',
  'system volume information',
  '__macosx',
  'icon\r',
]);

/** True for names the walk skips: dot-files/folders and the OS's system entries. */
export function isHiddenOrSystemName(name: string): boolean {
  return name.startsWith('.') || SYSTEM_NAMES.has(name.toLowerCase());
}

/** True for `x.json` when `x` is a file of the same folder (decodeTasks reads it as x's sidecar). */
export function isSidecarOf(name: string, namesInFolder: ReadonlySet<string>): boolean {
  return name.toLowerCase().endsWith('.json') && namesInFolder.has(name.slice(0, -'.json'.length));
}

/** One walk result: a file to import, or a folder that could not be read. */
export type WalkEntry = { kind: 'file'; path: string } | { kind: 'error'; path: string; code: string; message: string };

/**
 * Yields every regular file under `root` (depth first). `shouldStop` is polled between
 * entries so a cancelled import stops walking at once.
 */
export async function* walkFiles(root: string, shouldStop: () => boolean = () => false): AsyncGenerator<WalkEntry> {
  const pending = [root];
  while (pending.length > 0 && !shouldStop()) {
    const dir = pending.pop() as string;
    let handle;
    try {
      handle = await opendir(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
      yield { kind: 'error', path: dir, code: code === 'EACCES' || code === 'EPERM' ? 'PERMISSION_DENIED' : 'FOLDER_UNREADABLE', message: 'folder cannot be read' };
      continue;
    }
    const subdirs: string[] = [];
    const files: string[] = [];
    try {
      for await (const entry of handle) {
        if (shouldStop()) break;
        if (isHiddenOrSystemName(entry.name)) continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) subdirs.push(path);
        else if (entry.isFile()) files.push(entry.name);
        else if (entry.isSymbolicLink()) {
          // Follow links to files only; links to folders could form a loop.
          const target = await stat(path).catch(() => undefined);
          if (target?.isFile()) files.push(entry.name);
        }
      }
    } catch {
      yield { kind: 'error', path: dir, code: 'FOLDER_UNREADABLE', message: 'folder cannot be read completely' };
    }
    // `<image>.json` beside an image is its sidecar (patient data for PNG/JPEG), not a file to import.
    const names = new Set(files);
    for (const name of files) {
      if (isSidecarOf(name, names)) continue;
      yield { kind: 'file', path: join(dir, name) };
    }
    // Reverse so that popping visits sub-folders in directory order.
    for (let i = subdirs.length - 1; i >= 0; i--) pending.push(subdirs[i]);
  }
}
