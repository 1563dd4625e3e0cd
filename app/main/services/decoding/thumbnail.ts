/**
 * Thumbnails for the study browser: the frame rendered with its default window (first DICOM
 * preset, else VOI LUT, else the automatic window), MONOCHROME1 inverted after VOI, padding
 * black, area-averaged down to fit `size`×`size`, RGBA 8-bit.
 */
import { autoWindow } from '../../../shared/imaging/autoWindow';
import type { DecodedFrame } from '../../../shared/imaging/types';
import { buildDisplayLut, displayValue, type VoiSetting } from '../../../shared/imaging/voi';
import type { Thumbnail } from './decodeService';

/** The thumbnail's default VOI: a DICOM preset or VOI LUT when the file has one, else the 1–99 % auto window. */
export function thumbnailVoi(frame: DecodedFrame): VoiSetting {
  const { info } = frame;
  const p = info.windowPresets[0];
  if (p) return { kind: 'window', center: p.center, width: p.width };
  if (info.voiLuts[0]) return { kind: 'lut', lut: info.voiLuts[0] };
  const w = autoWindow(frame.pixels, info);
  return { kind: 'window', center: w.center, width: w.width, voiLutFunction: 'LINEAR' };
}

/** Widest stored range rendered through a LUT; wider ranges (32-bit values) are mapped per sampled pixel. */
const MAX_THUMBNAIL_LUT_ENTRIES = 1 << 16;

/** Renders `frame` into a thumbnail whose longer side is at most `size` (never upscaled). */
export function renderThumbnail(frame: DecodedFrame, size: number): Thumbnail {
  const { rows, columns, samplesPerPixel } = frame.info;
  const limit = Math.max(1, Math.floor(size));
  const scale = Math.min(1, limit / Math.max(rows, columns));
  const width = Math.max(1, Math.round(columns * scale));
  const height = Math.max(1, Math.round(rows * scale));
  const channels = samplesPerPixel === 3 ? 3 : 1;
  const sums = new Float64Array(width * height * channels);
  const counts = new Uint32Array(width * height);
  const px = frame.pixels;
  // Column → output column, computed once per column.
  const colMap = new Uint32Array(columns);
  for (let x = 0; x < columns; x++) colMap[x] = Math.min(width - 1, Math.floor((x * width) / columns));
  // Each output pixel averages its source box; for large reductions a regular sub-grid of
  // about 8×8 samples per box is averaged instead of every pixel (same look, ~20× faster).
  const step = Math.max(1, Math.floor(Math.min(rows / height, columns / width) / 8));
  const storedSpan = frame.info.maxStored - frame.info.minStored + 1;
  if (channels === 1 && storedSpan > MAX_THUMBNAIL_LUT_ENTRIES) {
    // 32-bit stored values (e.g. RT Dose): a LUT over the whole range would be too large (and is
    // capped), so each sampled pixel goes through the display pipeline on its own.
    const info = frame.info;
    const voi = thumbnailVoi(frame);
    for (let y = 0; y < rows; y += step) {
      const oy = Math.min(height - 1, Math.floor((y * height) / rows)) * width;
      const row = y * columns;
      for (let x = 0; x < columns; x += step) {
        const o = oy + colMap[x];
        sums[o] += displayValue(px[row + x], info, voi);
        counts[o]++;
      }
    }
  } else if (channels === 1) {
    const { lut, offset } = buildDisplayLut(frame.info, thumbnailVoi(frame));
    const last = lut.length - 1;
    for (let y = 0; y < rows; y += step) {
      const oy = Math.min(height - 1, Math.floor((y * height) / rows)) * width;
      const row = y * columns;
      for (let x = 0; x < columns; x += step) {
        let k = px[row + x] - offset;
        k = k < 0 ? 0 : k > last ? last : k;
        const o = oy + colMap[x];
        sums[o] += lut[k];
        counts[o]++;
      }
    }
  } else {
    for (let y = 0; y < rows; y += step) {
      const oy = Math.min(height - 1, Math.floor((y * height) / rows)) * width;
      const row = y * columns;
      for (let x = 0; x < columns; x += step) {
        const o = oy + colMap[x];
        const i = (row + x) * 3;
        sums[o * 3] += px[i];
        sums[o * 3 + 1] += px[i + 1];
        sums[o * 3 + 2] += px[i + 2];
        counts[o]++;
      }
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let o = 0; o < width * height; o++) {
    const c = counts[o] || 1;
    if (channels === 1) {
      const v = Math.round(sums[o] / c);
      rgba[o * 4] = v;
      rgba[o * 4 + 1] = v;
      rgba[o * 4 + 2] = v;
    } else {
      rgba[o * 4] = Math.round(sums[o * 3] / c);
      rgba[o * 4 + 1] = Math.round(sums[o * 3 + 1] / c);
      rgba[o * 4 + 2] = Math.round(sums[o * 3 + 2] / c);
    }
    rgba[o * 4 + 3] = 255;
  }
  return { width, height, rgba };
}
