/**
 * Windows derived from the image: the automatic window (a histogram of stored values,
 * 1st–99th percentile, padding excluded, mapped to modality values) and the chest presets.
 *
 * Chest presets: for Hounsfield-unit data (CT-like: Rescale Type "HU") the usual fixed windows
 * lung W1500/L−600, mediastinum W350/L50, bone W2000/L300. Projection radiographs have no
 * HU scale, so fixed numbers mean nothing; there the presets come from percentiles of the
 * image's own histogram, ranked by attenuation (higher stored = more attenuation for
 * MONOCHROME2, the reverse for MONOCHROME1):
 *   lung         2nd–55th attenuation percentile  (air-filled lung and soft tissue edge),
 *   mediastinum 35th–97th                           (soft tissue, heart, mediastinum),
 *   bone        70th–99.9th                         (ribs, spine, clavicles).
 * These are heuristics for reading comfort, documented here and in the README, not calibrated.
 */
import type { ImageDisplayInfo, StoredPixels, WindowPreset } from './types';
import { isPadding, modalityValue } from './voi';

/** Largest stored-value span counted in a dense histogram; wider spans sort a sample instead. */
const MAX_HISTOGRAM_SPAN = 1 << 20;
/** At most this many pixels are visited (a regular stride), keeping big images fast. */
const MAX_SAMPLES = 1 << 20;

/** Percentiles (0–100) of the non-padding stored values of a grayscale frame. */
export function storedPercentiles(pixels: StoredPixels, info: ImageDisplayInfo, percents: number[]): number[] {
  const n = pixels.length;
  const stride = Math.max(1, Math.floor(n / MAX_SAMPLES));
  const lo = Math.floor(info.minStored);
  const span = Math.floor(info.maxStored) - lo + 1;
  const hasPadding = info.pixelPaddingValue !== undefined;
  if (span > 0 && span <= MAX_HISTOGRAM_SPAN) {
    const counts = new Uint32Array(span);
    let total = 0;
    for (let i = 0; i < n; i += stride) {
      const v = pixels[i];
      if (hasPadding && isPadding(v, info)) continue;
      const k = v - lo;
      if (k >= 0 && k < span) {
        counts[k]++;
        total++;
      }
    }
    if (total === 0) return percents.map(() => lo);
    return percents.map((p) => {
      const target = Math.min(total - 1, Math.max(0, Math.floor((p / 100) * (total - 1))));
      let acc = 0;
      for (let k = 0; k < span; k++) {
        acc += counts[k];
        if (acc > target) return k + lo;
      }
      return span - 1 + lo;
    });
  }
  const sample: number[] = [];
  for (let i = 0; i < n; i += stride) {
    const v = pixels[i];
    if (!(hasPadding && isPadding(v, info))) sample.push(v);
  }
  if (sample.length === 0) return percents.map(() => lo);
  sample.sort((a, b) => a - b);
  return percents.map((p) => sample[Math.min(sample.length - 1, Math.max(0, Math.floor((p / 100) * (sample.length - 1))))]);
}

function windowBetween(storedA: number, storedB: number, info: ImageDisplayInfo, explanation: string): WindowPreset {
  const a = modalityValue(storedA, info);
  const b = modalityValue(storedB, info);
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return { center: (lo + hi) / 2, width: Math.max(1, hi - lo), explanation };
}

/** The automatic window: 1st–99th percentile of the stored values (padding excluded), as modality values. */
export function autoWindow(pixels: StoredPixels, info: ImageDisplayInfo, lowPercent = 1, highPercent = 99): WindowPreset {
  const [a, b] = storedPercentiles(pixels, info, [lowPercent, highPercent]);
  return windowBetween(a, b, info, 'Auto');
}

/** True when modality values are Hounsfield units (Rescale Type HU, PS3.3 C.11.1.1.2). */
export function isHounsfield(info: ImageDisplayInfo): boolean {
  return (info.rescaleType ?? '').toUpperCase() === 'HU';
}

/** Lung, mediastinum and bone presets (see the module comment for how they are chosen). */
export function chestPresets(pixels: StoredPixels, info: ImageDisplayInfo): WindowPreset[] {
  if (isHounsfield(info)) {
    return [
      { center: -600, width: 1500, explanation: 'Lung' },
      { center: 50, width: 350, explanation: 'Mediastinum' },
      { center: 300, width: 2000, explanation: 'Bone' },
    ];
  }
  const ranges: Array<[string, number, number]> = [
    ['Lung', 2, 55],
    ['Mediastinum', 35, 97],
    ['Bone', 70, 99.9],
  ];
  // Attenuation rank → value percentile: reversed for MONOCHROME1 (low stored = bright).
  const reversed = info.photometricInterpretation === 'MONOCHROME1';
  const percents = ranges.flatMap(([, a, b]) => (reversed ? [100 - b, 100 - a] : [a, b]));
  const values = storedPercentiles(pixels, info, percents);
  return ranges.map(([name], i) => windowBetween(values[2 * i], values[2 * i + 1], info, name));
}
