/**
 * Preprocessing of the cxr-tri-v1 and cxr-tri-v2 models (both use the same spec): an exact port of
 * `models/training/preprocessing.py` (spec: `models/cxr-tri-v2/preprocessing.md`).
 *
 * Pure TypeScript (no node:, DOM or electron), so it runs in the inference worker, the CLI and
 * the renderer alike. Every step repeats the Python reference's float64 operations in the same
 * order (integer area weights, sequential sums), so the tensor matches it bit for bit; the parity
 * test in tests/unit/shared/ai checks this against the committed fixture.
 */

/** Stored grayscale values of one frame (PS3.5 8: sign-extended, masked to BitsStored). */
export type GrayValues =
  | Uint8Array
  | Uint8ClampedArray
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** Only the monochrome interpretations are valid model input (PS3.3 C.7.6.3.1.2). */
export type MonochromePhotometric = 'MONOCHROME1' | 'MONOCHROME2';

/** The declarative preprocessing spec as stored in model.json (`preprocessing`). */
export interface PreprocessingSpec {
  version: 1;
  intensity: { method: 'percentile'; lowPermille: number; highPermille: number };
  resize: { method: 'area'; longSide: number; order: 'columns-then-rows' };
  histogramEqualisation: { enabled: boolean; bins: number; region: 'content' };
  pad: { size: number; value: number; align: 'center-floor' };
  standardise: { mean: number; std: number };
}

/** The spec cxr-tri-v1 was trained with (mirrors preprocessing.py SPEC). */
export const CXR_TRI_V1_PREPROCESSING: PreprocessingSpec = {
  version: 1,
  intensity: { method: 'percentile', lowPermille: 5, highPermille: 995 },
  resize: { method: 'area', longSide: 224, order: 'columns-then-rows' },
  histogramEqualisation: { enabled: true, bins: 256, region: 'content' },
  pad: { size: 224, value: 0, align: 'center-floor' },
  standardise: { mean: 0.5, std: 0.25 },
};

/** Where the resized image sits inside the square model input (for mapping CAMs back). */
export interface Letterbox {
  /** Model input side length in pixels. */
  size: number;
  top: number;
  left: number;
  /** Size of the resized image content inside the input. */
  rows: number;
  cols: number;
}

export interface PreprocessResult {
  /** NCHW float32 tensor [1, 1, size, size]. */
  tensor: Float32Array;
  letterbox: Letterbox;
  /** The stored values mapped to 0 and 1 by the percentile normalisation. */
  intensityBounds: { low: number; high: number };
}

/** Aspect-preserving target size; the short side rounds half up in integer arithmetic. */
export function resizedShape(rows: number, cols: number, longSide: number): { rows: number; cols: number } {
  if (rows >= cols) return { rows: longSide, cols: Math.max(1, Math.floor((2 * cols * longSide + rows) / (2 * rows))) };
  return { rows: Math.max(1, Math.floor((2 * rows * longSide + cols) / (2 * cols))), cols: longSide };
}

/** The letterbox of an image of rows x cols under `spec`. */
export function letterboxFor(rows: number, cols: number, spec: PreprocessingSpec = CXR_TRI_V1_PREPROCESSING): Letterbox {
  const r = resizedShape(rows, cols, spec.resize.longSide);
  const size = spec.pad.size;
  return { size, top: Math.floor((size - r.rows) / 2), left: Math.floor((size - r.cols) / 2), rows: r.rows, cols: r.cols };
}

const isIntegerArray = (v: GrayValues): boolean => !(v instanceof Float32Array || v instanceof Float64Array);

/**
 * Order statistics sorted[floor((n-1)*q/1000)]. Integer inputs use a counting pass (exact, fast
 * for 16-bit DICOM); floats are sorted. Both give the same values as numpy.partition.
 */
export function percentileBounds(values: GrayValues, lowPermille: number, highPermille: number): { low: number; high: number } {
  const { min, max } = valueRange(values);
  return percentileBoundsIn(values, min, max, lowPermille, highPermille);
}

