/**
 * The worklist repository (issue #5): every write is one transaction, every query a prepared
 * statement. Takes an open database ({@link openWorklistDb}) and a clock, so the same code runs
 * in the app, the CLI and unit tests.
 */
import type Database from 'better-sqlite3';

import { CodedError } from '../../../shared/result';
import { basename } from 'node:path';

import type { WorklistDatabase } from './worklistDb';
import { patientKeyOf } from './patientKey';
import { decodeThumbnailPng, encodeThumbnailPng } from './thumbnailCodec';
import { ArchiveQueries, instanceRowIdOf, type ArchivePage, type ArchiveQuery, type PriorReference, type ReceivedFile, type ResolvedInstance } from './archiveQueries';

export type StudyStatus = 'new' | 'triaged' | 'reviewed' | 'escalated' | 'failed';
export type AiPriority = 'high' | 'medium' | 'low' | 'unreliable';
export type InstanceStatus = 'pending' | 'triaged' | 'failed';
/** Where a file came from: a folder import, the watched folder or the DICOM listener. */
export type IngestSource = 'import' | 'watch' | 'listener' | 'resume';

/** One instance to add, with the identity and attributes read from its header. */
export interface NewInstance {
  kind: 'dicom' | 'png' | 'jpeg';
  filePath: string;
  contentSha256: string;
  source: IngestSource;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid?: string;
  transferSyntaxUid?: string;
  rows?: number;
  columns?: number;
  patientName?: string;
  patientId?: string;
  issuerOfPatientId?: string;
  patientBirthDate?: string;
  patientSex?: string;
  studyDate?: string;
  studyTime?: string;
  studyDescription?: string;
  accessionNumber?: string;
  modality?: string;
  seriesNumber?: number;
  seriesDescription?: string;
  bodyPartExamined?: string;
  viewPosition?: string;
  instanceNumber?: number;
  numberOfFrames?: number;
  /**
   * False for a non-image object (SR, encapsulated PDF): listed under its study in the archive
   * (issue #10) but recorded as failed with NOT_AN_IMAGE, never triaged, never a worklist row.
   */
  isImage?: boolean;
}

export type AddInstanceResult = { added: true; instanceId: number } | { added: false; instanceId: number; duplicateOf: 'sopInstanceUid' | 'contentSha256' };

/** The AI result as stored (a subset of the triage service's outcome). */
export interface AiResultInput {
  probabilities: Record<string, number>;
  label: string;
  priority: AiPriority;
  outOfDistribution: boolean;
  ood: number;
  model: { name: string; version: string; sha256: string };
}

/** One row of the worklist, in display order. */
export interface WorklistEntry {
  studyInstanceUid: string;
  patientName: string | null;
  patientId: string | null;
  studyDate: string | null;
  modality: string | null;
  /** COVID-19 probability of the study's top image; null before triage. */
  covid: number | null;
  priority: AiPriority | null;
  outOfDistribution: boolean;
  /** 'needs-human-triage' for out-of-distribution studies (listed first), else 'ranked'. */
  group: 'needs-human-triage' | 'ranked';
  status: StudyStatus;
  failureReason: string | null;
  reviewer: string | null;
  note: string | null;
  arrivalMs: number;
  /** File of the study's top image (highest COVID probability). Main-process only. */
  path: string | null;
}

export interface WorklistFilter {
  priority?: readonly AiPriority[];
  status?: readonly StudyStatus[];
  /** Study Date (0008,0020) range, inclusive, as DICOM DA `YYYYMMDD` (PS3.5 6.2). */
  dateFrom?: string;
  dateTo?: string;
  modality?: readonly string[];
  /** Case-insensitive substring of Patient's Name or Patient ID. */
  search?: string;
}

export type WorklistSortColumn = 'covid' | 'arrival' | 'patientName' | 'patientId' | 'studyDate' | 'priority' | 'status' | 'modality';
export interface WorklistSort {
  column: WorklistSortColumn;
  direction: 'asc' | 'desc';
}

/** Default order: out-of-distribution group on top, then COVID highest first, ties earliest arrival first. */
export const DEFAULT_SORT: WorklistSort = { column: 'covid', direction: 'desc' };

