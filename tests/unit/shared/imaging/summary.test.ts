/** The `cxr decode` byte layout: LE int32 per stored value, or interleaved 8-bit RGB. */
import { describe, expect, it } from 'vitest';
import { buildDecodeSummary, canonicalFrameBytes } from '../../../../app/shared/imaging/summary';
import type { DecodedFrame, ImageDisplayInfo } from '../../../../app/shared/imaging/types';

const base = { rows: 1, columns: 2, photometricInterpretation: 'MONOCHROME2', bitsStored: 12, pixelRepresentation: 1, numberOfFrames: 1, transferSyntaxUid: '1.2.840.10008.1.2' };

describe('summary', () => {
  it('writes stored values as little-endian signed 32-bit integers', () => {
    const frame = { info: { ...base, samplesPerPixel: 1 } as ImageDisplayInfo, pixels: new Int16Array([-2, 300]) } as DecodedFrame;
    expect(Array.from(canonicalFrameBytes(frame))).toEqual([0xfe, 0xff, 0xff, 0xff, 0x2c, 0x01, 0, 0]);
    expect(buildDecodeSummary(frame, 'abc')).toEqual({
      rows: 1,
      columns: 2,
      samplesPerPixel: 1,
      photometricInterpretation: 'MONOCHROME2',
      bitsStored: 12,
      pixelRepresentation: 1,
      numberOfFrames: 1,
      transferSyntaxUID: '1.2.840.10008.1.2',
      min: -2,
      max: 300,
      sha256: 'abc',
    });
  });

  it('passes RGB through as interleaved bytes', () => {
    const frame = { info: { ...base, samplesPerPixel: 3 } as ImageDisplayInfo, pixels: new Uint8Array([1, 2, 3, 4, 5, 6]) } as DecodedFrame;
    expect(Array.from(canonicalFrameBytes(frame))).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
