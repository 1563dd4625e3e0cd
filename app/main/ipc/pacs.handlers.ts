/**
 * Handlers of the `pacs:` channels (issue #11): the PACS settings page (read, save, "Test"),
 * study search, background retrieves with `pacs:progress` events, and "Send results to PACS".
 * The network work is the PACS service's (services/pacs/pacsService.ts, the same calls the
 * `cxr pacs` and `cxr send-results` commands make); this file only wires it to the app.
 *
 * Errors are data: invalid settings come back as `problems`, a failed "Test" as `ok: false` with
 * the message a nurse reads to IT, and a retrieve that fails half-way ends with a `failed`
 * progress event that keeps what arrived and says what is missing. Retrieved instances go
 * through the app's one ingest queue as they arrive, so each study is triaged, listed in the
 * worklist and the study browser, and opens in the viewer like any imported study.
 */
import { join } from 'node:path';

import type { EventPayload, PacsRetrieveProgress, PacsSettingsStatus } from '../../shared/ipc/contract';
import { describeNode, EMPTY_PACS_SETTINGS, validatePacsSettings, type PacsSettings } from '../../shared/pacs/settings';
import type { StudyQuery } from '../../shared/pacs/types';
import { CodedError, toAppError } from '../../shared/result';
import type { DecodeService } from '../services/decoding/decodeService';
import type { AiService } from '../services/inference/aiService';
import type { IngestQueue } from '../services/ingest/ingestQueue';
import {
  findStudies,
  loadPacsSettings,
  requireNode,
  retrieveStudy,
  savePacsSettings,
  type RunningListener,
  testNode,
} from '../services/pacs/pacsService';
import { sendStudyResults } from '../services/pacs/autoSendResults';
import type { WorklistStoreLike } from '../services/worklist/worklistProtocol';
import type { EventSink } from './events';
import type { IpcRouter } from './handle';

/** Missing SOP Instance UIDs named in a progress event at most (the count is always given). */
const MAX_MISSING_LISTED = 100;

/**
 * The PACS settings of this app: read once from `settingsPath` (a missing file is no nodes, a
 * broken one is reported and ignored), saved there on change; in memory only without a path.
 */
export class PacsSettingsHolder {
  private current: PacsSettings = EMPTY_PACS_SETTINGS;
  private problems: string[] = [];
  private readonly loaded: Promise<void>;

  constructor(private readonly settingsPath?: string) {
    this.loaded = settingsPath
      ? loadPacsSettings(settingsPath).then(({ settings, problems }) => {
          this.current = settings;
          this.problems = problems;
        })
      : Promise.resolve();
  }

  async settings(): Promise<PacsSettings> {
    await this.loaded;
    return this.current;
  }

  async status(): Promise<PacsSettingsStatus> {
    await this.loaded;
    return { settings: this.current, problems: [...this.problems], ...(this.settingsPath ? { settingsPath: this.settingsPath } : {}) };
  }

  /** Validates and saves; invalid settings (or a failed write) change nothing and are returned as problems. */
  async configure(next: unknown): Promise<{ status: PacsSettingsStatus; problems: string[] }> {
    await this.loaded;
    let problems: string[] = [];
    if (this.settingsPath) {
      try {
        const saved = await savePacsSettings(this.settingsPath, next);
        if (saved.ok) this.current = saved.settings;
        else problems = saved.problems;
      } catch (err) {
        problems = [`The settings could not be saved (${toAppError(err).message}).`];
      }
    } else {
      const checked = validatePacsSettings(next);
      if (checked.ok) this.current = checked.settings;
      else problems = checked.problems;
    }
    // A successful save also clears the problems of a broken file read at start.
    if (problems.length === 0) this.problems = [];
    return { status: await this.status(), problems };
  }
}

interface RetrieveJob {
  progress: PacsRetrieveProgress;
  controller: AbortController;
  finished: Promise<PacsRetrieveProgress>;
}

/**
 * Background retrieves: one job per "Retrieve" click, each feeding the ingest queue as instances
 * arrive and reporting `pacs:progress` (at most every `progressIntervalMs`; the first and the last
 * event always go out). Finished jobs are kept for `pacs:retrieves` (the last 50).
 */