export type ReviewAction = 'reviewed' | 'escalated' | 'note';

export interface AuditEntry {
  action: ReviewAction;
  actor: string;
  note: string | null;
  atMs: number;
}

export interface PendingInstance {
  instanceId: number;
  filePath: string;
}

export interface StoreCounts {
  studies: number;
  instances: number;
  pending: number;
  triaged: number;
  failed: number;
  ingestFailures: number;
  aiResults: number;
}

const SORT_SQL: Record<WorklistSortColumn, string> = {
  covid: 's.rank_covid',
  arrival: 's.first_arrival_ms',
  patientName: 's.patient_name COLLATE NOCASE',
  patientId: 's.patient_id',
  studyDate: 's.study_date',
  // Urgency order, not alphabetical: unreliable (needs a human) > high > medium > low > none.
  priority: "CASE s.ai_priority WHEN 'unreliable' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END",
  status: "CASE s.status WHEN 'new' THEN 0 WHEN 'triaged' THEN 1 WHEN 'escalated' THEN 2 WHEN 'reviewed' THEN 3 ELSE 4 END",
  modality: 's.modality',
};

const PRIORITY_RANK: Record<string, number> = { high: 3, medium: 2, low: 1 };

/** The columns of a worklist entry, in the order {@link toEntry} reads them. */
const ENTRY_SELECT = `SELECT s.study_instance_uid, s.patient_name, s.patient_id, s.study_date, s.modality, s.covid, s.ai_priority,
    s.out_of_distribution, s.status, s.failure_reason, s.reviewer, s.note, s.first_arrival_ms, i.file_path
  FROM studies s LEFT JOIN instances i ON i.id = s.top_instance_id`;

/** What the summary PNG of a study needs (main only). */
export interface StudySummaryRow {
  path: string | null;
  priority: AiPriority | null;
  patientId: string | null;
  studyDate: string | null;
  modality: string | null;
  modelName: string | null;
  modelVersion: string | null;
  covid: number | null;
  normal: number | null;
  pneumonia: number | null;
}

/**
 * A browser thumbnail as the archive keeps it (issue #10), RGBA 8-bit as `images:thumbnail`
 * answers, with the size and mtime of the file it was rendered from: the caller compares them
 * with the file on disk before serving it.
 */
export interface ArchivedThumbnail {
  width: number;
  height: number;
  rgba: Uint8Array;
  fileSize: number;
  fileMtimeMs: number;
}

/** The worklist store over one open database. */
export class WorklistStore {
  private readonly stmt;
  private readonly queryCache = new Map<string, Database.Statement>();
  private readonly archive: ArchiveQueries;

