/** The display pipeline of PS3.3 C.11: VOI functions, LUTs, inversion after VOI, padding. */
import { describe, expect, it } from 'vitest';
import type { ImageDisplayInfo } from '../../../../app/shared/imaging/types';
import { makeDisplayInfo } from '../../../fixtures/displayInfo';
import { applyVoiFunction, buildDisplayLut, defaultVoi, displayValue, isDisplayInverted, isPadding, lookup, modalityValue } from '../../../../app/shared/imaging/voi';

const info = (over: Partial<ImageDisplayInfo> = {}): ImageDisplayInfo => makeDisplayInfo({ rows: 1, columns: 1, ...over });

describe('VOI functions', () => {
  it('LINEAR follows PS3.3 C.11.2.1.2.1 (c − 0.5, w − 1) at the edges and centre', () => {
    // c = 2048, w = 4096: x ≤ 0 → 0; x > 4095 → 255.
    expect(applyVoiFunction(0, 2048, 4096, 'LINEAR')).toBe(0);
    expect(applyVoiFunction(4096, 2048, 4096, 'LINEAR')).toBe(255);
    expect(applyVoiFunction(2047.5, 2048, 4096, 'LINEAR')).toBeCloseTo(127.5, 6);
    // Width 1 is a threshold at c − 0.5.
    expect(applyVoiFunction(99, 100, 1, 'LINEAR')).toBe(0);
    expect(applyVoiFunction(100, 100, 1, 'LINEAR')).toBe(255);
  });

  it('LINEAR_EXACT uses c ± w/2 exactly (C.11.2.1.3.2)', () => {
    expect(applyVoiFunction(50, 100, 100, 'LINEAR_EXACT')).toBe(0);
    expect(applyVoiFunction(100, 100, 100, 'LINEAR_EXACT')).toBeCloseTo(127.5, 6);
    expect(applyVoiFunction(150, 100, 100, 'LINEAR_EXACT')).toBe(255);
  });

  it('SIGMOID is 255/(1 + exp(−4(x − c)/w)) (C.11.2.1.3.1)', () => {
    expect(applyVoiFunction(100, 100, 50, 'SIGMOID')).toBeCloseTo(127.5, 6);
    expect(applyVoiFunction(150, 100, 50, 'SIGMOID')).toBeCloseTo(255 / (1 + Math.exp(-4)), 6);
  });
});

describe('modality step and LUTs', () => {
  it('applies rescale, or the Modality LUT with clamping outside its range', () => {
    expect(modalityValue(10, info({ rescaleSlope: 2, rescaleIntercept: -1024 }))).toBe(-1004);
    const lut = { firstValueMapped: 5, numBitsPerEntry: 16, lut: [100, 200, 300] };
    expect(lookup(lut, 0)).toBe(100);
    expect(lookup(lut, 6)).toBe(200);
    expect(lookup(lut, 99)).toBe(300);
    expect(modalityValue(7, info({ modalityLut: lut }))).toBe(300);
  });
});

describe('display LUT', () => {
  it('inverts MONOCHROME1 after the VOI step, not before', () => {
    const m1 = info({ photometricInterpretation: 'MONOCHROME1', invertAfterVoi: true, minStored: 0, maxStored: 255 });
    // A window on the low half: stored 0 is below the window → VOI 0 → displayed 255 (white).
    const voi = { kind: 'window' as const, center: 64, width: 128 };
    expect(displayValue(0, m1, voi)).toBe(255);
    expect(displayValue(200, m1, voi)).toBe(0);
    expect(displayValue(0, info({ minStored: 0, maxStored: 255 }), voi)).toBe(0);
  });

  it('treats Presentation LUT Shape INVERSE as the same single inversion, and the user toggle flips it', () => {
    expect(isDisplayInverted({ invertAfterVoi: true, presentationLutShape: 'INVERSE' })).toBe(true);
    expect(isDisplayInverted({ invertAfterVoi: false, presentationLutShape: 'INVERSE' })).toBe(true);
    expect(isDisplayInverted({ invertAfterVoi: false, presentationLutShape: 'IDENTITY' })).toBe(false);
    expect(isDisplayInverted({ invertAfterVoi: true }, true)).toBe(false);
  });

  it('shows padding values and ranges black, even when inverted', () => {
    const i = info({ pixelPaddingValue: 10, pixelPaddingRangeLimit: 0, invertAfterVoi: true, minStored: 0, maxStored: 20 });
    expect(isPadding(5, i)).toBe(true);
    expect(isPadding(11, i)).toBe(false);
    const { lut, offset } = buildDisplayLut(i, { kind: 'window', center: 10, width: 20 });
    expect(offset).toBe(0);
    expect(lut.length).toBe(21);
    expect(Array.from(lut.subarray(0, 11))).toEqual(new Array(11).fill(0));
    expect(lut[20]).toBe(0); // top of the window, inverted
    expect(lut[11]).toBeGreaterThan(100);
  });

  it('scales VOI LUT output by its bit depth and defaults to the first preset', () => {
    const voiLut = { firstValueMapped: 0, numBitsPerEntry: 12, lut: [0, 4095] };
    expect(displayValue(1, info(), { kind: 'lut', lut: voiLut })).toBe(255);
    expect(defaultVoi(info({ windowPresets: [{ center: 1, width: 2 }], voiLuts: [voiLut] }))).toEqual({ kind: 'window', center: 1, width: 2 });
    expect(defaultVoi(info({ voiLuts: [voiLut] }))).toEqual({ kind: 'lut', lut: voiLut });
    const mm = defaultVoi(info({ minStored: 100, maxStored: 300 }));
    expect(displayValue(100, info({ minStored: 100, maxStored: 300 }), mm)).toBe(0);
    expect(displayValue(300, info({ minStored: 100, maxStored: 300 }), mm)).toBe(255);
  });
});
