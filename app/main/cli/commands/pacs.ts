/**
 * `cxr pacs echo|find|get <node> …` (issue #11): the PACS service from the command line, nodes
 * taken from `pacs-settings.json` (user-data folder, or `--settings PATH`).
 *
 * - `echo <node>`: `{"echo":{"node","ok":true,"ms","method"}}`; a failure exits 2 with the
 *   error JSON on stderr (the message is the one the app shows, e.g. "wrong AE title").
 * - `find <node> [--patient-name P] [--patient-id ID] [--accession A] [--date FROM[-TO]]
 *   [--modality CR,DX|any] [--limit N]`: one JSON line per study, then `{"found":N,"truncated"}`.
 * - `get <node> <study-uid> [--move] [--dir DIR] [--no-import] [--db PATH] [--model model.json]
 *   [--cpu] [--progress]`: retrieves the study into DIR (default `<user data>/retrieved/<uid>`)
 *   and imports + triages every instance as it arrives (the same ingest queue as `cxr import`).
 *   stdout: `{"event":"received",…}` per instance, `{"event":"triaged"|…}` per ingest outcome,
 *   then `{"retrieved":{…}}`. Exit 0 when complete; 1 when the retrieve failed or is partial
 *   (what arrived is kept and imported, the summary names what is missing); 2 for usage errors
 *   and failures before anything was done.
 */
import { basename, join, resolve } from 'node:path';

import type { StudyQuery } from '../../../shared/pacs/types';
import { CodedError } from '../../../shared/result';
import type { IngestOutcome } from '../../services/ingest/ingestQueue';
import { findStudies, loadPacsSettings, PACS_SETTINGS_FILE, requireNode, retrieveStudy, testNode } from '../../services/pacs/pacsService';
import { defaultUserDataDir } from '../../services/worklist/worklistDb';
import type { CliIo } from '../cliIo';
import { openIngestRuntime, parseOptions, type IngestRuntime } from './import';

const USAGE = [
  'usage: cxr pacs echo <node> [--settings PATH]',
  '       cxr pacs find <node> [--patient-name P] [--patient-id ID] [--accession A] [--date FROM[-TO]] [--modality CR,DX|any] [--limit N] [--settings PATH]',
  '       cxr pacs get <node> <study-uid> [--move] [--dir DIR] [--no-import] [--db PATH] [--model model.json] [--cpu] [--progress] [--settings PATH]',
].join('\n');

/** Reads the settings named by --settings (or the default file); refuses broken settings. */
export async function settingsFrom(path: string | undefined): Promise<{ settings: Awaited<ReturnType<typeof loadPacsSettings>>['settings']; path: string }> {
  const file = resolve(path ?? join(defaultUserDataDir(), PACS_SETTINGS_FILE));
  const { settings, problems } = await loadPacsSettings(file);
  if (problems.length > 0) throw new CodedError('SETTINGS_INVALID', `${basename(file)}: ${problems.join('; ')}`);
  return { settings, path: file };
}

const DATE = /^\d{8}$/;

/** `--date 20240101`, `20240101-20240131`, `20240101-` or `-20240131`. */
export function parseDateRange(text: string): Pick<StudyQuery, 'studyDateFrom' | 'studyDateTo'> {
  const m = /^(\d{8})?(-)?(\d{8})?$/.exec(text);
  if (!m || (!m[1] && !m[3]) || (!m[2] && m[3])) throw new CodedError('USAGE', `--date needs YYYYMMDD or YYYYMMDD-YYYYMMDD (either end may be open). ${USAGE}`);
  if (!m[2]) return { studyDateFrom: m[1], studyDateTo: m[1] };
  return { ...(m[1] && DATE.test(m[1]) ? { studyDateFrom: m[1] } : {}), ...(m[3] ? { studyDateTo: m[3] } : {}) };
}

async function runEcho(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseOptions(argv, ['settings'], [], USAGE);
  if (parsed.positionals.length !== 1) throw new CodedError('USAGE', USAGE);
  const { settings } = await settingsFrom(parsed.values.settings);
  const node = requireNode(settings, parsed.positionals[0]);
  const result = await testNode(node);
  io.stdout(JSON.stringify({ echo: { node: node.id, ...result } }) + '\n');
  return 0;
}

