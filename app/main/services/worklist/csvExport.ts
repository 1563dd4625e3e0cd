/**
 * The worklist as CSV (issue #5 "Export the (filtered) worklist as CSV"). The first line is a
 * comment saying what the numbers are not: a spreadsheet opened months later must still say
 * that the probabilities are an AI prioritisation, not a diagnosis.
 *
 * Format: RFC 4180 (comma separated, CRLF line ends, fields with a comma, quote or line break
 * quoted with doubled quotes). A field starting with = + - @ (or a tab / carriage return) is
 * prefixed with an apostrophe, because spreadsheet programs execute such cells as formulas
 * (OWASP "CSV injection"); patient names come from outside and must never run as a formula.
 */
import type { WorklistEntry } from './worklistStore';

/** The comment line every export starts with. */
export const CSV_NOT_FOR_DIAGNOSIS_LINE = '# AI prioritisation only — not for diagnosis';

/** Column order of the export (display names in the header row). */
export const CSV_COLUMNS = [
  'group',
  'priority',
  'covid_probability',
  'status',
  'patient_name',
  'patient_id',
  'study_date',
  'modality',
  'study_instance_uid',
  'arrival_utc',
  'reviewer',
  'note',
  'failure_reason',
] as const;

/** A worklist row as the export needs it (the main-only `path` is never written). */
export type CsvEntry = Omit<WorklistEntry, 'path'> & { path?: unknown };

/** Quotes one field per RFC 4180 and defuses formula-looking text. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** DICOM DA YYYYMMDD (PS3.5 6.2) as ISO YYYY-MM-DD; anything else unchanged. */
function isoDate(da: string | null): string | null {
  return da && /^\d{8}$/.test(da) ? `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}` : da;
}

/**
 * CSV text of the given rows, in the given (display) order: the not-for-diagnosis comment,
 * the header row, one line per row. `generatedAt` is written as a second comment so an
 * export can be matched to its time.
 */
export function worklistCsv(entries: readonly CsvEntry[], options: { generatedAt?: Date } = {}): string {
  const lines = [CSV_NOT_FOR_DIAGNOSIS_LINE];
  if (options.generatedAt) lines.push(`# generated ${options.generatedAt.toISOString()}`);
  lines.push(CSV_COLUMNS.join(','));
  for (const e of entries) {
    const row = [
      e.group,
      e.priority,
      // Out-of-distribution probabilities are meaningless for ranking, but the number is kept for audit.
      e.covid === null ? null : e.covid.toFixed(4),
      e.status,
      e.patientName,
      e.patientId,
      isoDate(e.studyDate),
      e.modality,
      e.studyInstanceUid,
      new Date(e.arrivalMs).toISOString(),
      e.reviewer,
      e.note,
      e.failureReason,
    ];
    lines.push(row.map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** File name of an export: no patient data, the time of export. */
export function csvFileName(now: Date): string {
  return `worklist-${now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}.csv`;
}
