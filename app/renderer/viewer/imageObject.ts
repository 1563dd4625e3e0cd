/**
 * Builds the image object cornerstone-core renders from what `images:load` returns:
 * the stored values (PS3.5 8) and the display attributes (ImageDisplayInfo). Pure: no
 * DOM and no cornerstone import, so unit tests check it directly.
 */
import type { CornerstoneImage } from 'cornerstone-core';
import type { ImageDisplayInfo, StoredPixels } from '../../shared/imaging/types';
import type { ResponseOf } from '../../shared/ipc/contract';
import { isDisplayInverted } from '../../shared/imaging/voi';
import { modalityRange } from './voi';

/** The `images:load` response. */
export type LoadedFrame = ResponseOf<'images:load'>;

/** Image ids of this viewer: `cxr:<instanceId>:<frame>`. */
export const IMAGE_ID_SCHEME = 'cxr';

/** Makes the cornerstone image id of one frame. */
export function makeImageId(instanceId: string, frame = 0): string {
  return `${IMAGE_ID_SCHEME}:${instanceId}:${frame}`;
}

/** Splits an image id made by {@link makeImageId}; undefined when it is not one. */
export function parseImageId(imageId: string): { instanceId: string; frame: number } | undefined {
  const match = /^cxr:(.+):(\d+)$/.exec(imageId);
  if (!match) return undefined;
  return { instanceId: match[1], frame: Number(match[2]) };
}

/** Views the transferred buffer as the typed array named by `pixelType`. */
export function typedPixels(buffer: ArrayBuffer, pixelType: LoadedFrame['pixelType']): Uint8Array | Int8Array | Uint16Array | Int16Array | Int32Array {
  switch (pixelType) {
    case 'uint8':
      return new Uint8Array(buffer);
    case 'int8':
      return new Int8Array(buffer);
    case 'uint16':
      return new Uint16Array(buffer, 0, buffer.byteLength >> 1);
    case 'int16':
      return new Int16Array(buffer, 0, buffer.byteLength >> 1);
    case 'int32':
      return new Int32Array(buffer, 0, buffer.byteLength >> 2);
  }
}

/** Extra fields this viewer keeps on the cornerstone image (the probe and presets use them). */
export interface CxrImageExtras {
  /** Display attributes as decoded in main. */
  cxrInfo: ImageDisplayInfo;
  /** Stored values (one sample) or RGB (three samples), as decoded. */
  cxrStored: StoredPixels;
  /** Modality value range (after PS3.3 C.11.1). */
  cxrModalityRange: { min: number; max: number };
  /** Decode warnings (the image shows, but something in the file was ignored: issue #12). */
  cxrWarnings: string[];
}

export type CxrImage = CornerstoneImage & CxrImageExtras;

/** MONOCHROME1 (PS3.3 C.7.6.3.1.2) and Presentation LUT Shape INVERSE (PS3.3 C.11.6.1)
 * both invert AFTER the VOI step; for DX both describe the same inversion, so they do
 * not cancel out. cornerstone applies `invert` as 255 − VOI(value): exactly that order. */
export function displayInverted(info: Pick<ImageDisplayInfo, 'invertAfterVoi' | 'presentationLutShape'>): boolean {
  return isDisplayInverted(info);
}

/** RGB interleaved → RGBA, the layout cornerstone's colour renderer reads. */
export function rgbToRgba(rgb: ArrayLike<number>, pixelCount: number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(pixelCount * 4);
  for (let i = 0, j = 0; i < pixelCount; i++, j += 3) {
    const o = i * 4;
    rgba[o] = rgb[j];
    rgba[o + 1] = rgb[j + 1];
    rgba[o + 2] = rgb[j + 2];
    rgba[o + 3] = 255;
  }
  return rgba;
}

/**
 * Builds a cornerstone image. Throws an Error naming the problem when the pixel buffer
 * does not match rows × columns × samples (the loader turns it into a viewport error).
 */
export function buildCornerstoneImage(imageId: string, loaded: LoadedFrame): CxrImage {
  const { info } = loaded;
  const pixelCount = info.rows * info.columns;
  const stored = typedPixels(loaded.pixels, loaded.pixelType);
  const expected = pixelCount * info.samplesPerPixel;
  if (stored.length < expected) {
    throw new Error(`pixel data holds ${stored.length} values, ${expected} expected for ${info.columns}×${info.rows}×${info.samplesPerPixel}`);
  }
  const spacing = info.pixelSpacing;
  const common = {
    imageId,
    rows: info.rows,
    columns: info.columns,
    height: info.rows,
    width: info.columns,
    // PS3.3 10.7.1.3: PixelSpacing / ImagerPixelSpacing is "row spacing \ column spacing".
    rowPixelSpacing: spacing?.row,
    columnPixelSpacing: spacing?.column,
    cxrInfo: info,
    cxrStored: stored,
    cxrWarnings: (loaded.warnings ?? []).map((w) => w.message),
  };

  if (info.samplesPerPixel === 3) {
    const rgba = rgbToRgba(stored, pixelCount);
    return {
      ...common,
      color: true,
      rgba: true,
      minPixelValue: 0,
      maxPixelValue: 255,
      slope: 1,
      intercept: 0,
      windowCenter: 127.5,
      windowWidth: 255,
      invert: false,
      getPixelData: () => rgba,
      sizeInBytes: rgba.byteLength + stored.byteLength,
      cxrModalityRange: { min: 0, max: 255 },
    };
  }

  // Guard against a header min/max that disagrees with the data (cornerstone sizes its
  // LUT from them and would index past it).
  let minStored = info.minStored;
  let maxStored = info.maxStored;
  if (!(Number.isFinite(minStored) && Number.isFinite(maxStored)) || minStored > maxStored) {
    minStored = Infinity;
    maxStored = -Infinity;
    for (let i = 0; i < pixelCount; i++) {
      const v = stored[i];
      if (v < minStored) minStored = v;
      if (v > maxStored) maxStored = v;
    }
    if (pixelCount === 0) {
      minStored = 0;
      maxStored = 0;
    }
  }
  const infoForRange = { ...info, minStored, maxStored };
  const range = modalityRange(infoForRange);
  const width = Math.max(range.max - range.min, 1);
  const image: CxrImage = {
    ...common,
    cxrInfo: infoForRange,
    color: false,
    minPixelValue: minStored,
    maxPixelValue: maxStored,
    slope: info.rescaleSlope,
    intercept: info.rescaleIntercept,
    windowCenter: range.min + width / 2,
    windowWidth: width,
    invert: displayInverted(info),
    getPixelData: () => stored,
    sizeInBytes: stored.byteLength,
    cxrModalityRange: range,
  };
  // The Modality LUT Sequence is applied by this viewer's renderer (displayPipeline.ts)
  // from cxrInfo, not handed to cornerstone, whose lookup ignores firstValueMapped.
  return image;
}
