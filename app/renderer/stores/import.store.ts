/**
 * Import jobs: open dialogs, path imports, dropped-file imports, progress events and
 * cancel (issue #2 "Opening studies"). Per-file errors stay listed, by file name, until
 * the next import starts.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppError } from '../../shared/result';
import type { ImportProgress, PreloadApi } from '../../shared/ipc/contract';
import { errorOf, invokeOrThrow } from '../lib/api';

export type ImportFileError = ImportProgress['errors'][number];

export interface ImportState {
  /** The running or last job (undefined before the first import). */
  job?: { jobId: string; phase: ImportProgress['phase']; total: number; done: number; failed: number };
  errors: ImportFileError[];
  /** A failure of the import request itself (dialog, transport, validation). */
  requestError?: AppError;
  openDialog(kind: 'files' | 'folder'): Promise<void>;
  importPaths(paths: string[]): Promise<void>;
  /** Dropped files: paths where the shell gives them (Electron), else their bytes (harness). */
  importFiles(files: File[]): Promise<void>;
  cancel(): Promise<void>;
  /** Feeds one `studies:importProgress` event. */
  onProgress(progress: ImportProgress): void;
  dismissErrors(): void;
}

export type ImportStore = StoreApi<ImportState>;

/** Most files sent in one `studies:importBytes` request (contract: max 1000). */
export const BYTES_BATCH_FILES = 200;
/** Most bytes sent in one `studies:importBytes` request. */
export const BYTES_BATCH_BYTES = 256 * 1024 * 1024;

const errorKey = (e: ImportFileError) => `${e.fileName}\u0000${e.code}\u0000${e.message}`;

/** Merges error lists without duplicates (progress events may repeat earlier errors). */
export function mergeErrors(current: readonly ImportFileError[], incoming: readonly ImportFileError[]): ImportFileError[] {
  const seen = new Set(current.map(errorKey));
  const merged = [...current];
  for (const e of incoming) {
    const key = errorKey(e);
    if (!seen.has(key)) {
      seen.add(key);
      merged.push(e);
    }
  }
  return merged;
}

/** Splits dropped files into batches that respect the contract's limits. */
export function batchFiles<T extends { size: number }>(files: readonly T[], maxFiles = BYTES_BATCH_FILES, maxBytes = BYTES_BATCH_BYTES): T[][] {
  const batches: T[][] = [];
  let batch: T[] = [];
  let bytes = 0;
  for (const file of files) {
    if (batch.length > 0 && (batch.length >= maxFiles || bytes + file.size > maxBytes)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(file);
    bytes += file.size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

export function createImportStore(api: PreloadApi): ImportStore {
  return createStore<ImportState>()((set, get) => {
    // Progress events can overtake the reply that names their job (a small import may
    // finish before `studies:import` resolves): keep the latest event of every job.
    const latest = new Map<string, ImportProgress>();
    const started = (jobId: string) => {
      const seen = latest.get(jobId);
      set({
        job: seen
          ? { jobId, phase: seen.phase, total: seen.total, done: seen.done, failed: seen.failed }
          : { jobId, phase: 'scanning', total: 0, done: 0, failed: 0 },
        requestError: undefined,
      });
    };
    return {
      errors: [],
      async openDialog(kind) {
        try {
          const { paths } = await invokeOrThrow(api, 'dialog:open', { kind });
          if (paths.length > 0) await get().importPaths(paths);
        } catch (err) {
          set({ requestError: errorOf(err) });
        }
      },
      async importPaths(paths) {
        if (paths.length === 0) return;
        set({ errors: [] });
        try {
          const { jobId } = await invokeOrThrow(api, 'studies:import', { paths });
          started(jobId);
        } catch (err) {
          set({ requestError: errorOf(err) });
        }
      },
      async importFiles(files) {
        if (files.length === 0) return;
        const paths = api.pathForFile ? files.map((f) => api.pathForFile!(f)).filter((p): p is string => Boolean(p)) : [];
        if (paths.length === files.length) {
          await get().importPaths(paths);
          return;
        }
        set({ errors: [] });
        try {
          for (const batch of batchFiles(files)) {
            const payload = await Promise.all(batch.map(async (f) => ({ name: f.name.slice(0, 255), bytes: await f.arrayBuffer() })));
            const { jobId } = await invokeOrThrow(api, 'studies:importBytes', { files: payload });
            started(jobId);
          }
        } catch (err) {
          set({ requestError: errorOf(err) });
        }
      },
      async cancel() {
        const job = get().job;
        if (!job) return;
        try {
          await invokeOrThrow(api, 'studies:cancelImport', { jobId: job.jobId });
        } catch (err) {
          set({ requestError: errorOf(err) });
        }
      },
      onProgress(progress) {
        latest.set(progress.jobId, progress);
        const job = get().job;
        // Events of an older job (after a new one started) only add their errors.
        if (job && job.jobId !== progress.jobId && job.phase !== 'done' && job.phase !== 'cancelled') {
          set((s) => ({ errors: mergeErrors(s.errors, progress.errors) }));
          return;
        }
        set((s) => ({
          job: { jobId: progress.jobId, phase: progress.phase, total: progress.total, done: progress.done, failed: progress.failed },
          errors: mergeErrors(s.errors, progress.errors),
        }));
      },
      dismissErrors() {
        set({ errors: [], requestError: undefined });
      },
    };
  });
}

/** True while a job is scanning or importing. */
export function isImportRunning(state: Pick<ImportState, 'job'>): boolean {
  return state.job !== undefined && (state.job.phase === 'scanning' || state.job.phase === 'importing');
}
