/**
 * The PACS service (issue #11): node settings, "Test", query, retrieve and sending results back.
 * Plain Node (no Electron): the app's IPC handlers, the `cxr pacs` / `cxr send-results`
 * commands and the tests all call these functions.
 *
 * Retrieve writes each instance into a folder (`<retrieveRoot>/<Study Instance UID>/`) as soon as
 * it is whole, and hands it to `onFile` at once, so the caller's ingest queue triages the study
 * and the worklist lists it while the rest is still arriving. A retrieve never throws once
 * started: a failure half-way returns what arrived, what is missing and why.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describeNode, EMPTY_PACS_SETTINGS, findNode, validatePacsSettings, type PacsNode, type PacsSettings } from '../../../shared/pacs/settings';
import type { EchoResult, FindResult, InstanceRef, RetrieveMethod, RetrieveProgress, StudyQuery } from '../../../shared/pacs/types';
import { toAppError, type AppError } from '../../../shared/result';
import { isValidUid } from '../dimse/part10';
import { startStoreScp } from '../dimse/storeScp';
import { writeFileAtomic } from '../ingest/ingestSources';
import { findInstancesDicomWeb, findStudiesDicomWeb, probeDicomWeb, retrieveStudyDicomWeb, storeDicomWeb } from './dicomWebClient';
import { echoDimse, findInstancesDimse, findStudiesDimse, getStudyDimse, moveStudyDimse, storeDimse, type RetrieveRun, type SubOperationCounts } from './dimseClient';
import type { RetrievedFile } from './instanceFiles';
import { PacsError } from './pacsErrors';
import { buildImageResults, type ResultFile } from './resultFiles';

export type { RetrievedFile, ResultFile };
export { PacsError };

// ---------------------------------------------------------------- settings

/** File name of the settings in the app's user-data folder. */
export const PACS_SETTINGS_FILE = 'pacs-settings.json';

