/**
 * DICOM listener (issue #5): a Verification (C-ECHO) and Storage (C-STORE) SCP built on
 * dcmjs-dimse, an established DIMSE implementation (association negotiation, PDU parsing and
 * DIMSE message assembly are the library's; nothing here parses PDUs).
 *
 * Received datasets are streamed straight to disk (dcmjs-dimse's createStoreWritableStream
 * hook) behind a PS3.10 meta header: into a dot-named temp file in the storage folder, fsynced,
 * then renamed to `<SOP Instance UID>.dcm` (a rename within one folder is atomic, so a reader
 * never sees half a file). Only then does the SCP answer Success and hand the file to ingest.
 * A write failure (ENOSPC, EACCES) answers "Refused: Out of Resources" (A700, PS3.4 B.2.3):
 * the sender keeps its copy and may retry, and nothing already stored is touched.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import dcmjsDimse from 'dcmjs-dimse';

import { CodedError } from '../../../shared/result';
import { fileMetaHeader, isValidUid } from './part10';

const { Dataset, Scp, Server, constants, responses } = dcmjsDimse;
const { PresentationContextResult, RejectResult, RejectSource, RejectReason, SopClass, Status, TransferSyntax } = constants;

/** Refused: Out of Resources (PS3.4 Table B.2-1). */
export const STATUS_OUT_OF_RESOURCES = 0xa700;
/** Error: Cannot Understand (PS3.4 Table B.2-1). */
export const STATUS_CANNOT_UNDERSTAND = 0xc000;

/**
 * Transfer syntaxes accepted, in our order of preference when an SCU proposes several in one
 * context. Lossless ones first: a triage result should come from the modality's pixels.
 * Every one of them is decodable by the decode service (issue #2).
 */
export const ACCEPTED_TRANSFER_SYNTAXES: readonly string[] = [
  '1.2.840.10008.1.2.1', // Explicit VR Little Endian
  '1.2.840.10008.1.2', // Implicit VR Little Endian (the default every SCU supports, PS3.5 10.1)
  '1.2.840.10008.1.2.4.70', // JPEG Lossless SV1
  '1.2.840.10008.1.2.4.57', // JPEG Lossless
  '1.2.840.10008.1.2.4.80', // JPEG-LS Lossless
  '1.2.840.10008.1.2.4.90', // JPEG 2000 Lossless
  '1.2.840.10008.1.2.4.201', // HTJ2K Lossless
  '1.2.840.10008.1.2.4.202', // HTJ2K RPCL Lossless
  '1.2.840.10008.1.2.5', // RLE Lossless
  '1.2.840.10008.1.2.1.99', // Deflated Explicit VR Little Endian
  '1.2.840.10008.1.2.2', // Explicit VR Big Endian (retired, still sent by old modalities)
  '1.2.840.10008.1.2.4.50', // JPEG Baseline
  '1.2.840.10008.1.2.4.51', // JPEG Extended
  '1.2.840.10008.1.2.4.81', // JPEG-LS Near-Lossless
  '1.2.840.10008.1.2.4.91', // JPEG 2000
  '1.2.840.10008.1.2.4.203', // HTJ2K
];

/** Storage SOP Classes all live under this root (PS3.4 B.5); we accept any of them. */
const STORAGE_SOP_CLASS_ROOT = '1.2.840.10008.5.1.4.1.1.';

export interface StoredInstance {
  path: string;
  sopInstanceUid: string;
  sopClassUid: string;
  callingAeTitle: string;
}

export interface StoreScpOptions {
  port: number;
  /** Called AE title this SCP answers to (PS3.8 9.3.2: 16 characters at most). */
  aeTitle: string;
  storageDir: string;
  /** Called after a received instance is safely on disk and Success was answered. */
  onStored: (instance: StoredInstance) => void;
  /** Accept associations addressed to another called AE title; default false (reject, PS3.8 9.3.4). */
  acceptAnyCalledAeTitle?: boolean;
  /** Log sink; lines carry AE titles and counts, never patient data. */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Writes bytes to the open temp file; injected by tests to simulate a full disk. Default: FileHandle.write until all is written. */
  writeBytes?: (file: FileHandle, bytes: Buffer) => Promise<void>;
  /** ARTIM-style limits forwarded to dcmjs-dimse (ms). */
  associationTimeoutMs?: number;
  pduTimeoutMs?: number;
}

export interface StoreScp {
  /** The bound port (useful with port 0). */
  readonly port: number;
  /** Instances stored since start. */
  readonly storedCount: number;
  /** Stops listening and drops open associations; resolves when the socket is closed. */
  close(): Promise<void>;
}

/** State of one C-STORE being received. */
interface Incoming {
  tmpPath: string;
  finalPath: string;
  sopInstanceUid: string;
  sopClassUid: string;
  error?: Error;
  finished: Promise<void>;
}

