import { describe, expect, it } from 'vitest';

import { camSlice, camToImage, triage } from '../../../../app/shared/ai/postprocess';
import { letterboxFor } from '../../../../app/shared/ai/preprocess';

const manifest = {
  labels: ['covid', 'normal', 'pneumonia'],
  thresholds: { priority: { high: 0.6, medium: 0.2 }, ood: { threshold: 10, largerIsMoreUnfamiliar: true } },
};

describe('triage', () => {
  it('maps the calibrated COVID probability to a priority', () => {
    expect(triage([0.7, 0.2, 0.1], 3, manifest).priority).toBe('high');
    expect(triage([0.3, 0.6, 0.1], 3, manifest)).toMatchObject({ priority: 'medium', label: 'normal', labelIndex: 1 });
    expect(triage([0.1, 0.1, 0.8], 3, manifest)).toMatchObject({ priority: 'low', label: 'pneumonia', probability: 0.8 });
    expect(triage([0.6, 0.3, 0.1], 3, manifest).priority).toBe('high'); // threshold inclusive
  });

  it('marks out-of-distribution images unreliable and does not rank them', () => {
    expect(triage([0.9, 0.05, 0.05], 10.5, manifest)).toMatchObject({ unreliable: true, priority: null });
    expect(triage([0.9, 0.05, 0.05], 10, manifest)).toMatchObject({ unreliable: false, priority: 'high' });
  });

  it('rejects a label/probability count mismatch', () => {
    expect(() => triage([0.5, 0.5], 0, manifest)).toThrow();
  });
});

describe('camToImage', () => {
  it('a constant map stays constant', () => {
    const box = letterboxFor(300, 200);
    const out = camToImage(new Float32Array(14 * 14).fill(0.25), 14, 14, box, 300, 200);
    expect(out.length).toBe(300 * 200);
    expect(Math.max(...out)).toBeCloseTo(0.25, 6);
    expect(Math.min(...out)).toBeCloseTo(0.25, 6);
  });

  it('follows torch bilinear (align_corners=False) on a square image that fills the input', () => {
    // 2x2 map onto 4x4: torch gives rows [a, .75a+.25b, .25a+.75b, b] along each axis.
    const cam = Float32Array.from([0, 1, 0, 1]);
    const box = { size: 4, top: 0, left: 0, rows: 4, cols: 4 };
    const out = camToImage(cam, 2, 2, box, 4, 4);
    expect(Array.from(out.slice(0, 4))).toEqual([0, 0.25, 0.75, 1]);
  });

  it('puts a hot spot in the letterboxed content at the right image position', () => {
    const box = letterboxFor(448, 224); // content 224x112, left pad 56
    const cam = new Float32Array(14 * 14);
    cam[7 * 14 + 7] = 1; // centre of the input = centre of the content
    const out = camToImage(cam, 14, 14, box, 448, 224);
    let best = 0;
    for (let i = 1; i < out.length; i++) if (out[i] > out[best]) best = i;
    const r = Math.floor(best / 224);
    const c = best % 224;
    expect(Math.abs(r - 240)).toBeLessThanOrEqual(16);
    expect(Math.abs(c - 120)).toBeLessThanOrEqual(16);
  });

  it('camSlice picks [n, c] out of [N, C, h, w]', () => {
    const cam = Float32Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => i);
    expect(Array.from(camSlice(cam, 1, 2, 3, 2, 2))).toEqual([20, 21, 22, 23]);
  });
});