  constructor(
    readonly db: WorklistDatabase,
    private readonly clock: () => number = Date.now,
  ) {
    this.archive = new ArchiveQueries(db);
    this.stmt = {
      studyByUid: db.prepare('SELECT id, status FROM studies WHERE study_instance_uid = ?'),
      insertStudy: db.prepare(
        `INSERT INTO studies (study_instance_uid, patient_name, patient_id, issuer_of_patient_id, patient_key, patient_birth_date, patient_sex,
           study_date, study_time, study_description, accession_number, modality, first_arrival_ms)
         VALUES (@studyInstanceUid, @patientName, @patientId, @issuerOfPatientId, @patientKey, @patientBirthDate, @patientSex,
           @studyDate, @studyTime, @studyDescription, @accessionNumber, @modality, @arrivalMs)`,
      ),
      seriesByUid: db.prepare('SELECT id, study_id FROM series WHERE study_id = ? AND series_instance_uid = ?'),
      insertSeries: db.prepare(
        `INSERT INTO series (study_id, series_instance_uid, modality, series_number, series_description, body_part_examined, view_position)
         VALUES (@studyId, @seriesInstanceUid, @modality, @seriesNumber, @seriesDescription, @bodyPartExamined, @viewPosition)`,
      ),
      instanceBySop: db.prepare('SELECT i.id, se.study_id AS studyId FROM instances i JOIN series se ON se.id = i.series_id WHERE i.sop_instance_uid = ?'),
      restoreStudy: db.prepare('UPDATE studies SET removed_at_ms = NULL WHERE id = ? AND removed_at_ms IS NOT NULL'),
      rasterByHash: db.prepare(
        "SELECT i.id, se.study_id AS studyId FROM instances i JOIN series se ON se.id = i.series_id WHERE i.content_sha256 = ? AND i.kind IN ('png', 'jpeg') LIMIT 1",
      ),
      insertInstance: db.prepare(
        `INSERT INTO instances (series_id, sop_instance_uid, sop_class_uid, kind, file_path, content_sha256, transfer_syntax_uid,
           rows, columns, source, arrival_ms, instance_number, number_of_frames, is_image, status, failure_code, failure_reason)
         VALUES (@seriesId, @sopInstanceUid, @sopClassUid, @kind, @filePath, @contentSha256, @transferSyntaxUid,
           @rows, @columns, @source, @arrivalMs, @instanceNumber, @numberOfFrames, @isImage, @status, @failureCode, @failureReason)`,
      ),
      setTopIfNone: db.prepare('UPDATE studies SET top_instance_id = ? WHERE id = ? AND top_instance_id IS NULL'),
      instanceStudy: db.prepare('SELECT s.study_id AS studyId FROM instances i JOIN series s ON s.id = i.series_id WHERE i.id = ?'),
      knownPath: db.prepare('SELECT 1 FROM instances WHERE file_path = ? UNION ALL SELECT 1 FROM ingest_failures WHERE file_path = ? LIMIT 1'),
      insertFailure: db.prepare(
        `INSERT INTO ingest_failures (file_path, content_sha256, source, code, reason, failed_at_ms) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (file_path) DO UPDATE SET content_sha256 = excluded.content_sha256, code = excluded.code, reason = excluded.reason,
           failed_at_ms = excluded.failed_at_ms`,
      ),
      clearFailure: db.prepare('DELETE FROM ingest_failures WHERE file_path = ?'),
      pending: db.prepare("SELECT id AS instanceId, file_path AS filePath FROM instances WHERE status = 'pending' ORDER BY arrival_ms, id"),
      insertResult: db.prepare(
        `INSERT INTO ai_results (instance_id, model_name, model_version, model_sha256, covid, normal, pneumonia, label, priority,
           out_of_distribution, ood, created_at_ms)
         VALUES (@instanceId, @modelName, @modelVersion, @modelSha256, @covid, @normal, @pneumonia, @label, @priority, @outOfDistribution, @ood, @createdAtMs)`,
      ),
      markInstance: db.prepare('UPDATE instances SET status = ?, failure_code = ?, failure_reason = ? WHERE id = ?'),
      studyInstances: db.prepare(
        `SELECT i.id, i.status, i.failure_reason AS failureReason, r.covid, r.priority, r.out_of_distribution AS outOfDistribution
         FROM instances i JOIN series se ON se.id = i.series_id
         LEFT JOIN ai_results r ON r.id = (SELECT MAX(id) FROM ai_results WHERE instance_id = i.id)
         WHERE se.study_id = ? AND i.is_image = 1 ORDER BY i.arrival_ms, i.id`,
      ),
      updateSummary: db.prepare(
        `UPDATE studies SET covid = @covid, rank_covid = @rankCovid, ai_priority = @priority, out_of_distribution = @ood,
           top_instance_id = @topInstanceId,
           status = CASE WHEN status IN ('reviewed', 'escalated') THEN status ELSE @status END,
           failure_reason = CASE WHEN status IN ('reviewed', 'escalated') THEN failure_reason ELSE @failureReason END
         WHERE id = @studyId`,
      ),
      insertReview: db.prepare('INSERT INTO review_actions (study_id, action, actor, note, at_ms) VALUES (?, ?, ?, ?, ?)'),
      setReviewed: db.prepare('UPDATE studies SET status = ?, reviewer = ?, note = COALESCE(?, note), reviewed_at_ms = ? WHERE id = ?'),
      setNote: db.prepare('UPDATE studies SET note = ? WHERE id = ?'),
      audit: db.prepare(
        `SELECT r.action, r.actor, r.note, r.at_ms AS atMs FROM review_actions r JOIN studies s ON s.id = r.study_id
         WHERE s.study_instance_uid = ? ORDER BY r.id`,
      ),
      entryByUid: db.prepare(`${ENTRY_SELECT} WHERE s.study_instance_uid = ?`).raw(true),
      studyFiles: db.prepare(
        `SELECT i.file_path AS path FROM instances i JOIN series se ON se.id = i.series_id JOIN studies s ON s.id = se.study_id
         WHERE s.study_instance_uid = ? ORDER BY i.arrival_ms, i.id`,
      ),
      studySummary: db.prepare(
        `SELECT i.file_path AS path, s.ai_priority AS priority, s.patient_id AS patientId, s.study_date AS studyDate, s.modality AS modality,
           r.model_name AS modelName, r.model_version AS modelVersion, r.covid AS covid, r.normal AS normal, r.pneumonia AS pneumonia
         FROM studies s LEFT JOIN instances i ON i.id = s.top_instance_id
         LEFT JOIN ai_results r ON r.id = (SELECT MAX(id) FROM ai_results WHERE instance_id = i.id)
         WHERE s.study_instance_uid = ?`,
      ),
      thumbnail: db.prepare(
        `SELECT t.width, t.height, t.png, t.file_size AS fileSize, t.file_mtime_ms AS fileMtimeMs
         FROM thumbnails t JOIN instances i ON i.id = t.instance_id
         WHERE t.instance_id = ? AND t.size = ? AND t.content_sha256 = i.content_sha256`,
      ),
      putThumbnail: db.prepare(
        `INSERT INTO thumbnails (instance_id, size, content_sha256, file_size, file_mtime_ms, width, height, png, created_at_ms)
         SELECT id, @size, content_sha256, @fileSize, @fileMtimeMs, @width, @height, @png, @createdAtMs FROM instances WHERE id = @instanceId
         ON CONFLICT (instance_id, size) DO UPDATE SET content_sha256 = excluded.content_sha256, file_size = excluded.file_size,
           file_mtime_ms = excluded.file_mtime_ms, width = excluded.width, height = excluded.height, png = excluded.png,
           created_at_ms = excluded.created_at_ms`,
      ),
      counts: db.prepare(
        `SELECT (SELECT COUNT(*) FROM studies) AS studies, (SELECT COUNT(*) FROM instances) AS instances,
           (SELECT COUNT(*) FROM instances WHERE status = 'pending') AS pending,
           (SELECT COUNT(*) FROM instances WHERE status = 'triaged') AS triaged,
           (SELECT COUNT(*) FROM instances WHERE status = 'failed') AS failed,
           (SELECT COUNT(*) FROM ingest_failures) AS ingestFailures, (SELECT COUNT(*) FROM ai_results) AS aiResults`,
      ),
    };
  }

