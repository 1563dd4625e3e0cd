/**
 * The study catalog: turns file headers into the Patient → Study → Series → Instance
 * tree the study browser shows (PS3.3 C.7.1.1 Patient, C.7.2.1 General Study,
 * C.7.3.1 General Series modules), de-duplicates instances, resolves instance ids to
 * paths for main only, and finds priors. Storage is behind {@link CatalogStore}.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { InstanceSummary, PatientSummary, SeriesSummary, StudySummary } from '../../../shared/ipc/contract';
import type { InstanceHeader } from '../decoding/decodeService';
import type { CatalogStore, InstanceRecord } from './catalogStore';

/** Patient name and ID shown for images whose header names no patient (PNG/JPEG without sidecar). */
export const UNKNOWN_PATIENT = 'unknown';

/** A 32-hex-digit id from sha256 of the parts: stable, and reveals neither paths nor patient data. */
export function hashId(kind: string, ...parts: string[]): string {
  return createHash('sha256').update([kind, ...parts].join('\u0000')).digest('hex').slice(0, 32);
}

/** Outcome of {@link StudyCatalog.addInstance}. */
export type AddOutcome = { added: true; record: InstanceRecord } | { added: false; reason: 'duplicate-path' | 'duplicate-sop'; record: InstanceRecord };

/** DICOM dates/times sort as strings (DA YYYYMMDD, TM HHMMSS.FFFFFF, PS3.5 6.2). */
function studyDateTime(s: { studyDate?: string; studyTime?: string }): string | undefined {
  if (!s.studyDate) return undefined;
  return `${s.studyDate}${(s.studyTime ?? '').padEnd(13, '0')}`;
}

function byNumberThen<T>(num: (t: T) => number | undefined, then: (t: T) => number) {
  return (a: T, b: T) => {
    const na = num(a) ?? Number.POSITIVE_INFINITY;
    const nb = num(b) ?? Number.POSITIVE_INFINITY;
    return na !== nb ? (na < nb ? -1 : 1) : then(a) - then(b);
  };
}

export class StudyCatalog {
  private nextSequence = 0;

  constructor(private readonly store: CatalogStore) {}

  /** Number of instances in the catalog. */
  size(): number {
    return this.store.size();
  }

  /** True when a file at this (resolved) path was already imported. */
  hasPath(path: string): boolean {
    return this.store.findByPath(path) !== undefined;
  }

  /**
   * Adds one file. The same path, or the same SOP Instance UID (PS3.3 C.12.1, unique
   * per instance), is imported once; the first copy wins.
   */
  addInstance(path: string, header: InstanceHeader): AddOutcome {
    const samePath = this.store.findByPath(path);
    if (samePath) return { added: false, reason: 'duplicate-path', record: samePath };
    const sop = header.sopInstanceUid?.trim() || undefined;
    if (sop) {
      const sameSop = this.store.findBySopInstanceUid(sop);
      if (sameSop) return { added: false, reason: 'duplicate-sop', record: sameSop };
    }
    const fileName = basename(path);
    const isDicom = header.kind === 'dicom';
    const hasPatient = Boolean(header.patientId?.trim() || header.patientName?.trim());
    const patientKey = hasPatient
      ? hashId('patient', header.patientId?.trim() ?? '', header.patientName?.trim() ?? '')
      : hashId('patient', UNKNOWN_PATIENT);
    // PNG/JPEG (and DICOM missing its Study Instance UID) become single-image studies.
    const studyUid = isDicom ? header.studyInstanceUid?.trim() : undefined;
    const studyKey = studyUid ? hashId('study', studyUid) : hashId('study-file', path);
    const seriesUid = isDicom ? header.seriesInstanceUid?.trim() : undefined;
    const seriesKey = hashId('series', studyKey, seriesUid ?? `file:${path}`);
    const instanceId = sop ? hashId('instance-sop', sop) : hashId('instance-path', path);
    const error =
      header.hasPixelData === false
        ? {
            code: 'NOT_AN_IMAGE',
            message: `${fileName}: not an image${header.sopClassUid ? ` (SOP Class ${header.sopClassUid})` : ''}; listed but cannot be displayed`,
          }
        : undefined;
    const record: InstanceRecord = {
      instanceId,
      path,
      fileName,
      header: { ...header, sopInstanceUid: sop },
      patientKey,
      studyKey,
      seriesKey,
      error,
      sequence: this.nextSequence++,
    };
    this.store.add(record);
    return { added: true, record };
  }

  /** The record behind an instance id (main only: it holds the path). */
  resolve(instanceId: string): InstanceRecord | undefined {
    return this.store.get(instanceId);
  }

