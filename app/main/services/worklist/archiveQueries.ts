/**
 * The local study archive as the viewer reads it (issue #10): patients → studies → series →
 * instances from the same SQLite rows the worklist and the CLI read, priors by patient, removal
 * from the list, and the received files the storage retention rule may delete.
 *
 * Keys handed to the renderer are row ids with a kind prefix (`s12`, `se40`, `i301`): stable for
 * the life of the database (so a reload can return to the same image), and they reveal neither
 * paths nor patient data. Paths stay in main: only {@link ArchiveQueries.resolveInstance} returns one.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';

import type { Database, Statement } from 'better-sqlite3';

import type { InstanceSummary, PatientSummary, SeriesSummary, StudySummary } from '../../../shared/ipc/contract';

/** How many patients one browser page lists at most (the newest-arrived first past this). */
export const DEFAULT_PATIENT_LIMIT = 500;

export interface ArchiveQuery {
  /** Case-insensitive substring of Patient's Name, Patient ID or Accession Number. */
  search?: string;
  /** One patient (the key from a PatientSummary). */
  patientKey?: string;
  limit?: number;
}

export interface ArchivePage {
  patients: PatientSummary[];
  /** More patients matched than the limit allowed. */
  truncated: boolean;
}

/** One instance as main needs it to decode, classify or show tags. Main only: holds the path. */
export interface ResolvedInstance {
  instanceId: string;
  path: string;
  fileName: string;
  numberOfFrames: number;
  studyKey: string;
  /** Why it cannot be displayed (not an image, deleted by retention); absent when it can. */
  error?: { code: string; message: string };
}

export interface ReceivedFile {
  instanceId: number;
  path: string;
  arrivalMs: number;
}

/** A study's earlier study of the same patient, with its AI result: `cxr worklist`'s `prior`. */
export interface PriorReference {
  studyInstanceUid: string;
  studyDate: string | null;
  covid: number | null;
}

interface StudyRow {
  id: number;
  study_instance_uid: string;
  patient_key: string;
  patient_name: string | null;
  patient_id: string | null;
  patient_birth_date: string | null;
  patient_sex: string | null;
  study_date: string | null;
  study_time: string | null;
  study_description: string | null;
  accession_number: string | null;
}

interface InstanceRow {
  study_id: number;
  series_id: number;
  series_instance_uid: string;
  series_number: number | null;
  series_description: string | null;
  modality: string | null;
  body_part_examined: string | null;
  view_position: string | null;
  id: number;
  sop_instance_uid: string;
  kind: string;
  instance_number: number | null;
  number_of_frames: number | null;
  rows: number | null;
  columns: number | null;
  file_path: string;
  is_image: number;
  failure_code: string | null;
  failure_reason: string | null;
  purged_at_ms: number | null;
}

const STUDY_COLUMNS = `s.id, s.study_instance_uid, s.patient_key, s.patient_name, s.patient_id, s.patient_birth_date, s.patient_sex,
  s.study_date, s.study_time, s.study_description, s.accession_number`;

/** Newest first, studies without a date last (DA/TM sort as strings, PS3.5 6.2). */
const NEWEST_FIRST = 's.study_date DESC NULLS LAST, s.study_time DESC NULLS LAST, s.id DESC';

export function studyKeyOf(id: number): string {
  return `s${id}`;
}
export function instanceKeyOf(id: number): string {
  return `i${id}`;
}
/** The instances row id behind an instance key; undefined for anything else. */
export function instanceRowIdOf(key: string): number | undefined {
  return rowIdOf(key, 'i');
}
function rowIdOf(key: string, prefix: 's' | 'i'): number | undefined {
  const m = new RegExp(`^${prefix}(\\d{1,15})$`).exec(key);
  return m ? Number(m[1]) : undefined;
}

/** Archive queries over the worklist database (run on the worklist worker). */
export class ArchiveQueries {
  private readonly stmt: Record<string, Statement>;

