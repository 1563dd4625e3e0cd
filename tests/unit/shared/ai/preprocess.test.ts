import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import {
  CXR_TRI_V1_PREPROCESSING,
  areaResize,
  letterboxFor,
  percentileBounds,
  preprocess,
  resizedShape,
} from '../../../../app/shared/ai/preprocess';
import { loadParityFixture, loadStoredValues } from './parityFixture';

const fixture = loadParityFixture();

describe('preprocess (TS port) vs the Python reference tensors', () => {
  for (const [i, img] of fixture.images.entries()) {
    it(`${img.name} (${img.dtype} ${img.rows}x${img.cols} ${img.photometric})`, () => {
      const values = loadStoredValues(img);
      const { tensor } = preprocess(values, img.rows, img.cols, img.photometric);
      const ref = fixture.tensors[i];
      expect(tensor.length).toBe(ref.length);
      let maxAbs = 0;
      for (let k = 0; k < ref.length; k++) maxAbs = Math.max(maxAbs, Math.abs(tensor[k] - ref[k]));
      expect(maxAbs).toBeLessThanOrEqual(1e-4);
      // Designed to be bit-exact (same float64 operations in the same order): hold it to that.
      const sha = createHash('sha256').update(Buffer.from(tensor.buffer, tensor.byteOffset, tensor.byteLength)).digest('hex');
      expect(sha).toBe(img.tensorSha256);
    });
  }
});

describe('preprocess properties', () => {
  it('maps 8-bit and 16-bit versions of the same picture alike', () => {
    const rows = 40;
    const cols = 30;
    const v8 = new Uint8Array(rows * cols).map((_, i) => (i * 37) % 251);
    const v16 = Uint16Array.from(v8, (v) => v * 257);
    const a = preprocess(v8, rows, cols, 'MONOCHROME2').tensor;
    const b = preprocess(v16, rows, cols, 'MONOCHROME2').tensor;
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('uses nearest-rank-below percentiles, counting and sorting paths agreeing', () => {
    const ints = Int16Array.from({ length: 1001 }, (_, i) => 1000 - i - 300);
    const floats = Float64Array.from(ints);
    expect(percentileBounds(ints, 5, 995)).toEqual({ low: -295, high: 695 });
    expect(percentileBounds(floats, 5, 995)).toEqual(percentileBounds(ints, 5, 995));
  });

  it('keeps the aspect ratio and centres the content', () => {
    expect(resizedShape(1000, 500, 224)).toEqual({ rows: 224, cols: 112 });
    expect(letterboxFor(1000, 500)).toEqual({ size: 224, top: 0, left: 56, rows: 224, cols: 112 });
    const { tensor } = preprocess(new Uint8Array(100 * 50).fill(7).map((v, i) => v + (i % 13)), 100, 50, 'MONOCHROME2');
    const padStd = (CXR_TRI_V1_PREPROCESSING.pad.value - 0.5) / 0.25;
    expect(tensor[0]).toBe(padStd);
    expect(tensor[224 * 224 - 1]).toBe(padStd);
  });

  it('area resize preserves the mean', () => {
    const img = Float64Array.from({ length: 37 * 53 }, (_, i) => Math.sin(i) * 0.5 + 0.5);
    const out = areaResize(img, 37, 53, 11, 16);
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(out)).toBeCloseTo(mean(img), 12);
  });

  it('rejects a size mismatch', () => {
    expect(() => preprocess(new Uint8Array(10), 3, 3, 'MONOCHROME2')).toThrow();
  });
});
