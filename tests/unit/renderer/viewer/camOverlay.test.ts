import { describe, expect, it } from 'vitest';

import type { AiResult } from '../../../../app/shared/ipc/contract';
import { camColour, camRgba } from '../../../../app/renderer/viewer/camOverlay';

function resultWithCam(maps: number[][], rows: number, columns: number): AiResult {
  const h = 2;
  const w = 2;
  const cam = new Float32Array(maps.flat());
  return {
    probabilities: { covid: 0.5, normal: 0.3, pneumonia: 0.2 },
    label: 'covid',
    priority: 'medium',
    outOfDistribution: false,
    ood: 1,
    cam: cam.buffer,
    camHeight: h,
    camWidth: w,
    letterbox: { size: 224, top: 0, left: 0, rows: 224, cols: 224 },
    rows,
    columns,
    model: { name: 'm', version: '1.0.0', sha256: 'x' },
    provider: 'cpu',
    cached: false,
    ms: 1,
  };
}

describe('camColour', () => {
  it('runs from blue through cyan, green and yellow to red', () => {
    expect(camColour(0)).toEqual([0, 0, 255]);
    expect(camColour(0.25)).toEqual([0, 255, 255]);
    expect(camColour(0.5)).toEqual([0, 255, 0]);
    expect(camColour(1)).toEqual([255, 0, 0]);
    expect(camColour(2)).toEqual([255, 0, 0]);
  });
});

describe('camRgba', () => {
  it('keeps the image aspect ratio and puts the hot cell where the map has it', () => {
    // class 0: evidence only in the top-left cell; class 1: none.
    const result = resultWithCam([[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], 1000, 500);
    const { width, height, rgba } = camRgba(result, 0);
    expect(height).toBe(256);
    expect(width).toBe(128);
    const alphaAt = (x: number, y: number) => rgba[(y * width + x) * 4 + 3];
    expect(alphaAt(2, 2)).toBe(255);
    expect(alphaAt(width - 2, height - 2)).toBe(0);
  });

  it('is fully transparent for a class without positive evidence', () => {
    const { rgba } = camRgba(resultWithCam([[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], 64, 64), 1);
    expect(rgba.every((v, i) => i % 4 !== 3 || v === 0)).toBe(true);
  });
});
