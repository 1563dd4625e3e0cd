/**
 * DIMSE SCU for a PACS node (issue #11) on dcmjs-dimse, the DIMSE implementation the DICOM
 * listener already uses: C-ECHO ("Test"), C-FIND (Study Root, PS3.4 C.6.2), C-GET (PS3.4
 * C.4.3, storage sub-operations on the same association), C-MOVE (PS3.4 C.4.2) to our own store
 * SCP, and C-STORE of the result objects.
 *
 * Two things go past dcmjs-dimse's public API, both on the Network object a Client creates in
 * `send()` (`client.network`, dcmjs-dimse 0.3.x):
 * - C-GET sub-operations are streamed to disk with the same createStoreWritableStream hook the
 *   Scp class offers (the Client's default buffers each instance in memory and parses it with
 *   dcmjs, which is slower and re-encodes the data);
 * - an A-ABORT from the peer is only emitted there (the Client does not forward it).
 * C-STORE sends our own encoding of the dataset (dicomEncoder) rather than dcmjs's, which
 * re-encodes UTF-8 text inside sequence items.
 */
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';

import dcmjsDimse from 'dcmjs-dimse';

import { DEFAULT_PACS_TIMEOUT_MS, describeNode, type DimseNode } from '../../../shared/pacs/settings';
import { encodeDataset, ENCODING_TRANSFER_SYNTAX, type DicomElement } from '../../../shared/pacs/dicomEncoder';
import { DEFAULT_QUERY_MODALITIES, type FindResult, type InstanceRef, type StudyMatch, type StudyQuery } from '../../../shared/pacs/types';
import { fileMetaHeader } from '../dimse/part10';
import { ACCEPTED_TRANSFER_SYNTAXES } from '../dimse/storeScp';
import { openInstanceFile, type InstanceFileWriter, type RetrievedFile } from './instanceFiles';
import { associationAbortedError, associationRejectedError, cancelledError, connectionError, dimseFailure, PacsError } from './pacsErrors';

const { Client, Dataset, requests, responses, constants } = dcmjsDimse;
const { Status } = constants;
type Request = dcmjsDimse.requests.Request;
type CStoreRequest = dcmjsDimse.requests.CStoreRequest;
type PresentationContext = dcmjsDimse.association.PresentationContext;

const STATUS_PENDING = 0xff00;
const STATUS_PENDING_WARNING = 0xff01;
const STATUS_CANCEL = 0xfe00;
const STATUS_WARNING = 0xb000;
const STATUS_OUT_OF_RESOURCES = 0xa700;

/** Storage SOP classes whose C-GET sub-operations we accept with every transfer syntax we decode. */
export const RETRIEVE_STORAGE_CLASSES: readonly string[] = [
  '1.2.840.10008.5.1.4.1.1.1', // Computed Radiography Image Storage
  '1.2.840.10008.5.1.4.1.1.1.1', // Digital X-Ray Image Storage – For Presentation
  '1.2.840.10008.5.1.4.1.1.1.1.1', // Digital X-Ray Image Storage – For Processing
  '1.2.840.10008.5.1.4.1.1.7', // Secondary Capture Image Storage
  '1.2.840.10008.5.1.4.1.1.7.2', // Multi-frame Grayscale Byte SC
  '1.2.840.10008.5.1.4.1.1.7.3', // Multi-frame Grayscale Word SC
  '1.2.840.10008.5.1.4.1.1.7.4', // Multi-frame True Color SC
];

/** Internals of a dcmjs-dimse Client used here (see the file comment). */
interface ClientNetwork {
  socket?: Socket;
  on(event: 'abort', listener: (abort: { source: number; reason: number }) => void): void;
  createStoreWritableStream(context: PresentationContext, request: CStoreRequest): Writable;
  createDatasetFromStoreWritableStream(writable: Writable, context: PresentationContext, callback: (dataset: dcmjsDimse.Dataset) => void): void;
}

interface AssociationOptions {
  signal?: AbortSignal;
  /** What is going on, for messages ("C-GET"). */
  during: string;
  /** Handles incoming C-STORE sub-operations (C-GET): stream to disk. */
  storeInto?: (sopInstanceUid: string, sopClassUid: string, transferSyntaxUid: string) => Promise<InstanceFileWriter>;
  onStored?: (file: RetrievedFile) => void;
  /** Called on association accept (e.g. to pick the dataset encoding). */
  onAccepted?: (association: dcmjsDimse.association.Association) => void;
  /** Requests that a user's cancel should C-CANCEL (C-FIND, C-GET, C-MOVE). */
  cancellable?: Request[];
  /** Extra presentation contexts (C-GET storage classes with compressed transfer syntaxes). */
  contexts?: PresentationContext[];
}

