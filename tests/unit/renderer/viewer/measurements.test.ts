import { describe, expect, it } from 'vitest';
import { formatLength, measureAngle, measureLength, measurementLabel } from '../../../../app/renderer/viewer/measurements';

describe('measureLength', () => {
  it('uses column spacing along x and row spacing along y (PS3.3 10.7.1.3)', () => {
    const spacing = { row: 0.2, column: 0.1, source: 'PixelSpacing' as const };
    expect(measureLength({ x: 0, y: 0 }, { x: 100, y: 0 }, spacing).value).toBeCloseTo(10);
    expect(measureLength({ x: 0, y: 0 }, { x: 0, y: 100 }, spacing).value).toBeCloseTo(20);
  });

  it('falls back to pixels, marked uncalibrated, without spacing', () => {
    const l = measureLength({ x: 0, y: 0 }, { x: 3, y: 4 }, undefined);
    expect(l).toEqual({ value: 5, unit: 'px', calibrated: false });
    expect(formatLength(l)).toBe('5.0 px (uncalibrated)');
  });

  it('formats calibrated lengths in mm', () => {
    expect(measurementLabel({ id: 1, kind: 'length', points: [{ x: 0, y: 0 }, { x: 300, y: 400 }] }, { row: 0.1, column: 0.1, source: 'ImagerPixelSpacing' })).toBe('50.0 mm');
  });
});

describe('measureAngle', () => {
  it('measures the angle at the vertex', () => {
    expect(measureAngle({ x: 10, y: 0 }, { x: 0, y: 0 }, { x: 0, y: 10 }, undefined)).toBeCloseTo(90);
    expect(measureAngle({ x: 10, y: 0 }, { x: 0, y: 0 }, { x: 10, y: 10 }, undefined)).toBeCloseTo(45);
  });

  it('measures in physical space for non-square pixels', () => {
    // 10 px right and 10 px down is 45° in pixels but atan(20/10) in mm with row spacing twice column spacing.
    const deg = measureAngle({ x: 10, y: 0 }, { x: 0, y: 0 }, { x: 10, y: 10 }, { row: 0.2, column: 0.1, source: 'PixelSpacing' });
    expect(deg).toBeCloseTo((Math.atan2(2, 1) * 180) / Math.PI);
  });

  it('is 0 for a degenerate arm instead of NaN', () => {
    expect(measureAngle({ x: 0, y: 0 }, { x: 0, y: 0 }, { x: 1, y: 1 }, undefined)).toBe(0);
  });
});