async function runFind(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseOptions(argv, ['settings', 'patient-name', 'patient-id', 'accession', 'date', 'modality', 'limit', 'study'], [], USAGE);
  if (parsed.positionals.length !== 1) throw new CodedError('USAGE', USAGE);
  const v = parsed.values;
  const query: StudyQuery = {};
  if (v['patient-name']) query.patientName = v['patient-name'];
  if (v['patient-id']) query.patientId = v['patient-id'];
  if (v.accession) query.accessionNumber = v.accession;
  if (v.study) query.studyInstanceUid = v.study;
  if (v.date) Object.assign(query, parseDateRange(v.date));
  if (v.modality) query.modalities = v.modality.toLowerCase() === 'any' ? [] : v.modality.split(',').map((m) => m.trim().toUpperCase()).filter(Boolean);
  if (v.limit) {
    const limit = Number(v.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new CodedError('USAGE', `--limit needs a positive whole number. ${USAGE}`);
    query.limit = limit;
  }
  const { settings } = await settingsFrom(v.settings);
  const node = requireNode(settings, parsed.positionals[0]);
  const result = await findStudies(node, query);
  for (const study of result.studies) io.stdout(JSON.stringify(study) + '\n');
  io.stdout(JSON.stringify({ found: result.studies.length, truncated: result.truncated }) + '\n');
  return 0;
}

async function runGet(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseOptions(argv, ['settings', 'dir', 'db', 'model'], ['move', 'no-import', 'cpu', 'progress', 'no-list'], USAGE);
  if (parsed.positionals.length !== 2) throw new CodedError('USAGE', USAGE);
  const [nodeId, studyUid] = parsed.positionals;
  const { settings } = await settingsFrom(parsed.values.settings);
  const node = requireNode(settings, nodeId);
  if (parsed.flags.has('move') && node.kind !== 'dimse') throw new CodedError('USAGE', `--move needs a DIMSE node; ${node.id} is DICOMweb.`);
  const dir = resolve(parsed.values.dir ?? join(defaultUserDataDir(), 'retrieved', studyUid));
  const log = (level: 'info' | 'warn' | 'error', message: string): void => {
    if (level !== 'info') io.stderr(`${level}: ${message}\n`);
  };
  let runtime: IngestRuntime | undefined;
  if (!parsed.flags.has('no-import')) runtime = await openIngestRuntime({ db: parsed.values.db, model: parsed.values.model, forceCpu: parsed.flags.has('cpu'), log });
  const ingests: Promise<void>[] = [];
  const totals: Record<string, number> = {};
  const report = (file: string, outcome: IngestOutcome): void => {
    totals[outcome.status] = (totals[outcome.status] ?? 0) + 1;
    const line: Record<string, unknown> = { event: outcome.status, file };
    if (outcome.status === 'triaged') Object.assign(line, { studyInstanceUid: outcome.studyInstanceUid, priority: outcome.priority, covid: Math.round(outcome.covid * 1e6) / 1e6 });
    if (outcome.status === 'failed') line.error = outcome.error;
    io.stdout(JSON.stringify(line) + '\n');
  };
  let outcome;
  try {
    outcome = await retrieveStudy(node, studyUid, {
      dir,
      method: parsed.flags.has('move') ? 'move' : undefined,
      moveDefault: settings.moveDestination,
      listInstances: !parsed.flags.has('no-list'),
      onFile: (file) => {
        io.stdout(JSON.stringify({ event: 'received', sopInstanceUid: file.sopInstanceUid, file: basename(file.path) }) + '\n');
        // Handed to ingest at once: the study is triaged and listed while the rest arrives.
        if (runtime) ingests.push(runtime.queue.add(file.path, 'import').then((o) => report(basename(file.path), o)));
      },
      onProgress: parsed.flags.has('progress') ? (p) => io.stderr(JSON.stringify({ progress: p }) + '\n') : undefined,
    });
    await Promise.all(ingests);
  } finally {
    await runtime?.close();
  }
  const { files, ...summary } = outcome;
  // Nothing done at all: an error like the other commands (stderr, exit 2).
  if (outcome.error && files.length === 0 && !outcome.cancelled) throw new CodedError(outcome.error.code, outcome.error.message);
  io.stdout(JSON.stringify({ retrieved: { ...summary, files: files.length, ingest: totals } }) + '\n');
  return outcome.complete ? 0 : 1;
}

/** `cxr pacs <echo|find|get> …`. */
export async function runPacs(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'echo':
      return runEcho(rest, io);
    case 'find':
      return runFind(rest, io);
    case 'get':
      return runGet(rest, io);
    default:
      throw new CodedError('USAGE', sub ? `unknown pacs command "${sub}". ${USAGE}` : USAGE);
  }
}