/** Smallest and largest value. */
function valueRange(values: GrayValues): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** {@link percentileBounds} when the value range is already known (one pass fewer). */
function percentileBoundsIn(values: GrayValues, min: number, max: number, lowPermille: number, highPermille: number): { low: number; high: number } {
  const n = values.length;
  const loIdx = Math.floor(((n - 1) * lowPermille) / 1000);
  const hiIdx = Math.floor(((n - 1) * highPermille) / 1000);
  if (isIntegerArray(values) && max - min <= 1 << 24) {
    const counts = new Uint32Array(max - min + 1);
    for (let i = 0; i < n; i++) counts[values[i] - min]++;
    const nth = (idx: number): number => {
      let seen = 0;
      for (let b = 0; b < counts.length; b++) {
        seen += counts[b];
        if (seen > idx) return b + min;
      }
      return max;
    };
    return { low: nth(loIdx), high: nth(hiIdx) };
  }
  const sorted = Float64Array.from(values).sort();
  return { low: sorted[loIdx], high: sorted[hiIdx] };
}

/** For each output index j: input indices and integer overlaps (see preprocessing.md). */
function areaTaps(nIn: number, nOut: number): { k: Int32Array; w: Float64Array }[] {
  const taps: { k: Int32Array; w: Float64Array }[] = [];
  for (let j = 0; j < nOut; j++) {
    const start = j * nIn;
    const end = (j + 1) * nIn;
    const k0 = Math.floor(start / nOut);
    const k1 = Math.floor((end - 1) / nOut);
    const ks: number[] = [];
    const ws: number[] = [];
    for (let k = k0; k <= k1; k++) {
      const ov = Math.min(end, (k + 1) * nOut) - Math.max(start, k * nOut);
      if (ov > 0) {
        ks.push(k);
        ws.push(ov);
      }
    }
    taps.push({ k: Int32Array.from(ks), w: Float64Array.from(ws) });
  }
  return taps;
}

/**
 * {@link areaResize} of `table[values[i] - offset]` without building that image: the column
 * pass reads through the table. Same taps and summation order, so the result is identical.
 */
export function areaResizeIndexed(values: GrayValues, table: Float64Array, offset: number, rows: number, cols: number, outRows: number, outCols: number): Float64Array {
  const tmp = new Float64Array(rows * outCols);
  const colTaps = areaTaps(cols, outCols);
  // The taps of one output are consecutive input indices: address them from the first.
  const firstTap = Int32Array.from(colTaps, (tap) => tap.k[0]);
  for (let r = 0; r < rows; r++) {
    const rowOffset = r * cols;
    for (let j = 0; j < outCols; j++) {
      const w = colTaps[j].w;
      const base = rowOffset + firstTap[j];
      let acc = 0;
      for (let t = 0; t < w.length; t++) acc = acc + w[t] * table[values[base + t] - offset];
      tmp[r * outCols + j] = acc / cols;
    }
  }
  return rowPass(tmp, rows, outRows, outCols);
}

/** Exact area-average resize, columns first then rows, float64, sums in ascending input index. */
export function areaResize(img: Float64Array, rows: number, cols: number, outRows: number, outCols: number): Float64Array {
  const tmp = new Float64Array(rows * outCols);
  const colTaps = areaTaps(cols, outCols);
  for (let r = 0; r < rows; r++) {
    const rowOffset = r * cols;
    for (let j = 0; j < outCols; j++) {
      const { k, w } = colTaps[j];
      let acc = 0;
      for (let t = 0; t < k.length; t++) acc = acc + w[t] * img[rowOffset + k[t]];
      tmp[r * outCols + j] = acc / cols;
    }
  }
  return rowPass(tmp, rows, outRows, outCols);
}

