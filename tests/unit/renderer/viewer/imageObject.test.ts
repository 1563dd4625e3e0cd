import { beforeAll, describe, expect, it } from 'vitest';
import { buildCornerstoneImage, displayInverted, makeImageId, parseImageId, rgbToRgba } from '../../../../app/renderer/viewer/imageObject';
import { applyVoiFunction } from '../../../../app/shared/imaging/voi';
import { sigmoidDisplayLut } from '../../../../app/renderer/viewer/voi';

const sigmoid = (x: number, c: number, w: number) => applyVoiFunction(x, c, w, 'SIGMOID');
import { makeLoaded } from './fixtures';

/** cornerstone-core's own LUT generator (internal/generateLut.js), loaded with a minimal
 * window shim: checks that the tables this viewer builds render as intended. */
type GenerateLut = (image: object, ww: number, wc: number, invert: boolean, modalityLUT?: object, voiLUT?: object) => Uint8ClampedArray;
let generateLut: GenerateLut;

beforeAll(async () => {
  // cornerstone-core's UMD bundle reads `window` and creates a WebGL canvas at import.
  const g = globalThis as Record<string, unknown>;
  g.window ??= globalThis;
  g.document ??= { createElement: () => ({ getContext: () => null }) };
  const cornerstone = (await import('cornerstone-core')) as unknown as { internal?: { generateLut: GenerateLut }; default?: { internal: { generateLut: GenerateLut } } };
  generateLut = (cornerstone.internal ?? cornerstone.default!.internal).generateLut;
});

describe('image ids', () => {
  it('round-trips instance id and frame', () => {
    expect(parseImageId(makeImageId('abc:def', 3))).toEqual({ instanceId: 'abc:def', frame: 3 });
    expect(parseImageId('wadouri:x')).toBeUndefined();
  });
});

describe('buildCornerstoneImage (grayscale)', () => {
  it('exposes stored values, their range and the rescale (PS3.3 C.11.1)', () => {
    const img = buildCornerstoneImage('cxr:a:0', makeLoaded([0, 100, 200, 4095], { minStored: 0, maxStored: 4095, rescaleSlope: 2, rescaleIntercept: -10 }));
    expect(Array.from(img.getPixelData())).toEqual([0, 100, 200, 4095]);
    expect([img.minPixelValue, img.maxPixelValue, img.slope, img.intercept]).toEqual([0, 4095, 2, -10]);
    expect(img.color).toBe(false);
    expect(img.cxrModalityRange).toEqual({ min: -10, max: 8180 });
  });

  it('keeps signed 16-bit values signed', () => {
    const img = buildCornerstoneImage('cxr:a:0', makeLoaded([-1000, 0, 500, 1000], { minStored: -1000, maxStored: 1000, pixelRepresentation: 1 }, 'int16'));
    expect(Array.from(img.getPixelData())).toEqual([-1000, 0, 500, 1000]);
  });

  it('carries row and column pixel spacing for measurements (PS3.3 10.7.1.3)', () => {
    const img = buildCornerstoneImage('cxr:a:0', makeLoaded([0, 1, 2, 3], { pixelSpacing: { row: 0.2, column: 0.15, source: 'ImagerPixelSpacing' } }));
    expect([img.rowPixelSpacing, img.columnPixelSpacing]).toEqual([0.2, 0.15]);
  });

  it('keeps the decode warnings as text for the viewport (issue #12), none when the decode had none', () => {
    const warned = { ...makeLoaded([0, 1, 2, 3]), warnings: [{ code: 'TRAILING_DATA_TRUNCATED', message: 'tail.dcm: the pixels are complete' }] };
    expect(buildCornerstoneImage('cxr:a:0', warned).cxrWarnings).toEqual(['tail.dcm: the pixels are complete']);
    expect(buildCornerstoneImage('cxr:a:0', makeLoaded([0, 1, 2, 3])).cxrWarnings).toEqual([]);
  });

  it('recomputes min/max when the header range is unusable', () => {
    const img = buildCornerstoneImage('cxr:a:0', makeLoaded([5, 9, 7, 6], { minStored: NaN, maxStored: NaN }));
    expect([img.minPixelValue, img.maxPixelValue]).toEqual([5, 9]);
  });

  it('rejects a pixel buffer shorter than rows × columns', () => {
    expect(() => buildCornerstoneImage('cxr:a:0', makeLoaded([1, 2], {}))).toThrow(/2 values, 4 expected/);
  });
});

