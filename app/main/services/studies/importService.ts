/**
 * The viewer's import jobs: files, folders (recursive), DICOMDIRs and dropped bytes go into the
 * study archive through the same ingest queue as worklist imports and the DICOM listener (issue
 * #10: one import path, one de-duplication rule), so every opened file is also triaged and kept
 * across restarts. A job counts a file done once it is recorded; triage goes on in the
 * background. Files are handed over a bounded number at a time, so importing thousands of files
 * never blocks the main event loop or floods the decode pool. Progress goes out as `studies:importProgress`, throttled;
 * a job can be cancelled; a file that fails is reported and the import goes on.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { ImportProgress } from '../../../shared/ipc/contract';
import { toAppError } from '../../../shared/result';
import type { EventSink } from '../../ipc/events';
import type { Logger } from '../../ipc/log';
import { fileRef, redactPaths } from '../../security/redact';
import type { DecodeService } from '../decoding/decodeService';
import type { IngestOutcome, IngestQueue, RecordedFile } from '../ingest/ingestQueue';
import { walkFiles } from './fileWalker';

/** At most this many errors travel in a progress event (the `failed` count is always complete). */
export const MAX_REPORTED_ERRORS = 500;

/** Dependencies of {@link ImportService}; all injected so it runs without Electron. */
export interface ImportServiceDeps {
  /** The archive's ingest queue (recording, de-duplication, triage). */
  queue: Pick<IngestQueue, 'add'>;
  /** Reads a DICOMDIR's references (the queue skips index files). */
  decode: Pick<DecodeService, 'readHeader'>;
  emit: EventSink;
  logger: Logger;
  /** Folder for dropped bytes (Electron: <userData>/imports; harness: a temp folder). */
  importDir: string;
  /** Headers read at once (default 8: enough to keep a worker pool busy, bounded for memory). */
  concurrency?: number;
  /** Minimum time between progress events of one job (default 100 ms, i.e. ≤ 10/s). */
  progressIntervalMs?: number;
  /** Minimum time between `studies:changed` events (default 500 ms). */
  changedIntervalMs?: number;
  newJobId?: () => string;
}

/** A file to import, as named for messages. */
interface ImportItem {
  path: string;
  /** Name for messages: the base name, or the original name of dropped bytes. */
  displayName: string;
}

interface Job {
  progress: ImportProgress;
  cancelled: boolean;
  finished: Promise<ImportProgress>;
  lastEmit: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Runs import jobs against one catalog. */
export class ImportService {
  private readonly jobs = new Map<string, Job>();
  private changedTimer: ReturnType<typeof setTimeout> | undefined;
  private lastChanged = 0;
  private changedPending = false;

  constructor(private readonly deps: ImportServiceDeps) {}

  /**
   * Starts importing files and folders; returns at once with the job id. Progress:
   * `done` counts files processed (imported, duplicate or failed), `failed` those that
   * failed, `total` grows while folders are walked and DICOMDIRs expanded.
   */
  startImport(paths: string[]): { jobId: string } {
    const items = paths.map((p) => ({ path: resolve(p), displayName: basename(p) }));
    return this.start(async () => items);
  }

  /**
   * Imports dropped files that have no path (harness, browser drag): the bytes are
   * written under `importDir/<job>/<n>/<name>` first, so later decoding reads them
   * like any other file.
   */
  importBytes(files: Array<{ name: string; bytes: ArrayBuffer }>): { jobId: string } {
    const jobDir = join(this.deps.importDir, `drop-${Date.now()}-${randomUUID().slice(0, 8)}`);
    return this.start(async (report) => {
      const items: ImportItem[] = [];
      for (const [index, file] of files.entries()) {
        const name = safeFileName(file.name);
        const dir = join(jobDir, String(index));
        const path = join(dir, name);
        try {
          await mkdir(dir, { recursive: true });
          await writeFile(path, new Uint8Array(file.bytes));
          items.push({ path, displayName: name });
        } catch (err) {
          report(name, 'WRITE_FAILED', `cannot store the dropped file (${redactPaths(toAppError(err).message)})`);
        }
      }
      return items;
    });
  }