export class PacsRetrievals {
  private readonly jobs = new Map<string, RetrieveJob>();
  private nextJob = 0;

  constructor(
    private readonly deps: {
      settings: PacsSettingsHolder;
      queue: Pick<IngestQueue, 'add'>;
      emit: EventSink;
      /** Retrieved studies go to `<retrieveDir>/<Study Instance UID>/`. */
      retrieveDir: string;
      /** The app's DICOM listener while it runs: a C-MOVE to its port arrives through it (and its ingest). */
      listener?: () => RunningListener | undefined;
      progressIntervalMs?: number;
    },
  ) {}

  /** Starts a retrieve; rejects only for an unknown node (NODE_NOT_FOUND) or an invalid UID. */
  async start(nodeId: string, studyInstanceUid: string): Promise<{ jobId: string }> {
    const settings = await this.deps.settings.settings();
    const node = requireNode(settings, nodeId);
    if (!/^[0-9]+(\.[0-9]+)*$/.test(studyInstanceUid)) throw new CodedError('INVALID_UID', `"${studyInstanceUid}" is not a Study Instance UID.`);
    const jobId = `pacs-retrieve-${++this.nextJob}`;
    const controller = new AbortController();
    const interval = this.deps.progressIntervalMs ?? 200;
    const progress: PacsRetrieveProgress = {
      jobId,
      nodeId,
      studyInstanceUid,
      phase: 'running',
      method: node.kind === 'dicomweb' ? 'wado-rs' : node.retrieve === 'move' ? 'c-move' : 'c-get',
      received: 0,
      failed: 0,
      bytes: 0,
    };
    let lastEmit = 0;
    const emit = (force = false): void => {
      const now = Date.now();
      if (!force && now - lastEmit < interval) return;
      lastEmit = now;
      this.deps.emit('pacs:progress', { ...progress });
    };
    const ingests: Promise<unknown>[] = [];
    const finished = (async (): Promise<PacsRetrieveProgress> => {
      emit(true);
      const outcome = await retrieveStudy(node, studyInstanceUid, {
        dir: join(this.deps.retrieveDir, studyInstanceUid),
        moveDefault: settings.moveDestination,
        signal: controller.signal,
        listener: this.deps.listener?.(),
        // Each instance is imported at once: the study is triaged and listed while the rest arrives.
        // What came through the app's listener is already queued there: waited for, not added twice.
        onFile: (file) => ingests.push((file.ingested ?? this.deps.queue.add(file.path, 'import')).catch(() => undefined)),
        onProgress: (p) => {
          Object.assign(progress, { method: p.method, received: p.received, expected: p.expected, failed: p.failed, bytes: p.bytes });
          emit();
        },
      }).catch((err: unknown) => ({ error: toAppError(err), files: [], received: 0, failed: 0, bytes: 0, cancelled: false, complete: false, missing: [], missingCount: undefined, expected: undefined }));
      await Promise.allSettled(ingests);
      Object.assign(progress, {
        received: outcome.received,
        failed: outcome.failed,
        bytes: outcome.bytes,
        ...(outcome.expected !== undefined ? { expected: outcome.expected } : {}),
        phase: outcome.complete ? 'done' : outcome.cancelled ? 'cancelled' : 'failed',
      });
      if (!outcome.complete) {
        if (outcome.missingCount !== undefined) progress.missingCount = outcome.missingCount;
        if (outcome.missing.length > 0) progress.missing = outcome.missing.slice(0, MAX_MISSING_LISTED).map((m) => m.sopInstanceUid);
        if (outcome.error) {
          progress.code = outcome.error.code;
          progress.message = outcome.cancelled
            ? `Cancelled. ${outcome.received} instance(s) that arrived are kept and imported${outcome.missingCount ? `; ${outcome.missingCount} not retrieved` : ''}.`
            : outcome.error.message;
        }
      }
      emit(true);
      // The last ingest outcomes may fall inside the worklist's throttle window: re-query once more.
      this.deps.emit('worklist:changed', {});
      this.deps.emit('studies:changed', {});
      return { ...progress };
    })();
    this.jobs.set(jobId, { progress, controller, finished });
    this.prune();
    return { jobId };
  }

