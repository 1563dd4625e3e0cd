/** Automatic window and chest presets (see app/shared/imaging/autoWindow.ts for the percentile choice). */
import { describe, expect, it } from 'vitest';
import { autoWindow, chestPresets, storedPercentiles } from '../../../../app/shared/imaging/autoWindow';
import type { ImageDisplayInfo } from '../../../../app/shared/imaging/types';
import { makeDisplayInfo } from '../../../fixtures/displayInfo';

const info = (over: Partial<ImageDisplayInfo> = {}): ImageDisplayInfo =>
  makeDisplayInfo({ rows: 1, columns: 1000, bitsStored: 16, highBit: 15, transferSyntaxUid: '', maxStored: 999, ...over });

const ramp = Uint16Array.from({ length: 1000 }, (_, i) => i);

describe('autoWindow', () => {
  it('spans the 1st–99th percentile of stored values, mapped through rescale', () => {
    expect(storedPercentiles(ramp, info(), [1, 99])).toEqual([9, 989]);
    const w = autoWindow(ramp, info({ rescaleSlope: 2, rescaleIntercept: -100 }));
    expect(w.center).toBeCloseTo((2 * 9 - 100 + 2 * 989 - 100) / 2);
    expect(w.width).toBe(2 * 980);
  });

  it('excludes pixel padding from the histogram', () => {
    const padded = new Uint16Array(2000);
    padded.set(ramp);
    padded.fill(0, 1000); // half the image is padding (value 0)
    const [lo] = storedPercentiles(padded, info({ pixelPaddingValue: 0 }), [1]);
    expect(lo).toBeGreaterThanOrEqual(9);
  });
});

describe('chestPresets', () => {
  it('uses the fixed HU windows for Hounsfield data', () => {
    expect(chestPresets(ramp, info({ rescaleType: 'HU' }))).toEqual([
      { center: -600, width: 1500, explanation: 'Lung' },
      { center: 50, width: 350, explanation: 'Mediastinum' },
      { center: 300, width: 2000, explanation: 'Bone' },
    ]);
  });

  it('derives radiograph presets from percentiles in attenuation order (reversed for MONOCHROME1)', () => {
    const [lung2, , bone2] = chestPresets(ramp, info());
    expect(lung2.center).toBeLessThan(bone2.center);
    const [lung1, , bone1] = chestPresets(ramp, info({ photometricInterpretation: 'MONOCHROME1' }));
    expect(lung1.center).toBeGreaterThan(bone1.center);
    expect(lung2.explanation).toBe('Lung');
  });
});