  /** Cancels a running job; false when it is unknown or already finished. */
  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || job.progress.phase === 'done' || job.progress.phase === 'cancelled' || job.cancelled) return false;
    job.cancelled = true;
    return true;
  }

  /** Resolves with the final progress of a job (tests, the CLI); undefined for an unknown id. */
  whenFinished(jobId: string): Promise<ImportProgress> | undefined {
    return this.jobs.get(jobId)?.finished;
  }

  /** Cancels every running job and waits for them (shutdown). */
  async close(): Promise<void> {
    for (const job of this.jobs.values()) job.cancelled = true;
    await Promise.all([...this.jobs.values()].map((j) => j.finished));
    if (this.changedTimer) clearTimeout(this.changedTimer);
  }

  private start(
    collectRoots: (report: (name: string, code: string, message: string) => void) => Promise<ImportItem[]>,
  ): { jobId: string } {
    const jobId = this.deps.newJobId?.() ?? randomUUID();
    let finish!: (p: ImportProgress) => void;
    const job: Job = {
      progress: { jobId, phase: 'scanning', total: 0, done: 0, failed: 0, errors: [] },
      cancelled: false,
      finished: new Promise((r) => (finish = r)),
      lastEmit: 0,
      timer: undefined,
    };
    this.jobs.set(jobId, job);
    this.forgetOldJobs();
    // Started on a later tick so the caller has the job id before the first event.
    setImmediate(() => {
      this.run(job, collectRoots)
        .catch((err) => {
          // A bug in the runner must still end the job cleanly (never a hung progress bar).
          this.deps.logger.error('import job failed', { job: jobId.slice(0, 8), code: toAppError(err).code });
        })
        .finally(() => {
          job.progress.phase = job.cancelled ? 'cancelled' : 'done';
          // `changed` first: a renderer that re-lists on `done` then sees a settled catalog.
          this.flushChanged();
          this.emitProgress(job, true);
          finish({ ...job.progress, errors: [...job.progress.errors] });
        });
    });
    return { jobId };
  }

  private async run(
    job: Job,
    collectRoots: (report: (name: string, code: string, message: string) => void) => Promise<ImportItem[]>,
  ): Promise<void> {
    const { logger } = this.deps;
    const p = job.progress;
    const report = (name: string, code: string, message: string) => {
      p.failed++;
      if (p.errors.length < MAX_REPORTED_ERRORS) p.errors.push({ fileName: name, code, message: `${name}: ${message}` });
    };
    const reportAndCount = (name: string, code: string, message: string) => {
      report(name, code, message);
      p.total++;
      p.done++;
    };
    const queue: ImportItem[] = [];
    const seen = new Set<string>();
    const enqueue = (item: ImportItem) => {
      if (seen.has(item.path)) return;
      seen.add(item.path);
      queue.push(item);
      p.total++;
    };

    // Phase 1: expand folders into files.
    const roots = await collectRoots(reportAndCount);
    for (const root of roots) {
      if (job.cancelled) return;
      const info = await stat(root.path).catch((err: NodeJS.ErrnoException) => err);
      if (info instanceof Error) {
        const code = info.code === 'ENOENT' ? 'NOT_FOUND' : info.code === 'EACCES' || info.code === 'EPERM' ? 'PERMISSION_DENIED' : 'UNREADABLE';
        reportAndCount(root.displayName, code, code === 'NOT_FOUND' ? 'file or folder not found' : 'cannot be read');
      } else if (info.isDirectory()) {
        for await (const entry of walkFiles(root.path, () => job.cancelled)) {
          if (entry.kind === 'file') enqueue({ path: entry.path, displayName: basename(entry.path) });
          else reportAndCount(basename(entry.path), entry.code, entry.message);
          this.emitProgress(job);
        }
      } else {
        enqueue(root);
      }
      this.emitProgress(job);
    }
    if (job.cancelled) return;
    p.phase = 'importing';
    this.emitProgress(job);

    // Phase 2: read headers, a bounded number at a time. A DICOMDIR appends the files
    // it references to the queue (PS3.10 8.6; Referenced File ID, PS3.3 F.3.2.2).
    let next = 0;
    const importOne = async (item: ImportItem) => {
      try {
        // PS3.10 8.6: a DICOMDIR's file ID is "DICOMDIR"; it is an index, read here, not recorded.
        if (basename(item.path).toUpperCase() === 'DICOMDIR') {
          const header = await this.deps.decode.readHeader(item.path);
          if (header.kind === 'dicomdir') {
            for (const ref of header.referencedFiles ?? []) enqueue({ path: resolve(ref), displayName: basename(ref) });
            return;
          }
        }
        const recorded = await this.record(item.path);
        if ('instanceId' in recorded) {
          this.markChanged();
          return;
        }
        if (recorded.status === 'skipped') {
          const header = await this.deps.decode.readHeader(item.path);
          for (const ref of header.referencedFiles ?? []) enqueue({ path: resolve(ref), displayName: basename(ref) });
          return;
        }
        if (recorded.status === 'failed') throw recorded.error;
        if (recorded.status === 'cancelled') return;
      } catch (err) {
        const e = toAppError(err);
        const message = redactPaths(e.message);
        // Decoder messages usually start with the file name already.
        report(item.displayName, e.code, message.startsWith(`${item.displayName}:`) ? message.slice(item.displayName.length + 1).trim() : message);
        logger.warn('import: file rejected', { file: fileRef(item.path), code: e.code });
      }
    };
    const worker = async () => {
      while (next < queue.length && !job.cancelled) {
        const item = queue[next++];
        await importOne(item);
        p.done++;
        this.emitProgress(job);
      }
    };
    const concurrency = Math.max(1, this.deps.concurrency ?? 8);
    // A DICOMDIR read by the last running worker may enqueue more after the others exit.
    while (next < queue.length && !job.cancelled) {
      await Promise.all(Array.from({ length: concurrency }, worker));
    }
    logger.info('import finished', { job: p.jobId.slice(0, 8), total: p.total, failed: p.failed, cancelled: job.cancelled });
  }

  /**
   * Hands a file to the ingest queue; resolves as soon as it is in the archive (triage goes on),
   * or with the outcome when it never got there (unreadable, a DICOMDIR, the queue closing).
   * A non-image object is recorded (listed under its study) before its NOT_AN_IMAGE outcome.
   */
  private record(path: string): Promise<RecordedFile | IngestOutcome> {
    return new Promise((settle) => {
      void this.deps.queue.add(path, 'import', { onRecorded: settle }).then(settle);
    });
  }

  /** Emits progress at most every `progressIntervalMs`; a skipped update is sent by a timer. */
  private emitProgress(job: Job, final = false): void {
    const interval = this.deps.progressIntervalMs ?? 100;
    const now = Date.now();
    const send = () => {
      job.timer = undefined;
      job.lastEmit = Date.now();
      this.deps.emit('studies:importProgress', { ...job.progress, errors: [...job.progress.errors] });
    };
    if (final) {
      if (job.timer) clearTimeout(job.timer);
      send();
      return;
    }
    if (job.timer) return;
    const wait = job.lastEmit + interval - now;
    if (wait <= 0) send();
    else job.timer = setTimeout(send, wait);
  }

  private markChanged(): void {
    this.changedPending = true;
    if (this.changedTimer) return;
    const interval = this.deps.changedIntervalMs ?? 500;
    const wait = this.lastChanged + interval - Date.now();
    if (wait <= 0) this.flushChanged();
    else this.changedTimer = setTimeout(() => this.flushChanged(), wait);
  }

  private flushChanged(): void {
    if (this.changedTimer) clearTimeout(this.changedTimer);
    this.changedTimer = undefined;
    if (!this.changedPending) return;
    this.changedPending = false;
    this.lastChanged = Date.now();
    this.deps.emit('studies:changed', {});
  }

  /** Keeps the last 50 finished jobs (for whenFinished/cancel answers), drops older ones. */
  private forgetOldJobs(): void {
    const finished = [...this.jobs.entries()].filter(([, j]) => j.progress.phase === 'done' || j.progress.phase === 'cancelled');
    for (const [id] of finished.slice(0, Math.max(0, finished.length - 50))) this.jobs.delete(id);
  }
}

/**
 * A dropped file's name made safe as one path segment: no folders, no control or
 * reserved characters (Windows forbids <>:"/\|?*), no dot-only names, at most 120 chars.
 */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const cleaned = base.replace(/[\u0000-\u001f<>:"|?*]/g, '_').replace(/^\.+/, '').trim().slice(0, 120);
  return cleaned || 'dropped-file';
}
