import { afterAll, describe, expect, it } from 'vitest';
import { decodeCompressedFrame, type CodecFrameInfo } from '../../../../../../app/main/services/decoding/codecs';
import { decodeRle } from '../../../../../../app/main/services/decoding/codecs/rle';
import { makeChestImage, makeRgbImage, toPlanar } from '../../../../../fixtures/syntheticImages';
import { makeTempDir, requireTools } from '../../../../../fixtures/tools';
import { encodeWithTool, errorCode, firstDifference, storedValues } from './codecFixtures';

const RLE = '1.2.840.10008.1.2.5';
const { dir, cleanup } = makeTempDir('cxr-codecs-rle-');
afterAll(cleanup);
const haveTools = requireTools('dcmcrle', 'gdcmconv');

function mono(rows: number, columns: number, bitsAllocated: number): CodecFrameInfo {
  return { rows, columns, samplesPerPixel: 1, bitsAllocated, bitsStored: bitsAllocated, pixelRepresentation: 0, planarConfiguration: 0, photometricInterpretation: 'MONOCHROME2' };
}

/** An RLE frame: 64-byte header (PS3.5 G.5) followed by the given segments. */
function rleFrame(segments: number[][]): Uint8Array {
  const header = new Uint8Array(64);
  const view = new DataView(header.buffer);
  view.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((s, i) => {
    view.setUint32(4 + 4 * i, offset, true);
    offset += s.length;
  });
  return new Uint8Array([...header, ...segments.flat()]);
}

describe('RLE Lossless (PS3.5 Annex G)', () => {
  it.skipIf(!haveTools)('decodes 8-bit greyscale encoded by dcmcrle exactly', async () => {
    const values = makeChestImage({ rows: 48, columns: 64, bitsStored: 8 });
    const enc = encodeWithTool(dir, { rows: 48, columns: 64, bitsAllocated: 8 }, values, 'dcmcrle', []);
    expect(enc.transferSyntaxUid).toBe(RLE);
    const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
    expect(result.pixels).toBeInstanceOf(Uint8Array);
    expect(firstDifference(result.pixels, values)).toBeUndefined();
  });

  it.skipIf(!haveTools)('decodes 16-bit signed greyscale encoded by GDCM exactly', async () => {
    const values = makeChestImage({ rows: 48, columns: 64, bitsStored: 16, signed: true });
    const enc = encodeWithTool(dir, { rows: 48, columns: 64, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1 }, values, 'gdcmconv', ['--rle']);
    expect(enc.transferSyntaxUid).toBe(RLE);
    const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
    expect(firstDifference(storedValues(result.pixels, 16, true), values)).toBeUndefined();
  });

  it.skipIf(!haveTools)('returns RGB pixel-interleaved whatever the planar configuration', async () => {
    const rgb = makeRgbImage(48, 64);
    for (const planarConfiguration of [0, 1] as const) {
      const stored = planarConfiguration === 1 ? toPlanar(rgb, 48 * 64) : rgb;
      const enc = encodeWithTool(dir, { rows: 48, columns: 64, bitsAllocated: 8, samplesPerPixel: 3, planarConfiguration }, stored, 'dcmcrle', []);
      const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
      expect(result.photometricInterpretation).toBe('RGB');
      expect(firstDifference(result.pixels, rgb), `planar configuration ${planarConfiguration}`).toBeUndefined();
    }
  });

  it('expands literal and replicate runs and skips the -128 no-op', () => {
    // 0x02 = 3 literal bytes; 0xFE = repeat next byte 3 times; 0x80 = no-op (PS3.5 G.3.1).
    const frame = rleFrame([[0x02, 1, 2, 3, 0x80, 0xfe, 9]]);
    const result = decodeRle(frame, mono(2, 3, 8));
    expect([...result.pixels]).toEqual([1, 2, 3, 9, 9, 9]);
  });

  it('puts the most significant byte segment first for 16-bit samples', () => {
    const frame = rleFrame([
      [0x01, 0x12, 0xff],
      [0x01, 0x34, 0x01],
    ]);
    const result = decodeRle(frame, mono(1, 2, 16));
    expect([...result.pixels]).toEqual([0x1234, 0xff01]);
  });

  it('reports a segment that decodes to too few bytes as corrupt', async () => {
    const frame = rleFrame([[0x01, 1, 2]]);
    expect(await errorCode(() => decodeCompressedFrame(RLE, frame, mono(2, 2, 8)))).toBe('CORRUPT_PIXEL_DATA');
  });

  it('reports a segment count that does not match the pixel attributes as corrupt', async () => {
    const frame = rleFrame([[0x00, 1], [0x00, 2]]);
    expect(await errorCode(() => decodeCompressedFrame(RLE, frame, mono(1, 1, 8)))).toBe('CORRUPT_PIXEL_DATA');
  });

  it('reports an offset past the end of the frame as corrupt', async () => {
    const frame = rleFrame([[0x00, 1]]);
    new DataView(frame.buffer).setUint32(4, 1_000_000, true);
    expect(await errorCode(() => decodeCompressedFrame(RLE, frame, mono(1, 1, 8)))).toBe('CORRUPT_PIXEL_DATA');
  });

  it('reports a frame shorter than its header as corrupt', async () => {
    expect(await errorCode(() => decodeCompressedFrame(RLE, new Uint8Array(10), mono(1, 1, 8)))).toBe('CORRUPT_PIXEL_DATA');
  });
});
