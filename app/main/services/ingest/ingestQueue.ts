/**
 * The ingest queue (issue #5): every incoming file — from a folder import, the watched folder or
 * the DICOM listener — goes header → one transaction (study, series, instance as `pending`) →
 * background triage → one transaction (AI result, study summary). Because the instance is
 * committed as `pending` before triage, a crash loses no work: {@link IngestQueue.resumePending}
 * re-queues every pending instance on the next start.
 *
 * A bad file never stops the queue: it becomes an `ingest_failures` row (unreadable, not an
 * image) or a failed instance (decoding or inference failed), with a reason naming the file.
 */
import { access } from 'node:fs/promises';

import { toAppError, type AppError } from '../../../shared/result';
import type { DecodeService, FileIdentity, InstanceHeader } from '../decoding/decodeService';
import type { WorklistStoreLike } from '../worklist/worklistProtocol';
import type { AddInstanceResult, AiPriority, AiResultInput, IngestSource, NewInstance } from '../worklist/worklistStore';
import { displayName, logName, uidFromHash } from './fileIdentity';

/** What the queue needs from the triage service (TriageService satisfies it). */
export interface IngestTriage {
  classifyFile(path: string, opts: { priority: 'background'; jobId: string }): Promise<AiResultInput>;
  cancel?(jobId: string): boolean;
}

export type IngestOutcome =
  | { status: 'triaged'; instanceId: number; studyInstanceUid: string; priority: AiPriority; covid: number }
  | { status: 'duplicate'; instanceId: number; studyInstanceUid?: string }
  | { status: 'failed'; error: AppError; instanceId?: number }
  /** Recorded as pending but not triaged because the queue was closing: resumed on the next start. */
  | { status: 'pending'; instanceId: number }
  | { status: 'skipped'; reason: string }
  | { status: 'cancelled' };

/** Pushed for live worklist updates (a study arrived, finished triage or failed). */
export type IngestEvent =
  | { type: 'added'; instanceId: number; studyInstanceUid: string; source: IngestSource }
  /** `path`: the triaged file, so a listener can tell which object it was (issue #11 automatic results). */
  | { type: 'triaged'; instanceId: number; studyInstanceUid?: string; priority: AiPriority; path: string }
  | { type: 'failed'; fileName: string; error: AppError };

/** The store calls ingest makes: the worklist worker's client in the app, a WorklistStore in tests. */
export type IngestStore = WorklistStoreLike<'addInstance' | 'recordIngestFailure' | 'pendingInstances' | 'recordAiResult' | 'recordInstanceFailure'>;

export interface IngestQueueOptions {
  store: IngestStore;
  /** Header and content hash of a file, read once on a decode worker. */
  files: Pick<DecodeService, 'identify'>;
  triage: IngestTriage;
  /**
   * Files in flight at once. Default 8: header reading, hashing and the database writes of the
   * next files overlap the triage of the current ones (measured: import + triage throughput
   * went from 0.79 to 0.80–0.83 of bare `cxr triage` going from 4 to 8; issue #5).
   */
  concurrency?: number;
  onEvent?: (event: IngestEvent) => void;
  /** Log sink; lines name files by a hash, never by path or patient data. */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** What {@link IngestQueue.add}'s `onRecorded` learns once the file is in the archive (before triage). */
export interface RecordedFile {
  instanceId: number;
  studyInstanceUid: string;
  added: boolean;
}

/**
 * A task's result: its outcome, or the next step to queue (triage after recording), so a slot
 * is never held while waiting for another (recording of the next files overlaps triage).
 */
type Step = IngestOutcome | { next: () => Promise<Step>; ifCancelled: IngestOutcome };

interface Task {
  run: () => Promise<Step>;
  resolve: (outcome: IngestOutcome) => void;
  /** What a task still waiting when the queue closes resolves with. */
  ifCancelled: IngestOutcome;
}

/** Ingest queue over one worklist store. */
export class IngestQueue {
  private readonly waiting: Task[] = [];
  private running = 0;
  private closing = false;
  private readonly inFlightInstances = new Set<number>();
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly options: IngestQueueOptions) {}

  /** Files queued or in flight. */
  get size(): number {
    return this.waiting.length + this.running;
  }

  /**
   * Queues one file; resolves (never rejects) with what happened to it, after triage.
   * `onRecorded` is called as soon as the file is in the archive (added or a duplicate): the
   * viewer lists a study without waiting for its triage.
   */
  add(path: string, source: IngestSource, options: { onRecorded?: (file: RecordedFile) => void } = {}): Promise<IngestOutcome> {
    return this.enqueue(() => this.ingest(path, source, options.onRecorded));
  }

