/** Shared builders for renderer unit tests (display info and `images:load` responses). */
import type { ImageDisplayInfo } from '../../../../app/shared/imaging/types';
import { makeDisplayInfo } from '../../../fixtures/displayInfo';
import type { LoadedFrame } from '../../../../app/renderer/viewer/imageObject';

/** A MONOCHROME2 16-bit display info with sensible defaults. */
export const makeInfo = makeDisplayInfo;

/** An `images:load` response for the given stored values. */
export function makeLoaded(values: number[], info: Partial<ImageDisplayInfo> = {}, pixelType: LoadedFrame['pixelType'] = 'uint16'): LoadedFrame {
  const Ctor = { uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array, int32: Int32Array }[pixelType];
  const pixels = new Ctor(values);
  return { info: makeInfo(info), pixels: pixels.buffer as ArrayBuffer, pixelType };
}