/** Starts the listener; rejects with PORT_IN_USE (or LISTEN_FAILED) when it cannot bind. */
export async function startStoreScp(options: StoreScpOptions): Promise<StoreScp> {
  const aeTitle = options.aeTitle.trim();
  // PS3.5 6.2 AE: default character repertoire without backslash or control characters.
  if (!aeTitle || aeTitle.length > 16 || [...aeTitle].some((c) => c === '\\' || c.charCodeAt(0) < 0x20)) {
    throw new CodedError('INVALID_AE_TITLE', `AE title "${aeTitle}" is invalid: 1 to 16 characters, no backslash or control characters (PS3.5 6.2 AE)`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) throw new CodedError('INVALID_PORT', `port ${options.port} is not a TCP port`);
  await mkdir(options.storageDir, { recursive: true });
  removeStaleTempFiles(options.storageDir);
  const log = options.log ?? (() => {});
  const writeBytes = options.writeBytes ?? writeAll;
  let storedCount = 0;
  // dcmjs-dimse logs every PDU at info level, including command fields; keep it to errors.
  dcmjsDimse.log.setLevel('silent');

  class TriageScp extends Scp {
    private peer?: dcmjsDimse.association.Association;
    private readonly incoming = new WeakMap<object, Incoming>();
    private lastIncoming?: Incoming;

    override associationRequested(association: dcmjsDimse.association.Association): void {
      this.peer = association;
      const called = association.getCalledAeTitle().trim();
      if (!options.acceptAnyCalledAeTitle && called !== aeTitle) {
        log('warn', `association from ${association.getCallingAeTitle().trim()} rejected: called AE title ${called} is not ${aeTitle}`);
        this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CalledAeNotRecognized);
        return;
      }
      for (const { id } of association.getPresentationContexts()) {
        const context = association.getPresentationContext(id);
        const abstractSyntax = context.getAbstractSyntaxUid();
        if (abstractSyntax !== SopClass.Verification && !abstractSyntax.startsWith(STORAGE_SOP_CLASS_ROOT)) {
          context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
          continue;
        }
        const proposed = context.getTransferSyntaxUids();
        const chosen = ACCEPTED_TRANSFER_SYNTAXES.find((ts) => proposed.includes(ts));
        if (chosen) context.setResult(PresentationContextResult.Accept, chosen);
        else context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
      }
      this.sendAssociationAccept();
    }

    override associationReleaseRequested(): void {
      this.sendAssociationReleaseResponse();
    }

    override cEchoRequest(request: dcmjsDimse.requests.CEchoRequest, callback: (response: dcmjsDimse.responses.CEchoResponse) => void): void {
      const response = responses.CEchoResponse.fromRequest(request);
      response.setStatus(Status.Success);
      callback(response);
    }

    /** Streams the dataset to a temp file behind a PS3.10 meta header. */
    override createStoreWritableStream(context: dcmjsDimse.association.PresentationContext, request: dcmjsDimse.requests.CStoreRequest): Writable {
      const sopInstanceUid = request.getAffectedSopInstanceUid();
      const sopClassUid = request.getAffectedSopClassUid();
      const tmpPath = join(options.storageDir, `.incoming-${process.pid}-${randomBytes(8).toString('hex')}.part`);
      // The UID names the file only when it is a valid UID: a peer's garbage must not become a path.
      const fileStem = isValidUid(sopInstanceUid) ? sopInstanceUid : `invalid-uid-${randomBytes(8).toString('hex')}`;
      let handle: FileHandle | undefined;
      let resolveFinished!: () => void;
      const state: Incoming = {
        tmpPath,
        finalPath: join(options.storageDir, `${fileStem}.dcm`),
        sopInstanceUid,
        sopClassUid,
        finished: new Promise<void>((resolve) => (resolveFinished = resolve)),
      };
      const fail = (err: unknown): void => {
        state.error ??= err as Error;
      };
      const header = fileMetaHeader({ sopClassUid, sopInstanceUid, transferSyntaxUid: context.getAcceptedTransferSyntaxUid() ?? TransferSyntax.ImplicitVRLittleEndian, sourceAeTitle: this.peer?.getCallingAeTitle() });
      // Asynchronous file I/O throughout: in the Electron main process a synchronous write or
      // fsync (~6 ms here) per instance would stall the UI. Errors are recorded, never raised on
      // the stream: dcmjs-dimse awaits 'drain' on back-pressure, and a stream destroyed by an
      // error would never drain (a hung association).
      const writable = new Writable({
        construct(callback) {
          open(tmpPath, 'w')
            .then(async (h) => {
              handle = h;
              await writeBytes(h, header);
            })
            .catch(fail)
            .finally(() => callback());
        },
        write(chunk: Buffer, _encoding, callback) {
          if (state.error || !handle) return callback();
          writeBytes(handle, chunk)
            .catch(fail)
            .finally(() => callback());
        },
        final(callback) {
          const h = handle;
          handle = undefined;
          // fsync before the rename and the Success answer: an acknowledged instance survives power loss.
          (async () => {
            try {
              if (h && !state.error) await h.sync();
            } catch (err) {
              fail(err);
            }
            await h?.close().catch(fail);
          })().finally(() => {
            callback();
            resolveFinished();
          });
        },
      });
      this.incoming.set(request, state);
      this.lastIncoming = state;
      return writable;
    }

    override createDatasetFromStoreWritableStream(writable: Writable, context: dcmjsDimse.association.PresentationContext, callback: (dataset: dcmjsDimse.Dataset) => void): void {
      const state = this.lastIncoming;
      const done = (): void => {
        // The pixel data stays on disk; dcmjs-dimse only needs a Dataset object to route the request.
        callback(new Dataset({}, context.getAcceptedTransferSyntaxUid()));
      };
      if (writable.writableFinished || !state) done();
      else void state.finished.then(done);
    }

    override cStoreRequest(request: dcmjsDimse.requests.CStoreRequest, callback: (response: dcmjsDimse.responses.CStoreResponse) => void): void {
      const state = this.incoming.get(request) ?? this.lastIncoming;
      const response = responses.CStoreResponse.fromRequest(request);
      if (!state) {
        response.setStatus(STATUS_CANNOT_UNDERSTAND);
        callback(response);
        return;
      }
      this.lastIncoming = undefined;
      void this.complete(state, response, callback);
    }

    /** Renames the temp file into place (or discards it), answers, then hands the file to ingest. */
    private async complete(state: Incoming, response: dcmjsDimse.responses.CStoreResponse, callback: (response: dcmjsDimse.responses.CStoreResponse) => void): Promise<void> {
      if (!state.error) {
        try {
          await rename(state.tmpPath, state.finalPath);
        } catch (err) {
          state.error = err as Error;
        }
      }
      if (state.error) {
        await rm(state.tmpPath, { force: true }).catch(() => undefined);
        const code = (state.error as NodeJS.ErrnoException).code ?? 'EIO';
        const message = code === 'ENOSPC' ? 'storage folder is full (ENOSPC): instance refused, nothing stored' : `cannot store instance: ${code}`;
        log('error', message);
        response.setStatus(STATUS_OUT_OF_RESOURCES);
        response.setErrorComment(message.slice(0, 64));
        callback(response);
        return;
      }
      storedCount++;
      response.setStatus(Status.Success);
      callback(response);
      try {
        options.onStored({ path: state.finalPath, sopInstanceUid: state.sopInstanceUid, sopClassUid: state.sopClassUid, callingAeTitle: this.peer?.getCallingAeTitle().trim() ?? '' });
      } catch (err) {
        log('error', `handing a received instance to ingest failed: ${(err as Error).message}`);
      }
    }
  }

  const server = new Server(TriageScp as unknown as typeof Scp);
  // A peer's garbage makes the association's Scp emit networkError; the library then ends that
  // socket. Listening here keeps the listener running and logs it (no patient data involved).
  server.on('networkError', (err: Error) => log('warn', `association aborted: ${err.message}`));
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new CodedError('PORT_IN_USE', `port ${options.port} is already in use: another DICOM listener (or program) holds it; choose another with --port`));
      else if (err.code === 'EACCES') reject(new CodedError('PORT_DENIED', `port ${options.port} needs privileges on this system; use a port above 1023`));
      else reject(new CodedError('LISTEN_FAILED', `cannot listen on port ${options.port}: ${err.message}`));
    };
    const onListening = (): void => {
      server.off('networkError', onError);
      resolve();
    };
    server.once('networkError', onError);
    server.once('listening', onListening);
    server.listen(options.port, {
      associationTimeout: options.associationTimeoutMs ?? 60_000,
      pduTimeout: options.pduTimeoutMs ?? 60_000,
    });
  });
  const netServer = (server as unknown as { server: NetServer }).server;
  const port = (netServer.address() as AddressInfo).port;
  log('info', `DICOM listener ${aeTitle} on port ${port}`);
  return {
    port,
    get storedCount() {
      return storedCount;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (!netServer.listening) {
          server.close();
          resolve();
          return;
        }
        netServer.once('close', () => resolve());
        server.close();
      }),
  };
}

/**
 * Removes temp files of receptions that never completed: a listener killed mid-transfer leaves
 * `.incoming-<pid>-….part`. Only files of processes no longer alive are removed, so two
 * listeners sharing a storage folder never delete each other's transfers. The sender never got
 * Success for them, so nothing acknowledged is lost.
 */
function removeStaleTempFiles(storageDir: string): void {
  for (const name of readdirSync(storageDir)) {
    const match = /^\.incoming-(\d+)-[0-9a-f]+\.part$/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    let alive = pid === process.pid;
    if (!alive) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (err) {
        alive = (err as NodeJS.ErrnoException).code === 'EPERM';
      }
    }
    if (!alive) rmSync(join(storageDir, name), { force: true });
  }
}

/** Writes all of `bytes` at the file's current position (a write may be partial). */
async function writeAll(file: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await file.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}
