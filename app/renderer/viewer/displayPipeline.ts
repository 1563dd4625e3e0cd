/**
 * The grayscale display pipeline as pure functions (PS3.3 C.11, PS3.14 for the idea of
 * a presentation value): stored value → Modality LUT / rescale → VOI (linear window,
 * SIGMOID or a VOI LUT table) → inversion (MONOCHROME1, Presentation LUT INVERSE) →
 * 8-bit grey. Tabulated once per window change over the stored range, then applied per
 * pixel with one table lookup; plus a 2× box-filter pyramid so images larger than the
 * screen are windowed at (about) screen resolution. No DOM; unit-tested directly.
 */
import type { ImageDisplayInfo } from '../../shared/imaging/types';
import { applyVoiFunction, isPadding, modalityValue } from '../../shared/imaging/voi';
import type { DisplayLut } from './voi';

/** What the display LUT depends on besides the image. */
export interface DisplaySettings {
  windowCenter: number;
  windowWidth: number;
  /** Invert after VOI (MONOCHROME1 / INVERSE / the user's invert). */
  invert: boolean;
  /** A non-linear VOI as built by voi.ts (SIGMOID or a VOI LUT Sequence item), 8-bit entries after a sentinel. */
  voiLut?: DisplayLut;
}

type LutInfo = Pick<ImageDisplayInfo, 'rescaleSlope' | 'rescaleIntercept' | 'modalityLut' | 'voiLutFunction'> &
  Partial<Pick<ImageDisplayInfo, 'pixelPaddingValue' | 'pixelPaddingRangeLimit'>>;

/** Looks a modality value up in a {@link DisplayLut} (skipping its sentinel entry, clamping at both ends). */
export function lookupDisplayLut(table: DisplayLut, modalityValue: number): number {
  const n = table.lut.length;
  let index = Math.round(modalityValue) - table.firstValueMapped;
  if (index < 1) index = 1;
  else if (index > n - 1) index = n - 1;
  return table.lut[index];
}

/** Most LUT entries; wider stored ranges (32-bit data) share one entry per bin. */
export const MAX_LUT_ENTRIES = 1 << 22;

/** Stored values per LUT entry for a stored range (1 up to {@link MAX_LUT_ENTRIES} values). */
export function lutBinSize(minStored: number, maxStored: number): number {
  return Math.max(1, Math.ceil((maxStored - minStored + 1) / MAX_LUT_ENTRIES));
}

/**
 * Greys of the stored values in [minStored, maxStored]: `lut[(s - minStored) / binSize]`
 * (binSize from {@link lutBinSize}; 1 for every 8–16-bit image). `reuse`, when it has the
 * right length, is filled instead of a new array: a window/level drag rebuilds the LUT
 * every frame, and fresh arrays each time feed the garbage collector.
 */
export function buildGreyLut(info: LutInfo, minStored: number, maxStored: number, settings: DisplaySettings, binSize = 1, reuse?: Uint8Array): Uint8Array {
  const length = Math.max(Math.floor((maxStored - minStored) / binSize) + 1, 1);
  const lut = reuse && reuse.length === length ? reuse : new Uint8Array(length);
  // SIGMOID arrives tabulated (settings.voiLut); a plain window is LINEAR or LINEAR_EXACT.
  const fn = info.voiLutFunction === 'LINEAR_EXACT' ? 'LINEAR_EXACT' : 'LINEAR';
  const table = settings.voiLut;
  const linearModality = !info.modalityLut || info.modalityLut.lut.length === 0;
  const slope = info.rescaleSlope;
  const intercept = info.rescaleIntercept;
  for (let i = 0; i < length; i++) {
    const stored = minStored + i * binSize;
    const mv = linearModality ? stored * slope + intercept : modalityValue(stored, info);
    let v = table ? lookupDisplayLut(table, mv) : applyVoiFunction(mv, settings.windowCenter, settings.windowWidth, fn);
    v = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
    lut[i] = settings.invert ? 255 - v : v;
  }
  // Pixel Padding (PS3.3 C.7.5.1.1.2) is not image: show it black whatever the window
  // or inversion, so a collimator border never glares white on MONOCHROME1.
  if (info.pixelPaddingValue !== undefined) {
    const limit = info.pixelPaddingRangeLimit ?? info.pixelPaddingValue;
    const from = Math.max(Math.min(info.pixelPaddingValue, limit), minStored);
    const to = Math.min(Math.max(info.pixelPaddingValue, limit), maxStored);
    for (let s = from; s <= to; s += binSize) if (isPadding(s, info)) lut[Math.floor((s - minStored) / binSize)] = 0;
  }
  return lut;
}

/** Opaque RGBA words (little-endian ABGR) of a grey LUT, for one 32-bit store per pixel
 * (into `reuse` when it has the right length, as in {@link buildGreyLut}). */
export function greyLutToRgba32(grey: Uint8Array, reuse?: Uint32Array): Uint32Array {
  const out = reuse && reuse.length === grey.length ? reuse : new Uint32Array(grey.length);
  for (let i = 0; i < grey.length; i++) {
    const v = grey[i];
    out[i] = (0xff000000 | (v << 16) | (v << 8) | v) >>> 0;
  }
  return out;
}