  /** Cancels a running retrieve; false when unknown or finished. What arrived is kept. */
  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || job.progress.phase !== 'running') return false;
    job.controller.abort();
    return true;
  }

  /** Every job of this session, oldest first. */
  list(): EventPayload<'pacs:progress'>[] {
    return [...this.jobs.values()].map((j) => ({ ...j.progress }));
  }

  /** The final progress of a job (tests, shutdown). */
  whenFinished(jobId: string): Promise<PacsRetrieveProgress> | undefined {
    return this.jobs.get(jobId)?.finished;
  }

  /** Cancels every running retrieve and waits for them. */
  async close(): Promise<void> {
    const jobs = [...this.jobs.values()];
    for (const job of jobs) job.controller.abort();
    await Promise.allSettled(jobs.map((j) => j.finished));
  }

  private prune(): void {
    const finished = [...this.jobs.entries()].filter(([, j]) => j.progress.phase !== 'running');
    for (const [id] of finished.slice(0, Math.max(0, this.jobs.size - 50))) this.jobs.delete(id);
  }
}

export interface PacsHandlerDeps {
  settings: PacsSettingsHolder;
  retrievals: PacsRetrievals;
  store: WorklistStoreLike<'studySummary'>;
  decode: Pick<DecodeService, 'decodeFrame'>;
  /** The AI, for the result and the Grad-CAM of the study's top image (cached per pixel hash). */
  ai: Pick<AiService, 'classify' | 'status'>;
}

/** Registers settings, configure, test, find, retrieve, cancelRetrieve, retrieves and sendResults. */
export function registerPacsHandlers(router: IpcRouter, deps: PacsHandlerDeps): void {
  const { settings, retrievals } = deps;

  router.handle('pacs:settings', () => settings.status());

  router.handle('pacs:configure', ({ settings: next }) => settings.configure(next));

  router.handle('pacs:test', async ({ nodeId }) => {
    const node = requireNode(await settings.settings(), nodeId);
    const method = node.kind === 'dimse' ? ('c-echo' as const) : ('qido-rs' as const);
    try {
      const result = await testNode(node);
      const what = method === 'c-echo' ? 'C-ECHO' : 'a DICOMweb (QIDO-RS) search';
      return { ok: true, nodeId, method, ms: result.ms, message: `${describeNode(node)} answered ${what} in ${result.ms} ms.` };
    } catch (err) {
      const error = toAppError(err);
      return { ok: false, nodeId, method, code: error.code, message: error.message };
    }
  });

  router.handle('pacs:find', async ({ nodeId, query }) => {
    const node = requireNode(await settings.settings(), nodeId);
    const clean: StudyQuery = {};
    for (const key of ['patientName', 'patientId', 'accessionNumber', 'studyDateFrom', 'studyDateTo', 'studyInstanceUid'] as const) {
      const value = query[key]?.trim();
      if (value) clean[key] = value;
    }
    if (query.modalities) clean.modalities = query.modalities;
    if (query.limit) clean.limit = query.limit;
    if (clean.studyDateFrom && clean.studyDateTo && clean.studyDateFrom > clean.studyDateTo) {
      throw new CodedError('INVALID_QUERY', 'The "from" date is after the "to" date.');
    }
    return findStudies(node, clean);
  });

  router.handle('pacs:retrieve', ({ nodeId, studyInstanceUid }) => retrievals.start(nodeId, studyInstanceUid));

  router.handle('pacs:cancelRetrieve', ({ jobId }) => ({ cancelled: retrievals.cancel(jobId) }));

  router.handle('pacs:retrieves', () => ({ jobs: retrievals.list() }));

  router.handle('pacs:sendResults', async ({ studyInstanceUid, nodeId }) => {
    // An explicit click always sends, even a study sent automatically before (issue #11).
    const sent = await sendStudyResults(deps, await settings.settings(), studyInstanceUid, { nodeId });
    return { nodeId: sent.nodeId, node: sent.node, method: sent.method, sent: sent.sent };
  });
}
