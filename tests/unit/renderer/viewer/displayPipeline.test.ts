import { describe, expect, it } from 'vitest';
import { applyVoiFunction } from '../../../../app/shared/imaging/voi';
import { applyLut, buildGreyLut, downsample2x, greyLutToRgba32, levelForScale, lookupDisplayLut, lutBinSize, MAX_LUT_ENTRIES } from '../../../../app/renderer/viewer/displayPipeline';
import { sigmoidDisplayLut } from '../../../../app/renderer/viewer/voi';

const sigmoid = (x: number, c: number, w: number) => applyVoiFunction(x, c, w, 'SIGMOID');
import { makeInfo } from './fixtures';

describe('buildGreyLut windows', () => {
  it('follows PS3.3 C.11.2.1.2.1 for LINEAR (c − 0.5, w − 1)', () => {
    const lut = buildGreyLut(makeInfo(), 0, 4096, { windowCenter: 2048, windowWidth: 4096, invert: false });
    expect(lut[0]).toBe(0);
    expect(lut[4096]).toBe(255);
    expect(lut[2048]).toBe(128);
  });

  it('follows PS3.3 C.11.2.1.3.2 for LINEAR_EXACT', () => {
    const lut = buildGreyLut(makeInfo({ voiLutFunction: 'LINEAR_EXACT' }), 0, 200, { windowCenter: 100, windowWidth: 50, invert: false });
    expect(lut[75]).toBe(0);
    expect(lut[100]).toBe(128);
    expect(lut[126]).toBe(255);
  });
});

describe('buildGreyLut', () => {
  it('applies rescale before the window (PS3.3 C.11.1 then C.11.2)', () => {
    const info = makeInfo({ rescaleSlope: 2, rescaleIntercept: -100 });
    const lut = buildGreyLut(info, 0, 200, { windowCenter: 100, windowWidth: 2, invert: false });
    expect(lut[99]).toBe(0); // 2·99 − 100 = 98
    expect(lut[101]).toBe(255); // 102
  });

  it('inverts after the VOI for MONOCHROME1 (PS3.3 C.7.6.3.1.2)', () => {
    const info = makeInfo();
    const normal = buildGreyLut(info, 0, 4095, { windowCenter: 1000, windowWidth: 500, invert: false });
    const inverted = buildGreyLut(info, 0, 4095, { windowCenter: 1000, windowWidth: 500, invert: true });
    for (const s of [0, 800, 1000, 1200, 4095]) expect(inverted[s]).toBe(255 - normal[s]);
    expect(inverted[0]).toBe(255);
  });

  it('uses the SIGMOID table when one is given (PS3.3 C.11.2.1.3.1)', () => {
    const info = makeInfo({ voiLutFunction: 'SIGMOID' });
    const table = sigmoidDisplayLut({ windowCenter: 2000, windowWidth: 400 }, 0, 4095);
    const lut = buildGreyLut(info, 0, 4095, { windowCenter: 2000, windowWidth: 400, invert: false, voiLut: table });
    for (const s of [1500, 1900, 2000, 2100, 2500]) expect(lut[s]).toBe(Math.round(sigmoid(s, 2000, 400)));
  });

  it('indexes the Modality LUT Sequence by firstValueMapped (PS3.3 C.11.1.1)', () => {
    const info = makeInfo({ modalityLut: { firstValueMapped: 10, numBitsPerEntry: 16, lut: [0, 1000] } });
    const lut = buildGreyLut(info, 0, 20, { windowCenter: 500, windowWidth: 10, invert: false });
    expect(lut[10]).toBe(0);
    expect(lut[11]).toBe(255);
    expect(lut[20]).toBe(255);
    expect(lut[0]).toBe(0);
  });

  it('handles signed stored ranges', () => {
    const lut = buildGreyLut(makeInfo({ pixelRepresentation: 1 }), -1000, 1000, { windowCenter: 0, windowWidth: 2000, invert: false });
    expect(lut.length).toBe(2001);
    expect(lut[0]).toBe(0);
    expect(lut[2000]).toBe(255);
  });
});