/** Applies an RGBA32 LUT to stored values. Values outside the LUT clamp to its ends. */
export function applyLut(pixels: ArrayLike<number>, count: number, lut32: Uint32Array, minStored: number, out: Uint32Array, binSize = 1): void {
  const last = lut32.length - 1;
  if (binSize !== 1) {
    for (let i = 0; i < count; i++) {
      let index = Math.floor((pixels[i] - minStored) / binSize);
      if (index < 0) index = 0;
      else if (index > last) index = last;
      out[i] = lut32[index];
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    let index = pixels[i] - minStored;
    if (index < 0) index = 0;
    else if (index > last) index = last;
    out[i] = lut32[index];
  }
}

/** One level of the pyramid: stored values averaged over 2^level × 2^level blocks. */
export interface PyramidLevel {
  level: number;
  width: number;
  height: number;
  pixels: ArrayLike<number>;
}

type IntArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Int32Array;

/** Halves width and height with a 2×2 box filter (edges repeat the last row/column). */
export function downsample2x(src: PyramidLevel): PyramidLevel {
  const { width, height } = src;
  const pixels = src.pixels as IntArray;
  const w = Math.max(1, Math.ceil(width / 2));
  const h = Math.max(1, Math.ceil(height / 2));
  const Ctor = (pixels as IntArray).constructor as new (n: number) => IntArray;
  const out = new Ctor(w * h);
  for (let y = 0; y < h; y++) {
    const r0 = 2 * y * width;
    const r1 = Math.min(2 * y + 1, height - 1) * width;
    const o = y * w;
    for (let x = 0; x < w; x++) {
      const c0 = 2 * x;
      const c1 = Math.min(c0 + 1, width - 1);
      // Floor division keeps signed values in range (PS3.5 8: signed stored values).
      out[o + x] = Math.floor((pixels[r0 + c0] + pixels[r0 + c1] + pixels[r1 + c0] + pixels[r1 + c1] + 2) / 4);
    }
  }
  return { level: src.level + 1, width: w, height: h, pixels: out };
}

/**
 * The coarsest pyramid level whose texels still map to at most one screen pixel at
 * this scale (screen px per image px), so windowing runs on about screen resolution
 * and the final draw only ever shrinks (no blur from upsampling a coarse level).
 */
export function levelForScale(scale: number, width: number, height: number, maxLevel = 4): number {
  let level = 0;
  while (level < maxLevel && scale * 2 ** (level + 1) <= 1 && Math.min(width, height) / 2 ** (level + 1) >= 64) level++;
  return level;
}

/** An axis-aligned rectangle in pixels (integers). */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The image-pixel rectangle a `canvasWidth` × `canvasHeight` canvas shows through the affine
 * canvas-from-image transform `m` = [a, b, c, d, e, f] (cornerstone's, rotation and flips
 * included): the bounding box of the four canvas corners mapped back, clamped to the image.
 * Undefined when the image is entirely off the canvas.
 */
export function visibleImageRect(m: ArrayLike<number>, canvasWidth: number, canvasHeight: number, columns: number, rows: number): PixelRect | undefined {
  const [a, b, c, d, e, f] = [m[0], m[1], m[2], m[3], m[4], m[5]];
  const det = a * d - b * c;
  if (!Number.isFinite(det) || det === 0) return { x: 0, y: 0, width: columns, height: rows };
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const [cx, cy] of [
    [0, 0],
    [canvasWidth, 0],
    [0, canvasHeight],
    [canvasWidth, canvasHeight],
  ]) {
    const x = (d * (cx - e) - c * (cy - f)) / det;
    const y = (-b * (cx - e) + a * (cy - f)) / det;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  const left = Math.max(0, Math.floor(x0));
  const top = Math.max(0, Math.floor(y0));
  const right = Math.min(columns, Math.ceil(x1));
  const bottom = Math.min(rows, Math.ceil(y1));
  if (right <= left || bottom <= top) return undefined;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * The texels of a `levelWidth` × `levelHeight` pyramid level (drawn stretched over the
 * `columns` × `rows` image) that cover an image-pixel rectangle, grown by `margin` texels so
 * smoothing at the rectangle's edges samples real neighbours, clamped to the level.
 */
export function levelRectFor(rect: PixelRect, columns: number, rows: number, levelWidth: number, levelHeight: number, margin = 2): PixelRect {
  const sx = levelWidth / columns;
  const sy = levelHeight / rows;
  const left = Math.max(0, Math.floor(rect.x * sx) - margin);
  const top = Math.max(0, Math.floor(rect.y * sy) - margin);
  const right = Math.min(levelWidth, Math.ceil((rect.x + rect.width) * sx) + margin);
  const bottom = Math.min(levelHeight, Math.ceil((rect.y + rect.height) * sy) + margin);
  return { x: left, y: top, width: Math.max(0, right - left), height: Math.max(0, bottom - top) };
}

/** True when `outer` contains all of `inner`. */
export function rectContains(outer: PixelRect | undefined, inner: PixelRect): boolean {
  return !!outer && inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

/**
 * {@link applyLut} over one rectangle of a `width`-wide raster; `pixels` and `out` share
 * that layout. Only what the canvas shows is windowed: at 1:1 on a 3000 × 2500 image that
 * is the screen's ~1 M pixels instead of 7.5 M on every window/level step.
 */
export function applyLutRect(pixels: ArrayLike<number>, width: number, rect: PixelRect, lut32: Uint32Array, minStored: number, out: Uint32Array, binSize = 1): void {
  const last = lut32.length - 1;
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    const start = y * width + rect.x;
    const end = start + rect.width;
    if (binSize !== 1) {
      for (let i = start; i < end; i++) {
        let index = Math.floor((pixels[i] - minStored) / binSize);
        if (index < 0) index = 0;
        else if (index > last) index = last;
        out[i] = lut32[index];
      }
    } else {
      for (let i = start; i < end; i++) {
        let index = pixels[i] - minStored;
        if (index < 0) index = 0;
        else if (index > last) index = last;
        out[i] = lut32[index];
      }
    }
  }
}