/** The row pass of the area resize over the column-resized image `tmp` (rows x outCols). */
function rowPass(tmp: Float64Array, rows: number, outRows: number, outCols: number): Float64Array {
  const out = new Float64Array(outRows * outCols);
  const rowTaps = areaTaps(rows, outRows);
  for (let i = 0; i < outRows; i++) {
    const { k, w } = rowTaps[i];
    for (let c = 0; c < outCols; c++) {
      let acc = 0;
      for (let t = 0; t < k.length; t++) acc = acc + w[t] * tmp[k[t] * outCols + c];
      out[i * outCols + c] = acc / rows;
    }
  }
  return out;
}

/** Global histogram equalisation to bin mid-ranks: e[b] = (2*cdf[b] - count[b]) / (2*m), in place. */
export function equaliseHistogram(img: Float64Array, bins: number): void {
  const m = img.length;
  const bin = new Int32Array(m);
  const counts = new Float64Array(bins);
  for (let i = 0; i < m; i++) {
    const b = Math.min(bins - 1, Math.floor(img[i] * bins));
    bin[i] = b;
    counts[b]++;
  }
  const table = new Float64Array(bins);
  let cdf = 0;
  for (let b = 0; b < bins; b++) {
    cdf += counts[b];
    table[b] = (2 * cdf - counts[b]) / (2 * m);
  }
  for (let i = 0; i < m; i++) img[i] = table[bin[i]];
}

/**
 * Stored grayscale values (row-major, rows x cols) -> model input tensor [1,1,S,S].
 * Apply to stored values as decoded; a positive-slope Modality LUT/rescale does not change the
 * result (percentiles move with it). MONOCHROME1 is inverted after normalisation.
 */
export function preprocess(
  values: GrayValues,
  rows: number,
  cols: number,
  photometric: MonochromePhotometric,
  spec: PreprocessingSpec = CXR_TRI_V1_PREPROCESSING,
): PreprocessResult {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1 || values.length !== rows * cols) {
    throw new Error(`preprocess: expected ${rows}x${cols} values, got ${values.length}`);
  }
  const { min, max } = valueRange(values);
  const { low, high } = percentileBoundsIn(values, min, max, spec.intensity.lowPermille, spec.intensity.highPermille);
  const invert = photometric === 'MONOCHROME1';
  /** Normalised value of one stored value, with the reference's operations in its order. */
  const normalise = (v: number): number => {
    const y = high > low ? Math.min(Math.max((v - low) / (high - low), 0), 1) : 0; // flat image: all zeros
    return invert ? 1 - y : y;
  };
  const box = letterboxFor(rows, cols, spec);
  // Normalisation is fused into the column pass of the resize and, for integer data, read
  // from a table of every value in [min, max]: a 3000x2500 frame then needs no 60 MB float64
  // copy and no division per pixel (issue #4 end-to-end budget). Each sample still gets the
  // same float64 value as in the reference, so the tensor stays bit-identical.
  let small: Float64Array | undefined;
  if (isIntegerArray(values)) {
    if (max - min <= 1 << 20) {
      const table = new Float64Array(max - min + 1);
      for (let v = min; v <= max; v++) table[v - min] = normalise(v);
      small = areaResizeIndexed(values, table, min, rows, cols, box.rows, box.cols);
    }
  }
  if (!small) {
    const y = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) y[i] = normalise(values[i]);
    small = areaResize(y, rows, cols, box.rows, box.cols);
  }
  if (spec.histogramEqualisation.enabled) equaliseHistogram(small, spec.histogramEqualisation.bins);

  const size = spec.pad.size;
  const { mean, std } = spec.standardise;
  const tensor = new Float32Array(size * size).fill((spec.pad.value - mean) / std);
  for (let r = 0; r < box.rows; r++) {
    const dst = (box.top + r) * size + box.left;
    const src = r * box.cols;
    for (let c = 0; c < box.cols; c++) tensor[dst + c] = (small[src + c] - mean) / std;
  }
  return { tensor, letterbox: box, intensityBounds: { low, high } };
}