describe('lookupDisplayLut', () => {
  it('skips the sentinel and clamps both ends', () => {
    const table = { id: 't', firstValueMapped: 9, numBitsPerEntry: 8, lut: [255, 10, 20, 30] };
    expect(lookupDisplayLut(table, 0)).toBe(10);
    expect(lookupDisplayLut(table, 11)).toBe(20);
    expect(lookupDisplayLut(table, 99)).toBe(30);
  });
});

describe('applyLut', () => {
  it('maps stored values through an RGBA32 table, clamping out-of-range values', () => {
    const lut32 = greyLutToRgba32(new Uint8Array([0, 128, 255]));
    const out = new Uint32Array(4);
    applyLut(new Int16Array([-5, 10, 11, 12]), 4, lut32, 10, out);
    const bytes = new Uint8Array(out.buffer);
    expect([bytes[0], bytes[4], bytes[8], bytes[12]]).toEqual([0, 0, 128, 255]);
    expect(bytes[3]).toBe(255); // opaque
  });
});

describe('downsample2x', () => {
  it('averages 2×2 blocks and repeats the last row/column on odd sizes', () => {
    const level = downsample2x({ level: 0, width: 3, height: 3, pixels: new Uint16Array([0, 4, 8, 4, 8, 12, 8, 12, 16]) });
    expect([level.width, level.height, level.level]).toEqual([2, 2, 1]);
    expect(Array.from(level.pixels)).toEqual([4, 10, 10, 16]);
  });

  it('keeps signed values and their type', () => {
    const level = downsample2x({ level: 0, width: 2, height: 2, pixels: new Int16Array([-100, -100, -100, -101]) });
    expect(level.pixels).toBeInstanceOf(Int16Array);
    expect(level.pixels[0]).toBe(-100);
  });
});

describe('levelForScale', () => {
  it('picks the coarsest level that still maps a texel to at most one screen pixel', () => {
    expect(levelForScale(1, 3000, 2500)).toBe(0);
    expect(levelForScale(0.5, 3000, 2500)).toBe(1);
    expect(levelForScale(0.32, 3000, 2500)).toBe(1);
    expect(levelForScale(0.2, 3000, 2500)).toBe(2);
  });

  it('does not shrink small images below 64 pixels', () => {
    expect(levelForScale(0.01, 128, 128)).toBe(1);
  });
});

describe('pixel padding', () => {
  it('renders the padding range black even when inverted (PS3.3 C.7.5.1.1.2)', () => {
    const info = makeInfo({ pixelPaddingValue: 4095, pixelPaddingRangeLimit: 4000 });
    const lut = buildGreyLut(info, 0, 4095, { windowCenter: 2000, windowWidth: 8000, invert: true });
    expect(lut[4095]).toBe(0);
    expect(lut[4000]).toBe(0);
    expect(lut[3999]).toBeGreaterThan(0);
    expect(lut[0]).toBeGreaterThan(lut[3999]);
  });
});

describe('32-bit stored ranges', () => {
  it('bins the LUT so it never exceeds MAX_LUT_ENTRIES', () => {
    const min = -(2 ** 31);
    const max = 2 ** 31 - 1;
    const bin = lutBinSize(min, max);
    const lut = buildGreyLut(makeInfo({ pixelRepresentation: 1 }), min, max, { windowCenter: 0, windowWidth: 2 ** 32, invert: false }, bin);
    expect(lut.length).toBeLessThanOrEqual(MAX_LUT_ENTRIES + 1);
    const out = new Uint32Array(3);
    applyLut(new Int32Array([min, 0, max]), 3, greyLutToRgba32(lut), min, out, bin);
    const bytes = new Uint8Array(out.buffer);
    expect(bytes[0]).toBe(0);
    expect(bytes[4]).toBeGreaterThan(120);
    expect(bytes[4]).toBeLessThan(136);
    expect(bytes[8]).toBe(255);
  });
});