  /** True when this path was already imported (or failed): lets the watched folder skip known files cheaply. */
  isKnownPath(path: string): boolean {
    return this.stmt.knownPath.get(path, path) !== undefined;
  }

  /**
   * Adds an instance with its study and series in one transaction, as `pending` (recorded
   * before triage, so a crash leaves it to be resumed). Adds nothing when the SOP Instance
   * UID is known, or, for PNG/JPEG, the content sha256.
   */
  addInstance(instance: NewInstance): AddInstanceResult {
    return this.db.transaction((): AddInstanceResult => {
      // Opening a study removed from the list brings it back (issue #10: removing never forgets).
      const bySop = this.stmt.instanceBySop.get(instance.sopInstanceUid) as { id: number; studyId: number } | undefined;
      if (bySop) {
        this.stmt.restoreStudy.run(bySop.studyId);
        return { added: false, instanceId: bySop.id, duplicateOf: 'sopInstanceUid' };
      }
      if (instance.kind !== 'dicom') {
        const byHash = this.stmt.rasterByHash.get(instance.contentSha256) as { id: number; studyId: number } | undefined;
        if (byHash) {
          this.stmt.restoreStudy.run(byHash.studyId);
          return { added: false, instanceId: byHash.id, duplicateOf: 'contentSha256' };
        }
      }
      const arrivalMs = this.clock();
      let study = this.stmt.studyByUid.get(instance.studyInstanceUid) as { id: number } | undefined;
      const existingStudy = study !== undefined;
      if (!study) {
        const info = this.stmt.insertStudy.run({ ...nulls(instance), patientKey: patientKeyOf(instance), arrivalMs });
        study = { id: Number(info.lastInsertRowid) };
      } else {
        this.stmt.restoreStudy.run(study.id);
      }
      let series = this.stmt.seriesByUid.get(study.id, instance.seriesInstanceUid) as { id: number; study_id: number } | undefined;
      if (!series) {
        const info = this.stmt.insertSeries.run({ ...nulls(instance), studyId: study.id });
        series = { id: Number(info.lastInsertRowid), study_id: study.id };
      }
      const isImage = instance.isImage ?? true;
      const info = this.stmt.insertInstance.run({
        ...nulls(instance),
        seriesId: series.id,
        arrivalMs,
        isImage: isImage ? 1 : 0,
        status: isImage ? 'pending' : 'failed',
        failureCode: isImage ? null : 'NOT_AN_IMAGE',
        failureReason: isImage ? null : `${basename(instance.filePath)} is not an image (SOP Class ${instance.sopClassUid ?? 'unknown'}): listed, nothing to triage`,
      });
      const instanceId = Number(info.lastInsertRowid);
      this.stmt.clearFailure.run(instance.filePath);
      if (isImage) {
        this.stmt.setTopIfNone.run(instanceId, series.study_id);
        // A new study already has the right summary (status new, this image on top).
        if (existingStudy) this.refreshStudy(series.study_id);
      }
      return { added: true, instanceId };
    })();
  }