/** Runs `reqs` on one association; resolves when it is closed, rejects with a PacsError. */
function associate(node: DimseNode, reqs: Request[], options: AssociationOptions): Promise<void> {
  dcmjsDimse.log.setLevel('silent');
  const timeout = node.timeoutMs ?? DEFAULT_PACS_TIMEOUT_MS;
  const client = new Client();
  for (const r of reqs) client.addRequest(r);
  for (const c of options.contexts ?? []) client.addAdditionalPresentationContext(c);
  return new Promise<void>((resolve, reject) => {
    let failure: PacsError | undefined;
    let accepted = false;
    let settled = false;
    let forceTimer: NodeJS.Timeout | undefined;
    /** Removes the temp file of an instance cut off mid-transfer (set once C-GET storage is wired below). */
    let discardUnfinished = async (): Promise<void> => undefined;
    const fail = (err: PacsError): void => {
      failure ??= err;
    };
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(forceTimer);
      options.signal?.removeEventListener('abort', onAbort);
      // An abort or a dropped connection mid-instance leaves its temp file: gone before we answer,
      // so the folder holds only whole instances when the caller looks (issue #11).
      void discardUnfinished().finally(() => (failure ? reject(failure) : resolve()));
    };
    const onAbort = (): void => {
      fail(cancelledError());
      if (!accepted) {
        // Not associated yet: nothing to cancel politely.
        try {
          client.abort();
        } catch {
          finish();
        }
        return;
      }
      for (const r of options.cancellable ?? []) {
        try {
          client.cancel(r as dcmjsDimse.requests.CGetRequest);
        } catch {
          // Already answered.
        }
      }
      // A peer that ignores C-CANCEL is aborted after a grace period.
      forceTimer = setTimeout(() => {
        try {
          client.abort();
        } catch {
          finish();
        }
      }, 3000);
    };
    client.on('associationAccepted', (association: dcmjsDimse.association.Association) => {
      accepted = true;
      options.onAccepted?.(association);
    });
    client.on('associationRejected', (reject: { result: number; source: number; reason: number }) => fail(associationRejectedError(node, reject)));
    client.on('networkError', (err: Error) => {
      fail(/PDU timeout|association timeout|Connection timeout/i.test(err.message) ? connectionError(node, Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })) : connectionError(node, err));
      // dcmjs-dimse only half-closes the socket here; a peer that never closes its side would
      // leave us waiting for 'closed' forever.
      setTimeout(() => {
        network?.socket?.destroy();
        finish();
      }, 1000).unref();
    });
    client.on('closed', () => {
      if (!accepted) fail(connectionError(node, new Error('ECONNRESET')));
      finish();
    });
    if (options.storeInto) {
      client.on('cStoreRequest', (request: CStoreRequest, callback: (response: dcmjsDimse.responses.CStoreResponse) => void) => {
        void completeStore(request, callback);
      });
    }
    if (options.signal?.aborted) {
      reject(cancelledError());
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      client.send(node.host, node.port, node.callingAeTitle, node.aeTitle, {
        connectTimeout: timeout,
        associationTimeout: timeout,
        pduTimeout: timeout,
        // dcmjs-dimse releases after this many ms once the last request is answered.
        associationLingerTimeout: 0,
        ...(node.tls ? { securityOptions: { rejectUnauthorized: true, minVersion: 'TLSv1.2' } } : {}),
      });
    } catch (err) {
      fail(connectionError(node, err));
      finish();
      return;
    }
    const network = (client as unknown as { network?: ClientNetwork }).network;
    network?.on('abort', (abort) => fail(associationAbortedError(node, abort, options.during)));
    // DIMSE is request/response with small PDUs: without TCP_NODELAY, Nagle's algorithm and
    // delayed ACKs add tens of ms to every exchange (an echo took 50–180 ms on loopback).
    network?.socket?.setNoDelay(true);

    // --- C-GET sub-operations streamed to disk (see the file comment) ---
    interface Incoming {
      writer?: Promise<InstanceFileWriter>;
      error?: Error;
      finished: Promise<void>;
      sopInstanceUid: string;
      sopClassUid: string;
    }
    let incoming: Incoming | undefined;
    discardUnfinished = async () => {
      const state = incoming;
      incoming = undefined;
      await state?.writer?.then((w) => w.discard()).catch(() => undefined);
    };
    if (options.storeInto && network) {
      const storeInto = options.storeInto;
      network.createStoreWritableStream = (context, request) => {
        const sopInstanceUid = request.getAffectedSopInstanceUid();
        const sopClassUid = request.getAffectedSopClassUid();
        const transferSyntaxUid = context.getAcceptedTransferSyntaxUid() ?? ENCODING_TRANSFER_SYNTAX.implicit;
        let resolveFinished!: () => void;
        const state: Incoming = { sopInstanceUid, sopClassUid, finished: new Promise<void>((r) => (resolveFinished = r)) };
        const failWrite = (err: unknown): void => {
          state.error ??= err as Error;
        };
        state.writer = storeInto(sopInstanceUid, sopClassUid, transferSyntaxUid);
        state.writer.catch(failWrite);
        incoming = state;
        const header = fileMetaHeader({ sopClassUid, sopInstanceUid, transferSyntaxUid, sourceAeTitle: node.aeTitle });
        let headerWritten = false;
        // Errors are recorded, never raised on the stream: dcmjs-dimse awaits 'drain', and a
        // destroyed stream never drains (see storeScp.ts).
        return new Writable({
          write(chunk: Buffer, _encoding, callback) {
            if (state.error) return callback();
            state
              .writer!.then(async (w) => {
                if (!headerWritten) {
                  headerWritten = true;
                  await w.write(header);
                }
                await w.write(chunk);
              })
              .catch(failWrite)
              .finally(() => callback());
          },
          final(callback) {
            callback();
            resolveFinished();
          },
        });
      };
      network.createDatasetFromStoreWritableStream = (writable, context, callback) => {
        const state = incoming;
        const done = (): void => callback(new Dataset({}, context.getAcceptedTransferSyntaxUid()));
        if (writable.writableFinished || !state) done();
        else void state.finished.then(done);
      };
    }

    const completeStore = async (request: CStoreRequest, callback: (response: dcmjsDimse.responses.CStoreResponse) => void): Promise<void> => {
      const state = incoming;
      incoming = undefined;
      const response = responses.CStoreResponse.fromRequest(request);
      let file: RetrievedFile | undefined;
      if (state && !state.error) {
        try {
          file = await (await state.writer!).finish();
        } catch (err) {
          state.error = err as Error;
        }
      }
      if (!file) {
        await state?.writer?.then((w) => w.discard()).catch(() => undefined);
        response.setStatus(STATUS_OUT_OF_RESOURCES);
        response.setErrorComment(`cannot store: ${(state?.error as NodeJS.ErrnoException | undefined)?.code ?? 'no data'}`.slice(0, 64));
        callback(response);
        return;
      }
      response.setStatus(Status.Success);
      callback(response);
      options.onStored?.(file);
    };
  });
}

