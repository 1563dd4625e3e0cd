/**
 * The grayscale display pipeline of PS3.3 C.11 (and PS3.4 N.2.1): stored value → Modality LUT
 * or Rescale (C.11.1) → VOI window or VOI LUT (C.11.2) → MONOCHROME1 / Presentation LUT Shape
 * inversion (C.7.6.3.1.2, C.11.6) → 8-bit display value. Pixel padding (C.7.5.1.1.2) shows black.
 * Pure: the renderer builds the same LUT the main process uses for thumbnails.
 */
import type { ImageDisplayInfo, LookupTable } from './types';

/** A VOI window (PS3.3 C.11.2.1.2) with its function. */
export interface VoiWindow {
  kind: 'window';
  center: number;
  width: number;
  /** Default: the image's VOI LUT Function (0028,1056). */
  voiLutFunction?: 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';
}

/** A VOI LUT from the VOI LUT Sequence (PS3.3 C.11.2.1.1). */
export interface VoiLutSetting {
  kind: 'lut';
  lut: LookupTable;
}

export type VoiSetting = VoiWindow | VoiLutSetting;

/** Value of `lut` for input x: inputs below the first mapped value give the first entry, above the last give the last (PS3.3 C.11.1.1.1). */
export function lookup(lut: LookupTable, x: number): number {
  const n = lut.lut.length;
  if (n === 0) return 0;
  let i = Math.round(x) - lut.firstValueMapped;
  if (i < 0) i = 0;
  else if (i >= n) i = n - 1;
  return lut.lut[i];
}

/** Stored value → modality value: the Modality LUT when present, else slope·x + intercept (PS3.3 C.11.1). */
export function modalityValue(stored: number, info: Pick<ImageDisplayInfo, 'modalityLut' | 'rescaleSlope' | 'rescaleIntercept'>): number {
  if (info.modalityLut) return lookup(info.modalityLut, stored);
  return stored * info.rescaleSlope + info.rescaleIntercept;
}

/**
 * Applies a VOI window function to x, output in [yMin, yMax]:
 * - LINEAR (PS3.3 C.11.2.1.2.1): if x ≤ c − 0.5 − (w−1)/2 → yMin; if x > c − 0.5 + (w−1)/2 → yMax;
 *   else ((x − (c − 0.5)) / (w − 1) + 0.5)·(yMax − yMin) + yMin. Width below 1 is treated as 1.
 * - LINEAR_EXACT (C.11.2.1.3.2): if x ≤ c − w/2 → yMin; if x > c + w/2 → yMax; else ((x − c)/w + 0.5)·range + yMin.
 * - SIGMOID (C.11.2.1.3.1): range / (1 + exp(−4(x − c)/w)) + yMin.
 */
export function applyVoiFunction(x: number, center: number, width: number, fn: 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID', yMin = 0, yMax = 255): number {
  const range = yMax - yMin;
  if (fn === 'SIGMOID') {
    const w = width > 0 ? width : 1;
    return range / (1 + Math.exp((-4 * (x - center)) / w)) + yMin;
  }
  if (fn === 'LINEAR_EXACT') {
    const w = width > 0 ? width : Number.MIN_VALUE;
    if (x <= center - w / 2) return yMin;
    if (x > center + w / 2) return yMax;
    return ((x - center) / w + 0.5) * range + yMin;
  }
  const w = width >= 1 ? width : 1;
  const c = center - 0.5;
  const half = (w - 1) / 2;
  if (x <= c - half) return yMin;
  if (x > c + half) return yMax;
  // w = 1 is a threshold: the interval above is empty, so the division never happens.
  return ((x - c) / (w - 1) + 0.5) * range + yMin;
}

/** Applies a VOI LUT (PS3.3 C.11.2.1.1) and scales its output range (0 … 2^bits − 1) to [0, 255]. */
export function applyVoiLut(lut: LookupTable, x: number): number {
  const max = 2 ** Math.min(16, Math.max(1, lut.numBitsPerEntry)) - 1;
  return (lookup(lut, x) / max) * 255;
}