  constructor(private readonly db: Database) {
    this.stmt = {
      study: db.prepare(`SELECT ${STUDY_COLUMNS}, s.removed_at_ms FROM studies s WHERE s.id = ?`),
      studyByUid: db.prepare('SELECT id FROM studies WHERE study_instance_uid = ?'),
      browse: db
        .prepare('SELECT patient_key FROM studies INDEXED BY studies_browse WHERE removed_at_ms IS NULL ORDER BY ifnull(patient_name, char(1114111)) COLLATE NOCASE, patient_key')
        .pluck(),
      browseSearch: db
        .prepare(
          `SELECT patient_key FROM studies INDEXED BY studies_browse WHERE removed_at_ms IS NULL
             AND (patient_name LIKE @search ESCAPE '\\' OR patient_id LIKE @search ESCAPE '\\' OR accession_number LIKE @search ESCAPE '\\')
           ORDER BY ifnull(patient_name, char(1114111)) COLLATE NOCASE, patient_key`,
        )
        .pluck(),
      studiesOfPatient: db.prepare(`SELECT ${STUDY_COLUMNS} FROM studies s WHERE s.patient_key = ? AND s.removed_at_ms IS NULL ORDER BY ${NEWEST_FIRST}`),
      instancesOfStudies: db.prepare(
        `SELECT se.study_id, se.id AS series_id, se.series_instance_uid, se.series_number, se.series_description, se.modality,
           se.body_part_examined, se.view_position, i.id, i.sop_instance_uid, i.kind, i.instance_number, i.number_of_frames, i.rows,
           i.columns, i.file_path, i.is_image, i.failure_code, i.failure_reason, i.purged_at_ms
         FROM series se JOIN instances i ON i.series_id = se.id
         WHERE se.study_id IN (SELECT value FROM json_each(?))`,
      ),
      instance: db.prepare(
        `SELECT i.id, i.file_path, i.number_of_frames, i.is_image, i.failure_code, i.failure_reason, i.purged_at_ms, se.study_id
         FROM instances i JOIN series se ON se.id = i.series_id WHERE i.id = ?`,
      ),
      remove: db.prepare('UPDATE studies SET removed_at_ms = ? WHERE id = ? AND removed_at_ms IS NULL'),
      received: db.prepare(
        "SELECT id AS instanceId, file_path AS path, arrival_ms AS arrivalMs FROM instances WHERE source = 'listener' AND purged_at_ms IS NULL ORDER BY arrival_ms, id",
      ),
      purge: db.prepare('UPDATE instances SET purged_at_ms = ? WHERE id = ? AND purged_at_ms IS NULL'),
      previousOf: db.prepare(
        `SELECT p.study_instance_uid AS studyInstanceUid, p.study_date AS studyDate, p.covid AS covid
         FROM studies c JOIN studies p ON p.patient_key = c.patient_key AND p.id <> c.id
         WHERE c.study_instance_uid = ? AND c.patient_id IS NOT NULL AND TRIM(c.patient_id) <> '' AND c.study_date IS NOT NULL
           AND p.removed_at_ms IS NULL AND p.study_date IS NOT NULL
           AND (p.study_date || COALESCE(p.study_time, '')) < (c.study_date || COALESCE(c.study_time, ''))
         ORDER BY p.study_date DESC, p.study_time DESC NULLS LAST, p.id DESC LIMIT 1`,
      ),
    };
  }

  /**
   * A page of the browser: patients in name order with all their (not removed) studies.
   * Each query is one indexed lookup per patient, so a large archive lists as fast as a small one.
   */
  listPatients(query: ArchiveQuery = {}): ArchivePage {
    const limit = Math.max(1, Math.min(query.limit ?? DEFAULT_PATIENT_LIMIT, 10_000));
    let keys: string[];
    if (query.patientKey) {
      keys = [query.patientKey];
    } else {
      // Walk the covering name index (studies_browse) in name order and stop at the first
      // `limit + 1` distinct patients: the cost follows the page, not the archive. A search
      // filters the same index entries without reading the table.
      const search = query.search?.trim();
      const stmt = search ? this.stmt.browseSearch : this.stmt.browse;
      const params = search ? { search: `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` } : {};
      const seen = new Set<string>();
      for (const key of stmt.iterate(params) as IterableIterator<string>) {
        if (seen.has(key)) continue;
        seen.add(key);
        if (seen.size > limit) break;
      }
      keys = [...seen];
    }
    const truncated = keys.length > limit;
    const studies = keys.slice(0, limit).flatMap((k) => this.stmt.studiesOfPatient.all(k) as StudyRow[]);
    return { patients: this.toPatients(studies, false), truncated };
  }

