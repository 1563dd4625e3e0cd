import { describe, expect, it } from 'vitest';
import { COMPRESSED_TRANSFER_SYNTAXES, decodeCompressedFrame, type CodecFrameInfo } from '../../../../../../app/main/services/decoding/codecs';
import { ENCAPSULATED_TRANSFER_SYNTAXES, TransferSyntax } from '../../../../../../app/shared/imaging/transferSyntax';
import { encodeLosslessJpeg } from './losslessJpegEncoder';
import { errorCode } from './codecFixtures';

const info: CodecFrameInfo = {
  rows: 4,
  columns: 4,
  samplesPerPixel: 1,
  bitsAllocated: 16,
  bitsStored: 16,
  pixelRepresentation: 0,
  planarConfiguration: 0,
  photometricInterpretation: 'MONOCHROME2',
};

describe('decodeCompressedFrame', () => {
  it('lists every encapsulated transfer syntax of PS3.5 A.4 the viewer supports, plus the retired progressive JPEG ones', () => {
    const retired = ['1.2.840.10008.1.2.4.53', '1.2.840.10008.1.2.4.55'];
    expect([...COMPRESSED_TRANSFER_SYNTAXES.keys()].sort()).toEqual([...ENCAPSULATED_TRANSFER_SYNTAXES, ...retired].sort());
  });

  it('refuses an unknown transfer syntax as unsupported', async () => {
    expect(await errorCode(() => decodeCompressedFrame('1.2.840.10008.1.2.4.100', new Uint8Array(8), info))).toBe('UNSUPPORTED_TRANSFER_SYNTAX');
  });

  it('reports an empty frame as corrupt', async () => {
    expect(await errorCode(() => decodeCompressedFrame(TransferSyntax.JPEGLosslessSV1, new Uint8Array(0), info))).toBe('CORRUPT_PIXEL_DATA');
  });

  it('refuses Bits Allocated a codec cannot hold as unsupported (32 beyond RLE and JPEG 2000, 1 beyond JPEG 2000)', async () => {
    expect(await errorCode(() => decodeCompressedFrame(TransferSyntax.JPEGLSLossless, new Uint8Array(64), { ...info, bitsAllocated: 32, bitsStored: 32 }))).toBe('UNSUPPORTED_TRANSFER_SYNTAX');
    expect(await errorCode(() => decodeCompressedFrame(TransferSyntax.JPEGLosslessSV1, new Uint8Array(64), { ...info, bitsAllocated: 32, bitsStored: 32 }))).toBe('UNSUPPORTED_TRANSFER_SYNTAX');
    expect(await errorCode(() => decodeCompressedFrame(TransferSyntax.RLELossless, new Uint8Array(64), { ...info, bitsAllocated: 1, bitsStored: 1 }))).toBe('UNSUPPORTED_TRANSFER_SYNTAX');
    expect(await errorCode(() => decodeCompressedFrame(TransferSyntax.RLELossless, new Uint8Array(64), { ...info, bitsAllocated: 12, bitsStored: 12 }))).toBe('UNSUPPORTED_TRANSFER_SYNTAX');
  });

  it('reports impossible image sizes as corrupt before decoding', async () => {
    expect(await errorCode(() => decodeCompressedFrame(TransferSyntax.RLELossless, new Uint8Array(64), { ...info, rows: 0 }))).toBe('CORRUPT_PIXEL_DATA');
  });

  it('widens an 8-bit stream inside a 16-bit frame', async () => {
    const values = [0, 10, 200, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    const stream = encodeLosslessJpeg(values, { width: 4, height: 4, precision: 8, predictor: 1 });
    const result = await decodeCompressedFrame(TransferSyntax.JPEGLosslessSV1, stream, { ...info, bitsStored: 8 });
    expect(result.pixels).toBeInstanceOf(Uint16Array);
    expect([...result.pixels]).toEqual(values);
  });

  it('reports a 16-bit stream inside an 8-bit frame as corrupt', async () => {
    const stream = encodeLosslessJpeg(new Array(16).fill(1000), { width: 4, height: 4, precision: 16, predictor: 1 });
    expect(await errorCode(() => decodeCompressedFrame(TransferSyntax.JPEGLosslessSV1, stream, { ...info, bitsAllocated: 8, bitsStored: 8 }))).toBe('CORRUPT_PIXEL_DATA');
  });

  it('decodes a lossless stream labelled with another JPEG transfer syntax by its SOF marker', async () => {
    const values = Array.from({ length: 16 }, (_, i) => i * 1000);
    const stream = encodeLosslessJpeg(values, { width: 4, height: 4, precision: 16, predictor: 1 });
    for (const uid of [TransferSyntax.JPEGBaseline8Bit, TransferSyntax.JPEGExtended12Bit]) {
      const result = await decodeCompressedFrame(uid, stream, info);
      expect([...result.pixels], uid).toEqual(values);
    }
  });

  it('reports a JPEG-LS stream under a JPEG transfer syntax as corrupt', async () => {
    // SOI, then a SOF55 (JPEG-LS) frame header for a 4×4 16-bit image.
    const stream = new Uint8Array([0xff, 0xd8, 0xff, 0xf7, 0, 11, 16, 0, 4, 0, 4, 1, 1, 0x11, 0, 0xff, 0xd9]);
    expect(await errorCode(() => decodeCompressedFrame(TransferSyntax.JPEGLosslessSV1, stream, info))).toBe('CORRUPT_PIXEL_DATA');
  });
});