/** Reads `pacs-settings.json`: a missing file means no nodes; a broken one is reported and ignored. */
export async function loadPacsSettings(path: string): Promise<{ settings: PacsSettings; problems: string[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { settings: EMPTY_PACS_SETTINGS, problems: [] };
    return { settings: EMPTY_PACS_SETTINGS, problems: [`${PACS_SETTINGS_FILE} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { settings: EMPTY_PACS_SETTINGS, problems: [`${PACS_SETTINGS_FILE} is not valid JSON (${(err as Error).message})`] };
  }
  const checked = validatePacsSettings(json);
  return checked.ok ? { settings: checked.settings, problems: [] } : { settings: EMPTY_PACS_SETTINGS, problems: checked.problems };
}

/** Validates and saves the settings atomically; returns the problems instead when they are invalid (nothing written). */
export async function savePacsSettings(path: string, settings: unknown): Promise<{ ok: true; settings: PacsSettings } | { ok: false; problems: string[] }> {
  const checked = validatePacsSettings(settings);
  if (!checked.ok) return checked;
  await writeFileAtomic(path, `${JSON.stringify(checked.settings, null, 2)}\n`);
  return { ok: true, settings: checked.settings };
}

/** The node with `id`, or a NODE_NOT_FOUND error listing the known ids. */
export function requireNode(settings: PacsSettings, id: string): PacsNode {
  const node = findNode(settings, id);
  if (!node) {
    const known = settings.nodes.map((n) => n.id).join(', ') || 'none configured';
    throw new PacsError('NODE_NOT_FOUND', `No PACS node "${id}" in the settings (known: ${known}).`);
  }
  return node;
}

// ---------------------------------------------------------------- test, find

/** "Test": C-ECHO for a DIMSE node, a one-study QIDO-RS search for a DICOMweb node. Rejects with a PacsError. */
export async function testNode(node: PacsNode, options: { signal?: AbortSignal } = {}): Promise<EchoResult> {
  if (node.kind === 'dimse') return { ok: true, ms: Math.round(await echoDimse(node, options)), method: 'c-echo' };
  return { ok: true, ms: Math.round(await probeDicomWeb(node, options)), method: 'qido-rs' };
}

/** Study search (C-FIND Study Root, or QIDO-RS). Rejects with a PacsError. */
export function findStudies(node: PacsNode, query: StudyQuery, options: { signal?: AbortSignal } = {}): Promise<FindResult> {
  return node.kind === 'dimse' ? findStudiesDimse(node, query, options) : findStudiesDicomWeb(node, query, options);
}

/** The instances of a study (image-level C-FIND, or QIDO-RS). Rejects with a PacsError. */
export function findInstances(node: PacsNode, studyInstanceUid: string, options: { signal?: AbortSignal } = {}): Promise<InstanceRef[]> {
  return node.kind === 'dimse' ? findInstancesDimse(node, studyInstanceUid, options) : findInstancesDicomWeb(node, studyInstanceUid, options);
}

// ---------------------------------------------------------------- retrieve

/** An instance on disk; `ingested` when the app's own listener received it and already queued its ingest. */
export type ArrivedFile = RetrievedFile & { ingested?: Promise<unknown> };

/**
 * The app's running DICOM listener (ingestSources.ts ListenerTap): a C-MOVE to its port is
 * received there rather than by a store SCP of the retrieve's own.
 */
export interface RunningListener {
  port: number;
  aeTitle: string;
  subscribe(onArrival: (arrival: { path: string; sopInstanceUid: string; sopClassUid?: string; callingAeTitle: string; ingested?: Promise<unknown> }) => void): () => void;
}

export interface RetrieveOptions {
  /** Folder the instances are written to; default `<retrieveRoot>/<Study Instance UID>`. */
  dir?: string;
  retrieveRoot?: string;
  /** DIMSE only: C-GET (default, or the node's `retrieve` setting) or C-MOVE to our own listener. */
  method?: 'get' | 'move';
  /** C-MOVE: our store SCP's AE title (as the PACS knows it) and port; default the settings' moveDestination. */
  moveDestination?: { aeTitle: string; port: number };
  /** Ask the PACS first which instances the study has, so what is missing can be named (default true). */
  listInstances?: boolean;
  /** Called for each instance as soon as it is on disk (hand it to ingest here, unless `ingested` says the listener did). */
  onFile?: (file: ArrivedFile) => void;
  /**
   * C-MOVE: the app's listener when it runs. On the move destination's port it receives the study
   * (a second SCP could not bind that port); absent or on another port, the retrieve starts its own.
   */
  listener?: RunningListener;
  onProgress?: (progress: RetrieveProgress) => void;
  signal?: AbortSignal;
}

/** How a retrieve ended. */
export interface RetrieveOutcome extends RetrieveProgress {
  nodeId: string;
  folder: string;
  /** Instances on disk, in arrival order. */
  files: RetrievedFile[];
  /** Instances the PACS listed that did not arrive (empty when unknown or none). */
  missing: InstanceRef[];
  /** How many did not arrive, when known (from the list or from the PACS's counters). */
  missingCount?: number;
  /** Everything expected arrived and the PACS reported success. */
  complete: boolean;
  cancelled: boolean;
  error?: AppError;
}

/** Retrieves one study (C-GET, C-MOVE or WADO-RS). Never rejects (see the file comment), except for an invalid UID. */
export async function retrieveStudy(node: PacsNode, studyInstanceUid: string, options: RetrieveOptions & { moveDefault?: PacsSettings['moveDestination'] } = {}): Promise<RetrieveOutcome> {
  if (!isValidUid(studyInstanceUid)) throw new PacsError('BAD_RESPONSE', `"${studyInstanceUid}" is not a Study Instance UID.`);
  const folder = options.dir ?? join(options.retrieveRoot ?? '.', studyInstanceUid);
  const method: RetrieveMethod = node.kind === 'dicomweb' ? 'wado-rs' : (options.method ?? node.retrieve ?? 'get') === 'move' ? 'c-move' : 'c-get';
  const files: ArrivedFile[] = [];
  const progress: RetrieveProgress = { studyInstanceUid, method, received: 0, failed: 0, bytes: 0 };
  let expectedList: InstanceRef[] | undefined;
  const emit = (): void => {
    try {
      options.onProgress?.({ ...progress });
    } catch {
      // A listener's bug must not stop the transfer.
    }
  };
  const stored = (file: ArrivedFile): void => {
    files.push(file);
    progress.received = files.length;
    if (method !== 'wado-rs') progress.bytes += file.bytes;
    try {
      options.onFile?.(file);
    } catch {
      // Same as above.
    }
    emit();
  };
  const onCounts = (counts: SubOperationCounts): void => {
    progress.failed = (counts.failed ?? 0) + 0;
    if (expectedList === undefined) {
      const total = (counts.remaining ?? 0) + (counts.completed ?? 0) + (counts.failed ?? 0) + (counts.warning ?? 0);
      if (total > 0) progress.expected = total;
    }
    emit();
  };

  let error: PacsError | undefined;
  let run: RetrieveRun | undefined;
  try {
    if (options.listInstances ?? true) {
      try {
        expectedList = await findInstances(node, studyInstanceUid, { signal: options.signal });
        progress.expected = expectedList.length;
        emit();
      } catch (err) {
        // Not knowing the list only costs naming the missing instances; the retrieve itself may work.
        if (err instanceof PacsError && (err.pacsCode === 'CANCELLED' || err.pacsCode === 'CONNECTION_REFUSED' || err.pacsCode === 'HOST_NOT_FOUND' || err.pacsCode === 'TLS_ERROR')) throw err;
      }
    }
    if (node.kind === 'dicomweb') {
      await retrieveStudyDicomWeb(node, studyInstanceUid, folder, { signal: options.signal, onStored: stored, onBytes: (b) => (progress.bytes = b) });
    } else if (method === 'c-get') {
      run = await getStudyDimse(node, studyInstanceUid, folder, { signal: options.signal, onStored: stored, onCounts });
    } else {
      const destination = options.moveDestination ?? options.moveDefault;
      if (!destination) throw new PacsError('LISTENER_FAILED', 'C-MOVE needs our own listener: set "moveDestination" (AE title and port known to the PACS) in the PACS settings.');
      const listener = options.listener;
      if (listener && listener.port === destination.port) {
        // The PACS calls the destination's AE title; the listener refuses any other (PS3.8 9.3.4).
        if (listener.aeTitle !== destination.aeTitle) {
          throw new PacsError('LISTENER_FAILED', `Cannot receive the C-MOVE: our listener on port ${destination.port} answers as ${listener.aeTitle}, not as ${destination.aeTitle} (moveDestination in the PACS settings): make them the same.`);
        }
        // The listener stores every sender's instances. This study's are those the image-level
        // C-FIND listed, or (no list) those the PACS itself sends while the move runs.
        const listed = expectedList ? new Set(expectedList.map((i) => i.sopInstanceUid)) : undefined;
        const taken = new Set<string>();
        const unsubscribe = listener.subscribe((a) => {
          const ours = listed ? listed.has(a.sopInstanceUid) : a.callingAeTitle === node.aeTitle;
          if (!ours || taken.has(a.sopInstanceUid)) return;
          taken.add(a.sopInstanceUid);
          stored({ path: a.path, sopInstanceUid: a.sopInstanceUid, sopClassUid: a.sopClassUid, bytes: 0, ingested: a.ingested });
        });
        try {
          // The final C-MOVE response comes after every sub-operation's C-STORE was answered
          // (PS3.4 C.4.2.3), and the listener reports each instance as it answers: the list is whole here.
          run = await moveStudyDimse(node, studyInstanceUid, destination.aeTitle, { signal: options.signal, onCounts });
        } finally {
          unsubscribe();
        }
      } else {
        let scp;
        try {
          scp = await startStoreScp({ port: destination.port, aeTitle: destination.aeTitle, storageDir: folder, onStored: (i) => stored({ path: i.path, sopInstanceUid: i.sopInstanceUid, sopClassUid: i.sopClassUid, bytes: 0 }) });
        } catch (err) {
          throw new PacsError('LISTENER_FAILED', `Cannot receive the C-MOVE: our listener ${destination.aeTitle} could not start on port ${destination.port} (${toAppError(err).message}).`);
        }
        try {
          run = await moveStudyDimse(node, studyInstanceUid, destination.aeTitle, { signal: options.signal, onCounts });
        } finally {
          await scp.close();
        }
      }
    }
    if (run?.error) error = run.error;
  } catch (err) {
    error = err instanceof PacsError ? err : new PacsError('CONNECTION_LOST', toAppError(err).message);
  }

  if (run) progress.failed = (run.counts.failed ?? 0) + 0;
  const receivedUids = new Set(files.map((f) => f.sopInstanceUid));
  const missing = expectedList ? expectedList.filter((i) => !receivedUids.has(i.sopInstanceUid)) : [];
  const missingCount = expectedList ? missing.length : progress.expected !== undefined ? Math.max(0, progress.expected - files.length) : undefined;
  if (!error && run && (run.counts.failed ?? 0) > 0) {
    error = new PacsError('DIMSE_FAILURE', `${describeNode(node)} could not send ${run.counts.failed} of the study's instances (sub-operations failed).`);
  }
  if (!error && missingCount !== undefined && missingCount > 0) {
    error = new PacsError('CONNECTION_LOST', `${missingCount} of the study's ${progress.expected} instances did not arrive from ${describeNode(node)}.`);
  }
  if (error && files.length > 0 && error.pacsCode !== 'CANCELLED') {
    error = new PacsError(error.pacsCode, `${error.message} ${files.length} instance(s) that arrived are kept and imported${missingCount ? `; ${missingCount} missing` : ''}.`);
  }
  emit();
  return {
    ...progress,
    nodeId: node.id,
    folder,
    files,
    missing,
    missingCount,
    complete: !error,
    cancelled: error?.pacsCode === 'CANCELLED',
    ...(error ? { error: { code: error.code, message: error.message } } : {}),
  };
}

// ---------------------------------------------------------------- results

export interface SendResultsOutcome {
  nodeId: string;
  method: 'c-store' | 'stow-rs';
  sent: { kind: ResultFile['kind']; sopClassUid: string; sopInstanceUid: string; seriesInstanceUid: string }[];
}

/** Sends result objects (from buildResultFiles) by C-STORE or STOW-RS. Rejects with a PacsError (nothing is retried). */
export async function sendResultFiles(node: PacsNode, files: readonly ResultFile[], options: { signal?: AbortSignal } = {}): Promise<SendResultsOutcome> {
  if (node.kind === 'dimse') await storeDimse(node, files.map((f) => ({ sopClassUid: f.sopClassUid, sopInstanceUid: f.sopInstanceUid, elements: f.elements })), options);
  else await storeDicomWeb(node, files.map((f) => f.bytes), options);
  return {
    nodeId: node.id,
    method: node.kind === 'dimse' ? 'c-store' : 'stow-rs',
    sent: files.map((f) => ({ kind: f.kind, sopClassUid: f.sopClassUid, sopInstanceUid: f.sopInstanceUid, seriesInstanceUid: f.seriesInstanceUid })),
  };
}

/**
 * Builds the SR and SC of one triaged image (see buildImageResults) and sends them to `node`:
 * what the app's "Send to PACS" does with the AI service's result and the decoded frame.
 */
export async function sendImageResults(node: PacsNode, input: Parameters<typeof buildImageResults>[0], options: { signal?: AbortSignal } = {}): Promise<SendResultsOutcome> {
  return sendResultFiles(node, await buildImageResults(input), options);
}

/** The node results go to: `id`, else the settings' resultsNodeId; NO_RESULTS_NODE when neither. */
export function resultsNode(settings: PacsSettings, id?: string): PacsNode {
  const wanted = id ?? settings.resultsNodeId;
  if (!wanted) throw new PacsError('NO_RESULTS_NODE', 'No results destination: choose one in the PACS settings (resultsNodeId) or name a node.');
  return requireNode(settings, wanted);
}
