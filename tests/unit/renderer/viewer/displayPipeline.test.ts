import { describe, expect, it } from 'vitest';
import { applyVoiFunction } from '../../../../app/shared/imaging/voi';
import { applyLut, applyLutRect, buildGreyLut, downsample2x, greyLutToRgba32, levelForScale, levelRectFor, lookupDisplayLut, lutBinSize, MAX_LUT_ENTRIES, rectContains, visibleImageRect } from '../../../../app/renderer/viewer/displayPipeline';
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

describe('LUT buffer reuse (one LUT per frame during a window/level drag)', () => {
  it('refills a grey LUT of the right length in place, with the values of a fresh build', () => {
    const info = makeInfo();
    const settings = { windowCenter: 1000, windowWidth: 500, invert: false };
    const reuse = buildGreyLut(info, 0, 4095, { windowCenter: 3000, windowWidth: 100, invert: true });
    const filled = buildGreyLut(info, 0, 4095, settings, 1, reuse);
    expect(filled).toBe(reuse);
    expect(Array.from(filled)).toEqual(Array.from(buildGreyLut(info, 0, 4095, settings)));
  });

  it('allocates a new grey LUT when the reused one has another length', () => {
    const reuse = new Uint8Array(10);
    const lut = buildGreyLut(makeInfo(), 0, 4095, { windowCenter: 1000, windowWidth: 500, invert: false }, 1, reuse);
    expect(lut).not.toBe(reuse);
    expect(lut.length).toBe(4096);
  });

  it('refills an RGBA32 LUT of the right length in place', () => {
    const grey = new Uint8Array([0, 128, 255]);
    const reuse = new Uint32Array(3);
    const out = greyLutToRgba32(grey, reuse);
    expect(out).toBe(reuse);
    expect(Array.from(out)).toEqual(Array.from(greyLutToRgba32(grey)));
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

describe('visibleImageRect', () => {
  it('is the whole image when it fits inside the canvas', () => {
    // 3000 × 2500 image at scale 0.3, centred on a 1000 × 800 canvas.
    const m = [0.3, 0, 0, 0.3, 50, 25];
    expect(visibleImageRect(m, 1000, 800, 3000, 2500)).toEqual({ x: 0, y: 0, width: 3000, height: 2500 });
  });

  it('is the part under the canvas when zoomed in (1:1, panned)', () => {
    const m = [1, 0, 0, 1, -1000, -500];
    expect(visibleImageRect(m, 1000, 800, 3000, 2500)).toEqual({ x: 1000, y: 500, width: 1000, height: 800 });
  });

  it('follows rotation: 90° swaps the axes of the visible part', () => {
    // Canvas-from-image for a 90° clockwise rotation at 1:1: x' = −y + 1000, y' = x − 1000.
    const m = [0, 1, -1, 0, 1000, -1000];
    expect(visibleImageRect(m, 1000, 800, 3000, 2500)).toEqual({ x: 1000, y: 0, width: 800, height: 1000 });
  });

  it('is undefined when the image is panned off the canvas', () => {
    expect(visibleImageRect([1, 0, 0, 1, 5000, 0], 1000, 800, 3000, 2500)).toBeUndefined();
  });
});

describe('levelRectFor', () => {
  it('maps image pixels to the texels of a level, with a margin, clamped to the level', () => {
    // Level 1 of 3001 × 2500: 1501 × 1250 texels.
    expect(levelRectFor({ x: 1000, y: 500, width: 1000, height: 800 }, 3001, 2500, 1501, 1250)).toEqual({ x: 498, y: 248, width: 505, height: 404 });
    expect(levelRectFor({ x: 0, y: 0, width: 3001, height: 2500 }, 3001, 2500, 1501, 1250)).toEqual({ x: 0, y: 0, width: 1501, height: 1250 });
  });
});

describe('rectContains', () => {
  it('holds for a rectangle inside and fails for one crossing the edge or no outer one', () => {
    const outer = { x: 10, y: 10, width: 100, height: 100 };
    expect(rectContains(outer, { x: 10, y: 20, width: 100, height: 50 })).toBe(true);
    expect(rectContains(outer, { x: 11, y: 20, width: 100, height: 50 })).toBe(false);
    expect(rectContains(undefined, { x: 0, y: 0, width: 1, height: 1 })).toBe(false);
  });
});

describe('applyLutRect', () => {
  it('maps only the rectangle, leaving the rest of the output untouched', () => {
    const width = 4;
    const pixels = Uint16Array.from({ length: 16 }, (_, i) => i);
    const lut32 = Uint32Array.from({ length: 16 }, (_, i) => 100 + i);
    const out = new Uint32Array(16);
    applyLutRect(pixels, width, { x: 1, y: 1, width: 2, height: 2 }, lut32, 0, out);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 105, 106, 0, 0, 109, 110, 0, 0, 0, 0, 0]);
  });

  it('agrees with applyLut over the whole raster, clamping and binning alike', () => {
    const pixels = Int32Array.from({ length: 12 }, (_, i) => i * 7 - 20);
    const lut32 = Uint32Array.from({ length: 5 }, (_, i) => i + 1);
    const whole = new Uint32Array(12);
    const byRect = new Uint32Array(12);
    applyLut(pixels, 12, lut32, -10, whole, 4);
    applyLutRect(pixels, 4, { x: 0, y: 0, width: 4, height: 3 }, lut32, -10, byRect, 4);
    expect(Array.from(byRect)).toEqual(Array.from(whole));
  });
});
