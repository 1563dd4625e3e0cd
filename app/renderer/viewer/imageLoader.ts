/**
 * The cornerstone image loader for `cxr:<instanceId>:<frame>` ids: pixels come from
 * main through `images:load` (decoded off the main event loop), never from a URL the
 * renderer fetches itself (issue #2: file bytes reach the renderer only through main).
 */
import * as cornerstone from 'cornerstone-core';
import type { AppError } from '../../shared/result';
import type { PreloadApi } from '../../shared/ipc/contract';
import { buildCornerstoneImage, IMAGE_ID_SCHEME, parseImageId, type CxrImage } from './imageObject';
import { renderCxrGrayscale } from './grayscaleRenderer';

/** Renderer image cache budget: 200 large studies opened in a row must stay under
 * 1.5 GB of renderer memory (issue #2 "Performance"). Measured by bench/ui.bench.ts
 * (200 × 2500 × 2048 16-bit studies, Chromium 2026): the renderer processes hold about
 * 650–800 MB besides the cached pixels (Chromium itself, canvases, transfer buffers not
 * yet collected), so a 1 GB budget peaked at 1.8 GB; 512 MB (about 37 such images, or
 * 25 of 3000 × 2500, with their pyramids) keeps the peak near 1.3 GB. */
export const IMAGE_CACHE_BYTES = 512 * 1024 * 1024;

/** A load failure as data; the viewport prints `error.message` (which names the file). */
export class ImageLoadError extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
    this.name = 'ImageLoadError';
  }
}

/** Loads one frame through the API and builds its cornerstone image. */
export async function loadCxrImage(api: PreloadApi, imageId: string): Promise<CxrImage> {
  const parsed = parseImageId(imageId);
  if (!parsed) throw new ImageLoadError({ code: 'BAD_IMAGE_ID', message: `not a viewer image id: ${imageId}` });
  let result;
  try {
    result = await api.invoke('images:load', { instanceId: parsed.instanceId, frame: parsed.frame });
  } catch (err) {
    throw new ImageLoadError({ code: 'IPC_FAILED', message: err instanceof Error ? err.message : String(err) });
  }
  if (!result.ok) throw new ImageLoadError(result.error);
  try {
    const image = buildCornerstoneImage(imageId, result.value);
    // Grayscale frames use this viewer's renderer (grayscaleRenderer.ts explains why);
    // colour frames keep cornerstone's.
    if (!image.color) {
      image.render = renderCxrGrayscale;
      // The renderer's 2× pyramid adds up to a third of the stored bytes; count it so
      // the cache budget holds (issue #2: 200 large studies under 1.5 GB).
      image.sizeInBytes = Math.ceil(image.sizeInBytes * (4 / 3));
    }
    return image;
  } catch (err) {
    throw new ImageLoadError({ code: 'BAD_PIXEL_DATA', message: err instanceof Error ? err.message : String(err) });
  }
}

let installedFor: PreloadApi | undefined;

/** Registers the loader and the cache budget once per window. */
export function setupCornerstone(api: PreloadApi): void {
  if (installedFor === api) return;
  installedFor = api;
  cornerstone.imageCache.setMaximumSizeBytes(IMAGE_CACHE_BYTES);
  cornerstone.registerImageLoader(IMAGE_ID_SCHEME, (imageId: string) => ({ promise: loadCxrImage(api, imageId) }));
}

/** Loads (or takes from the cache) one frame; a failed load leaves no cache entry behind. */
export async function loadFrame(imageId: string): Promise<CxrImage> {
  try {
    return (await cornerstone.loadAndCacheImage(imageId)) as CxrImage;
  } catch (err) {
    // cornerstone keeps the rejected promise cached; drop it so a retry loads again.
    try {
      cornerstone.imageCache.removeImageLoadObject(imageId);
    } catch {
      // Not cached: nothing to drop.
    }
    if (err instanceof ImageLoadError) throw err;
    throw new ImageLoadError({ code: 'LOAD_FAILED', message: err instanceof Error ? err.message : String(err) });
  }
}