  /**
   * One study with its patient, for opening it (a click, a reload, the worklist). Files are
   * checked on disk: one that moved or vanished is listed as missing with its path, so the
   * user can find it; the rest of the study opens. Unknown key → undefined.
   */
  study(studyKey: string): { patient: PatientSummary; study: StudySummary; removed: boolean } | undefined {
    const id = rowIdOf(studyKey, 's');
    const row = id === undefined ? undefined : (this.stmt.study.get(id) as (StudyRow & { removed_at_ms: number | null }) | undefined);
    if (!row) return undefined;
    const [patient] = this.toPatients([row], true);
    return { patient, study: patient.studies[0], removed: row.removed_at_ms !== null };
  }

  /**
   * The patient's other studies, newest first, and the prior to compare with: the most recent
   * one dated before this study. Needs a Patient ID (with its issuer, via patient_key): a study
   * without one has no priors. Unknown key → undefined.
   */
  priors(studyKey: string): { studies: StudySummary[]; priorStudyKey: string | null } | undefined {
    const id = rowIdOf(studyKey, 's');
    const row = id === undefined ? undefined : (this.stmt.study.get(id) as StudyRow | undefined);
    if (!row) return undefined;
    if (!row.patient_id?.trim()) return { studies: [], priorStudyKey: null };
    const others = (this.stmt.studiesOfPatient.all(row.patient_key) as StudyRow[]).filter((s) => s.id !== row.id);
    const [patient] = others.length > 0 ? this.toPatients(others, false) : [undefined];
    const when = dateTimeOf(row);
    const prior = when === undefined ? undefined : others.find((s) => (dateTimeOf(s) ?? '') !== '' && dateTimeOf(s)! < when);
    return { studies: patient?.studies ?? [], priorStudyKey: prior ? studyKeyOf(prior.id) : null };
  }

  /** The file behind an instance key (main only). */
  resolveInstance(instanceId: string): ResolvedInstance | undefined {
    const id = rowIdOf(instanceId, 'i');
    const row = id === undefined ? undefined : (this.stmt.instance.get(id) as (InstanceRow & { study_id: number }) | undefined);
    if (!row) return undefined;
    return {
      instanceId,
      path: row.file_path,
      fileName: basename(row.file_path),
      numberOfFrames: Math.max(1, row.number_of_frames ?? 1),
      studyKey: studyKeyOf(row.study_id),
      error: instanceError(row, false),
    };
  }

  /** The browser's key of a study named by its Study Instance UID (the worklist's "open"). */
  studyKeyOfUid(studyInstanceUid: string): string | undefined {
    const row = this.stmt.studyByUid.get(studyInstanceUid) as { id: number } | undefined;
    return row ? studyKeyOf(row.id) : undefined;
  }

  /**
   * "Remove from list": hides the study from the browser and the worklist. Its rows, AI results
   * and audit trail stay and no file is touched; opening it again brings it back.
   */
  removeStudy(studyKey: string, atMs: number): boolean {
    const id = rowIdOf(studyKey, 's');
    return id !== undefined && this.stmt.remove.run(atMs, id).changes > 0;
  }

  /** Files the DICOM listener received and that are still on disk as far as the archive knows, oldest first. */
  receivedFiles(): ReceivedFile[] {
    return this.stmt.received.all() as ReceivedFile[];
  }

  /** Records that the retention rule deleted these received files; their rows stay. */
  markPurged(instanceIds: readonly number[], atMs: number): number {
    let n = 0;
    this.db.transaction(() => {
      for (const id of instanceIds) n += this.stmt.purge.run(atMs, id).changes;
    })();
    return n;
  }

  /** For each study, the patient's most recent earlier study and its COVID probability, or null. */
  previousStudies(studyInstanceUids: readonly string[]): Record<string, PriorReference | null> {
    const out: Record<string, PriorReference | null> = {};
    for (const uid of studyInstanceUids) out[uid] = (this.stmt.previousOf.get(uid) as PriorReference | undefined) ?? null;
    return out;
  }