  /**
   * Re-queues triage of every instance left `pending` (a crash or a shutdown mid-batch).
   * Returns how many were queued; their outcomes arrive as events.
   */
  async resumePending(): Promise<IngestOutcome[]> {
    let recorded;
    try {
      recorded = await this.options.store.pendingInstances();
    } catch (err) {
      this.log('error', `pending work not resumed: ${toAppError(err).code}`);
      return [];
    }
    // Filtered after the await, in one synchronous step: a second resume (the AI became ready)
    // never queues an instance the first one took.
    const pending = recorded.filter((p) => !this.inFlightInstances.has(p.instanceId));
    if (pending.length > 0) this.log('info', `resuming ${pending.length} pending instance(s)`);
    return Promise.all(
      pending.map((p) => {
        this.inFlightInstances.add(p.instanceId);
        return this.enqueue(() => this.triage(p.instanceId, p.filePath, undefined, true), { status: 'pending', instanceId: p.instanceId });
      }),
    );
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops taking work. Queued files resolve `cancelled` (nothing was recorded for them);
   * files in flight finish; triage not yet started stays `pending` in the database and is
   * resumed on the next start.
   */
  async close(): Promise<void> {
    this.closing = true;
    for (const task of this.waiting.splice(0)) task.resolve(task.ifCancelled);
    await this.idle();
  }

  private enqueue(run: () => Promise<Step>, ifCancelled: IngestOutcome = { status: 'cancelled' }): Promise<IngestOutcome> {
    if (this.closing) return Promise.resolve(ifCancelled);
    return new Promise((resolve) => {
      this.waiting.push({ run, resolve, ifCancelled });
      this.pump();
    });
  }

  private pump(): void {
    const limit = Math.max(1, this.options.concurrency ?? 8);
    while (this.running < limit && this.waiting.length > 0) {
      const task = this.waiting.shift()!;
      this.running++;
      task
        .run()
        .catch((err): IngestOutcome => ({ status: 'failed', error: toAppError(err) }))
        .then((step) => {
          this.running--;
          if ('next' in step) {
            // Behind the files already waiting: their recording is quick, triage is not.
            if (this.closing) task.resolve(step.ifCancelled);
            else this.waiting.push({ run: step.next, resolve: task.resolve, ifCancelled: step.ifCancelled });
          } else {
            task.resolve(step);
          }
          this.pump();
          this.settle();
        });
    }
  }

  private settle(): void {
    if (this.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async ingest(path: string, source: IngestSource, onRecorded?: (file: RecordedFile) => void): Promise<Step> {
    const name = displayName(path);
    let identity: FileIdentity;
    try {
      identity = await this.options.files.identify(path);
    } catch (err) {
      return this.fail(path, source, named(toAppError(err, 'UNREADABLE'), name));
    }
    const { contentSha256 } = identity;
    if ('error' in identity) return this.fail(path, source, named(identity.error, name), contentSha256);
    const { header } = identity;
    if (header.kind === 'dicomdir') return { status: 'skipped', reason: `${name} is a DICOMDIR (an index, not an image)` };
    const notImage = { code: 'NOT_AN_IMAGE', message: `${name} is not an image (SOP Class ${header.sopClassUid ?? 'unknown'}): nothing to triage` };
    // A non-image object without its UIDs cannot be filed under a study: a failure, not a listing.
    if (!header.hasPixelData && !(header.kind === 'dicom' && header.studyInstanceUid && header.sopInstanceUid)) {
      return this.fail(path, source, notImage, contentSha256);
    }
    const instance = toNewInstance(path, source, contentSha256, header);
    let added: AddInstanceResult;
    try {
      added = await this.options.store.addInstance(instance);
    } catch (err) {
      // The database refused the write (disk full, locked past busy_timeout): the file stays
      // where it is, nothing is half-recorded (one transaction), and a later import retries it.
      const error = toAppError(err, 'DB_WRITE_FAILED');
      error.message = `${name}: not added to the worklist: ${error.message}`;
      this.log('error', `adding ${logName(path)} failed: ${error.code}`);
      this.emit({ type: 'failed', fileName: name, error });
      return { status: 'failed', error };
    }
    this.notify(onRecorded, { instanceId: added.instanceId, studyInstanceUid: instance.studyInstanceUid, added: added.added });
    if (!added.added) return { status: 'duplicate', instanceId: added.instanceId, studyInstanceUid: instance.studyInstanceUid };
    this.emit({ type: 'added', instanceId: added.instanceId, studyInstanceUid: instance.studyInstanceUid, source });
    if (instance.isImage === false) {
      // Listed under its study in the archive (issue #10), nothing to triage.
      this.emit({ type: 'failed', fileName: name, error: notImage });
      return { status: 'failed', error: notImage, instanceId: added.instanceId };
    }
    this.inFlightInstances.add(added.instanceId);
    const instanceId = added.instanceId;
    return { next: () => this.triage(instanceId, path, instance.studyInstanceUid), ifCancelled: this.leavePending(instanceId) };
  }

  /** Outcome of a recorded instance whose triage will not run now: it stays pending for the next start. */
  private leavePending(instanceId: number): IngestOutcome {
    return { status: 'pending', instanceId };
  }

  private notify(onRecorded: ((file: RecordedFile) => void) | undefined, file: RecordedFile): void {
    try {
      onRecorded?.(file);
    } catch {
      // A listener's bug must not stop ingest.
    }
  }

  /** Triage of a recorded instance; the caller has put it in {@link inFlightInstances}. */
  private async triage(instanceId: number, path: string, studyInstanceUid?: string, resumed = false): Promise<IngestOutcome> {
    const name = displayName(path);
    try {
      if (this.closing) return { status: 'pending', instanceId };
      try {
        // Resumed work may point at a file deleted since; a fresh file was just read.
        if (resumed) await access(path);
      } catch {
        const error = { code: 'FILE_MISSING', message: `${name} is no longer on disk` };
        await this.options.store.recordInstanceFailure(instanceId, error.code, error.message);
        this.emit({ type: 'failed', fileName: name, error });
        return { status: 'failed', error, instanceId };
      }
      let result: AiResultInput;
      try {
        result = await this.options.triage.classifyFile(path, { priority: 'background', jobId: `ingest-${instanceId}` });
      } catch (err) {
        const error = toAppError(err, 'TRIAGE_FAILED');
        // A job cancelled because we are shutting down is not a bad file: leave it pending.
        if (this.closing && /cancel/i.test(`${error.code} ${error.message}`)) return { status: 'pending', instanceId };
        // No model loaded (missing, refused, still failing): not the file's fault either. It stays
        // pending and is triaged when a model becomes ready (resumePending) or at the next start.
        if (error.code === 'AI_UNAVAILABLE') return { status: 'pending', instanceId };
        if (!error.message.includes(name)) error.message = `${name}: ${error.message}`;
        await this.options.store.recordInstanceFailure(instanceId, error.code, error.message);
        this.log('warn', `triage failed for ${logName(path)}: ${error.code}`);
        this.emit({ type: 'failed', fileName: name, error });
        return { status: 'failed', error, instanceId };
      }
      await this.options.store.recordAiResult(instanceId, result);
      this.emit({ type: 'triaged', instanceId, studyInstanceUid, priority: result.priority, path });
      return { status: 'triaged', instanceId, studyInstanceUid: studyInstanceUid ?? '', priority: result.priority, covid: result.probabilities.covid ?? 0 };
    } finally {
      this.inFlightInstances.delete(instanceId);
    }
  }

  private async fail(path: string, source: IngestSource, error: AppError, contentSha256?: string): Promise<IngestOutcome> {
    try {
      await this.options.store.recordIngestFailure({ filePath: path, contentSha256, source, code: error.code, reason: error.message });
    } catch (err) {
      // Not even the failure could be recorded (disk full): the message still reaches the user.
      this.log('error', `recording the failure of ${logName(path)} failed: ${toAppError(err).code}`);
    }
    this.log('warn', `ingest failed for ${logName(path)}: ${error.code}`);
    this.emit({ type: 'failed', fileName: displayName(path), error });
    return { status: 'failed', error };
  }

  private emit(event: IngestEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A listener's bug must not stop ingest.
    }
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }
}

/** The error, its message prefixed with the file name unless it names it already. */
function named(error: AppError, name: string): AppError {
  return error.message.includes(name) ? error : { ...error, message: `${name}: ${error.message}` };
}

/**
 * Identity and attributes of a file. DICOM UIDs come from the header; PNG/JPEG have none, so
 * UIDs are derived from the content hash (the same picture is the same instance), and a DICOM
 * file missing a UID (invalid per PS3.3 C.12.1, but seen in the wild) gets a derived one too.
 */
export function toNewInstance(path: string, source: IngestSource, contentSha256: string, header: InstanceHeader): NewInstance {
  const raster = header.kind !== 'dicom';
  return {
    kind: header.kind === 'dicomdir' ? 'dicom' : header.kind,
    filePath: path,
    contentSha256,
    source,
    studyInstanceUid: (!raster && header.studyInstanceUid) || uidFromHash(contentSha256, 'study'),
    seriesInstanceUid: (!raster && header.seriesInstanceUid) || uidFromHash(contentSha256, 'series'),
    sopInstanceUid: (!raster && header.sopInstanceUid) || uidFromHash(contentSha256, 'instance'),
    sopClassUid: header.sopClassUid,
    transferSyntaxUid: header.transferSyntaxUid,
    rows: header.rows,
    columns: header.columns,
    patientName: header.patientName,
    patientId: header.patientId,
    issuerOfPatientId: header.issuerOfPatientId,
    patientBirthDate: header.patientBirthDate,
    patientSex: header.patientSex,
    studyDate: header.studyDate,
    studyTime: header.studyTime,
    studyDescription: header.studyDescription,
    accessionNumber: header.accessionNumber,
    modality: header.modality,
    seriesNumber: header.seriesNumber,
    seriesDescription: header.seriesDescription,
    bodyPartExamined: header.bodyPartExamined,
    viewPosition: header.viewPosition,
    instanceNumber: header.instanceNumber,
    numberOfFrames: header.numberOfFrames,
    isImage: header.hasPixelData,
  };
}