/** C-ECHO (PS3.7 9.1.5): resolves with the round-trip time, rejects with a PacsError. */
export async function echoDimse(node: DimseNode, options: { signal?: AbortSignal } = {}): Promise<number> {
  const started = performance.now();
  const request = new requests.CEchoRequest();
  let status: number | undefined;
  request.on('response', (r: dcmjsDimse.responses.CEchoResponse) => (status = r.getStatus()));
  await associate(node, [request], { signal: options.signal, during: 'C-ECHO' });
  if (status === undefined) throw new PacsError('NOT_SUPPORTED', `${describeNode(node)} did not answer the C-ECHO (Verification may not be supported).`);
  if (status !== Status.Success) throw dimseFailure(node, 'C-ECHO', status);
  return performance.now() - started;
}

/** The query as C-FIND identifier keys (PS3.4 C.6.2.1): matching keys and the return keys we show. */
export function studyFindKeys(query: StudyQuery): Record<string, unknown> {
  const modalities = query.modalities ?? [...DEFAULT_QUERY_MODALITIES];
  const from = query.studyDateFrom ?? '';
  const to = query.studyDateTo ?? '';
  const keys: Record<string, unknown> = {
    PatientName: query.patientName ?? '',
    PatientID: query.patientId ?? '',
    PatientBirthDate: '',
    PatientSex: '',
    StudyInstanceUID: query.studyInstanceUid ?? '',
    StudyDate: from || to ? (from === to ? from : `${from}-${to}`) : '',
    StudyTime: '',
    AccessionNumber: query.accessionNumber ?? '',
    StudyDescription: '',
    ModalitiesInStudy: modalities.join('\\'),
    NumberOfStudyRelatedInstances: '',
  };
  // Non-ASCII matching values need a character set (PS3.4 C.2.2.2.1.3); answers may use another.
  if (/[^\x20-\x7e]/.test(JSON.stringify(keys))) keys.SpecificCharacterSet = 'ISO_IR 192';
  return keys;
}

