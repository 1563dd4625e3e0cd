/**
 * The local study archive as the renderer sees it (issue #10): patients → studies → series →
 * instances from `studies:list` (a page of the archive), studies fetched one by one when they
 * are opened (`studies:get`: a worklist row, a reload), plus thumbnails on demand.
 * Created with its API as an argument so unit tests pass a fake.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppError } from '../../shared/result';
import type { InstanceSummary, PatientSummary, PreloadApi, StudySummary } from '../../shared/ipc/contract';
import { errorOf, invokeOrThrow } from '../lib/api';

/** A thumbnail ready to paint (RGBA, 8 bits per channel). */
export interface ThumbnailPixels {
  width: number;
  height: number;
  rgba: ArrayBuffer;
}

export type ThumbnailState = { status: 'loading' } | { status: 'ready'; pixels: ThumbnailPixels } | { status: 'error'; error: AppError };

export interface StudiesState {
  patients: PatientSummary[];
  /** More patients matched than one page holds. */
  truncated: boolean;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error?: AppError;
  thumbnails: Record<string, ThumbnailState>;
  /** Re-reads the catalog (after an import, on `studies:changed`). */
  refresh(): Promise<void>;
  /**
   * Fetches one study (files checked on disk: moved or vanished ones come back as FILE_MISSING
   * with their path) and puts it in the list, so the browser shows the study being read even when
   * it is outside the current page. Resolves with it, or rejects with the reason.
   */
  openStudy(studyKey: string): Promise<StudySummary>;
  /** Fetches one thumbnail once; later calls are no-ops. */
  loadThumbnail(instanceId: string, size?: number): Promise<void>;
}

export type StudiesStore = StoreApi<StudiesState>;

/** Thumbnail edge in pixels (the study browser shows them at 64 CSS px, sharp on HiDPI). */
export const THUMBNAIL_SIZE = 128;

/** Thumbnail requests in flight at once (decoding runs on main's worker pool). */
export const THUMBNAIL_CONCURRENCY = 4;

export function createStudiesStore(api: PreloadApi): StudiesStore {
  let refreshSeq = 0;
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const acquire = () =>
    new Promise<void>((resolve) => {
      if (inFlight < THUMBNAIL_CONCURRENCY) {
        inFlight++;
        resolve();
      } else {
        waiting.push(() => {
          inFlight++;
          resolve();
        });
      }
    });
  const release = () => {
    inFlight--;
    waiting.shift()?.();
  };
  return createStore<StudiesState>()((set, get) => ({
    patients: [],
    truncated: false,
    status: 'idle',
    thumbnails: {},
    async refresh() {
      const seq = ++refreshSeq;
      set({ status: get().patients.length > 0 ? 'ready' : 'loading' });
      try {
        const { patients, truncated } = await invokeOrThrow(api, 'studies:list', {});
        // A slower earlier refresh must not overwrite a newer list.
        if (seq === refreshSeq) set({ patients, truncated, status: 'ready', error: undefined });
      } catch (err) {
        if (seq === refreshSeq) set({ status: 'error', error: errorOf(err) });
      }
    },
    async openStudy(studyKey) {
      const { patient } = await invokeOrThrow(api, 'studies:get', { studyKey });
      const study = patient.studies[0];
      set((s) => ({ patients: mergeStudy(s.patients, patient, study) }));
      return study;
    },
    async loadThumbnail(instanceId, size = THUMBNAIL_SIZE) {
      if (get().thumbnails[instanceId]) return;
      set((s) => ({ thumbnails: { ...s.thumbnails, [instanceId]: { status: 'loading' } } }));
      let next: ThumbnailState;
      await acquire();
      try {
        const pixels = await invokeOrThrow(api, 'images:thumbnail', { instanceId, size });
        next = { status: 'ready', pixels };
      } catch (err) {
        next = { status: 'error', error: errorOf(err) };
      } finally {
        release();
      }
      set((s) => ({ thumbnails: { ...s.thumbnails, [instanceId]: next } }));
    },
  }));
}

/** Finds a study by key. */
export function findStudy(patients: readonly PatientSummary[], studyKey: string): { patient: PatientSummary; study: StudySummary } | undefined {
  for (const patient of patients) {
    const study = patient.studies.find((s) => s.studyKey === studyKey);
    if (study) return { patient, study };
  }
  return undefined;
}

/** Finds the patient, study and instance of an instance id. */
export function findInstance(
  patients: readonly PatientSummary[],
  instanceId: string,
): { patient: PatientSummary; study: StudySummary; instance: InstanceSummary } | undefined {
  for (const patient of patients) {
    for (const study of patient.studies) {
      for (const series of study.series) {
        const instance = series.instances.find((i) => i.instanceId === instanceId);
        if (instance) return { patient, study, instance };
      }
    }
  }
  return undefined;
}

/** Instances of a study in reading order: series number, then instance number. */
export function studyInstances(study: StudySummary): InstanceSummary[] {
  const series = [...study.series].sort((a, b) => (a.seriesNumber ?? 0) - (b.seriesNumber ?? 0));
  return series.flatMap((s) => [...s.instances].sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0)));
}

/** The instance a study opens with: its thumbnail instance if displayable, else the first displayable one. */
export function firstDisplayableInstance(study: StudySummary): InstanceSummary | undefined {
  const all = studyInstances(study);
  const thumb = all.find((i) => i.instanceId === study.thumbnailInstanceId && !i.error);
  return thumb ?? all.find((i) => !i.error) ?? all[0];
}

/** Files of a study that could not be displayed, with the reason. */
export function studyErrors(study: StudySummary): { fileName: string; code: string; message: string }[] {
  return studyInstances(study)
    .filter((i) => i.error)
    .map((i) => ({ fileName: i.fileName, code: i.error!.code, message: i.error!.message }));
}

/** The list with one study replaced (or added under its patient, or with its patient). */
export function mergeStudy(patients: readonly PatientSummary[], patient: PatientSummary, study: StudySummary): PatientSummary[] {
  const index = patients.findIndex((p) => p.patientKey === patient.patientKey);
  if (index < 0) return [...patients, { ...patient, studies: [study] }];
  const current = patients[index];
  const has = current.studies.some((s) => s.studyKey === study.studyKey);
  const studies = has ? current.studies.map((s) => (s.studyKey === study.studyKey ? study : s)) : [...current.studies, study];
  const next = [...patients];
  next[index] = { ...current, studies };
  return next;
}