describe('inversion after VOI', () => {
  it('inverts MONOCHROME1 and Presentation LUT Shape INVERSE, without cancelling out', () => {
    expect(displayInverted({ invertAfterVoi: true })).toBe(true);
    expect(displayInverted({ invertAfterVoi: false, presentationLutShape: 'INVERSE' })).toBe(true);
    expect(displayInverted({ invertAfterVoi: true, presentationLutShape: 'INVERSE' })).toBe(true);
    expect(displayInverted({ invertAfterVoi: false, presentationLutShape: 'IDENTITY' })).toBe(false);
  });

  it('renders MONOCHROME1 as 255 − VOI(value) in cornerstone (PS3.3 C.7.6.3.1.2)', () => {
    const img = buildCornerstoneImage('cxr:a:0', makeLoaded([0, 1000, 2000, 4000], { minStored: 0, maxStored: 4000, invertAfterVoi: true, photometricInterpretation: 'MONOCHROME1' }));
    const lut = generateLut(img, 2000, 1000, img.invert);
    // Window 0..2000: value 0 → VOI 0 → displayed 255 (white); 2000+ → VOI 255 → black.
    expect(lut[0]).toBe(255);
    expect(lut[2000]).toBe(0);
    expect(lut[1000]).toBeGreaterThan(120);
    expect(lut[1000]).toBeLessThan(136);
  });
});

describe('SIGMOID through cornerstone', () => {
  it('renders the sigmoid of the modality value, not a linear ramp', () => {
    const img = buildCornerstoneImage('cxr:a:0', makeLoaded([0, 100, 200, 400], { minStored: 0, maxStored: 400, rescaleSlope: 1, rescaleIntercept: -100 }));
    const voiLut = sigmoidDisplayLut({ windowCenter: 100, windowWidth: 200 }, img.cxrModalityRange.min, img.cxrModalityRange.max);
    const lut = generateLut(img, 200, 100, false, undefined, voiLut);
    for (const stored of [0, 150, 200, 260, 400]) {
      expect(lut[stored]).toBe(Math.round(sigmoid(stored - 100, 100, 200)));
    }
  });

  it('renders a VOI where every entry is dark without a broken bit shift', () => {
    const img = buildCornerstoneImage('cxr:a:0', makeLoaded([0, 1, 2, 3], { minStored: 0, maxStored: 3 }));
    const voiLut = sigmoidDisplayLut({ windowCenter: 10_000, windowWidth: 100 }, 0, 3);
    const lut = generateLut(img, 100, 10_000, false, undefined, voiLut);
    expect(Array.from(lut.slice(0, 4))).toEqual([0, 0, 0, 0]);
  });
});

describe('colour images', () => {
  it('expands RGB to the RGBA layout cornerstone reads', () => {
    expect(Array.from(rgbToRgba([1, 2, 3, 4, 5, 6], 2))).toEqual([1, 2, 3, 255, 4, 5, 6, 255]);
  });

  it('marks three-sample frames as colour, 0..255', () => {
    const img = buildCornerstoneImage('cxr:a:0', makeLoaded([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120], { samplesPerPixel: 3, photometricInterpretation: 'RGB' }, 'uint8'));
    expect(img.color).toBe(true);
    expect(img.getPixelData().length).toBe(16);
    expect([img.minPixelValue, img.maxPixelValue]).toEqual([0, 255]);
  });
});