/** A naturalized dcmjs value as text: PN objects, arrays and numbers flattened. */
function textOf(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) {
    const parts = v.map(textOf).filter((s): s is string => !!s);
    return parts.length ? parts.join('\\') : undefined;
  }
  if (typeof v === 'object') return textOf((v as { Alphabetic?: unknown }).Alphabetic);
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

/** One C-FIND answer as a StudyMatch; undefined without a Study Instance UID. */
export function toStudyMatch(elements: Record<string, unknown>): StudyMatch | undefined {
  const uid = textOf(elements.StudyInstanceUID);
  if (!uid) return undefined;
  const modalities = textOf(elements.ModalitiesInStudy);
  const count = textOf(elements.NumberOfStudyRelatedInstances);
  const match: StudyMatch = { studyInstanceUid: uid };
  const set = (key: keyof StudyMatch, v: string | undefined): void => {
    if (v !== undefined) (match as unknown as Record<string, unknown>)[key] = v;
  };
  set('patientName', textOf(elements.PatientName));
  set('patientId', textOf(elements.PatientID));
  set('patientBirthDate', textOf(elements.PatientBirthDate));
  set('patientSex', textOf(elements.PatientSex));
  set('studyDate', textOf(elements.StudyDate));
  set('studyTime', textOf(elements.StudyTime));
  set('accessionNumber', textOf(elements.AccessionNumber));
  set('studyDescription', textOf(elements.StudyDescription));
  if (modalities) match.modalitiesInStudy = modalities.split('\\').filter(Boolean);
  if (count !== undefined && Number.isFinite(Number(count))) match.numberOfStudyRelatedInstances = Number(count);
  return match;
}

/** C-FIND at STUDY level (Study Root). Answers over `limit` are cancelled (C-CANCEL) and flagged. */
export async function findStudiesDimse(node: DimseNode, query: StudyQuery, options: { signal?: AbortSignal } = {}): Promise<FindResult> {
  const limit = query.limit ?? 500;
  const request = requests.CFindRequest.createStudyFindRequest(studyFindKeys(query));
  const studies: StudyMatch[] = [];
  let truncated = false;
  let finalStatus: number | undefined;
  let comment: string | undefined;
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  request.on('response', (r: dcmjsDimse.responses.CFindResponse) => {
    const status = r.getStatus();
    if ((status === STATUS_PENDING || status === STATUS_PENDING_WARNING) && r.hasDataset()) {
      const match = toStudyMatch(r.getDataset()!.getElements());
      if (!match) return;
      if (studies.length >= limit) {
        if (!truncated) {
          truncated = true;
          controller.abort();
        }
        return;
      }
      studies.push(match);
    } else if (status !== STATUS_PENDING && status !== STATUS_PENDING_WARNING) {
      finalStatus = status;
      comment = r.getErrorComment();
    }
  });
  try {
    await associate(node, [request], { signal, during: 'C-FIND', cancellable: [request] });
  } catch (err) {
    // Our own C-CANCEL after `limit` answers is not a failure.
    if (!(truncated && err instanceof PacsError && err.pacsCode === 'CANCELLED' && !options.signal?.aborted)) throw err;
  }
  if (finalStatus !== undefined && finalStatus !== Status.Success && finalStatus !== STATUS_CANCEL) throw dimseFailure(node, 'C-FIND', finalStatus, comment);
  if (finalStatus === undefined && !truncated) throw new PacsError('CONNECTION_LOST', `${describeNode(node)} ended the C-FIND without a final answer.`);
  return { studies, truncated };
}

