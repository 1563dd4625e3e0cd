/**
 * The decode service's operations on a file path: what each worker thread runs (and what a
 * test can run in-process). File reading, PNG/JPEG sidecars and DICOMDIR path resolution
 * live here; everything else is in decodeFile.ts.
 */
import { createHash } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import type { TagNode } from '../../../shared/ipc/contract';
import { CodedError, toAppError } from '../../../shared/result';
import { decodeFile, readHeaderFromBytes, readTagsFromBytes, type DecodeResult } from './decodeFile';
import type { FileIdentity, InstanceHeader, Thumbnail } from './decodeService';
import { baseName, decodeError, DecodeErrorCode } from './decodeErrors';
import { resolveReferencedFiles } from './dicomdir';
import { dicomdirReferencedFileIds, parseDicomBytes } from './parseDicom';
import { parseSidecar } from './rasterImages';
import { renderThumbnail } from './thumbnail';

/** Files larger than this are refused before reading (2 GiB: beyond what a typed array may hold). */
export const MAX_FILE_BYTES = 2 ** 31 - 1;

/** Reads a file, mapping I/O failures to FILE_READ_FAILED (message names the base name and errno code only). */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  const name = baseName(path);
  try {
    const st = await stat(path);
    if (!st.isFile()) throw decodeError(DecodeErrorCode.FILE_READ_FAILED, name, 'not a regular file');
    if (st.size > MAX_FILE_BYTES) throw decodeError(DecodeErrorCode.IMAGE_TOO_LARGE, name, `the file is ${st.size} bytes; the limit is ${MAX_FILE_BYTES}`);
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    if (err instanceof CodedError) throw err;
    throw decodeError(DecodeErrorCode.FILE_READ_FAILED, name, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** How much of a large file a header read looks at first (headers of radiographs are a few KB). */
export const HEADER_PROBE_BYTES = 1 << 20;

/** The first `count` bytes of a file (fewer if the file is shorter). */
async function readHead(path: string, count: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buf = new Uint8Array(count);
    const { bytesRead } = await handle.read(buf, 0, count, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Header of a file; DICOMDIRs get their referenced files resolved; PNG/JPEG get their sidecar
 * (`<file>.json`). Large files are probed from their first {@link HEADER_PROBE_BYTES} (imports
 * of thousands of files must not read every pixel); any doubt falls back to the whole file.
 */
export async function readHeaderTask(path: string): Promise<InstanceHeader> {
  const name = baseName(path);
  let header: InstanceHeader | undefined;
  let bytes: Uint8Array | undefined;
  try {
    const size = (await stat(path)).size;
    if (size > HEADER_PROBE_BYTES) {
      header = readHeaderFromBytes(await readHead(path, HEADER_PROBE_BYTES), name, { partial: true });
      if (header.kind === 'dicomdir') header = undefined; // its records need the whole file
    }
  } catch {
    header = undefined; // decided below from the whole file, which gives the real error
  }
  if (!header) {
    bytes = await readFileBytes(path);
    header = readHeaderFromBytes(bytes, name);
  }
  return completeHeader(path, header, bytes);
}

/**
 * Header and sha256 of a file from one read (issue #5: an import read each file three times).
 * The whole file is read, as the triage that follows reads it anyway.
 */
export async function identifyTask(path: string): Promise<FileIdentity> {
  const bytes = await readFileBytes(path);
  const contentSha256 = createHash('sha256').update(bytes).digest('hex');
  try {
    return { contentSha256, header: await completeHeader(path, readHeaderFromBytes(bytes, baseName(path)), bytes) };
  } catch (err) {
    return { contentSha256, error: toAppError(err, 'UNREADABLE') };
  }
}

/** DICOMDIRs get their referenced files resolved; PNG/JPEG get their sidecar (`<file>.json`). */
async function completeHeader(path: string, header: InstanceHeader, bytes: Uint8Array | undefined): Promise<InstanceHeader> {
  const name = baseName(path);
  if (header.kind === 'dicomdir') {
    const ids = dicomdirReferencedFileIds(parseDicomBytes(bytes ?? (await readFileBytes(path)), name).dataSet);
    return { ...header, hasPixelData: false, referencedFiles: await resolveReferencedFiles(path, ids) };
  }
  if (header.kind === 'png' || header.kind === 'jpeg') {
    let sidecar;
    try {
      sidecar = parseSidecar(await readFile(`${path}.json`, 'utf8'));
    } catch {
      sidecar = undefined; // no sidecar: patient "unknown" (issue #2)
    }
    return { ...header, patientName: sidecar?.patientName ?? 'unknown', patientId: sidecar?.patientId ?? 'unknown', studyDate: sidecar?.studyDate, studyDescription: sidecar?.studyDescription };
  }
  return header;
}

/** One decoded frame, with any warnings of the decode. */
export async function decodeFrameTask(path: string, frame: number): Promise<DecodeResult> {
  return decodeFile(await readFileBytes(path), { fileName: baseName(path), frame });
}

/** A thumbnail of the first frame. */
export async function thumbnailTask(path: string, size: number): Promise<Thumbnail> {
  return renderThumbnail(await decodeFrameTask(path, 0), size);
}

/** The tag tree. */
export async function tagsTask(path: string): Promise<TagNode[]> {
  return readTagsFromBytes(await readFileBytes(path), baseName(path));
}

/** A typed array that owns its whole buffer (copied if it is a view), so it can be transferred. */
export function ownedArray<T extends Uint8Array | Int8Array | Uint16Array | Int16Array | Int32Array>(a: T): T {
  const buffer = a.buffer as ArrayBuffer;
  if (a.byteOffset === 0 && a.byteLength === buffer.byteLength && !(typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer)) return a;
  return a.slice() as T;
}
