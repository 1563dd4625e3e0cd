import { afterAll, describe, expect, it } from 'vitest';
import { decodeCompressedFrame } from '../../../../../../app/main/services/decoding/codecs';
import { readJpegFrameHeader } from '../../../../../../app/main/services/decoding/codecs/streamHeaders';
import { TransferSyntax } from '../../../../../fixtures/dicomWriter';
import { makeChestImage, makeRgbImage } from '../../../../../fixtures/syntheticImages';
import { makeTempDir, requireTools } from '../../../../../fixtures/tools';
import { encodeWithTool, errorCode, firstDifference, maxAbsDifference, storedValues } from './codecFixtures';

const { dir, cleanup } = makeTempDir('cxr-codecs-jls-');
afterAll(cleanup);
const haveTools = requireTools('dcmcjpls');
const ROWS = 48;
const COLUMNS = 64;

describe('JPEG-LS (PS3.5 A.4.3, CharLS WASM)', () => {
  for (const [bitsStored, signed] of [
    [16, false],
    [12, true],
    [8, false],
  ] as const) {
    it.skipIf(!haveTools)(`decodes ${bitsStored}-bit ${signed ? 'signed' : 'unsigned'} lossless exactly`, async () => {
      const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored, signed, seed: bitsStored });
      const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: bitsStored > 8 ? 16 : 8, bitsStored, pixelRepresentation: signed ? 1 : 0 }, values, 'dcmcjpls', ['+el']);
      expect(enc.transferSyntaxUid).toBe(TransferSyntax.JPEGLSLossless);
      const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
      expect(firstDifference(storedValues(result.pixels, bitsStored, signed), values)).toBeUndefined();
    });
  }

  it.skipIf(!haveTools)('keeps near-lossless errors within NEAR', async () => {
    const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored: 12, seed: 2 });
    const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 16, bitsStored: 12 }, values, 'dcmcjpls', ['+en', '+md', '3']);
    expect(enc.transferSyntaxUid).toBe(TransferSyntax.JPEGLSNearLossless);
    const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
    const error = maxAbsDifference(result.pixels, values);
    expect(error).toBeGreaterThan(0);
    expect(error).toBeLessThanOrEqual(3);
  });

  for (const interleave of ['+in', '+il', '+is']) {
    it.skipIf(!haveTools)(`returns RGB pixel-interleaved for interleave option ${interleave}`, async () => {
      const rgb = makeRgbImage(ROWS, COLUMNS);
      const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 8, samplesPerPixel: 3 }, rgb, 'dcmcjpls', ['+el', interleave]);
      const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
      expect(firstDifference(result.pixels, rgb)).toBeUndefined();
    });
  }

  it.skipIf(!haveTools)('refuses a stream whose frame header disagrees with the data set before decoding it', async () => {
    const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored: 12 });
    const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 16, bitsStored: 12 }, values, 'dcmcjpls', ['+el']);
    expect(readJpegFrameHeader(enc.frame)).toMatchObject({ width: COLUMNS, height: ROWS, components: 1 });
    // Rows and Columns patched to 65535 in the SOF55 header: CharLS would try to allocate 8 GiB.
    const huge = enc.frame.slice();
    const sof = huge.findIndex((b, i) => b === 0xff && huge[i + 1] === 0xf7);
    huge.set([0xff, 0xff, 0xff, 0xff], sof + 5);
    expect(await errorCode(() => decodeCompressedFrame(enc.transferSyntaxUid, huge, enc.info))).toBe('CORRUPT_PIXEL_DATA');
  });

  it.skipIf(!haveTools)('reports a truncated stream as corrupt', async () => {
    const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored: 12 });
    const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 16, bitsStored: 12 }, values, 'dcmcjpls', ['+el']);
    const code = await errorCode(() => decodeCompressedFrame(enc.transferSyntaxUid, enc.frame.subarray(0, enc.frame.length >> 1), enc.info));
    expect(code).toBe('CORRUPT_PIXEL_DATA');
  });
});
