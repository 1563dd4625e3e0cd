/**
 * The one IPC contract between renderer and main (STYLE.md §2). Every channel is
 * `domain:verb` and maps to a zod request and response schema. Main validates every
 * request against it; the preload and the browser harness expose exactly these
 * channels as `window.api.invoke(channel, request)`; a contract test runs every
 * schema against the real handlers.
 *
 * Binary payloads (pixels, thumbnails) cross as ArrayBuffers: structured clone over
 * Electron IPC, and the binary envelope (./binaryEnvelope.ts) over the harness.
 */
import { z } from 'zod';

import { pacsSettingsSchema } from '../pacs/settings';

const arrayBuffer = z.custom<ArrayBuffer>((v) => v instanceof ArrayBuffer, 'expected an ArrayBuffer');

/** Opaque ids assigned by the study catalog (hash-based: no patient data, no paths). */
export const InstanceId = z.string().min(1).max(128);

export const ImportError = z.object({
  /** File name only (not the full path), so the study list can name it. */
  fileName: z.string(),
  code: z.string(),
  message: z.string(),
});

export const InstanceSummary = z.object({
  instanceId: InstanceId,
  sopInstanceUid: z.string().optional(),
  instanceNumber: z.number().optional(),
  numberOfFrames: z.number().int().min(1),
  rows: z.number().int().optional(),
  columns: z.number().int().optional(),
  fileName: z.string(),
  /** Set when the file was recognised but cannot be displayed (e.g. SR, PDF, bad pixel data). */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export const SeriesSummary = z.object({
  seriesKey: z.string(),
  seriesInstanceUid: z.string().optional(),
  seriesNumber: z.number().optional(),
  seriesDescription: z.string().optional(),
  modality: z.string().optional(),
  bodyPartExamined: z.string().optional(),
  viewPosition: z.string().optional(),
  instances: z.array(InstanceSummary),
});

export const StudySummary = z.object({
  studyKey: z.string(),
  studyInstanceUid: z.string().optional(),
  studyDate: z.string().optional(),
  studyTime: z.string().optional(),
  studyDescription: z.string().optional(),
  accessionNumber: z.string().optional(),
  modalities: z.array(z.string()),
  numberOfImages: z.number().int(),
  /** Instance whose first frame is the study's thumbnail. */
  thumbnailInstanceId: InstanceId.optional(),
  series: z.array(SeriesSummary),
});

export const PatientSummary = z.object({
  patientKey: z.string(),
  patientName: z.string(),
  patientId: z.string(),
  patientBirthDate: z.string().optional(),
  patientSex: z.string().optional(),
  studies: z.array(StudySummary),
});

export const ImportProgress = z.object({
  jobId: z.string(),
  phase: z.enum(['scanning', 'importing', 'done', 'cancelled']),
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  errors: z.array(ImportError),
});

const LookupTable = z.object({
  firstValueMapped: z.number(),
  numBitsPerEntry: z.number(),
  lut: z.array(z.number()),
  explanation: z.string().optional(),
});

export const ImageDisplayInfo = z.object({
  rows: z.number().int(),
  columns: z.number().int(),
  samplesPerPixel: z.union([z.literal(1), z.literal(3)]),
  photometricInterpretation: z.string(),
  bitsAllocated: z.number().int(),
  bitsStored: z.number().int(),
  highBit: z.number().int(),
  pixelRepresentation: z.union([z.literal(0), z.literal(1)]),
  numberOfFrames: z.number().int(),
  transferSyntaxUid: z.string(),
  minStored: z.number(),
  maxStored: z.number(),
  rescaleSlope: z.number(),
  rescaleIntercept: z.number(),
  rescaleType: z.string().optional(),
  modalityLut: LookupTable.optional(),
  windowPresets: z.array(z.object({ center: z.number(), width: z.number(), explanation: z.string().optional() })),
  voiLuts: z.array(LookupTable),
  voiLutFunction: z.enum(['LINEAR', 'LINEAR_EXACT', 'SIGMOID']),
  presentationLutShape: z.enum(['IDENTITY', 'INVERSE']).optional(),
  pixelPaddingValue: z.number().optional(),
  pixelPaddingRangeLimit: z.number().optional(),
  pixelSpacing: z
    .object({ row: z.number(), column: z.number(), source: z.enum(['PixelSpacing', 'ImagerPixelSpacing', 'NominalScannedPixelSpacing']) })
    .optional(),
  invertAfterVoi: z.boolean(),
});

/** One node of the DICOM tag browser. Sequences nest items, items nest elements. */
export interface TagNode {
  tag: string; // "(0010,0010)"
  vr: string;
  keyword: string;
  value: string;
  items?: TagNode[][];
}
export const TagNode: z.ZodType<TagNode> = z.lazy(() =>
  z.object({ tag: z.string(), vr: z.string(), keyword: z.string(), value: z.string(), items: z.array(z.array(TagNode)).optional() }),
);

/** What the AI panel shows about the model and where it runs (issue #4). */
/** A model shipped with the app (`models/<dir>/model.json`), offered in the AI settings. */
export const BundledModel = z.object({ name: z.string(), version: z.string(), manifestPath: z.string(), isDefault: z.boolean() });

export const AiStatus = z.object({
  state: z.enum(['loading', 'ready', 'unavailable']),
  /** Why the AI is unavailable (invalid manifest, checksum mismatch, no provider…). */
  reason: z.string().optional(),
  model: z
    .object({
      name: z.string(),
      version: z.string(),
      sha256: z.string(),
      labels: z.array(z.string()),
      intendedUse: z.string(),
      /** The manifest's headline figures, when it has them (the model card has the rest). */
      metrics: z.object({ covidAuc: z.number().optional(), split: z.string().optional() }).optional(),
    })
    .optional(),
  /** Every bundled model, the default first; empty when none is installed. */
  bundledModels: z.array(BundledModel),
  /** Execution provider in use: cpu, cuda, dml, coreml. */
  provider: z.string().optional(),
  providerLabel: z.string().optional(),
  fallbackReasons: z.array(z.string()),
  settings: z.object({ forceCpu: z.boolean(), customModelPath: z.string().optional() }),
  queue: z.object({ queued: z.number().int(), running: z.number().int(), done: z.number().int(), failed: z.number().int() }),
});

export const AiResult = z.object({
  probabilities: z.record(z.string(), z.number()),
  label: z.string(),
  /** high / medium / low from the manifest's thresholds; `unreliable` when the OOD guard fires. */
  priority: z.enum(['high', 'medium', 'low', 'unreliable']),
  outOfDistribution: z.boolean(),
  ood: z.number(),
  /** Grad-CAM maps, Float32 [classes, camHeight, camWidth] over the padded model input. */
  cam: arrayBuffer,
  camHeight: z.number().int(),
  camWidth: z.number().int(),
  /** Where the image sits inside the model input, to map the CAM back onto the image. */
  letterbox: z.object({ size: z.number(), top: z.number(), left: z.number(), rows: z.number(), cols: z.number() }),
  rows: z.number().int(),
  columns: z.number().int(),
  model: z.object({ name: z.string(), version: z.string(), sha256: z.string() }),
  provider: z.string(),
  cached: z.boolean(),
  ms: z.number(),
});

/** One row of the AI triage worklist (issue #5), in display order. */
export const WorklistRow = z.object({
  studyInstanceUid: z.string(),
  patientName: z.string().nullable(),
  patientId: z.string().nullable(),
  studyDate: z.string().nullable(),
  modality: z.string().nullable(),
  /** Calibrated COVID-19 probability of the study's top image; null before triage. */
  covid: z.number().nullable(),
  priority: z.enum(['high', 'medium', 'low', 'unreliable']).nullable(),
  outOfDistribution: z.boolean(),
  /** Out-of-distribution studies sit in their own group on top, never ranked by probability. */
  group: z.enum(['needs-human-triage', 'ranked']),
  status: z.enum(['new', 'triaged', 'reviewed', 'escalated', 'failed']),
  failureReason: z.string().nullable(),
  reviewer: z.string().nullable(),
  note: z.string().nullable(),
  arrivalMs: z.number(),
});

export const WorklistQuery = z.object({
  filter: z
    .object({
      priority: z.array(z.enum(['high', 'medium', 'low', 'unreliable'])).optional(),
      status: z.array(z.enum(['new', 'triaged', 'reviewed', 'escalated', 'failed'])).optional(),
      /** DICOM DA YYYYMMDD, inclusive. */
      dateFrom: z.string().regex(/^\d{8}$/).optional(),
      dateTo: z.string().regex(/^\d{8}$/).optional(),
      modality: z.array(z.string()).optional(),
      search: z.string().max(200).optional(),
    })
    .default({}),
  sort: z
    .object({
      column: z.enum(['covid', 'arrival', 'patientName', 'patientId', 'studyDate', 'priority', 'status', 'modality']),
      direction: z.enum(['asc', 'desc']),
    })
    .default({ column: 'covid', direction: 'desc' }),
});

export const WorklistProgress = z.object({
  jobId: z.string(),
  phase: z.enum(['scanning', 'importing', 'done', 'cancelled']),
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  /** Estimated seconds left; null until a rate is known. */
  etaSeconds: z.number().nullable(),
});

/**
 * The worklist's automatic ingest sources (issue #5): the DICOM listener and the watched
 * folder, as the Sources strip shows them. Messages are written for the nurse and IT and
 * never carry patient data.
 */
export const IngestSourcesStatus = z.object({
  listener: z.object({
    state: z.enum(['off', 'starting', 'listening', 'failed']),
    /** The bound port (differs from the configured one only when 0 was asked for). */
    port: z.number().int().optional(),
    aeTitle: z.string().optional(),
    /** Instances received and stored since the app started. */
    received: z.number().int(),
    message: z.string().optional(),
  }),
  watchedFolder: z.object({
    state: z.enum(['off', 'watching', 'failed']),
    folder: z.string().optional(),
    message: z.string().optional(),
  }),
  /** Problems with the settings file (malformed at start, or a change that could not be saved). */
  settingsProblems: z.array(z.string()),
  /** Where changes persist (`ingest-settings.json`); absent when they cannot be saved. */
  settingsPath: z.string().optional(),
});

/** The received-files storage view (issue #10). */
export const StorageStatus = z.object({
  /** The listener's storage folder (shown so IT can find it). */
  folder: z.string(),
  files: z.number().int(),
  bytes: z.number(),
  rule: z.object({ maxAgeDays: z.number().int().nullable(), maxBytes: z.number().int().nullable() }),
  /** The last time the rule ran and what it deleted. */
  lastRun: z.object({ atMs: z.number(), deletedFiles: z.number().int(), freedBytes: z.number(), failed: z.number().int() }).optional(),
  /** Problems with the settings file or the last run. */
  problems: z.array(z.string()),
});

/** PACS settings as main read them (issue #11): the nodes, problems with the file, where it is. */
export const PacsSettingsStatus = z.object({
  settings: pacsSettingsSchema,
  /** Problems reading `pacs-settings.json` (the settings then are empty), or of the last save. */
  problems: z.array(z.string()),
  /** Where changes are saved; absent when they are kept in memory only (tests). */
  settingsPath: z.string().optional(),
});

/** "Test" on a node: ok with the round trip, or the message a nurse can read to IT. */
export const PacsTestResult = z.object({
  ok: z.boolean(),
  nodeId: z.string(),
  method: z.enum(['c-echo', 'qido-rs']),
  ms: z.number().optional(),
  /** Stable error code (CONNECTION_REFUSED, CALLED_AE_NOT_RECOGNIZED, …) when not ok. */
  code: z.string().optional(),
  message: z.string(),
});

/** Study-level query (app/shared/pacs/types.ts StudyQuery). DA values are YYYYMMDD. */
export const PacsStudyQuery = z.object({
  patientName: z.string().max(64).optional(),
  patientId: z.string().max(64).optional(),
  accessionNumber: z.string().max(16).optional(),
  studyDateFrom: z.string().regex(/^\d{8}$/, 'date must be YYYYMMDD').optional(),
  studyDateTo: z.string().regex(/^\d{8}$/, 'date must be YYYYMMDD').optional(),
  /** Default CR and DX; an empty list = any modality. */
  modalities: z.array(z.string().regex(/^[A-Z0-9_]{1,16}$/, 'modality must be a code such as CR')).max(20).optional(),
  studyInstanceUid: z.string().max(64).optional(),
  limit: z.number().int().min(1).max(5000).optional(),
});

export const PacsStudyMatch = z.object({
  studyInstanceUid: z.string(),
  patientName: z.string().optional(),
  patientId: z.string().optional(),
  patientBirthDate: z.string().optional(),
  patientSex: z.string().optional(),
  studyDate: z.string().optional(),
  studyTime: z.string().optional(),
  accessionNumber: z.string().optional(),
  studyDescription: z.string().optional(),
  modalitiesInStudy: z.array(z.string()).optional(),
  numberOfStudyRelatedInstances: z.number().optional(),
});

/** Progress of one retrieve job (`pacs:progress`). */
export const PacsRetrieveProgress = z.object({
  jobId: z.string(),
  nodeId: z.string(),
  studyInstanceUid: z.string(),
  /** running while instances arrive; done = complete; failed keeps what arrived (see missing). */
  phase: z.enum(['running', 'done', 'failed', 'cancelled']),
  method: z.enum(['c-get', 'c-move', 'wado-rs']),
  received: z.number().int(),
  expected: z.number().int().optional(),
  failed: z.number().int(),
  bytes: z.number(),
  /** How many instances did not arrive, when known (failed or cancelled). */
  missingCount: z.number().int().optional(),
  /** SOP Instance UIDs that did not arrive (at most 100). */
  missing: z.array(z.string()).optional(),
  /** What happened, for the nurse and IT (failed or cancelled). */
  message: z.string().optional(),
  code: z.string().optional(),
});

/**
 * One automatic sending of a study's results after triage (issue #11, setting `autoSendResults`):
 * sent, or not sent with the reason, for the PACS tab to show ("results not sent: …").
 */
export const PacsResultsSent = z.object({
  studyInstanceUid: z.string(),
  nodeId: z.string(),
  /** The node as shown to the user (never a password). */
  node: z.string(),
  ok: z.boolean(),
  /** "results sent to …" or "results not sent: …" (no patient data). */
  message: z.string(),
  code: z.string().optional(),
  atMs: z.number(),
});

/** What "Send results to PACS" sent. */
export const PacsSendResultsOutcome = z.object({
  nodeId: z.string(),
  /** The node as shown to the user (never a password). */
  node: z.string(),
  method: z.enum(['c-store', 'stow-rs']),
  sent: z.array(z.object({ kind: z.enum(['sr', 'sc']), sopClassUid: z.string(), sopInstanceUid: z.string(), seriesInstanceUid: z.string() })),
});

/** Request/response schemas per channel. */
export const contract = {
  'app:info': {
    request: z.object({}),
    response: z.object({ version: z.string(), platform: z.string(), shell: z.enum(['electron', 'harness']) }),
  },
  /** Native open dialog (Electron) or the harness's path prompt. Cancel gives []. */
  'dialog:open': {
    request: z.object({ kind: z.enum(['files', 'folder']) }),
    response: z.object({ paths: z.array(z.string()) }),
  },
  /** Imports files, folders (recursive) or DICOMDIRs; progress comes as `studies:importProgress` events. */
  'studies:import': {
    request: z.object({ paths: z.array(z.string().min(1)).min(1).max(100_000) }),
    response: z.object({ jobId: z.string() }),
  },
  /** Dropped files without a path (the harness, or a browser drag): bytes are sent to main. */
  'studies:importBytes': {
    request: z.object({ files: z.array(z.object({ name: z.string().max(255), bytes: arrayBuffer })).min(1).max(1000) }),
    response: z.object({ jobId: z.string() }),
  },
  'studies:cancelImport': {
    request: z.object({ jobId: z.string() }),
    response: z.object({ cancelled: z.boolean() }),
  },
  /**
   * A page of the local study archive (issue #10): patients by name with their studies, the same
   * rows the worklist and `cxr` read. `truncated` when more patients match than `limit`.
   */
  'studies:list': {
    request: z.object({ search: z.string().max(200).optional(), patientKey: z.string().max(64).optional(), limit: z.number().int().min(1).max(10_000).optional() }),
    response: z.object({ patients: z.array(PatientSummary), truncated: z.boolean() }),
  },
  /**
   * One study with its patient, for opening it (a click, a reload, the worklist). Files that
   * moved or vanished are listed with FILE_MISSING and their path; `removed` when the study was
   * removed from the list (it can still be opened by key, e.g. a reload to it).
   */
  'studies:get': {
    request: z.object({ studyKey: z.string().min(1).max(64) }),
    response: z.object({ patient: PatientSummary, removed: z.boolean() }),
  },
  /**
   * The patient's other studies, newest first (same Patient ID and Issuer of Patient ID), and the
   * prior "compare with prior" opens: the most recent one dated before this study, or null.
   */
  'studies:priors': {
    request: z.object({ studyKey: z.string() }),
    response: z.object({ studies: z.array(StudySummary), priorStudyKey: z.string().nullable() }),
  },
  /** "Remove from list": hides the study from the browser and the worklist; files, results and audit trail stay. */
  'studies:remove': {
    request: z.object({ studyKey: z.string().min(1).max(64) }),
    response: z.object({ removed: z.boolean() }),
  },
  /** The folder the DICOM listener stores into: size, and the retention rule. */
  'storage:status': {
    request: z.object({}),
    response: StorageStatus,
  },
  /**
   * Sets the retention rule (days, a size cap, or both; null = keep) and applies it at once. It
   * deletes only files the app itself received into its storage folder, never a row or the audit trail.
   */
  'storage:configure': {
    request: z.object({ maxAgeDays: z.number().int().min(1).max(36_500).nullable(), maxBytes: z.number().int().min(1).nullable() }),
    response: z.object({ status: StorageStatus, problems: z.array(z.string()) }),
  },
  /** Decodes one frame (off the main event loop) and returns stored values + display info. */
  'images:load': {
    request: z.object({ instanceId: InstanceId, frame: z.number().int().min(0).default(0) }),
    response: z.object({
      info: ImageDisplayInfo,
      pixels: arrayBuffer,
      pixelType: z.enum(['uint8', 'int8', 'uint16', 'int16', 'int32']),
      /** Problems the decode worked around (issue #12: an element after the Pixel Data cut short); the viewport shows them. */
      warnings: z.array(z.object({ code: z.string(), message: z.string() })).optional(),
    }),
  },
  /** A small 8-bit grayscale/RGBA preview of the first frame. */
  'images:thumbnail': {
    request: z.object({ instanceId: InstanceId, size: z.number().int().min(16).max(512).default(128) }),
    response: z.object({ width: z.number().int(), height: z.number().int(), rgba: arrayBuffer }),
  },
  'images:tags': {
    request: z.object({ instanceId: InstanceId }),
    response: z.object({ elements: z.array(TagNode) }),
  },
  /** AI model, provider and queue state. */
  'ai:status': {
    request: z.object({}),
    response: AiStatus,
  },
  /** Classifies one frame (interactive priority: ahead of background triage). Cached per pixel hash and model. */
  'ai:classify': {
    request: z.object({ instanceId: InstanceId, frame: z.number().int().min(0).default(0) }),
    response: AiResult,
  },
  /** Changes AI settings; a custom model is validated (schema + sha256) before it replaces the current one. */
  'ai:configure': {
    request: z.object({ forceCpu: z.boolean().optional(), customModelPath: z.string().min(1).nullable().optional() }),
    response: AiStatus,
  },
  /** The worklist in display order with counts per priority (issue #5). */
  'worklist:list': {
    request: WorklistQuery,
    response: z.object({
      entries: z.array(WorklistRow),
      counts: z.object({ unreliable: z.number().int(), high: z.number().int(), medium: z.number().int(), low: z.number().int(), none: z.number().int() }),
      ms: z.number(),
    }),
  },
  /** Marks a study reviewed or escalated (with a note); appended to the audit trail. */
  'worklist:review': {
    request: z.object({ studyInstanceUid: z.string().min(1), action: z.enum(['reviewed', 'escalated', 'note']), note: z.string().max(2000).optional(), reviewer: z.string().max(200).optional() }),
    response: z.object({ entry: WorklistRow }),
  },
  /** Imports files or folders into the worklist and triages them in the background. */
  'worklist:import': {
    request: z.object({ paths: z.array(z.string().min(1)).min(1).max(100_000) }),
    response: z.object({ jobId: z.string() }),
  },
  'worklist:cancelImport': {
    request: z.object({ jobId: z.string() }),
    response: z.object({ cancelled: z.boolean() }),
  },
  /** Puts the study's images in the study catalog so the viewer can open it. */
  'worklist:open': {
    request: z.object({ studyInstanceUid: z.string().min(1) }),
    response: z.object({ studyKey: z.string() }),
  },
  /** The (filtered) worklist as CSV text, with the not-for-diagnosis line. */
  'worklist:exportCsv': {
    request: WorklistQuery,
    response: z.object({ csv: z.string(), fileName: z.string() }),
  },
  /** A PNG summary of one study: image, heatmap, probabilities, model version, not-for-diagnosis line. */
  'worklist:summaryPng': {
    request: z.object({ studyInstanceUid: z.string().min(1) }),
    response: z.object({ png: arrayBuffer, fileName: z.string() }),
  },
  /** The listener's and the watched folder's state (the Sources strip of the worklist). */
  'ingest:sources': {
    request: z.object({}),
    response: IngestSourcesStatus,
  },
  /**
   * Turns the listener and the watched folder on or off and persists the change. Invalid
   * settings change nothing and come back as `problems`; a port in use is a failed listener in `status`.
   */
  'ingest:configure': {
    request: z.object({
      listener: z.object({ port: z.number(), aeTitle: z.string().max(64) }).nullable(),
      watchDir: z.string().max(4096).nullable(),
    }),
    response: z.object({ status: IngestSourcesStatus, problems: z.array(z.string()) }),
  },
  /** PACS nodes and results destination (issue #11), as `pacs-settings.json` holds them. */
  'pacs:settings': {
    request: z.object({}),
    response: PacsSettingsStatus,
  },
  /**
   * Saves the whole PACS settings. Main validates them (app/shared/pacs/settings.ts): invalid
   * settings change nothing and come back as `problems`, each naming its field.
   */
  'pacs:configure': {
    request: z.object({ settings: z.unknown() }),
    response: z.object({ status: PacsSettingsStatus, problems: z.array(z.string()) }),
  },
  /** "Test": C-ECHO or a QIDO-RS probe. A failure is data (ok false) with the message for IT. */
  'pacs:test': {
    request: z.object({ nodeId: z.string().min(1).max(40) }),
    response: PacsTestResult,
  },
  /** Study search (C-FIND or QIDO-RS); `truncated` when the PACS had more than `limit`. */
  'pacs:find': {
    request: z.object({ nodeId: z.string().min(1).max(40), query: PacsStudyQuery.default({}) }),
    response: z.object({ studies: z.array(PacsStudyMatch), truncated: z.boolean() }),
  },
  /**
   * Starts retrieving a study in the background; progress comes as `pacs:progress` events. Each
   * instance is imported and triaged as it arrives (worklist and study browser).
   */
  'pacs:retrieve': {
    request: z.object({ nodeId: z.string().min(1).max(40), studyInstanceUid: z.string().min(1).max(64) }),
    response: z.object({ jobId: z.string() }),
  },
  'pacs:cancelRetrieve': {
    request: z.object({ jobId: z.string() }),
    response: z.object({ cancelled: z.boolean() }),
  },
  /** The retrieves of this session (running and finished), e.g. after a reload. */
  'pacs:retrieves': {
    request: z.object({}),
    response: z.object({ jobs: z.array(PacsRetrieveProgress) }),
  },
  /**
   * Sends the AI result of a study (its top image) as a Comprehensive SR and a Secondary Capture
   * ("prioritisation only — not for diagnosis" burnt in) to `nodeId` or the results destination.
   */
  'pacs:sendResults': {
    request: z.object({ studyInstanceUid: z.string().min(1).max(64), nodeId: z.string().min(1).max(40).optional() }),
    response: PacsSendResultsOutcome,
  },
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type RequestOf<C extends Channel> = z.input<Contract[C]['request']>;
export type ParsedRequestOf<C extends Channel> = z.output<Contract[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<Contract[C]['response']>;
export type PatientSummary = z.output<typeof PatientSummary>;
export type StudySummary = z.output<typeof StudySummary>;
export type SeriesSummary = z.output<typeof SeriesSummary>;
export type InstanceSummary = z.output<typeof InstanceSummary>;
export type ImportProgress = z.output<typeof ImportProgress>;
export type AiStatus = z.output<typeof AiStatus>;
export type BundledModel = z.output<typeof BundledModel>;
export type AiResult = z.output<typeof AiResult>;
export type WorklistRow = z.output<typeof WorklistRow>;
export type WorklistQuery = z.input<typeof WorklistQuery>;
export type WorklistProgress = z.output<typeof WorklistProgress>;
export type IngestSourcesStatus = z.output<typeof IngestSourcesStatus>;
export type StorageStatus = z.output<typeof StorageStatus>;
export type PacsSettingsStatus = z.output<typeof PacsSettingsStatus>;
export type PacsTestResult = z.output<typeof PacsTestResult>;
export type PacsStudyQuery = z.output<typeof PacsStudyQuery>;
export type PacsStudyMatch = z.output<typeof PacsStudyMatch>;
export type PacsRetrieveProgress = z.output<typeof PacsRetrieveProgress>;
export type PacsSendResultsOutcome = z.output<typeof PacsSendResultsOutcome>;
export type PacsResultsSent = z.output<typeof PacsResultsSent>;

/** Events main pushes to the renderer. */
export const events = {
  'studies:importProgress': ImportProgress,
  /** The catalog changed (import added studies); the renderer re-lists. */
  'studies:changed': z.object({}),
  /** The AI state changed (model loaded or failed, provider, queue counts). */
  'ai:status': AiStatus,
  /** Progress of a worklist import (with ETA). */
  'worklist:progress': WorklistProgress,
  /** Worklist rows changed (arrivals, triage results, reviews): the renderer re-queries. */
  'worklist:changed': z.object({}),
  /** The listener or the watched folder changed state, or an instance was received. */
  'ingest:sources': IngestSourcesStatus,
  /** Progress of a PACS retrieve (after each instance, and once at the end). */
  'pacs:progress': PacsRetrieveProgress,
  /** Results of a study sent (or not) automatically after its triage. */
  'pacs:resultsSent': PacsResultsSent,
} as const;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const channels = Object.keys(contract) as Channel[];
export const eventNames = Object.keys(events) as EventName[];

import type { AppError } from '../result';
export type IpcResult<C extends Channel> = { ok: true; value: ResponseOf<C> } | { ok: false; error: AppError };

/** The API the preload (Electron) and the harness client (browser) both expose as `window.api`. */
export interface PreloadApi {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<IpcResult<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Electron only: the file-system path of a dropped File (webUtils.getPathForFile); undefined in the harness. */
  pathForFile?(file: File): string | undefined;
}