/** The instances of a study: SERIES-level then IMAGE-level C-FIND (hierarchical, PS3.4 C.4.1.3.1). */
export async function findInstancesDimse(node: DimseNode, studyInstanceUid: string, options: { signal?: AbortSignal } = {}): Promise<InstanceRef[]> {
  const seriesRequest = requests.CFindRequest.createSeriesFindRequest({ StudyInstanceUID: studyInstanceUid, SeriesInstanceUID: '', Modality: '' });
  const series: string[] = [];
  seriesRequest.on('response', (r: dcmjsDimse.responses.CFindResponse) => {
    if (r.getStatus() === STATUS_PENDING && r.hasDataset()) {
      const uid = textOf(r.getDataset()!.getElements().SeriesInstanceUID);
      if (uid) series.push(uid);
    }
  });
  await associate(node, [seriesRequest], { signal: options.signal, during: 'C-FIND' });
  if (series.length === 0) return [];
  const instances: InstanceRef[] = [];
  const imageRequests = series.map((seriesInstanceUid) => {
    const r = requests.CFindRequest.createImageFindRequest({ StudyInstanceUID: studyInstanceUid, SeriesInstanceUID: seriesInstanceUid, SOPInstanceUID: '', SOPClassUID: '' });
    r.on('response', (resp: dcmjsDimse.responses.CFindResponse) => {
      if (resp.getStatus() !== STATUS_PENDING || !resp.hasDataset()) return;
      const e = resp.getDataset()!.getElements();
      const sopInstanceUid = textOf(e.SOPInstanceUID);
      if (sopInstanceUid) instances.push({ seriesInstanceUid, sopInstanceUid, sopClassUid: textOf(e.SOPClassUID) });
    });
    return r;
  });
  await associate(node, imageRequests, { signal: options.signal, during: 'C-FIND' });
  return instances;
}

/** Counters of a C-GET/C-MOVE, from its last response (PS3.4 C.4.2.1.5). */
export interface SubOperationCounts {
  remaining?: number;
  completed?: number;
  failed?: number;
  warning?: number;
}

/** How a C-GET or C-MOVE ended. */
export interface RetrieveRun {
  counts: SubOperationCounts;
  /** Final status, undefined when the association ended without one. */
  status?: number;
  error?: PacsError;
}

function countsOf(r: dcmjsDimse.responses.CGetResponse | dcmjsDimse.responses.CMoveResponse): SubOperationCounts {
  const n = (v: number | undefined): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  return { remaining: n(r.getRemaining()), completed: n(r.getCompleted()), failed: n(r.getFailures()), warning: n(r.getWarnings()) };
}

/**
 * C-GET of a study: the PACS sends the instances as C-STORE sub-operations on this association,
 * each streamed to `dir`. Never throws: the outcome carries what arrived and the error.
 */
export async function getStudyDimse(
  node: DimseNode,
  studyInstanceUid: string,
  dir: string,
  hooks: { signal?: AbortSignal; onStored?: (file: RetrievedFile) => void; onCounts?: (counts: SubOperationCounts) => void },
): Promise<RetrieveRun> {
  const request = requests.CGetRequest.createStudyGetRequest(studyInstanceUid);
  // Every storage class dcmjs-dimse knows is proposed with the SCP role (PS3.7 D.3.3.4), in
  // Implicit/Explicit VR LE; the chest classes also with every compressed syntax we decode.
  request.setAddStorageSopClassesToAssociation(true);
  const contexts = RETRIEVE_STORAGE_CLASSES.map((uid) => {
    const c = new dcmjsDimse.association.PresentationContext(0, uid);
    for (const ts of ACCEPTED_TRANSFER_SYNTAXES) c.addTransferSyntaxUid(ts);
    return c;
  });
  const run: RetrieveRun = { counts: {} };
  request.on('response', (r: dcmjsDimse.responses.CGetResponse) => {
    const status = r.getStatus();
    run.counts = { ...run.counts, ...Object.fromEntries(Object.entries(countsOf(r)).filter(([, v]) => v !== undefined)) };
    if (status === STATUS_PENDING || status === STATUS_PENDING_WARNING) hooks.onCounts?.(run.counts);
    else {
      run.status = status;
      if (status !== Status.Success && status !== STATUS_WARNING && status !== STATUS_CANCEL) run.error = dimseFailure(node, 'C-GET', status, r.getErrorComment());
    }
  });
  try {
    await associate(node, [request], {
      signal: hooks.signal,
      during: 'C-GET',
      cancellable: [request],
      contexts,
      storeInto: (sopInstanceUid, sopClassUid) => openInstanceFile(dir, sopInstanceUid, sopClassUid),
      onStored: hooks.onStored,
    });
  } catch (err) {
    run.error = err instanceof PacsError ? err : connectionError(node, err);
  }
  if (!run.error && run.status === undefined) run.error = new PacsError('CONNECTION_LOST', `${describeNode(node)} ended the C-GET without a final answer.`);
  if (!run.error && run.status === STATUS_CANCEL) run.error = cancelledError();
  return run;
}

