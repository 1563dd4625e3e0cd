import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

import {
  printableText,
  rasterizeText,
  renderSummaryPng,
  SUMMARY_MAX_IMAGE_SIDE,
  SUMMARY_NOT_FOR_DIAGNOSIS,
  type SummaryInput,
} from '../../../../../app/main/services/worklist/summaryImage';
import type { DecodedFrame, ImageDisplayInfo } from '../../../../../app/shared/imaging/types';

function frame(rows: number, columns: number, overrides: Partial<ImageDisplayInfo> = {}, value = (r: number, c: number) => (r * 7 + c * 3) % 4096): DecodedFrame {
  const pixels = new Uint16Array(rows * columns);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) pixels[r * columns + c] = value(r, c);
  return {
    pixels,
    info: {
      rows, columns, samplesPerPixel: 1, photometricInterpretation: 'MONOCHROME2', bitsAllocated: 16, bitsStored: 12, highBit: 11,
      pixelRepresentation: 0, numberOfFrames: 1, transferSyntaxUid: '1.2.840.10008.1.2.1', minStored: 0, maxStored: 4095,
      rescaleSlope: 1, rescaleIntercept: 0, windowPresets: [], voiLuts: [], voiLutFunction: 'LINEAR', invertAfterVoi: false,
      ...overrides,
    },
  };
}

const base = (f: DecodedFrame): SummaryInput => ({
  frame: f,
  priority: 'high',
  probabilities: { covid: 0.91, normal: 0.05, pneumonia: 0.04 },
  model: { name: 'cxr-tri-v1', version: '1.2.0' },
  details: ['Study date 20240105'],
});

const pixel = (png: PNG, x: number, y: number) => {
  const o = (y * png.width + x) * 4;
  return [png.data[o], png.data[o + 1], png.data[o + 2]];
};

describe('renderSummaryPng', () => {
  it('downscales a large image to at most 1024 px and decodes as a PNG of the reported size', () => {
    const { png, layout } = renderSummaryPng(base(frame(1500, 2000)));
    const decoded = PNG.sync.read(png);
    expect(layout.image).toMatchObject({ width: SUMMARY_MAX_IMAGE_SIDE, height: 768 });
    expect([decoded.width, decoded.height]).toEqual([layout.width, layout.height]);
    expect(decoded.height).toBeGreaterThan(768);
  });

  it('keeps a small image at its size, on a panel wide enough for the text', () => {
    const { layout } = renderSummaryPng(base(frame(80, 100)));
    expect(layout.image).toMatchObject({ width: 100, height: 80 });
    expect(layout.width).toBeGreaterThanOrEqual(640);
  });

  it('prints the not-for-diagnosis line: its glyph pixels are in the notice colour, the gaps in the background', () => {
    const { png, layout } = renderSummaryPng(base(frame(200, 300)));
    const decoded = PNG.sync.read(png);
    const { mask, width, height } = rasterizeText(SUMMARY_NOT_FOR_DIAGNOSIS, layout.notice.scale);
    let ink = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const got = pixel(decoded, layout.notice.x + x, layout.notice.y + y);
        if (mask[y * width + x]) {
          ink++;
          expect(got).toEqual([...layout.notice.rgb]);
        } else expect(got).toEqual([...layout.background]);
      }
    }
    expect(ink).toBeGreaterThan(500);
  });

  it('blends the heatmap: without it the image is grey, with it there are coloured pixels where the map is hot', () => {
    const f = frame(64, 64);
    const grey = PNG.sync.read(renderSummaryPng(base(f)).png);
    const coloured = (img: PNG, layout: { image: { x: number; width: number; height: number } }) => {
      let n = 0;
      for (let y = 0; y < layout.image.height; y++) for (let x = 0; x < layout.image.width; x++) {
        const [r, , b] = pixel(img, layout.image.x + x, y);
        if (Math.abs(r - b) > 30) n++;
      }
      return n;
    };
    const greyLayout = renderSummaryPng(base(f)).layout;
    expect(coloured(grey, greyLayout)).toBe(0);
    const map = new Float32Array(4 * 4);
    map[5] = 1; // one hot cell near the top left
    const withHeat = renderSummaryPng({ ...base(f), heatmap: { map, height: 4, width: 4, letterbox: { size: 64, top: 0, left: 0, rows: 64, cols: 64 } } });
    expect(coloured(PNG.sync.read(withHeat.png), withHeat.layout)).toBeGreaterThan(50);
  });

  it('uses the default window and shows MONOCHROME1 inverted after it (PS3.3 C.7.6.3.1.2)', () => {
    const bright = () => 4000;
    const mono2 = renderSummaryPng(base(frame(16, 16, {}, bright)));
    const mono1 = renderSummaryPng(base(frame(16, 16, { photometricInterpretation: 'MONOCHROME1', invertAfterVoi: true, minStored: 0, maxStored: 4095 }, bright)));
    const at = (r: ReturnType<typeof renderSummaryPng>) => pixel(PNG.sync.read(r.png), r.layout.image.x + 8, 8)[0];
    expect(at(mono2)).toBeGreaterThan(200);
    expect(at(mono1)).toBeLessThan(55);
  });
});

describe('bitmap font', () => {
  it('prints lower case as capitals, folds dashes and marks unknown characters', () => {
    expect(printableText('AI — not for diagnosis')).toBe('AI - NOT FOR DIAGNOSIS');
    expect(printableText('Ωé')).toBe('?E');
  });

  it('rasterises 5×7 glyphs with one column of spacing, scaled', () => {
    const one = rasterizeText('I', 1);
    expect([one.width, one.height]).toEqual([5, 7]);
    expect([...one.mask.subarray(0, 5)]).toEqual([0, 1, 1, 1, 0]);
    expect(rasterizeText('II', 2).width).toBe(22);
  });
});
