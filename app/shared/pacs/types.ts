/**
 * What the PACS service (app/main/services/pacs) takes and answers (issue #11), shared so the UI
 * can type its calls and progress events. Pure TypeScript; no file paths (they stay in main).
 */

/** Study-level query (PS3.4 C.6.2 Study Root). Empty filter = all studies of the modalities. */
export interface StudyQuery {
  /** PN matching with DICOM wildcards (`*`, `?`), e.g. `DOE^J*`. */
  patientName?: string;
  patientId?: string;
  accessionNumber?: string;
  /** YYYYMMDD, inclusive; either end may be open. */
  studyDateFrom?: string;
  studyDateTo?: string;
  /** Modalities in Study; default CR and DX. An empty list = any modality. */
  modalities?: string[];
  studyInstanceUid?: string;
  /** Answers kept at most (the rest are dropped, and `truncated` is set); default 500. */
  limit?: number;
}

/** Modalities queried when the query names none: chest radiographs. */
export const DEFAULT_QUERY_MODALITIES: readonly string[] = ['CR', 'DX'];

/** One matching study, as the PACS describes it. */
export interface StudyMatch {
  studyInstanceUid: string;
  patientName?: string;
  patientId?: string;
  patientBirthDate?: string;
  patientSex?: string;
  studyDate?: string;
  studyTime?: string;
  accessionNumber?: string;
  studyDescription?: string;
  modalitiesInStudy?: string[];
  numberOfStudyRelatedInstances?: number;
}

export interface FindResult {
  studies: StudyMatch[];
  /** True when the PACS had more matches than `limit`. */
  truncated: boolean;
}

/** One instance of a study (image-level query), used to know what a retrieve should bring. */
export interface InstanceRef {
  seriesInstanceUid?: string;
  sopInstanceUid: string;
  sopClassUid?: string;
}

export type RetrieveMethod = 'c-get' | 'c-move' | 'wado-rs';

/** Progress of a retrieve, pushed after each instance. */
export interface RetrieveProgress {
  studyInstanceUid: string;
  method: RetrieveMethod;
  /** Instances written to disk so far. */
  received: number;
  /** Instances the study holds, when known (image-level query or the PACS's counters). */
  expected?: number;
  /** Sub-operations the PACS reported as failed. */
  failed: number;
  bytes: number;
}

/** Result of "Test" on a node. */
export interface EchoResult {
  ok: true;
  /** Round trip in ms. */
  ms: number;
  /** What was tried: C-ECHO, or a QIDO-RS probe. */
  method: 'c-echo' | 'qido-rs';
}
