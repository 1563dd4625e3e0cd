/**
 * VOI choices of the viewer on top of the shared pipeline (app/shared/imaging/voi.ts and
 * autoWindow.ts, the same functions main uses for thumbnails): the window an image opens
 * with, the chest presets and automatic window, and the non-linear VOIs (SIGMOID, VOI LUT
 * Sequence) tabulated over the image's modality range (PS3.3 C.11.2). Pure; unit-tested.
 */
import type { ImageDisplayInfo, LookupTable, StoredPixels } from '../../shared/imaging/types';
import { applyVoiFunction, applyVoiLut, modalityValue } from '../../shared/imaging/voi';
import { autoWindow as sharedAutoWindow, chestPresets } from '../../shared/imaging/autoWindow';

/** A linear window in modality units (PS3.3 C.11.2.1.2). */
export interface VoiWindow {
  windowCenter: number;
  windowWidth: number;
}

/**
 * A VOI tabulated over integer modality values: `lut[round(x) − firstValueMapped]`, 8-bit
 * entries, entry 0 a sentinel (see {@link displayLutFromMapping}). Kept on the cornerstone
 * viewport as `voiLUT`; this viewer's renderer (grayscaleRenderer.ts) reads it.
 */
export interface DisplayLut {
  /** New for every table: the renderer caches its output per table id. */
  id: string;
  firstValueMapped: number;
  numBitsPerEntry: number;
  lut: number[];
}

/** Range of modality values the stored range [minStored, maxStored] maps to. */
export function modalityRange(info: Pick<ImageDisplayInfo, 'minStored' | 'maxStored' | 'rescaleSlope' | 'rescaleIntercept' | 'modalityLut'>): {
  min: number;
  max: number;
} {
  const table = info.modalityLut;
  if (table && table.lut.length > 0) {
    // Only the entries the stored range reaches (values outside clamp to the ends, PS3.3 C.11.1.1.1).
    const last = table.lut.length - 1;
    const from = Math.min(Math.max(info.minStored - table.firstValueMapped, 0), last);
    const to = Math.min(Math.max(info.maxStored - table.firstValueMapped, 0), last);
    let min = Infinity;
    let max = -Infinity;
    for (let i = from; i <= to; i++) {
      const v = table.lut[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { min, max };
  }
  const a = modalityValue(info.minStored, info);
  const b = modalityValue(info.maxStored, info);
  return { min: Math.min(a, b), max: Math.max(a, b) };
}

/** Automatic window from the histogram (shared autoWindow.ts: 1st–99th percentile, padding excluded). */
export function autoWindow(pixels: StoredPixels, info: ImageDisplayInfo): VoiWindow {
  const w = sharedAutoWindow(pixels, info);
  return { windowCenter: w.center, windowWidth: w.width };
}

/** Names of the chest presets (issue #2: lung, mediastinum, bone). */
export type ChestPresetName = 'lung' | 'mediastinum' | 'bone';

/** The window of one chest preset for this image (shared autoWindow.ts documents how they are chosen). */
export function chestPreset(name: ChestPresetName, pixels: StoredPixels, info: ImageDisplayInfo): VoiWindow {
  const wanted = name.toLowerCase();
  const preset = chestPresets(pixels, info).find((p) => p.explanation?.toLowerCase() === wanted);
  if (!preset) return autoWindow(pixels, info);
  return { windowCenter: preset.center, windowWidth: preset.width };
}

let lutSerial = 0;
/** A fresh id for a {@link DisplayLut}. */
export function nextLutId(): string {
  lutSerial += 1;
  return `cxr-lut-${lutSerial}`;
}

/**
 * Tabulates a mapping of integer modality values to 0..255 over [minModality,
 * maxModality]. Entry 0 is a sentinel of 255 for minModality − 1 (a value no pixel has):
 * cornerstone-core, should it ever read the table, derives the entry width from the
 * largest entry, and a table whose entries all stay below 128 would shift by a negative
 * amount. Values above the range clamp to the last entry (PS3.3 C.11.2.1.1).
 */
export function displayLutFromMapping(mapping: (modalityValue: number) => number, minModality: number, maxModality: number): DisplayLut {
  const first = Math.floor(minModality);
  const last = Math.max(Math.ceil(maxModality), first);
  const lut = new Array<number>(last - first + 2);
  lut[0] = 255;
  for (let v = first; v <= last; v++) {
    lut[v - first + 1] = Math.min(255, Math.max(0, Math.round(mapping(v))));
  }
  return { id: nextLutId(), firstValueMapped: first - 1, numBitsPerEntry: 8, lut };
}

/** A SIGMOID VOI (PS3.3 C.11.2.1.3.1) of the current window, tabulated. */
export function sigmoidDisplayLut(window: VoiWindow, minModality: number, maxModality: number): DisplayLut {
  return displayLutFromMapping((x) => applyVoiFunction(x, window.windowCenter, window.windowWidth, 'SIGMOID'), minModality, maxModality);
}

/** A VOI LUT Sequence item (PS3.3 C.11.2.1.1) resampled onto the image's modality range, scaled to 8 bits. */
export function fileVoiDisplayLut(table: LookupTable, minModality: number, maxModality: number): DisplayLut {
  if (table.lut.length === 0) return displayLutFromMapping(() => 0, minModality, maxModality);
  return displayLutFromMapping((x) => applyVoiLut(table, x), minModality, maxModality);
}

/** Default VOI when an image opens: first DICOM window, else first VOI LUT, else auto. */
export type InitialVoi = { kind: 'window'; window: VoiWindow } | { kind: 'voiLut'; index: number } | { kind: 'auto' };

export function initialVoi(info: Pick<ImageDisplayInfo, 'windowPresets' | 'voiLuts'>): InitialVoi {
  const preset = info.windowPresets.find((p) => Number.isFinite(p.center) && Number.isFinite(p.width) && p.width > 0);
  if (preset) return { kind: 'window', window: { windowCenter: preset.center, windowWidth: preset.width } };
  if (info.voiLuts.length > 0) return { kind: 'voiLut', index: 0 };
  return { kind: 'auto' };
}
