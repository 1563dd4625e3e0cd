/**
 * `cxr worklist [--db PATH] [--priority P,..] [--status S,..] [--modality M,..] [--from YYYYMMDD]
 * [--to YYYYMMDD] [--search TEXT] [--sort COLUMN[:asc|desc]]` (issue #5): one JSON line per study
 * in display order, `{"studyInstanceUid","patientName","patientId","studyDate","covid","priority","status","path","prior"}`;
 * `prior` is the patient's previous study (same Patient ID and Issuer, dated earlier; issue #10) as
 * `{"studyInstanceUid","studyDate","covid"}`, or null.
 * Reads the same database as the app and `cxr listen` (WAL: reading never blocks them).
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';

import { CodedError } from '../../../shared/result';
import { defaultDatabasePath, openWorklistDb } from '../../services/worklist/worklistDb';
import { DEFAULT_SORT, WorklistStore, type AiPriority, type StudyStatus, type WorklistFilter, type WorklistSort, type WorklistSortColumn } from '../../services/worklist/worklistStore';
import type { CliIo } from '../cliIo';
import { parseOptions } from './import';

const USAGE =
  'usage: cxr worklist [--db PATH] [--priority high,medium,low,unreliable] [--status new,triaged,reviewed,escalated,failed] [--modality DX,CR] [--from YYYYMMDD] [--to YYYYMMDD] [--search TEXT] [--sort COLUMN[:asc|desc]]';

const PRIORITIES: readonly AiPriority[] = ['high', 'medium', 'low', 'unreliable'];
const STATUSES: readonly StudyStatus[] = ['new', 'triaged', 'reviewed', 'escalated', 'failed'];
const COLUMNS: readonly WorklistSortColumn[] = ['covid', 'arrival', 'patientName', 'patientId', 'studyDate', 'priority', 'status', 'modality'];

function list<T extends string>(value: string | undefined, allowed: readonly T[] | undefined, name: string): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) if (allowed && !allowed.includes(item as T)) throw new CodedError('USAGE', `--${name} accepts ${allowed.join(', ')}; got ${item}`);
  return items as T[];
}

function date(value: string | undefined, name: string): string | undefined {
  if (value !== undefined && !/^\d{8}$/.test(value)) throw new CodedError('USAGE', `--${name} needs a date as YYYYMMDD (DICOM DA, PS3.5 6.2)`);
  return value;
}

/** Runs `cxr worklist`; returns the exit code. */
export async function runWorklist(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseOptions(argv, ['db', 'priority', 'status', 'modality', 'from', 'to', 'search', 'sort'], [], USAGE);
  if (parsed.positionals.length > 0) throw new CodedError('USAGE', USAGE);
  const path = resolve(parsed.values.db ?? defaultDatabasePath());
  if (!existsSync(path)) throw new CodedError('DB_NOT_FOUND', `worklist database ${basename(path)} does not exist (nothing imported yet?)`);
  const filter: WorklistFilter = {
    priority: list(parsed.values.priority, PRIORITIES, 'priority'),
    status: list(parsed.values.status, STATUSES, 'status'),
    modality: list(parsed.values.modality, undefined, 'modality'),
    dateFrom: date(parsed.values.from, 'from'),
    dateTo: date(parsed.values.to, 'to'),
    search: parsed.values.search,
  };
  let sort: WorklistSort = DEFAULT_SORT;
  if (parsed.values.sort) {
    const [column, direction = column === 'covid' ? 'desc' : 'asc'] = parsed.values.sort.split(':');
    if (!COLUMNS.includes(column as WorklistSortColumn) || (direction !== 'asc' && direction !== 'desc')) {
      throw new CodedError('USAGE', `--sort accepts ${COLUMNS.join(', ')} with :asc or :desc`);
    }
    sort = { column: column as WorklistSortColumn, direction };
  }
  const db = openWorklistDb(path);
  try {
    const store = new WorklistStore(db);
    const entries = store.worklist(filter, sort);
    const priors = store.previousStudies(entries.map((e) => e.studyInstanceUid));
    const round = (p: number | null): number | null => (p === null ? null : Math.round(p * 1e6) / 1e6);
    let out = '';
    for (const e of entries) {
      out +=
        JSON.stringify({
          studyInstanceUid: e.studyInstanceUid,
          patientName: e.patientName,
          patientId: e.patientId,
          studyDate: e.studyDate,
          covid: round(e.covid),
          priority: e.priority,
          status: e.status,
          path: e.path,
          prior: priors[e.studyInstanceUid] ? { ...priors[e.studyInstanceUid]!, covid: round(priors[e.studyInstanceUid]!.covid) } : null,
        }) + '\n';
      if (out.length > 1 << 16) {
        io.stdout(out);
        out = '';
      }
    }
    if (out) io.stdout(out);
  } finally {
    db.close();
  }
  return 0;
}
