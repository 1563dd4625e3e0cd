/**
 * Drag and drop onto the window: files go to the import store, which sends paths in
 * Electron (webUtils via the preload) and bytes in the browser harness. Folders dropped
 * in a browser arrive as entries; they are walked here (webkitGetAsEntry) so a dropped
 * folder imports recursively in the harness too.
 */
import { useEffect, useState } from 'react';
import { useAppStores } from './AppContext';

interface FsEntry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  file?(ok: (f: File) => void, fail: (e: unknown) => void): void;
  createReader?(): { readEntries(ok: (entries: FsEntry[]) => void, fail: (e: unknown) => void): void };
}

/** Most files one drop collects from dropped folders. */
const MAX_DROPPED_FILES = 20_000;

async function collectEntry(entry: FsEntry, out: File[]): Promise<void> {
  if (out.length >= MAX_DROPPED_FILES) return;
  if (entry.isFile && entry.file) {
    const file = await new Promise<File | undefined>((resolve) => entry.file!(resolve, () => resolve(undefined)));
    if (file) out.push(file);
    return;
  }
  if (entry.isDirectory && entry.createReader) {
    const reader = entry.createReader();
    // readEntries returns batches (100 in Chromium) until an empty one.
    for (;;) {
      const batch = await new Promise<FsEntry[]>((resolve) => reader.readEntries(resolve, () => resolve([])));
      if (batch.length === 0) break;
      for (const child of batch) await collectEntry(child, out);
    }
  }
}

/** Wires window-level drag and drop; returns true while files are dragged over. */
export function useFileDrop(): boolean {
  const stores = useAppStores();
  const [over, setOver] = useState(false);
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const onEnter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      setOver(true);
    };
    const onOver = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const onLeave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const onDrop = async (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      const dt = e.dataTransfer;
      if (!dt) return;
      const api = stores.api;
      const items = Array.from(dt.items ?? []);
      const entries = items.map((i) => (i.webkitGetAsEntry ? (i.webkitGetAsEntry() as FsEntry | null) : null));
      const plainFiles = Array.from(dt.files);
      // With a path per File (Electron) the main process walks folders itself.
      if (api.pathForFile || entries.every((en) => !en || en.isFile)) {
        await stores.imports.getState().importFiles(plainFiles);
        return;
      }
      const files: File[] = [];
      for (const entry of entries) if (entry) await collectEntry(entry, files);
      await stores.imports.getState().importFiles(files);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, [stores]);
  return over;
}
