/** Shared builders for renderer unit tests (display info and `images:load` responses). */
import type { ImageDisplayInfo } from '../../../../app/shared/imaging/types';
import type { LoadedFrame } from '../../../../app/renderer/viewer/imageObject';

/** A MONOCHROME2 16-bit display info with sensible defaults. */
export function makeInfo(overrides: Partial<ImageDisplayInfo> = {}): ImageDisplayInfo {
  return {
    rows: 2,
    columns: 2,
    samplesPerPixel: 1,
    photometricInterpretation: 'MONOCHROME2',
    bitsAllocated: 16,
    bitsStored: 12,
    highBit: 11,
    pixelRepresentation: 0,
    numberOfFrames: 1,
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    minStored: 0,
    maxStored: 4095,
    rescaleSlope: 1,
    rescaleIntercept: 0,
    windowPresets: [],
    voiLuts: [],
    voiLutFunction: 'LINEAR',
    invertAfterVoi: false,
    ...overrides,
  };
}

/** An `images:load` response for the given stored values. */
export function makeLoaded(values: number[], info: Partial<ImageDisplayInfo> = {}, pixelType: LoadedFrame['pixelType'] = 'uint16'): LoadedFrame {
  const Ctor = { uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array, int32: Int32Array }[pixelType];
  const pixels = new Ctor(values);
  return { info: makeInfo(info), pixels: pixels.buffer as ArrayBuffer, pixelType };
}
