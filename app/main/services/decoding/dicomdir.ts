/**
 * Resolves DICOMDIR Referenced File IDs (PS3.3 F.3.2.2) to paths. Components are relative
 * to the folder holding the DICOMDIR; media written on one system are read on others, so
 * each component is matched case-insensitively (PS3.10 8.5 file IDs are upper case, but
 * copies often arrive lower-cased). Files that do not exist are left out.
 */
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Lists a directory's entry names (injected for tests). */
export type ListDirectory = (dir: string) => Promise<string[]>;

const defaultList: ListDirectory = (dir) => readdir(dir);

/** Absolute paths of the referenced files that exist, in record order, without duplicates. */
export async function resolveReferencedFiles(dicomdirPath: string, fileIds: string[][], list: ListDirectory = defaultList): Promise<string[]> {
  const cache = new Map<string, Promise<string[] | undefined>>();
  const entries = (dir: string) => {
    let p = cache.get(dir);
    if (!p) {
      p = list(dir).catch(() => undefined);
      cache.set(dir, p);
    }
    return p;
  };
  const root = dirname(dicomdirPath);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const parts of fileIds) {
    let current = root;
    let found = true;
    for (const part of parts) {
      const names = await entries(current);
      const exact = names?.find((n) => n === part);
      const match = exact ?? names?.find((n) => n.toLowerCase() === part.toLowerCase());
      if (!match) {
        found = false;
        break;
      }
      current = join(current, match);
    }
    if (found && !seen.has(current)) {
      seen.add(current);
      out.push(current);
    }
  }
  return out;
}