/**
 * C-MOVE of a study to `destinationAeTitle` (our own store SCP, which the caller runs and which
 * the PACS must know by that AE title). Never throws.
 */
export async function moveStudyDimse(
  node: DimseNode,
  studyInstanceUid: string,
  destinationAeTitle: string,
  hooks: { signal?: AbortSignal; onCounts?: (counts: SubOperationCounts) => void },
): Promise<RetrieveRun> {
  const request = requests.CMoveRequest.createStudyMoveRequest(destinationAeTitle, studyInstanceUid);
  const run: RetrieveRun = { counts: {} };
  request.on('response', (r: dcmjsDimse.responses.CMoveResponse) => {
    const status = r.getStatus();
    run.counts = { ...run.counts, ...Object.fromEntries(Object.entries(countsOf(r)).filter(([, v]) => v !== undefined)) };
    if (status === STATUS_PENDING || status === STATUS_PENDING_WARNING) hooks.onCounts?.(run.counts);
    else {
      run.status = status;
      if (status !== Status.Success && status !== STATUS_WARNING && status !== STATUS_CANCEL) run.error = dimseFailure(node, 'C-MOVE', status, r.getErrorComment());
    }
  });
  try {
    await associate(node, [request], { signal: hooks.signal, during: 'C-MOVE', cancellable: [request] });
  } catch (err) {
    run.error = err instanceof PacsError ? err : connectionError(node, err);
  }
  if (!run.error && run.status === undefined) run.error = new PacsError('CONNECTION_LOST', `${describeNode(node)} ended the C-MOVE without a final answer.`);
  if (!run.error && run.status === STATUS_CANCEL) run.error = cancelledError();
  return run;
}

/** One dataset to C-STORE, as elements (encoded in whichever VR encoding the peer accepts). */
export interface StoreItem {
  sopClassUid: string;
  sopInstanceUid: string;
  elements: DicomElement[];
}

/** C-STORE the items on one association; rejects with a PacsError if any is not stored. */
export async function storeDimse(node: DimseNode, items: StoreItem[], options: { signal?: AbortSignal } = {}): Promise<void> {
  const statuses = new Map<string, { status: number; comment?: string }>();
  const prepared = items.map((item) => {
    // A Dataset whose bytes are ours (see the file comment); its transfer syntax follows the
    // context the peer accepted, so dcmjs-dimse never transcodes it.
    const dataset = new Dataset({ SOPClassUID: item.sopClassUid, SOPInstanceUID: item.sopInstanceUid }, ENCODING_TRANSFER_SYNTAX.explicit);
    let encoding: 'explicit' | 'implicit' = 'explicit';
    const patched = dataset as unknown as { getTransferSyntaxUid(): string; getDenaturalizedDataset(): Buffer };
    patched.getTransferSyntaxUid = () => ENCODING_TRANSFER_SYNTAX[encoding];
    patched.getDenaturalizedDataset = () => Buffer.from(encodeDataset(item.elements, encoding));
    const request = new requests.CStoreRequest(dataset);
    request.on('response', (r: dcmjsDimse.responses.CStoreResponse) => statuses.set(item.sopInstanceUid, { status: r.getStatus(), comment: r.getErrorComment() }));
    return {
      request,
      setEncoding: (association: dcmjsDimse.association.Association) => {
        const context = association.getAcceptedPresentationContextFromRequest(request);
        const ts = context?.getAcceptedTransferSyntaxUid();
        encoding = ts === ENCODING_TRANSFER_SYNTAX.implicit ? 'implicit' : 'explicit';
      },
    };
  });
  await associate(
    node,
    prepared.map((p) => p.request),
    { signal: options.signal, during: 'C-STORE', onAccepted: (association) => prepared.forEach((p) => p.setEncoding(association)) },
  );
  for (const item of items) {
    const answer = statuses.get(item.sopInstanceUid);
    if (!answer) throw new PacsError('NOT_SUPPORTED', `${describeNode(node)} did not accept the object (SOP class ${item.sopClassUid} not supported, or the association ended).`);
    // Warnings (B000, B007, B006: coerced or elements discarded) still mean stored (PS3.4 B.2.3).
    if (answer.status !== Status.Success && (answer.status & 0xf000) !== 0xb000) throw dimseFailure(node, 'C-STORE', answer.status, answer.comment);
  }
}