  /** Records a file that could not be added (unreadable, not an image, …); one row per path. */
  recordIngestFailure(failure: { filePath: string; contentSha256?: string; source: IngestSource; code: string; reason: string }): void {
    this.stmt.insertFailure.run(failure.filePath, failure.contentSha256 ?? null, failure.source, failure.code, failure.reason, this.clock());
  }

  /** Instances recorded but not yet triaged (e.g. the process was killed): resumed on start. */
  pendingInstances(): PendingInstance[] {
    return this.stmt.pending.all() as PendingInstance[];
  }

  /** Stores an AI result, marks the instance triaged and refreshes its study's summary, in one transaction. */
  recordAiResult(instanceId: number, result: AiResultInput): void {
    this.db.transaction(() => {
      this.stmt.insertResult.run({
        instanceId,
        modelName: result.model.name,
        modelVersion: result.model.version,
        modelSha256: result.model.sha256,
        covid: result.probabilities.covid ?? 0,
        normal: result.probabilities.normal ?? 0,
        pneumonia: result.probabilities.pneumonia ?? 0,
        label: result.label,
        priority: result.priority,
        outOfDistribution: result.outOfDistribution ? 1 : 0,
        ood: result.ood,
        createdAtMs: this.clock(),
      });
      this.stmt.markInstance.run('triaged', null, null, instanceId);
      this.refreshStudyOf(instanceId);
    })();
  }

  /** Marks an instance failed (decoding or triage failed) with a reason naming the file. */
  recordInstanceFailure(instanceId: number, code: string, reason: string): void {
    this.db.transaction(() => {
      this.stmt.markInstance.run('failed', code, reason, instanceId);
      this.refreshStudyOf(instanceId);
    })();
  }

  private refreshStudyOf(instanceId: number): void {
    const row = this.stmt.instanceStudy.get(instanceId) as { studyId: number } | undefined;
    if (!row) throw new CodedError('NOT_FOUND', `instance ${instanceId} is not in the worklist`);
    this.refreshStudy(row.studyId);
  }

