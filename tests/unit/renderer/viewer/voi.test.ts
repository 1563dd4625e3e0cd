import { describe, expect, it } from 'vitest';
import { applyVoiFunction } from '../../../../app/shared/imaging/voi';
import {
  autoWindow,
  chestPreset,
  displayLutFromMapping,
  fileVoiDisplayLut,
  initialVoi,
  modalityRange,
  sigmoidDisplayLut,
} from '../../../../app/renderer/viewer/voi';
import { makeInfo } from './fixtures';

const sigmoid = (x: number, c: number, w: number) => applyVoiFunction(x, c, w, 'SIGMOID');

describe('modalityRange', () => {
  it('takes the Modality LUT entries the stored range reaches', () => {
    const info = makeInfo({ minStored: 11, maxStored: 12, modalityLut: { firstValueMapped: 10, numBitsPerEntry: 16, lut: [5, 300, 200, 900] } });
    expect(modalityRange(info)).toEqual({ min: 200, max: 300 });
  });

  it('orders the ends for a negative slope', () => {
    expect(modalityRange(makeInfo({ minStored: 0, maxStored: 100, rescaleSlope: -1, rescaleIntercept: 0 }))).toEqual({ min: -100, max: 0 });
  });
});

describe('autoWindow and chest presets (shared autoWindow.ts)', () => {
  const values = Uint16Array.from({ length: 1000 }, (_, i) => i);

  it('gives a window inside the stored range', () => {
    const w = autoWindow(values, makeInfo({ minStored: 0, maxStored: 999 }));
    expect(w.windowCenter - w.windowWidth / 2).toBeGreaterThanOrEqual(0);
    expect(w.windowCenter + w.windowWidth / 2).toBeLessThanOrEqual(999);
  });

  it('places the lung window below the bone window for MONOCHROME2', () => {
    const info = makeInfo({ minStored: 0, maxStored: 999 });
    expect(chestPreset('lung', values, info).windowCenter).toBeLessThan(chestPreset('bone', values, info).windowCenter);
  });

  it('flips the bands for MONOCHROME1, where low stored values display bright', () => {
    const info = makeInfo({ minStored: 0, maxStored: 999, photometricInterpretation: 'MONOCHROME1', invertAfterVoi: true });
    expect(chestPreset('lung', values, info).windowCenter).toBeGreaterThan(chestPreset('bone', values, info).windowCenter);
  });
});

describe('SIGMOID VOI LUT (PS3.3 C.11.2.1.3.1)', () => {
  it('tabulates every modality value of the range after a sentinel entry', () => {
    const lut = sigmoidDisplayLut({ windowCenter: 50, windowWidth: 20 }, 0, 100);
    expect(lut.firstValueMapped).toBe(-1);
    expect(lut.lut.length).toBe(102);
    expect(lut.lut[0]).toBe(255);
    expect(lut.lut[1 + 50]).toBe(Math.round(sigmoid(50, 50, 20)));
    expect(lut.lut[1 + 100]).toBe(255);
  });

  it('gives each table a new id (the renderer caches by id)', () => {
    const a = sigmoidDisplayLut({ windowCenter: 50, windowWidth: 20 }, 0, 100);
    const b = sigmoidDisplayLut({ windowCenter: 50, windowWidth: 20 }, 0, 100);
    expect(a.id).not.toBe(b.id);
  });

  it('keeps the 8-bit width even when every real entry is below 128', () => {
    const lut = displayLutFromMapping(() => 10, 0, 10);
    expect(Math.max(...lut.lut)).toBe(255);
  });
});

describe('fileVoiDisplayLut (PS3.3 C.11.2.1.1)', () => {
  it('scales 12-bit entries to 8 bits and clamps outside the mapped range', () => {
    const lut = fileVoiDisplayLut({ firstValueMapped: 10, numBitsPerEntry: 12, lut: [0, 4095] }, 0, 20);
    expect(lut.lut[1 + 0]).toBe(0);
    expect(lut.lut[1 + 11]).toBe(255);
    expect(lut.lut[1 + 20]).toBe(255);
  });
});

describe('initialVoi', () => {
  it('prefers the first DICOM window, then a VOI LUT, then auto', () => {
    expect(initialVoi(makeInfo({ windowPresets: [{ center: 40, width: 400 }] }))).toEqual({ kind: 'window', window: { windowCenter: 40, windowWidth: 400 } });
    expect(initialVoi(makeInfo({ voiLuts: [{ firstValueMapped: 0, numBitsPerEntry: 8, lut: [0, 255] }] }))).toEqual({ kind: 'voiLut', index: 0 });
    expect(initialVoi(makeInfo())).toEqual({ kind: 'auto' });
  });

  it('skips windows with a zero width', () => {
    expect(initialVoi(makeInfo({ windowPresets: [{ center: 40, width: 0 }] }))).toEqual({ kind: 'auto' });
  });
});
