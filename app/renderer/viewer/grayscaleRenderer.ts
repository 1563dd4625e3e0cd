/**
 * The grayscale renderer of this viewer, installed as `image.render` (cornerstone-core
 * calls it instead of its own renderGrayscaleImage). Why not cornerstone's: it windows
 * every pixel of the full-resolution image on each W/L step (7.5 M pixels for a
 * 3000 × 2500 radiograph) and builds its LUT through per-value closures, which caps a
 * window/level drag well below 60 frames/s on a CPU; and its non-linear Modality LUT
 * lookup ignores firstValueMapped. Here the LUT is built once per window
 * (displayPipeline.ts, exact PS3.3 C.11 semantics) and applied to a pyramid level
 * close to screen resolution, and only to the part of it the canvas shows; the
 * full-resolution level is used from 1:1 zoom up.
 */
import * as cornerstone from 'cornerstone-core';
import type { EnabledElement, Viewport } from 'cornerstone-core';
import type { CxrImage } from './imageObject';
import { applyLutRect, buildGreyLut, downsample2x, greyLutToRgba32, levelForScale, levelRectFor, lutBinSize, rectContains, visibleImageRect, type PixelRect, type PyramidLevel } from './displayPipeline';
import type { DisplayLut } from './voi';

interface PyramidCache {
  levels: PyramidLevel[];
}

/** Pyramids per image (dropped with the image when cornerstone's cache evicts it). */
const pyramids = new WeakMap<CxrImage, PyramidCache>();

interface LutCache {
  key: string;
  /** Both tables are refilled in place when the window changes (no per-frame garbage). */
  grey: Uint8Array;
  lut32: Uint32Array;
}
const luts = new WeakMap<CxrImage, LutCache>();

/** Per-element render target (reused between frames). */
interface RenderTarget {
  canvas: HTMLCanvasElement;
  context: CanvasRenderingContext2D;
  imageData: ImageData;
  out32: Uint32Array;
  image?: CxrImage;
  level: number;
  lutKey: string;
  /** Texels of the level windowed with `lutKey` (and put on `canvas`) since it last changed. */
  valid?: PixelRect;
}
const targets = new WeakMap<HTMLElement, RenderTarget>();

function getLevel(image: CxrImage, level: number): PyramidLevel {
  let cache = pyramids.get(image);
  if (!cache) {
    cache = { levels: [{ level: 0, width: image.columns, height: image.rows, pixels: image.cxrStored }] };
    pyramids.set(image, cache);
  }
  while (cache.levels.length <= level) cache.levels.push(downsample2x(cache.levels[cache.levels.length - 1]));
  return cache.levels[level];
}

function lutKey(vp: Viewport): string {
  const voiLut = vp.voiLUT as DisplayLut | undefined;
  return `${vp.voi.windowCenter}|${vp.voi.windowWidth}|${vp.invert ? 1 : 0}|${voiLut?.id ?? ''}`;
}

/** The RGBA32 LUT of the viewport's current window (cached per image and window). */
export function currentLut(image: CxrImage, vp: Viewport): Uint32Array {
  const key = lutKey(vp);
  const cached = luts.get(image);
  if (cached && cached.key === key) return cached.lut32;
  const grey = buildGreyLut(
    image.cxrInfo,
    image.minPixelValue,
    image.maxPixelValue,
    { windowCenter: vp.voi.windowCenter, windowWidth: vp.voi.windowWidth, invert: vp.invert, voiLut: vp.voiLUT as DisplayLut | undefined },
    lutBinSize(image.minPixelValue, image.maxPixelValue),
    cached?.grey,
  );
  const lut32 = greyLutToRgba32(grey, cached?.lut32);
  if (cached) {
    cached.key = key;
    cached.grey = grey;
    cached.lut32 = lut32;
  } else {
    luts.set(image, { key, grey, lut32 });
  }
  return lut32;
}

function targetFor(element: HTMLElement, width: number, height: number): RenderTarget {
  let target = targets.get(element);
  if (!target || target.canvas.width !== width || target.canvas.height !== height) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d')!;
    const imageData = context.createImageData(width, height);
    target = { canvas, context, imageData, out32: new Uint32Array(imageData.data.buffer), level: -1, lutKey: '' };
    targets.set(element, target);
  }
  return target;
}

