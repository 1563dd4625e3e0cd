/**
 * Handlers of the `worklist:` channels (issue #5): the triage worklist in display order
 * (sorted and filtered in SQLite), review actions, folder imports with progress and cancel,
 * opening a study in the viewer, CSV export and the per-study summary PNG.
 *
 * Rows cross to the renderer without the main-only file path; `worklist:open` answers with the
 * study's archive key, which the viewer opens like any study of its browser.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';

import type { EventPayload, WorklistRow } from '../../shared/ipc/contract';
import { CodedError } from '../../shared/result';
import type { DecodeService } from '../services/decoding/decodeService';
import type { AiService } from '../services/inference/aiService';
import { importFolder } from '../services/ingest/folderImport';
import type { IngestQueue, IngestTriage } from '../services/ingest/ingestQueue';
import { csvFileName, worklistCsv } from '../services/worklist/csvExport';
import { renderSummaryPng } from '../services/worklist/summaryImage';
import type { WorklistStoreLike } from '../services/worklist/worklistProtocol';
import type { AiResultInput, WorklistEntry } from '../services/worklist/worklistStore';
import type { EventSink } from './events';
import type { IpcRouter } from './handle';

/** Reviewer recorded when the request names none (the app has no user accounts yet). */
export const DEFAULT_REVIEWER = 'local user';

/** A worklist row as the contract sends it: the main-only file path removed. */
export function toWorklistRow(entry: WorklistEntry): WorklistRow {
  const { path: _path, ...row } = entry;
  void _path;
  return row;
}

/** The triage the ingest queue needs, over the app's AI service (waits until the model is loaded or failed). */
export function aiIngestTriage(ai: Pick<AiService, 'classify'>, ready: Promise<unknown>): IngestTriage {
  return {
    async classifyFile(path): Promise<AiResultInput> {
      await ready;
      const o = await ai.classify(path, 0, 'background');
      return { probabilities: o.probabilities, label: o.label, priority: o.priority, outOfDistribution: o.outOfDistribution, ood: o.ood, model: o.model };
    },
  };
}

export interface WorklistImportJob {
  jobId: string;
  cancel(): void;
  finished: Promise<EventPayload<'worklist:progress'>>;
}

/**
 * Runs worklist imports: each job walks its folders (and takes single files as they are),
 * feeds the ingest queue and reports `worklist:progress` (throttled; the last event always
 * goes out) with an ETA. Cancelling stops feeding at once; files in flight finish.
 */
export class WorklistImports {
  private readonly jobs = new Map<string, WorklistImportJob>();
  private nextJob = 0;

  constructor(
    private readonly deps: { queue: IngestQueue; emit: EventSink; progressIntervalMs?: number },
  ) {}

  start(paths: string[]): { jobId: string } {
    const jobId = `worklist-import-${++this.nextJob}`;
    const controller = new AbortController();
    const interval = this.deps.progressIntervalMs ?? 200;
    let lastEmit = 0;
    const emit = (progress: EventPayload<'worklist:progress'>, force = false): void => {
      const now = Date.now();
      if (!force && now - lastEmit < interval) return;
      lastEmit = now;
      this.deps.emit('worklist:progress', progress);
    };
    const finished = (async (): Promise<EventPayload<'worklist:progress'>> => {
      let doneBefore = 0;
      let totalBefore = 0;
      let failedBefore = 0;
      const base = { jobId, phase: 'scanning' as const, total: 0, done: 0, failed: 0, etaSeconds: null };
      emit(base, true);
      for (const path of paths) {
        if (controller.signal.aborted) break;
        const info = await stat(path).catch(() => undefined);
        if (info?.isDirectory()) {
          let folderDone = 0;
          const summary = await importFolder(this.deps.queue, path, {
            signal: controller.signal,
            onProgress: (p) => {
              folderDone = p.done;
              emit({ jobId, phase: 'importing', total: totalBefore + p.total, done: doneBefore + p.done, failed: failedBefore + p.failed, etaSeconds: p.etaSeconds });
            },
          });
          totalBefore += summary.total;
          doneBefore += folderDone;
          failedBefore += summary.failed;
        } else {
          // A single file (or a path that is gone: the queue records the failure with the file's name).
          const outcome = await this.deps.queue.add(path, 'import');
          totalBefore++;
          doneBefore++;
          if (outcome.status === 'failed') failedBefore++;
        }
        emit({ jobId, phase: 'importing', total: totalBefore, done: doneBefore, failed: failedBefore, etaSeconds: 0 });
      }
      const final = {
        jobId,
        phase: controller.signal.aborted ? ('cancelled' as const) : ('done' as const),
        total: totalBefore,
        done: Math.min(doneBefore, totalBefore),
        failed: failedBefore,
        etaSeconds: null,
      };
      emit(final, true);
      this.deps.emit('worklist:changed', {});
      return final;
    })().finally(() => this.jobs.delete(jobId));
    this.jobs.set(jobId, { jobId, cancel: () => controller.abort(), finished });
    return { jobId };
  }

