/**
 * Model outputs -> what the worklist shows: label, triage priority, "unreliable" flag, and the
 * Grad-CAM map resampled onto the original image grid. Pure TypeScript (no node:/DOM).
 */
import type { ModelManifest } from './modelManifest';
import type { Letterbox } from './preprocess';

export type TriagePriority = 'high' | 'medium' | 'low';

export interface TriageResult {
  /** argmax label of the calibrated probabilities. */
  label: string;
  labelIndex: number;
  /** Calibrated probability of `label`. */
  probability: number;
  /** Calibrated COVID probability, the score the priority thresholds apply to. */
  covidProbability: number;
  /** null when the image is out of distribution: the UI says "AI result unreliable for this image". */
  priority: TriagePriority | null;
  unreliable: boolean;
  ood: number;
}

/** Applies the manifest thresholds to one image's calibrated probabilities and ood score. */
export function triage(
  probabilities: ArrayLike<number>,
  ood: number,
  manifest: Pick<ModelManifest, 'labels' | 'thresholds'>,
): TriageResult {
  const { labels, thresholds } = manifest;
  if (probabilities.length !== labels.length) {
    throw new Error(`triage: ${probabilities.length} probabilities for ${labels.length} labels`);
  }
  let best = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i] > probabilities[best]) best = i;
  const covidProbability = probabilities[labels.indexOf('covid')];
  const unreliable = thresholds.ood.largerIsMoreUnfamiliar ? ood > thresholds.ood.threshold : ood < thresholds.ood.threshold;
  let priority: TriagePriority | null = null;
  if (!unreliable) {
    priority =
      covidProbability >= thresholds.priority.high ? 'high' : covidProbability >= thresholds.priority.medium ? 'medium' : 'low';
  }
  return {
    label: labels[best],
    labelIndex: best,
    probability: probabilities[best],
    covidProbability,
    priority,
    unreliable,
    ood,
  };
}

/** One class map out of the `cam` output [N, C, h, w] (row-major). */
export function camSlice(cam: Float32Array, batchIndex: number, classIndex: number, classes: number, h: number, w: number): Float32Array {
  const offset = ((batchIndex * classes + classIndex) * h + 0) * w;
  return cam.subarray(offset, offset + h * w);
}

/**
 * Resamples a CAM (h x w, covering the padded model input) onto the original image grid
 * (imageRows x imageCols) by bilinear interpolation with half-pixel centres, clamped at the
 * edges: the same rule as torch.nn.functional.interpolate(mode='bilinear', align_corners=False)
 * on the model-input canvas, followed by undoing the letterbox.
 */
export function camToImage(cam: ArrayLike<number>, h: number, w: number, letterbox: Letterbox, imageRows: number, imageCols: number): Float32Array {
  const out = new Float32Array(imageRows * imageCols);
  const sy = h / letterbox.size;
  const sx = w / letterbox.size;
  // canvas coordinate of the centre of image pixel c: left + (c + 0.5) * cols / imageCols
  const xs0 = new Int32Array(imageCols);
  const xs1 = new Int32Array(imageCols);
  const fx = new Float64Array(imageCols);
  for (let c = 0; c < imageCols; c++) {
    const canvasX = letterbox.left + ((c + 0.5) * letterbox.cols) / imageCols;
    const x = Math.min(Math.max(canvasX * sx - 0.5, 0), w - 1);
    xs0[c] = Math.floor(x);
    xs1[c] = Math.min(xs0[c] + 1, w - 1);
    fx[c] = x - xs0[c];
  }
  for (let r = 0; r < imageRows; r++) {
    const canvasY = letterbox.top + ((r + 0.5) * letterbox.rows) / imageRows;
    const y = Math.min(Math.max(canvasY * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(y);
    const y1 = Math.min(y0 + 1, h - 1);
    const fy = y - y0;
    for (let c = 0; c < imageCols; c++) {
      const top = cam[y0 * w + xs0[c]] * (1 - fx[c]) + cam[y0 * w + xs1[c]] * fx[c];
      const bottom = cam[y1 * w + xs0[c]] * (1 - fx[c]) + cam[y1 * w + xs1[c]] * fx[c];
      out[r * imageCols + c] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}
