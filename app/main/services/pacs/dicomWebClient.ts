/**
 * DICOMweb client for a PACS node (issue #11, PS3.18): QIDO-RS (search studies and a study's
 * instances), WADO-RS (retrieve a study as `multipart/related; type="application/dicom"`,
 * parsed as it streams in, each part written to disk as soon as it is complete) and STOW-RS
 * (store the result objects). Uses the fetch built into Node/Electron; no extra dependency.
 */
import { randomBytes } from 'node:crypto';

import { DEFAULT_PACS_TIMEOUT_MS, type DicomWebNode } from '../../../shared/pacs/settings';
import { DEFAULT_QUERY_MODALITIES, type FindResult, type InstanceRef, type StudyMatch, type StudyQuery } from '../../../shared/pacs/types';
import { writeInstanceFile, type RetrievedFile } from './instanceFiles';
import { boundaryOf, multipartBody, MultipartError, MultipartParser } from './multipart';
import { cancelledError, connectionError, httpError, PacsError } from './pacsErrors';

/** A DICOM JSON object (PS3.18 F.2). */
type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;

/** Authorization header for the node's credentials, if any. */
function authHeaders(node: DicomWebNode): Record<string, string> {
  const auth = node.auth;
  if (!auth || auth.type === 'none') return {};
  if (auth.type === 'basic') return { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}` };
  return { Authorization: `Bearer ${auth.token}` };
}

function url(node: DicomWebNode, path: string, params?: URLSearchParams): string {
  const base = node.baseUrl.replace(/\/+$/, '');
  const query = params && [...params.keys()].length > 0 ? `?${params.toString()}` : '';
  return `${base}${path}${query}`;
}

/**
 * A signal that fires on the caller's cancel, or when nothing has happened for the node's
 * timeout (`touch()` after every chunk: a slow but moving transfer is not timed out).
 */
function idleSignal(node: DicomWebNode, signal?: AbortSignal): { signal: AbortSignal; touch(): void; timedOut(): boolean; dispose(): void } {
  const controller = new AbortController();
  const ms = node.timeoutMs ?? DEFAULT_PACS_TIMEOUT_MS;
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const touch = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, ms);
  };
  const onAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) controller.abort(signal.reason);
  touch();
  return {
    signal: controller.signal,
    touch,
    timedOut: () => timedOut,
    dispose: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** Maps a fetch failure to a PacsError (the cause carries the socket/TLS code). */
function fetchError(node: DicomWebNode, err: unknown, idle: { timedOut(): boolean }, callerSignal?: AbortSignal): PacsError {
  if (err instanceof PacsError) return err;
  if (callerSignal?.aborted) return cancelledError();
  if (idle.timedOut()) return connectionError(node, Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (err as NodeJS.ErrnoException).code;
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return connectionError(node, Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
  // fetch refuses some ports outright (the WHATWG "bad port" list: 1, 7, 9, …, 6000, 6665–6669).
  if ((cause?.message ?? '') === 'bad port') return new PacsError('CONNECTION_REFUSED', `${node.name}: the port in the DICOMweb URL is one that web clients may not use (WHATWG "bad ports"). Use another port.`);
  if (code === 'UND_ERR_SOCKET') return connectionError(node, Object.assign(new Error(cause?.message ?? 'socket closed'), { code: 'ECONNRESET' }));
  return connectionError(node, Object.assign(new Error(cause?.message ?? (err as Error).message), { code }));
}

async function request(
  node: DicomWebNode,
  what: string,
  target: string,
  init: { method?: string; accept: string; body?: Buffer; contentType?: string; signal?: AbortSignal },
): Promise<{ response: Response; idle: ReturnType<typeof idleSignal> }> {
  const idle = idleSignal(node, init.signal);
  try {
    const response = await fetch(target, {
      method: init.method ?? 'GET',
      headers: { Accept: init.accept, ...authHeaders(node), ...(init.contentType ? { 'Content-Type': init.contentType } : {}) },
      // A Uint8Array view of the Buffer: the DOM typings of fetch do not list Node Buffers.
      body: init.body ? new Uint8Array(init.body.buffer as ArrayBuffer, init.body.byteOffset, init.body.byteLength) : undefined,
      signal: idle.signal,
      redirect: 'follow',
    });
    idle.touch();
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      idle.dispose();
      throw httpError(node, what, response.status, response.statusText);
    }
    return { response, idle };
  } catch (err) {
    idle.dispose();
    throw fetchError(node, err, idle, init.signal);
  }
}

async function readJson(node: DicomWebNode, what: string, response: Response): Promise<DicomJson[]> {
  if (response.status === 204) return [];
  const text = await response.text();
  if (text.trim() === '') return [];
  try {
    const json = JSON.parse(text) as unknown;
    if (!Array.isArray(json)) throw new Error('not an array');
    return json as DicomJson[];
  } catch {
    throw new PacsError('BAD_RESPONSE', `${node.name} answered ${what} with something that is not DICOM JSON (PS3.18 F.2).`);
  }
}

/** Text of a DICOM JSON attribute: PN's Alphabetic group, values joined with backslashes. */
function jsonText(obj: DicomJson, tag: string): string | undefined {
  const values = obj[tag]?.Value;
  if (!values || values.length === 0) return undefined;
  const parts = values.map((v) => (v && typeof v === 'object' ? (v as { Alphabetic?: string }).Alphabetic : v)).filter((v) => v !== undefined && v !== null && String(v) !== '');
  return parts.length ? parts.map(String).join('\\') : undefined;
}

/** QIDO-RS "Test": a one-study search (PS3.18 10.6). */
export async function probeDicomWeb(node: DicomWebNode, options: { signal?: AbortSignal } = {}): Promise<number> {
  const started = performance.now();
  const { response, idle } = await request(node, 'a QIDO-RS search', url(node, '/studies', new URLSearchParams({ limit: '1' })), { accept: 'application/dicom+json', signal: options.signal });
  try {
    await readJson(node, 'a QIDO-RS search', response);
  } finally {
    idle.dispose();
  }
  return performance.now() - started;
}

/** QIDO-RS study search parameters (PS3.18 10.6.1.2). */
export function qidoStudyParams(query: StudyQuery, limit: number): URLSearchParams {
  const params = new URLSearchParams();
  if (query.patientName) params.set('PatientName', query.patientName);
  if (query.patientId) params.set('PatientID', query.patientId);
  if (query.accessionNumber) params.set('AccessionNumber', query.accessionNumber);
  if (query.studyInstanceUid) params.set('StudyInstanceUID', query.studyInstanceUid);
  const from = query.studyDateFrom ?? '';
  const to = query.studyDateTo ?? '';
  if (from || to) params.set('StudyDate', from === to ? from : `${from}-${to}`);
  const modalities = query.modalities ?? [...DEFAULT_QUERY_MODALITIES];
  // A list of values is comma-separated in QIDO-RS (PS3.18 8.3.4.1), not backslash-separated.
  if (modalities.length > 0) params.set('ModalitiesInStudy', modalities.join(','));
  for (const tag of ['00100030', '00100040', '00081030', '00080061', '00201208']) params.append('includefield', tag);
  params.set('limit', String(limit + 1));
  return params;
}

/** QIDO-RS search for studies. */
export async function findStudiesDicomWeb(node: DicomWebNode, query: StudyQuery, options: { signal?: AbortSignal } = {}): Promise<FindResult> {
  const limit = query.limit ?? 500;
  const what = 'a QIDO-RS study search';
  const { response, idle } = await request(node, what, url(node, '/studies', qidoStudyParams(query, limit)), { accept: 'application/dicom+json', signal: options.signal });
  let rows: DicomJson[];
  try {
    rows = await readJson(node, what, response);
  } finally {
    idle.dispose();
  }
  const studies: StudyMatch[] = [];
  for (const row of rows) {
    const uid = jsonText(row, '0020000D');
    if (!uid) continue;
    const match: StudyMatch = { studyInstanceUid: uid };
    const fields: [keyof StudyMatch, string][] = [
      ['patientName', '00100010'],
      ['patientId', '00100020'],
      ['patientBirthDate', '00100030'],
      ['patientSex', '00100040'],
      ['studyDate', '00080020'],
      ['studyTime', '00080030'],
      ['accessionNumber', '00080050'],
      ['studyDescription', '00081030'],
    ];
    for (const [key, tag] of fields) {
      const v = jsonText(row, tag);
      if (v !== undefined) (match as unknown as Record<string, unknown>)[key] = v;
    }
    const modalities = jsonText(row, '00080061');
    if (modalities) match.modalitiesInStudy = modalities.split('\\');
    const count = jsonText(row, '00201208');
    if (count !== undefined && Number.isFinite(Number(count))) match.numberOfStudyRelatedInstances = Number(count);
    studies.push(match);
  }
  return { studies: studies.slice(0, limit), truncated: studies.length > limit };
}

/** QIDO-RS search for a study's instances. */
export async function findInstancesDicomWeb(node: DicomWebNode, studyInstanceUid: string, options: { signal?: AbortSignal } = {}): Promise<InstanceRef[]> {
  const what = 'a QIDO-RS instance search';
  const { response, idle } = await request(node, what, url(node, `/studies/${encodeURIComponent(studyInstanceUid)}/instances`), { accept: 'application/dicom+json', signal: options.signal });
  try {
    return (await readJson(node, what, response))
      .map((row) => ({ seriesInstanceUid: jsonText(row, '0020000E'), sopInstanceUid: jsonText(row, '00080018') ?? '', sopClassUid: jsonText(row, '00080016') }))
      .filter((r) => r.sopInstanceUid !== '');
  } finally {
    idle.dispose();
  }
}

/**
 * WADO-RS retrieve of a study (PS3.18 10.4): every part is written to `dir` as soon as it is
 * complete. Rejects with a PacsError when the transfer fails; the parts already written stay
 * (they were reported through `onStored`).
 */
export async function retrieveStudyDicomWeb(
  node: DicomWebNode,
  studyInstanceUid: string,
  dir: string,
  hooks: { signal?: AbortSignal; onStored?: (file: RetrievedFile) => void; onBytes?: (bytes: number) => void },
): Promise<void> {
  const what = 'a WADO-RS retrieve';
  // transfer-syntax=*: send the instances as stored (no transcoding at the server, PS3.18 8.7.3.5.2).
  const accept = 'multipart/related; type="application/dicom"; transfer-syntax=*';
  const { response, idle } = await request(node, what, url(node, `/studies/${encodeURIComponent(studyInstanceUid)}`), { accept, signal: hooks.signal });
  try {
    const boundary = boundaryOf(response.headers.get('content-type'));
    if (!boundary) throw new PacsError('BAD_RESPONSE', `${node.name} answered ${what} without a multipart/related body (Content-Type ${response.headers.get('content-type') ?? 'missing'}).`);
    const parser = new MultipartParser(boundary);
    let bytes = 0;
    const reader = response.body;
    if (!reader) throw new PacsError('BAD_RESPONSE', `${node.name} answered ${what} with an empty body.`);
    for await (const chunk of reader as unknown as AsyncIterable<Uint8Array>) {
      idle.touch();
      bytes += chunk.length;
      hooks.onBytes?.(bytes);
      for (const part of parser.push(chunk)) {
        const type = part.headers['content-type'] ?? 'application/dicom';
        if (!/^application\/dicom\b/i.test(type)) throw new PacsError('BAD_RESPONSE', `${node.name} sent a part of type ${type} in ${what}, not application/dicom.`);
        const file = await writeInstanceFile(dir, part.body);
        hooks.onStored?.(file);
      }
    }
    parser.end();
  } catch (err) {
    if (err instanceof MultipartError) throw new PacsError('BAD_RESPONSE', `${node.name} sent a malformed multipart answer to ${what}: ${err.message}.`);
    throw fetchError(node, err, idle, hooks.signal);
  } finally {
    idle.dispose();
  }
}

/** STOW-RS (PS3.18 10.5): stores PS3.10 files; rejects with a PacsError naming what failed. */
export async function storeDicomWeb(node: DicomWebNode, files: readonly Uint8Array[], options: { signal?: AbortSignal } = {}): Promise<void> {
  const what = 'a STOW-RS store';
  const boundary = `cxr-${randomBytes(12).toString('hex')}`;
  const body = multipartBody(files, boundary);
  // 409 (none stored) and other statuses become an HTTP error naming the status (PS3.18 10.5.3).
  const { response, idle } = await request(node, what, url(node, '/studies'), {
    method: 'POST',
    accept: 'application/dicom+json',
    contentType: `multipart/related; type="application/dicom"; boundary=${boundary}`,
    body,
    signal: options.signal,
  });
  try {
    const text = await response.text();
    if (!text.trim()) return;
    let json: DicomJson;
    try {
      json = JSON.parse(text) as DicomJson;
    } catch {
      return; // Stored (2xx); an unreadable receipt is not a failure to store.
    }
    // Failed SOP Sequence (0008,1198): items with Failure Reason (0008,1197), PS3.18 10.5.3.
    const failed = (json['00081198']?.Value ?? []) as DicomJson[];
    if (failed.length > 0 || response.status === 202) {
      const reasons = failed.map((f) => `${jsonText(f, '00081155') ?? '?'} (reason ${Number(jsonText(f, '00081197') ?? 0).toString(16)})`);
      throw new PacsError('DIMSE_FAILURE', `${node.name} did not store ${failed.length || 'some'} object(s) sent by STOW-RS${reasons.length ? `: ${reasons.join(', ')}` : ''}.`);
    }
  } finally {
    idle.dispose();
  }
}