  /** Cancels a running job; false when it is unknown or already finished. */
  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job) return false;
    job.cancel();
    return true;
  }

  /** The final progress of a running job (tests, shutdown). */
  whenFinished(jobId: string): Promise<EventPayload<'worklist:progress'>> | undefined {
    return this.jobs.get(jobId)?.finished;
  }

  /** Cancels every job and waits for them. */
  async close(): Promise<void> {
    const jobs = [...this.jobs.values()];
    for (const job of jobs) job.cancel();
    await Promise.allSettled(jobs.map((j) => j.finished));
  }
}

export interface WorklistHandlerDeps {
  store: WorklistStoreLike<'worklist' | 'worklistEntry' | 'priorityCounts' | 'recordReview' | 'studySummary' | 'studyKeyOfUid'>;
  imports: WorklistImports;
  decode: Pick<DecodeService, 'readHeader' | 'decodeFrame'>;
  /** The AI, for the summary's heatmap (cached per pixel hash, so usually instant). */
  ai: Pick<AiService, 'classify' | 'status'>;
  emit: EventSink;
  now?: () => Date;
}

/** Registers list, review, import, cancelImport, open, exportCsv and summaryPng. */
export function registerWorklistHandlers(router: IpcRouter, deps: WorklistHandlerDeps): void {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());

  router.handle('worklist:list', async ({ filter, sort }) => {
    const started = performance.now();
    const [rows, counts] = await Promise.all([store.worklist(filter, sort), store.priorityCounts(filter)]);
    const entries = rows.map(toWorklistRow);
    return { entries, counts, ms: Math.round((performance.now() - started) * 10) / 10 };
  });

  router.handle('worklist:review', async ({ studyInstanceUid, action, note, reviewer }) => {
    await store.recordReview(studyInstanceUid, { action, actor: reviewer?.trim() || DEFAULT_REVIEWER, note });
    const entry = await store.worklistEntry(studyInstanceUid);
    if (!entry) throw new CodedError('NOT_FOUND', 'study not in the worklist');
    deps.emit('worklist:changed', {});
    return { entry: toWorklistRow(entry) };
  });

  router.handle('worklist:import', ({ paths }) => deps.imports.start(paths));

  router.handle('worklist:cancelImport', ({ jobId }) => ({ cancelled: deps.imports.cancel(jobId) }));

  // The worklist and the viewer read one archive (issue #10): opening a row is a key lookup.
  router.handle('worklist:open', async ({ studyInstanceUid }) => {
    const studyKey = await store.studyKeyOfUid(studyInstanceUid);
    if (!studyKey) throw new CodedError('NOT_FOUND', 'study not in the worklist');
    return { studyKey };
  });

  router.handle('worklist:exportCsv', async ({ filter, sort }) => {
    const at = now();
    const csv = worklistCsv(await store.worklist(filter, sort), { generatedAt: at });
    return { csv, fileName: csvFileName(at) };
  });

  router.handle('worklist:summaryPng', async ({ studyInstanceUid }) => {
    const row = await store.studySummary(studyInstanceUid);
    if (!row) throw new CodedError('NOT_FOUND', 'study not in the worklist');
    if (!row.path) throw new CodedError('NO_IMAGE', 'the study has no image');
    const frame = await deps.decode.decodeFrame(row.path, 0);
    let heatmap;
    let model = row.modelName ? { name: row.modelName, version: row.modelVersion ?? '' } : undefined;
    let probabilities: Record<string, number> = row.covid === null ? {} : { covid: row.covid, normal: row.normal ?? 0, pneumonia: row.pneumonia ?? 0 };
    try {
      // The AI caches results per pixel hash: for a triaged study this is a lookup, not a new inference.
      const result = await deps.ai.classify(row.path, 0, 'interactive');
      const labels = deps.ai.status().model?.labels ?? Object.keys(result.probabilities);
      const covidIndex = Math.max(0, labels.indexOf('covid'));
      const cells = result.cam.height * result.cam.width;
      heatmap = { map: result.cam.data.subarray(covidIndex * cells, (covidIndex + 1) * cells), height: result.cam.height, width: result.cam.width, letterbox: result.cam.letterbox };
      model = { name: result.model.name, version: result.model.version };
      probabilities = result.probabilities;
    } catch {
      // No AI (unavailable, or the image cannot be classified): the summary shows the stored result without a heatmap.
    }
    // One short line each, so the panel keeps its larger text size.
    const details = [`Study date ${row.studyDate ?? 'unknown'}   Modality ${row.modality ?? 'unknown'}`, `Patient ID ${row.patientId ?? 'unknown'}`];
    const { png } = renderSummaryPng({ frame, heatmap, priority: row.priority, probabilities, model, details });
    const name = createHash('sha256').update(studyInstanceUid).digest('hex').slice(0, 12);
    return { png: png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength) as ArrayBuffer, fileName: `summary-${name}.png` };
  });
}