/** `image.render` for grayscale CxrImages (cornerstone-core's drawImageSync calls it). */
export function renderCxrGrayscale(enabledElement: EnabledElement, invalidated?: boolean): void {
  const image = enabledElement.image as CxrImage | undefined;
  const vp = enabledElement.viewport;
  if (!image || !vp) return;
  const canvas = enabledElement.canvas;
  const context = canvas.getContext('2d')!;
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.fillStyle = '#000';
  context.fillRect(0, 0, canvas.width, canvas.height);

  const level = vp.pixelReplication ? 0 : levelForScale(vp.scale, image.columns, image.rows);
  const source = getLevel(image, level);
  // Only the part of the image the canvas shows is windowed, uploaded and drawn: zoomed
  // in, a window/level step then costs about one screen of pixels, not the whole image.
  const visible = visibleImageRect(cornerstone.internal.getTransform(enabledElement).m, canvas.width, canvas.height, image.columns, image.rows);
  if (!visible) return;
  const rect = levelRectFor(visible, image.columns, image.rows, source.width, source.height);
  if (rect.width === 0 || rect.height === 0) return;
  const target = targetFor(enabledElement.element, source.width, source.height);
  const key = lutKey(vp);
  if (invalidated || target.image !== image || target.level !== level || target.lutKey !== key || !rectContains(target.valid, rect)) {
    const binSize = lutBinSize(image.minPixelValue, image.maxPixelValue);
    applyLutRect(source.pixels, source.width, rect, currentLut(image, vp), image.minPixelValue, target.out32, binSize);
    // The dirty-rectangle form copies only the windowed texels to the canvas.
    target.context.putImageData(target.imageData, 0, 0, rect.x, rect.y, rect.width, rect.height);
    target.image = image;
    target.level = level;
    target.lutKey = key;
    target.valid = rect;
  }
  context.imageSmoothingEnabled = !vp.pixelReplication;
  // Draw the level in image pixel coordinates through cornerstone's own transform
  // (scale, pan, rotation, flips), so tools and annotations stay aligned. A level texel
  // spans columns / level width image pixels (the last one may hang past the edge).
  cornerstone.setToPixelCoordinateSystem(enabledElement, context);
  const fx = image.columns / source.width;
  const fy = image.rows / source.height;
  context.drawImage(target.canvas, rect.x, rect.y, rect.width, rect.height, rect.x * fx, rect.y * fy, rect.width * fx, rect.height * fy);
}

/**
 * Draws a full-resolution, windowed patch of the image for the magnifier: the image
 * region under `size / factor` canvas pixels around `center`, through the element's
 * transform magnified `factor` times. Returns false when there is nothing to draw.
 */
export function drawMagnifiedGrayscale(enabledElement: EnabledElement, target: CanvasRenderingContext2D, center: { x: number; y: number }, size: number, factor: number): boolean {
  const image = enabledElement.image as CxrImage | undefined;
  const vp = enabledElement.viewport;
  if (!image || !vp || image.color) return false;
  const { element } = enabledElement;
  const half = size / (2 * factor);
  const corners = [
    { x: center.x - half, y: center.y - half },
    { x: center.x + half, y: center.y - half },
    { x: center.x - half, y: center.y + half },
    { x: center.x + half, y: center.y + half },
  ].map((p) => cornerstone.canvasToPixel(element, p));
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p.x))) - 1);
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p.y))) - 1);
  const x1 = Math.min(image.columns, Math.ceil(Math.max(...corners.map((p) => p.x))) + 1);
  const y1 = Math.min(image.rows, Math.ceil(Math.max(...corners.map((p) => p.y))) + 1);
  const w = x1 - x0;
  const h = y1 - y0;
  if (w <= 0 || h <= 0) return false;
  const lut32 = currentLut(image, vp);
  const patch = document.createElement('canvas');
  patch.width = w;
  patch.height = h;
  const pctx = patch.getContext('2d')!;
  const data = pctx.createImageData(w, h);
  const out = new Uint32Array(data.data.buffer);
  const stored = image.cxrStored;
  const last = lut32.length - 1;
  const binSize = lutBinSize(image.minPixelValue, image.maxPixelValue);
  for (let y = 0; y < h; y++) {
    const row = (y0 + y) * image.columns + x0;
    for (let x = 0; x < w; x++) {
      let index = Math.floor((stored[row + x] - image.minPixelValue) / binSize);
      if (index < 0) index = 0;
      else if (index > last) index = last;
      out[y * w + x] = lut32[index];
    }
  }
  pctx.putImageData(data, 0, 0);
  const m = cornerstone.internal.getTransform(enabledElement).m;
  target.save();
  target.translate(size / 2, size / 2);
  target.scale(factor, factor);
  target.translate(-center.x, -center.y);
  target.transform(m[0], m[1], m[2], m[3], m[4], m[5]);
  target.imageSmoothingEnabled = false;
  target.drawImage(patch, x0, y0);
  target.restore();
  return true;
}