  /**
   * Recomputes a study's AI summary from the latest result of each of its instances. Any
   * out-of-distribution image puts the study in the "needs human triage" group: a study the
   * model cannot read must be looked at by a person even if another image scored low.
   */
  private refreshStudy(studyId: number): void {
    const rows = this.stmt.studyInstances.all(studyId) as {
      id: number;
      status: InstanceStatus;
      failureReason: string | null;
      covid: number | null;
      priority: AiPriority | null;
      outOfDistribution: number | null;
    }[];
    const results = rows.filter((r) => r.covid !== null);
    const ranked = results.filter((r) => !r.outOfDistribution);
    const ood = results.some((r) => r.outOfDistribution);
    const top = ranked.reduce<(typeof rows)[number] | undefined>((best, r) => (!best || r.covid! > best.covid! ? r : best), undefined);
    const topInstance = top ?? results.find((r) => r.outOfDistribution) ?? rows[0];
    let priority: AiPriority | null = null;
    if (ood) priority = 'unreliable';
    else for (const r of ranked) if (!priority || PRIORITY_RANK[r.priority!] > PRIORITY_RANK[priority]) priority = r.priority;
    let status: StudyStatus;
    let failureReason: string | null = null;
    if (results.length > 0) status = 'triaged';
    else if (rows.some((r) => r.status === 'pending')) status = 'new';
    else {
      status = 'failed';
      failureReason = rows.at(-1)?.failureReason ?? null;
    }
    this.stmt.updateSummary.run({
      studyId,
      covid: topInstance?.covid ?? null,
      rankCovid: ood ? null : (top?.covid ?? null),
      priority,
      ood: ood ? 1 : 0,
      topInstanceId: topInstance?.id ?? null,
      status,
      failureReason,
    });
  }

  /**
   * Records a review action in the append-only audit trail and updates the study, in one
   * durable (synchronous = FULL) transaction. Escalation needs a note (issue #5: "E escalate (with a note)").
   */
  recordReview(studyInstanceUid: string, action: { action: ReviewAction; actor: string; note?: string }): void {
    const actor = action.actor.trim();
    const note = action.note?.trim() || null;
    if (!actor) throw new CodedError('INVALID_REVIEW', 'a review action needs the reviewer');
    if (action.action === 'escalated' && !note) throw new CodedError('INVALID_REVIEW', 'escalating a study needs a note');
    if (action.action === 'note' && !note) throw new CodedError('INVALID_REVIEW', 'a note action needs a note');
    // Human work is not reproducible: this commit fsyncs the WAL (see openWorklistDb).
    const previous = this.db.pragma('synchronous', { simple: true }) as number;
    this.db.pragma('synchronous = FULL');
    try {
      this.db.transaction(() => {
        const study = this.stmt.studyByUid.get(studyInstanceUid) as { id: number } | undefined;
        if (!study) throw new CodedError('NOT_FOUND', 'study not in the worklist');
        const at = this.clock();
        this.stmt.insertReview.run(study.id, action.action, actor, note, at);
        if (action.action === 'note') this.stmt.setNote.run(note, study.id);
        else this.stmt.setReviewed.run(action.action, actor, note, at, study.id);
      })();
    } finally {
      this.db.pragma(`synchronous = ${previous}`);
    }
  }

  /** The audit trail of one study, oldest first. */
  auditTrail(studyInstanceUid: string): AuditEntry[] {
    return this.stmt.audit.all(studyInstanceUid) as AuditEntry[];
  }

