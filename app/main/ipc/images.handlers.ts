/**
 * Handlers of the `images:` channels. The renderer names an image by its instance id;
 * main resolves the id to the path (the renderer never sees it) and calls the decode
 * service, which runs off the main event loop.
 */
import type { StoredPixels } from '../../shared/imaging/types';
import { CodedError, toAppError } from '../../shared/result';
import type { DecodeService } from '../services/decoding/decodeService';
import type { WorklistStoreLike } from '../services/worklist/worklistProtocol';
import { resolveDisplayable, resolveDisplayableFile, resolveInstance } from './archiveResolve';
import type { IpcRouter } from './handle';
import { silentLogger, type Logger } from './log';

export interface ImagesHandlerDeps {
  /** The archive: instance keys → files, and the thumbnails it keeps (issue #10). */
  archive: WorklistStoreLike<'resolveInstance' | 'thumbnail' | 'putThumbnail'>;
  decode: Pick<DecodeService, 'decodeFrame' | 'thumbnail' | 'tags'>;
  /** Where a thumbnail that could not be read or stored is reported (no paths, no patient data); default silent. */
  log?: Logger;
}

type PixelType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'int32';

/** The contract's pixelType for a typed array of stored values. */
export function pixelTypeOf(pixels: StoredPixels): PixelType {
  if (pixels instanceof Uint8Array) return 'uint8';
  if (pixels instanceof Int8Array) return 'int8';
  if (pixels instanceof Uint16Array) return 'uint16';
  if (pixels instanceof Int16Array) return 'int16';
  if (pixels instanceof Int32Array) return 'int32';
  throw new CodedError('INTERNAL', 'decoder returned an unsupported pixel array');
}

/** Exactly the bytes of a view, as its own ArrayBuffer (no copy when it already is one). */
export function exactBuffer(view: ArrayBufferView): ArrayBuffer {
  const buffer = view.buffer as ArrayBuffer;
  if (view.byteOffset === 0 && view.byteLength === buffer.byteLength) return buffer;
  return buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
}

/** Registers load, thumbnail and tags. */
export function registerImagesHandlers(router: IpcRouter, deps: ImagesHandlerDeps): void {
  const { archive, decode } = deps;
  const log = deps.log ?? silentLogger;

  router.handle('images:load', async ({ instanceId, frame }) => {
    const record = await resolveDisplayable(archive, instanceId);
    const frames = record.numberOfFrames;
    if (frame >= frames) throw new CodedError('FRAME_OUT_OF_RANGE', `${record.fileName}: frame ${frame} requested, the image has ${frames}`);
    const decoded = await decode.decodeFrame(record.path, frame);
    return {
      info: decoded.info,
      pixels: exactBuffer(decoded.pixels),
      pixelType: pixelTypeOf(decoded.pixels),
      ...(decoded.warnings?.length ? { warnings: decoded.warnings } : {}),
    };
  });

  // The archive keeps each thumbnail (issue #10): a start reads them from the database instead of
  // decoding every file. One is served only while the file is the one it was rendered from (same
  // size and mtime; the store also checks the instance's content hash); otherwise it is rendered
  // again and replaced. No memory cache: a stored one is served in ~0.7 ms against ~65 ms to render
  // a 3000×2500 radiograph (medians, bench/archive.bench.ts), and the renderer keeps what it has shown.
  router.handle('images:thumbnail', async ({ instanceId, size }) => {
    const [{ record, stats }, stored] = await Promise.all([
      resolveDisplayableFile(archive, instanceId),
      Promise.resolve()
        .then(() => archive.thumbnail(instanceId, size))
        .catch((err: unknown) => {
          log.warn('stored thumbnail unreadable; rendering it again', { code: toAppError(err, 'DB_ERROR').code });
          return undefined;
        }),
    ]);
    if (stored && stored.fileSize === stats.size && stored.fileMtimeMs === stats.mtimeMs) {
      return { width: stored.width, height: stored.height, rgba: exactBuffer(stored.rgba) };
    }
    const thumb = await decode.thumbnail(record.path, size);
    // Stored without waiting: the user sees the thumbnail now; a failed write costs one render next start.
    // The stamp is the file's before rendering, so a file replaced meanwhile is rendered again.
    Promise.resolve()
      .then(() => archive.putThumbnail(instanceId, size, { width: thumb.width, height: thumb.height, rgba: thumb.rgba, fileSize: stats.size, fileMtimeMs: stats.mtimeMs }))
      .catch((err: unknown) => log.warn('thumbnail not stored', { code: toAppError(err, 'DB_ERROR').code }));
    // Its own copy: the response's buffer is transferred (detached), the store's call may still read `thumb.rgba`.
    return { width: thumb.width, height: thumb.height, rgba: exactBuffer(thumb.rgba).slice(0) };
  });

  router.handle('images:tags', async ({ instanceId }) => {
    const record = await resolveInstance(archive, instanceId);
    // Tags are readable for non-image objects too (an SR's header is still useful).
    return { elements: await decode.tags(record.path) };
  });
}
