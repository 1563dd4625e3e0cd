/**
 * Writing retrieved instances (issue #11): each one goes to a dot-named temp file in the
 * retrieve folder, is fsynced, then renamed to `<SOP Instance UID>.dcm`, the same rule as the
 * DICOM listener (app/main/services/dimse/storeScp.ts): a reader, the ingest queue included,
 * never sees half a file, and a retrieve that fails half-way leaves only whole instances.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

import { isValidUid } from '../dimse/part10';

/** One instance safely on disk. */
export interface RetrievedFile {
  path: string;
  sopInstanceUid: string;
  sopClassUid?: string;
  bytes: number;
}

/** An instance being written. */
export interface InstanceFileWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Flushes, fsyncs and renames into place; resolves with the file. */
  finish(): Promise<RetrievedFile>;
  /** Removes the temp file (a failed or cancelled transfer). */
  discard(): Promise<void>;
}

/** Opens a writer for one instance in `dir` (created if missing). */
export async function openInstanceFile(dir: string, sopInstanceUid: string | undefined, sopClassUid?: string): Promise<InstanceFileWriter> {
  await mkdir(dir, { recursive: true });
  const tmpPath = join(dir, `.retrieving-${process.pid}-${randomBytes(8).toString('hex')}.part`);
  const handle: FileHandle = await open(tmpPath, 'w');
  let bytes = 0;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    async write(chunk) {
      let offset = 0;
      while (offset < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
        offset += bytesWritten;
      }
      bytes += chunk.length;
    },
    async finish() {
      try {
        await handle.sync();
      } finally {
        await close();
      }
      // The name comes from the UID only when it is a valid UID: a peer's garbage never becomes a path.
      const stem = isValidUid(sopInstanceUid) ? sopInstanceUid : `instance-${randomBytes(8).toString('hex')}`;
      const path = join(dir, `${stem}.dcm`);
      await rename(tmpPath, path);
      return { path, sopInstanceUid: sopInstanceUid ?? stem, sopClassUid, bytes };
    },
    async discard() {
      await close().catch(() => undefined);
      await rm(tmpPath, { force: true });
    },
  };
}

/** Writes a whole PS3.10 file (a DICOMweb part) atomically; the UIDs come from its meta group. */
export async function writeInstanceFile(dir: string, part10: Uint8Array): Promise<RetrievedFile> {
  const meta = readMetaUids(part10);
  const writer = await openInstanceFile(dir, meta.sopInstanceUid, meta.sopClassUid);
  try {
    await writer.write(part10);
    return await writer.finish();
  } catch (err) {
    await writer.discard().catch(() => undefined);
    throw err;
  }
}

/**
 * Media Storage SOP Class/Instance UIDs (0002,0002)/(0002,0003) of a PS3.10 file. The meta group
 * is always Explicit VR LE (PS3.10 7.1); empty when the bytes are not PS3.10.
 */
export function readMetaUids(bytes: Uint8Array): { sopClassUid?: string; sopInstanceUid?: string } {
  if (bytes.length < 144 || bytes[128] !== 0x44 || bytes[129] !== 0x49 || bytes[130] !== 0x43 || bytes[131] !== 0x4d) return {};
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: { sopClassUid?: string; sopInstanceUid?: string } = {};
  let p = 132;
  while (p + 8 <= bytes.length && dv.getUint16(p, true) === 0x0002) {
    const element = dv.getUint16(p + 2, true);
    const vr = String.fromCharCode(bytes[p + 4], bytes[p + 5]);
    const long = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN', 'UC', 'UR', 'OD', 'OL', 'OV'].includes(vr);
    const length = long ? dv.getUint32(p + 8, true) : dv.getUint16(p + 6, true);
    const start = p + (long ? 12 : 8);
    if (start + length > bytes.length) break;
    if (element === 0x0002 || element === 0x0003) {
      const value = Buffer.from(bytes.subarray(start, start + length)).toString('latin1').replace(/[\0 ]+$/, '');
      if (element === 0x0002) out.sopClassUid = value;
      else out.sopInstanceUid = value;
    }
    p = start + length;
  }
  return out;
}