  /** The worklist in display order (see {@link DEFAULT_SORT}). */
  worklist(filter: WorklistFilter = {}, sort: WorklistSort = DEFAULT_SORT): WorklistEntry[] {
    const { where, params } = whereClause(filter);
    const dir = sort.direction === 'asc' ? 'ASC' : 'DESC';
    const column = SORT_SQL[sort.column];
    if (!column) throw new CodedError('INVALID_SORT', `unknown sort column ${String(sort.column)}`);
    // COVID order keeps the "needs human triage" group on top whatever the direction; NULLs
    // (not yet triaged) go last. Ties: earliest arrival first, then insertion order.
    const order =
      sort.column === 'covid'
        ? `s.out_of_distribution DESC, s.rank_covid ${dir} NULLS LAST, s.first_arrival_ms ASC, s.id ASC`
        : `${column} ${dir} NULLS LAST, s.first_arrival_ms ASC, s.id ASC`;
    const sql = `${ENTRY_SELECT} ${where} ORDER BY ${order}`;
    // Rows as arrays (better-sqlite3 raw mode) and one prepared statement per query shape:
    // building 10,000 keyed row objects and re-preparing were half the time of a full list.
    let stmt = this.queryCache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql).raw(true);
      if (this.queryCache.size > 64) this.queryCache.clear();
      this.queryCache.set(sql, stmt);
    }
    return (stmt.all(params) as unknown[][]).map(toEntry);
  }

  /** Studies per AI priority under a filter (its own priority filter ignored: the header shows every badge's count). */
  priorityCounts(filter: WorklistFilter = {}): Record<AiPriority | 'none', number> {
    const { where, params } = whereClause({ ...filter, priority: undefined });
    const rows = this.db.prepare(`SELECT s.ai_priority AS priority, COUNT(*) AS n FROM studies s ${where} GROUP BY s.ai_priority`).all(params) as {
      priority: AiPriority | null;
      n: number;
    }[];
    const counts: Record<AiPriority | 'none', number> = { unreliable: 0, high: 0, medium: 0, low: 0, none: 0 };
    for (const r of rows) counts[r.priority ?? 'none'] += r.n;
    return counts;
  }

  /** One study's worklist entry (a review answers with it; a whole-list query would cost 10,000 rows). */
  worklistEntry(studyInstanceUid: string): WorklistEntry | undefined {
    const row = this.stmt.entryByUid.get(studyInstanceUid) as unknown[] | undefined;
    return row ? toEntry(row) : undefined;
  }

  /** Files of a study, in arrival order (main only: paths never reach the renderer). */
  studyFilePaths(studyInstanceUid: string): string[] {
    return (this.stmt.studyFiles.all(studyInstanceUid) as { path: string }[]).map((r) => r.path);
  }

  /** The study's top image and its latest AI result, for the summary PNG. */
  studySummary(studyInstanceUid: string): StudySummaryRow | undefined {
    return this.stmt.studySummary.get(studyInstanceUid) as StudySummaryRow | undefined;
  }

  /**
   * SQLite's data_version: changes when another connection (`cxr listen`, `cxr import`) commits
   * to this database, never for this connection's own writes. Polled for live updates.
   */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  // The study archive as the viewer reads it (issue #10; archiveQueries.ts). Methods of this class,
  // so the worklist worker answers them like every other store call.

  /** A page of the study browser: patients by name with their studies. */
  archivePatients(query: ArchiveQuery = {}): ArchivePage {
    return this.archive.listPatients(query);
  }

  /** One study with its patient, files checked on disk. */
  archiveStudy(studyKey: string): ReturnType<ArchiveQueries['study']> {
    return this.archive.study(studyKey);
  }

  /** The patient's other studies and the prior to compare with. */
  archivePriors(studyKey: string): ReturnType<ArchiveQueries['priors']> {
    return this.archive.priors(studyKey);
  }

  /** The file behind an instance key (main only). */
  resolveInstance(instanceId: string): ResolvedInstance | undefined {
    return this.archive.resolveInstance(instanceId);
  }

  /** The browser's study key of a worklist study. */
  studyKeyOfUid(studyInstanceUid: string): string | undefined {
    return this.archive.studyKeyOfUid(studyInstanceUid);
  }

  /** "Remove from list" (rows, results, audit trail and files all stay). */
  removeStudy(studyKey: string): boolean {
    return this.archive.removeStudy(studyKey, this.clock());
  }

  /** Received files not yet deleted by the retention rule, oldest first. */
  receivedFiles(): ReceivedFile[] {
    return this.archive.receivedFiles();
  }

  /** Records received files the retention rule deleted. */
  markPurged(instanceIds: number[]): number {
    return this.archive.markPurged(instanceIds, this.clock());
  }

  /** Each study's previous study of the same patient with its COVID probability (`cxr worklist`'s `prior`). */
  previousStudies(studyInstanceUids: string[]): Record<string, PriorReference | null> {
    return this.archive.previousStudies(studyInstanceUids);
  }

  /**
   * The stored thumbnail of an instance key at a requested size; undefined when there is none,
   * or it was rendered from other content than the instance's recorded hash.
   */
  thumbnail(instanceId: string, size: number): ArchivedThumbnail | undefined {
    const id = instanceRowIdOf(instanceId);
    if (id === undefined) return undefined;
    const row = this.stmt.thumbnail.get(id, size) as { width: number; height: number; png: Buffer; fileSize: number; fileMtimeMs: number } | undefined;
    if (!row) return undefined;
    let decoded: ReturnType<typeof decodeThumbnailPng>;
    try {
      decoded = decodeThumbnailPng(row.png);
    } catch {
      return undefined; // a damaged blob: rendered again and overwritten
    }
    if (decoded.width !== row.width || decoded.height !== row.height) return undefined;
    return { width: row.width, height: row.height, rgba: decoded.rgba, fileSize: row.fileSize, fileMtimeMs: row.fileMtimeMs };
  }

  /**
   * Stores (or replaces) an instance's thumbnail at a requested size, as PNG. False when the
   * instance key names no instance (e.g. the database was replaced meanwhile).
   */
  putThumbnail(instanceId: string, size: number, thumbnail: ArchivedThumbnail): boolean {
    const id = instanceRowIdOf(instanceId);
    if (id === undefined) return false;
    const png = encodeThumbnailPng(thumbnail.width, thumbnail.height, thumbnail.rgba);
    const info = this.stmt.putThumbnail.run({
      instanceId: id,
      size,
      fileSize: thumbnail.fileSize,
      fileMtimeMs: thumbnail.fileMtimeMs,
      width: thumbnail.width,
      height: thumbnail.height,
      png,
      createdAtMs: this.clock(),
    });
    return info.changes > 0;
  }

  /** Row counts, for summaries and tests. */
  counts(): StoreCounts {
    return this.stmt.counts.get() as StoreCounts;
  }
}