  /** The whole tree, patients by name, studies newest first, series and instances by number. */
  list(): PatientSummary[] {
    const studies = this.buildStudies();
    const patients = new Map<string, { summary: PatientSummary; firstSequence: number }>();
    for (const { summary, records } of studies.values()) {
      const first = records[0];
      let patient = patients.get(first.patientKey);
      if (!patient) {
        const h = first.header;
        const hasPatient = Boolean(h.patientId?.trim() || h.patientName?.trim());
        patient = {
          summary: {
            patientKey: first.patientKey,
            patientName: hasPatient ? h.patientName?.trim() ?? '' : UNKNOWN_PATIENT,
            patientId: hasPatient ? h.patientId?.trim() ?? '' : '',
            patientBirthDate: h.patientBirthDate || undefined,
            patientSex: h.patientSex || undefined,
            studies: [],
          },
          firstSequence: first.sequence,
        };
        patients.set(first.patientKey, patient);
      }
      patient.summary.studies.push(summary);
    }
    const out = [...patients.values()];
    for (const p of out) p.summary.studies.sort(newestFirst);
    out.sort((a, b) => a.summary.patientName.localeCompare(b.summary.patientName) || a.summary.patientId.localeCompare(b.summary.patientId) || a.firstSequence - b.firstSequence);
    return out.map((p) => p.summary);
  }

  /**
   * Earlier studies of the same patient (same Patient ID and name; a patient without
   * an ID has no priors because a name alone does not identify a patient), with a Study
   * Date before the given study's, newest first. Unknown study → undefined.
   */
  priors(studyKey: string): StudySummary[] | undefined {
    const studies = this.buildStudies();
    const current = studies.get(studyKey);
    if (!current) return undefined;
    const patientId = current.records[0].header.patientId?.trim();
    const currentWhen = studyDateTime(current.summary);
    if (!patientId || !currentWhen) return [];
    const patientKey = current.records[0].patientKey;
    return [...studies.values()]
      .filter((s) => s.summary.studyKey !== studyKey && s.records[0].patientKey === patientKey)
      .filter((s) => {
        const when = studyDateTime(s.summary);
        return when !== undefined && when < currentWhen;
      })
      .map((s) => s.summary)
      .sort(newestFirst);
  }

  private buildStudies(): Map<string, { summary: StudySummary; records: InstanceRecord[] }> {
    const records = this.store.all().sort((a, b) => a.sequence - b.sequence);
    const byStudy = new Map<string, InstanceRecord[]>();
    for (const r of records) {
      const list = byStudy.get(r.studyKey);
      if (list) list.push(r);
      else byStudy.set(r.studyKey, [r]);
    }
    const out = new Map<string, { summary: StudySummary; records: InstanceRecord[] }>();
    for (const [studyKey, studyRecords] of byStudy) {
      const bySeries = new Map<string, InstanceRecord[]>();
      for (const r of studyRecords) {
        const list = bySeries.get(r.seriesKey);
        if (list) list.push(r);
        else bySeries.set(r.seriesKey, [r]);
      }
      const series: SeriesSummary[] = [...bySeries.entries()].map(([seriesKey, rs]) => {
        const h = rs[0].header;
        const instances = rs
          .slice()
          .sort(byNumberThen((r: InstanceRecord) => r.header.instanceNumber, (r) => r.sequence))
          .map(toInstanceSummary);
        return {
          seriesKey,
          seriesInstanceUid: h.kind === 'dicom' ? h.seriesInstanceUid || undefined : undefined,
          seriesNumber: h.seriesNumber,
          seriesDescription: h.seriesDescription || undefined,
          modality: h.modality || undefined,
          bodyPartExamined: h.bodyPartExamined || undefined,
          viewPosition: h.viewPosition || undefined,
          instances,
        };
      });
      series.sort(byNumberThen((s: SeriesSummary) => s.seriesNumber, () => 0));
      const h = studyRecords[0].header;
      const modalities = [...new Set(series.map((s) => s.modality).filter((m): m is string => Boolean(m)))];
      const thumbnail = series.flatMap((s) => s.instances).find((i) => !i.error);
      out.set(studyKey, {
        records: studyRecords,
        summary: {
          studyKey,
          studyInstanceUid: h.kind === 'dicom' ? h.studyInstanceUid || undefined : undefined,
          studyDate: h.studyDate || undefined,
          studyTime: h.studyTime || undefined,
          studyDescription: h.studyDescription || undefined,
          accessionNumber: h.accessionNumber || undefined,
          modalities,
          numberOfImages: studyRecords.length,
          thumbnailInstanceId: thumbnail?.instanceId,
          series,
        },
      });
    }
    return out;
  }
}

function toInstanceSummary(r: InstanceRecord): InstanceSummary {
  return {
    instanceId: r.instanceId,
    sopInstanceUid: r.header.sopInstanceUid,
    instanceNumber: r.header.instanceNumber,
    numberOfFrames: Math.max(1, Math.floor(r.header.numberOfFrames || 1)),
    rows: r.header.rows,
    columns: r.header.columns,
    fileName: r.fileName,
    error: r.error,
  };
}

function newestFirst(a: StudySummary, b: StudySummary): number {
  const wa = studyDateTime(a);
  const wb = studyDateTime(b);
  if (wa === wb) return 0;
  if (wa === undefined) return 1;
  if (wb === undefined) return -1;
  return wa < wb ? 1 : -1;
}