  /** Builds patient → study → series → instance summaries for study rows (one query for all their instances). */
  private toPatients(studies: StudyRow[], checkFiles: boolean): PatientSummary[] {
    if (studies.length === 0) return [];
    const instances = this.stmt.instancesOfStudies.all(JSON.stringify(studies.map((s) => s.id))) as InstanceRow[];
    const byStudy = new Map<number, InstanceRow[]>();
    for (const r of instances) {
      const list = byStudy.get(r.study_id);
      if (list) list.push(r);
      else byStudy.set(r.study_id, [r]);
    }
    const patients = new Map<string, PatientSummary>();
    for (const s of studies) {
      let patient = patients.get(s.patient_key);
      if (!patient) {
        const named = Boolean(s.patient_id?.trim() || s.patient_name?.trim());
        patient = {
          patientKey: s.patient_key,
          patientName: named ? (s.patient_name?.trim() ?? '') : 'unknown',
          patientId: s.patient_id?.trim() ?? '',
          patientBirthDate: s.patient_birth_date || undefined,
          patientSex: s.patient_sex || undefined,
          studies: [],
        };
        patients.set(s.patient_key, patient);
      }
      patient.studies.push(toStudy(s, byStudy.get(s.id) ?? [], checkFiles));
    }
    return [...patients.values()];
  }
}

function dateTimeOf(s: { study_date: string | null; study_time: string | null }): string | undefined {
  return s.study_date ? `${s.study_date}${(s.study_time ?? '').padEnd(13, '0')}` : undefined;
}

function byNumber<T>(num: (t: T) => number | null, then: (t: T) => number) {
  return (a: T, b: T) => {
    const na = num(a) ?? Number.POSITIVE_INFINITY;
    const nb = num(b) ?? Number.POSITIVE_INFINITY;
    return na !== nb ? (na < nb ? -1 : 1) : then(a) - then(b);
  };
}

function instanceError(r: Pick<InstanceRow, 'file_path' | 'is_image' | 'failure_code' | 'failure_reason' | 'purged_at_ms'>, checkFile: boolean) {
  const name = basename(r.file_path);
  if (r.is_image === 0) return { code: r.failure_code ?? 'NOT_AN_IMAGE', message: r.failure_reason ?? `${name} is not an image` };
  if (r.purged_at_ms !== null) {
    return { code: 'FILE_REMOVED', message: `${name} was deleted by the storage retention rule on ${new Date(r.purged_at_ms).toISOString().slice(0, 10)}` };
  }
  // The user's own path on the user's own screen: what they need to find a moved file (never logged).
  if (checkFile && !existsSync(r.file_path)) return { code: 'FILE_MISSING', message: `${name} is missing: it is no longer at ${r.file_path}` };
  return undefined;
}

function toStudy(s: StudyRow, rows: InstanceRow[], checkFiles: boolean): StudySummary {
  const bySeries = new Map<number, InstanceRow[]>();
  for (const r of rows) {
    const list = bySeries.get(r.series_id);
    if (list) list.push(r);
    else bySeries.set(r.series_id, [r]);
  }
  const series: SeriesSummary[] = [...bySeries.entries()].map(([seriesId, rs]) => {
    const h = rs[0];
    const instances: InstanceSummary[] = rs
      .slice()
      .sort(byNumber((r: InstanceRow) => r.instance_number, (r) => r.id))
      .map((r) => ({
        instanceId: instanceKeyOf(r.id),
        sopInstanceUid: r.kind === 'dicom' ? r.sop_instance_uid : undefined,
        instanceNumber: r.instance_number ?? undefined,
        numberOfFrames: Math.max(1, r.number_of_frames ?? 1),
        rows: r.rows ?? undefined,
        columns: r.columns ?? undefined,
        fileName: basename(r.file_path),
        error: instanceError(r, checkFiles),
      }));
    return {
      seriesKey: `se${seriesId}`,
      seriesInstanceUid: h.kind === 'dicom' ? h.series_instance_uid : undefined,
      seriesNumber: h.series_number ?? undefined,
      seriesDescription: h.series_description || undefined,
      modality: h.modality || undefined,
      bodyPartExamined: h.body_part_examined || undefined,
      viewPosition: h.view_position || undefined,
      instances,
    };
  });
  series.sort(byNumber((x: SeriesSummary) => x.seriesNumber ?? null, () => 0));
  const modalities = [...new Set(series.map((x) => x.modality).filter((m): m is string => Boolean(m)))];
  const thumbnail = series.flatMap((x) => x.instances).find((i) => !i.error);
  const isDicom = rows.some((r) => r.kind === 'dicom');
  return {
    studyKey: studyKeyOf(s.id),
    studyInstanceUid: isDicom ? s.study_instance_uid : undefined,
    studyDate: s.study_date || undefined,
    studyTime: s.study_time || undefined,
    studyDescription: s.study_description || undefined,
    accessionNumber: s.accession_number || undefined,
    modalities,
    numberOfImages: rows.length,
    thumbnailInstanceId: thumbnail?.instanceId,
    series,
  };
}