/**
 * Whether display is inverted after VOI: MONOCHROME1 (PS3.3 C.7.6.3.1.2) or Presentation LUT
 * Shape INVERSE (C.11.6.1.2). In DX objects INVERSE accompanies MONOCHROME1 and describes the
 * same single inversion (PS3.3 C.8.11.1.1.1 / Table C.8-70), so the two are OR-ed, not XOR-ed.
 * `userInvert` (the viewer's invert tool) flips the result.
 */
export function isDisplayInverted(info: Pick<ImageDisplayInfo, 'invertAfterVoi' | 'presentationLutShape'>, userInvert = false): boolean {
  const fileInverts = info.invertAfterVoi || info.presentationLutShape === 'INVERSE';
  return fileInverts !== userInvert;
}

/** True when stored value v is pixel padding (PS3.3 C.7.5.1.1.2: a value, or the range between Value and Range Limit). */
export function isPadding(v: number, info: Pick<ImageDisplayInfo, 'pixelPaddingValue' | 'pixelPaddingRangeLimit'>): boolean {
  const p = info.pixelPaddingValue;
  if (p === undefined) return false;
  const limit = info.pixelPaddingRangeLimit;
  if (limit === undefined) return v === p;
  return v >= Math.min(p, limit) && v <= Math.max(p, limit);
}

/** An 8-bit display LUT indexed by stored value − offset, covering minStored…maxStored. */
export interface DisplayLut {
  lut: Uint8Array;
  /** The stored value of entry 0 (= minStored). */
  offset: number;
}

/** Largest LUT built (entries); wider stored ranges are sampled per pixel by {@link displayValue}. */
export const MAX_DISPLAY_LUT_ENTRIES = 1 << 24;

/** The display value (0–255) of one stored value through the whole pipeline. */
export function displayValue(stored: number, info: ImageDisplayInfo, voi: VoiSetting, userInvert = false): number {
  if (isPadding(stored, info)) return 0;
  const m = modalityValue(stored, info);
  let y = voi.kind === 'lut' ? applyVoiLut(voi.lut, m) : applyVoiFunction(m, voi.center, voi.width, voi.voiLutFunction ?? info.voiLutFunction);
  if (isDisplayInverted(info, userInvert)) y = 255 - y;
  return Math.round(y < 0 ? 0 : y > 255 ? 255 : y);
}

/**
 * Builds the 8-bit display LUT for stored values minStored…maxStored (PS3.4 N.2.1 pipeline:
 * modality → VOI → inversion after VOI; padding → 0). For grayscale images only.
 */
export function buildDisplayLut(info: ImageDisplayInfo, voi: VoiSetting, userInvert = false): DisplayLut {
  const offset = Math.floor(info.minStored);
  const span = Math.min(MAX_DISPLAY_LUT_ENTRIES, Math.max(1, Math.floor(info.maxStored) - offset + 1));
  const lut = new Uint8Array(span);
  for (let i = 0; i < span; i++) lut[i] = displayValue(offset + i, info, voi, userInvert);
  return { lut, offset };
}

/** Default VOI: the first DICOM window preset, else the first VOI LUT, else the full modality range of the frame. */
export function defaultVoi(info: ImageDisplayInfo): VoiSetting {
  const p = info.windowPresets[0];
  if (p) return { kind: 'window', center: p.center, width: p.width };
  const l = info.voiLuts[0];
  if (l) return { kind: 'lut', lut: l };
  return minMaxWindow(info);
}

/** A window spanning the modality values of minStored…maxStored (LINEAR). */
export function minMaxWindow(info: ImageDisplayInfo): VoiWindow {
  const a = modalityValue(info.minStored, info);
  const b = modalityValue(info.maxStored, info);
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return { kind: 'window', center: (lo + hi + 1) / 2, width: Math.max(1, hi - lo + 1), voiLutFunction: 'LINEAR' };
}
