/**
 * Handlers of the `images:` channels. The renderer names an image by its instance id;
 * main resolves the id to the path (the renderer never sees it) and calls the decode
 * service, which runs off the main event loop.
 */
import type { StoredPixels } from '../../shared/imaging/types';
import { CodedError } from '../../shared/result';
import type { DecodeService } from '../services/decoding/decodeService';
import { resolveDisplayable, resolveInstance, type InstanceResolver } from './archiveResolve';
import type { IpcRouter } from './handle';

export interface ImagesHandlerDeps {
  archive: InstanceResolver;
  decode: Pick<DecodeService, 'decodeFrame' | 'thumbnail' | 'tags'>;
  /** Thumbnails kept in memory (count); default 512. */
  thumbnailCacheSize?: number;
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
  const cacheSize = deps.thumbnailCacheSize ?? 512;
  const thumbnails = new Map<string, { width: number; height: number; rgba: ArrayBuffer }>();

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

  router.handle('images:thumbnail', async ({ instanceId, size }) => {
    const key = `${instanceId}:${size}`;
    const cached = thumbnails.get(key);
    // Each response gets its own copy: transfers detach the buffer they send.
    if (cached) return { ...cached, rgba: cached.rgba.slice(0) };
    const record = await resolveDisplayable(archive, instanceId);
    const thumb = await decode.thumbnail(record.path, size);
    const entry = { width: thumb.width, height: thumb.height, rgba: exactBuffer(thumb.rgba).slice(0) };
    thumbnails.set(key, entry);
    // Map iteration order is insertion order: the first key is the oldest.
    if (thumbnails.size > cacheSize) thumbnails.delete(thumbnails.keys().next().value as string);
    return { ...entry, rgba: entry.rgba.slice(0) };
  });

  router.handle('images:tags', async ({ instanceId }) => {
    const record = await resolveInstance(archive, instanceId);
    // Tags are readable for non-image objects too (an SR's header is still useful).
    return { elements: await decode.tags(record.path) };
  });
}
