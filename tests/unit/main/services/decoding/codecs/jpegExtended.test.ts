import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCompressedFrame } from '../../../../../../app/main/services/decoding/codecs';
import { decodeDctStream } from '../../../../../../app/main/services/decoding/codecs/jpegExtended';
import { TransferSyntax, writeDicom } from '../../../../../fixtures/dicomWriter';
import { makeChestImage, makeRgbImage, mulberry32 } from '../../../../../fixtures/syntheticImages';
import { makeTempDir, requireTools } from '../../../../../fixtures/tools';
import { decodeWithTool, encodeWithTool, errorCode, maxAbsDifference, psnr } from './codecFixtures';
import { encodeDctJpeg } from './dctJpegEncoder';

const { dir, cleanup } = makeTempDir('cxr-codecs-jpeg12-');
afterAll(cleanup);
const haveTools = requireTools('dcmcjpeg', 'dcmdjpeg');
const ROWS = 48;
const COLUMNS = 64;

describe('JPEG Extended (PS3.5 A.4.1, processes 2 & 4)', () => {
  for (const quality of [75, 95]) {
    it.skipIf(!haveTools)(`decodes 12-bit greyscale (quality ${quality}) as dcmtk does`, async () => {
      const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored: 12, noise: 0.005, seed: quality });
      const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 16, bitsStored: 12 }, values, 'dcmcjpeg', ['+ee', '+q', String(quality)]);
      expect(enc.transferSyntaxUid).toBe(TransferSyntax.JPEGExtended12Bit);
      const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
      expect(result.pixels).toBeInstanceOf(Uint16Array);
      // dcmtk's IJG uses an integer IDCT, ours a floating-point one: a level apart at most.
      expect(maxAbsDifference(result.pixels, decodeWithTool(enc, 'dcmdjpeg', []))).toBeLessThanOrEqual(1);
      expect(psnr(result.pixels, values, 12)).toBeGreaterThan(40);
    });
  }

  it.skipIf(!haveTools)('decodes flat 8×8 blocks (DC only) as dcmtk does', async () => {
    // Constant blocks code no AC coefficient at all: the decoder's DC-only shortcut.
    const values = new Uint16Array(ROWS * COLUMNS).map((_, i) => (Math.floor((i % COLUMNS) / 8) * 397 + Math.floor(i / COLUMNS / 8) * 131) % 4096);
    const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 16, bitsStored: 12 }, values, 'dcmcjpeg', ['+ee', '+q', '90']);
    const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
    expect(maxAbsDifference(result.pixels, decodeWithTool(enc, 'dcmdjpeg', []))).toBeLessThanOrEqual(1);
  });

  it.skipIf(!haveTools)('handles restart intervals the way dcmtk does', async () => {
    const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored: 12, noise: 0.005, seed: 11 });
    for (const restartInterval of [1, 5, 8]) {
      const stream = encodeDctJpeg(values, { width: COLUMNS, height: ROWS, precision: 12, quantizer: 4, restartInterval });
      const info = { rows: ROWS, columns: COLUMNS, samplesPerPixel: 1, bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 0 as const, planarConfiguration: 0 as const, photometricInterpretation: 'MONOCHROME2' };
      const ours = await decodeCompressedFrame(TransferSyntax.JPEGExtended12Bit, stream, info);
      const input = join(dir, `dct-rst-${restartInterval}.dcm`);
      writeFileSync(input, writeDicom({ transferSyntaxUid: TransferSyntax.JPEGExtended12Bit, pixel: { rows: ROWS, columns: COLUMNS, bitsAllocated: 16, bitsStored: 12 }, pixelData: { frames: [stream] } }));
      const reference = decodeWithTool({ path: input, transferSyntaxUid: TransferSyntax.JPEGExtended12Bit, frame: stream, info }, 'dcmdjpeg', []);
      expect(maxAbsDifference(ours.pixels, reference), `interval ${restartInterval}`).toBeLessThanOrEqual(1);
      expect(psnr(ours.pixels, values, 12)).toBeGreaterThan(45);
    }
  });

  it.skipIf(!haveTools)('decodes a 12-bit stream mislabelled as JPEG baseline', async () => {
    const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored: 12, noise: 0.005 });
    const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 16, bitsStored: 12 }, values, 'dcmcjpeg', ['+ee', '+q', '95']);
    const result = await decodeCompressedFrame(TransferSyntax.JPEGBaseline8Bit, enc.frame, enc.info);
    expect(maxAbsDifference(result.pixels, decodeWithTool(enc, 'dcmdjpeg', []))).toBeLessThanOrEqual(1);
  });

  it.skipIf(!haveTools)('decodes 8-bit frames of the extended syntax', async () => {
    const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored: 8, noise: 0.005 });
    const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 8 }, values, 'dcmcjpeg', ['+ee', '+q', '95']);
    expect(enc.transferSyntaxUid).toBe(TransferSyntax.JPEGExtended12Bit);
    const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
    expect(maxAbsDifference(result.pixels, decodeWithTool(enc, 'dcmdjpeg', []))).toBeLessThanOrEqual(1);
  });

  it.skipIf(!haveTools)('decodes YCbCr colour as dcmtk does (DCT decoder on an 8-bit 4:4:4 stream)', async () => {
    const rgb = makeRgbImage(ROWS, COLUMNS);
    const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 8, samplesPerPixel: 3 }, rgb, 'dcmcjpeg', ['+eb', '+q', '95', '+s4']);
    const image = decodeDctStream(enc.frame);
    expect(image.convertedToRgb).toBe(true);
    // IJG rounds twice in fixed point (integer IDCT, table-driven YCbCr->RGB), we once in floating point.
    expect(maxAbsDifference(image.pixels, decodeWithTool(enc, 'dcmdjpeg', []))).toBeLessThanOrEqual(3);
  });

  it.skipIf(!haveTools)('decodes 4:2:2 subsampled colour close to dcmtk (DCT decoder on an 8-bit stream)', async () => {
    const rgb = makeRgbImage(ROWS, COLUMNS);
    const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 8, samplesPerPixel: 3 }, rgb, 'dcmcjpeg', ['+eb', '+q', '95']);
    const image = decodeDctStream(enc.frame);
    // Chroma is replicated where libjpeg interpolates, and this image has per-pixel blue noise,
    // so compare by PSNR, not exactly.
    expect(psnr(image.pixels, decodeWithTool(enc, 'dcmdjpeg', []), 8)).toBeGreaterThan(25);
  });

  it.skipIf(!haveTools)('reports a truncated 12-bit frame as corrupt', async () => {
    const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored: 12 });
    const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 16, bitsStored: 12 }, values, 'dcmcjpeg', ['+ee']);
    const truncated = enc.frame.subarray(0, enc.frame.length >> 1);
    expect(await errorCode(() => decodeCompressedFrame(enc.transferSyntaxUid, truncated, enc.info))).toBe('CORRUPT_PIXEL_DATA');
  });

  it.skipIf(!haveTools)('ends every mutated 12-bit stream in a coded error or a result', async () => {
    const values = makeChestImage({ rows: 16, columns: 16, bitsStored: 12 });
    const enc = encodeWithTool(dir, { rows: 16, columns: 16, bitsAllocated: 16, bitsStored: 12 }, values, 'dcmcjpeg', ['+ee']);
    const rand = mulberry32(7);
    const codes = new Set<string>();
    for (let round = 0; round < 300; round++) {
      const mutated = enc.frame.slice(0, rand() < 0.2 ? Math.floor(rand() * enc.frame.length) : enc.frame.length);
      for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) mutated[Math.floor(rand() * mutated.length)] = Math.floor(rand() * 256);
      codes.add(await errorCode(() => decodeCompressedFrame(enc.transferSyntaxUid, mutated, enc.info)));
    }
    expect([...codes].filter((c) => c.startsWith('NOT_CODED'))).toEqual([]);
  });
});