/** Maps a raw row, columns in the order of the worklist SELECT. */
function toEntry(r: unknown[]): WorklistEntry {
  const [studyInstanceUid, patientName, patientId, studyDate, modality, covid, priority, ood, status, failureReason, reviewer, note, arrivalMs, path] =
    r as [string, string | null, string | null, string | null, string | null, number | null, AiPriority | null, number, StudyStatus, string | null, string | null, string | null, number, string | null];
  return {
    studyInstanceUid,
    patientName,
    patientId,
    studyDate,
    modality,
    covid,
    priority,
    outOfDistribution: ood === 1,
    group: ood === 1 ? 'needs-human-triage' : 'ranked',
    status,
    failureReason,
    reviewer,
    note,
    arrivalMs,
    path,
  };
}

function whereClause(filter: WorklistFilter): { where: string; params: Record<string, unknown> } {
  // A worklist row is a study with an image to triage that nobody removed from the list (issue #10).
  const terms: string[] = ['s.removed_at_ms IS NULL', 's.top_instance_id IS NOT NULL'];
  const params: Record<string, unknown> = {};
  const list = (name: string, column: string, values: readonly string[] | undefined): void => {
    if (!values || values.length === 0) return;
    const names = values.map((v, i) => {
      params[`${name}${i}`] = v;
      return `@${name}${i}`;
    });
    terms.push(`${column} IN (${names.join(', ')})`);
  };
  list('priority', 's.ai_priority', filter.priority);
  list('status', 's.status', filter.status);
  list('modality', 's.modality', filter.modality);
  if (filter.dateFrom) {
    terms.push('s.study_date >= @dateFrom');
    params.dateFrom = filter.dateFrom;
  }
  if (filter.dateTo) {
    terms.push('s.study_date <= @dateTo');
    params.dateTo = filter.dateTo;
  }
  const search = filter.search?.trim();
  if (search) {
    // LIKE with an escape character so "%" or "_" typed by the user match literally.
    params.search = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    terms.push("(s.patient_name LIKE @search ESCAPE '\\' OR s.patient_id LIKE @search ESCAPE '\\')");
  }
  return { where: `WHERE ${terms.join(' AND ')}`, params };
}

/** better-sqlite3 refuses `undefined` for named parameters: every optional field becomes null. */
function nulls(instance: NewInstance): Record<string, unknown> {
  const keys = [
    'kind', 'filePath', 'contentSha256', 'source', 'studyInstanceUid', 'seriesInstanceUid', 'sopInstanceUid', 'sopClassUid',
    'transferSyntaxUid', 'rows', 'columns', 'patientName', 'patientId', 'patientBirthDate', 'patientSex', 'studyDate', 'studyTime',
    'studyDescription', 'accessionNumber', 'modality', 'seriesNumber', 'seriesDescription', 'bodyPartExamined', 'viewPosition',
    'issuerOfPatientId', 'instanceNumber', 'numberOfFrames',
  ] as const;
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = instance[k] ?? null;
  return out;
}
