import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCompressedFrame, type CodecFrameInfo } from '../../../../../../app/main/services/decoding/codecs';
import { TransferSyntax, writeDicom } from '../../../../../fixtures/dicomWriter';
import { makeChestImage, makeRgbImage, mulberry32 } from '../../../../../fixtures/syntheticImages';
import { makeTempDir, requireTools, runTool } from '../../../../../fixtures/tools';
import { encodeWithTool, errorCode, firstDifference, readNativePixels, storedValues } from './codecFixtures';
import { encodeLosslessJpeg } from './losslessJpegEncoder';

const { dir, cleanup } = makeTempDir('cxr-codecs-jpegll-');
afterAll(cleanup);
const haveTools = requireTools('dcmcjpeg', 'dcmdjpeg');
const ROWS = 48;
const COLUMNS = 64;

function monoInfo(bitsStored: number, signed = false): CodecFrameInfo {
  return {
    rows: ROWS,
    columns: COLUMNS,
    samplesPerPixel: 1,
    bitsAllocated: bitsStored > 8 ? 16 : 8,
    bitsStored,
    pixelRepresentation: signed ? 1 : 0,
    planarConfiguration: 0,
    photometricInterpretation: 'MONOCHROME2',
  };
}

describe('JPEG Lossless (T.81 Annex H, PS3.5 A.4.2)', () => {
  for (const [bitsStored, signed] of [
    [16, false],
    [12, false],
    [12, true],
    [8, false],
  ] as const) {
    it.skipIf(!haveTools)(`decodes ${bitsStored}-bit ${signed ? 'signed' : 'unsigned'} SV1 from dcmcjpeg exactly`, async () => {
      const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored, signed, seed: bitsStored });
      const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: bitsStored > 8 ? 16 : 8, bitsStored, pixelRepresentation: signed ? 1 : 0 }, values, 'dcmcjpeg', ['+e1']);
      expect(enc.transferSyntaxUid).toBe(TransferSyntax.JPEGLosslessSV1);
      const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
      expect(result.pixels).toBeInstanceOf(bitsStored > 8 ? Uint16Array : Uint8Array);
      expect(firstDifference(storedValues(result.pixels, bitsStored, signed), values)).toBeUndefined();
    });
  }

  it.skipIf(!haveTools)('decodes every predictor 1-7 (process 14) exactly', async () => {
    const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored: 14, seed: 3 });
    for (let predictor = 1; predictor <= 7; predictor++) {
      const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 16, bitsStored: 14 }, values, 'dcmcjpeg', ['+el', '+sv', String(predictor)]);
      expect(enc.transferSyntaxUid).toBe(TransferSyntax.JPEGLosslessP14);
      const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
      expect(firstDifference(result.pixels, values), `predictor ${predictor}`).toBeUndefined();
    }
  });

  it.skipIf(!haveTools)('applies the point transform (T.81 H.1.2.3)', async () => {
    const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored: 12, seed: 4 });
    const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 16, bitsStored: 12 }, values, 'dcmcjpeg', ['+el', '+sv', '1', '+pt', '2']);
    const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
    expect(firstDifference(result.pixels, Array.from(values, (v) => (v >> 2) << 2))).toBeUndefined();
  });

  it.skipIf(!haveTools)('decodes three-component RGB pixel-interleaved', async () => {
    const rgb = makeRgbImage(ROWS, COLUMNS);
    const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 8, samplesPerPixel: 3 }, rgb, 'dcmcjpeg', ['+e1']);
    const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
    expect(result.photometricInterpretation).toBe('RGB');
    expect(firstDifference(result.pixels, rgb)).toBeUndefined();
  });

  // Restart intervals of whole rows only: IJG/dcmtk refuses intervals that end mid-row.
  it.skipIf(!haveTools)('handles restart intervals the way dcmtk does', async () => {
    const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored: 16, seed: 5 });
    for (const [predictor, restartInterval] of [
      [1, COLUMNS],
      [6, 2 * COLUMNS],
    ]) {
      const stream = encodeLosslessJpeg(values, { width: COLUMNS, height: ROWS, precision: 16, predictor, restartInterval });
      const ours = await decodeCompressedFrame(TransferSyntax.JPEGLosslessP14, stream, monoInfo(16));
      expect(firstDifference(ours.pixels, values), `ours, predictor ${predictor}, interval ${restartInterval}`).toBeUndefined();
      // The same stream through dcmtk proves the test encoder writes what T.81 means.
      const input = join(dir, `rst-${predictor}-${restartInterval}.dcm`);
      const output = join(dir, `rst-${predictor}-${restartInterval}-raw.dcm`);
      writeFileSync(input, writeDicom({ transferSyntaxUid: TransferSyntax.JPEGLosslessP14, pixel: { rows: ROWS, columns: COLUMNS, bitsAllocated: 16, bitsStored: 16 }, pixelData: { frames: [stream] } }));
      runTool('dcmdjpeg', [input, output]);
      expect(firstDifference(readNativePixels(output), values), `dcmdjpeg, predictor ${predictor}, interval ${restartInterval}`).toBeUndefined();
    }
  });

  it('decodes a difference of 32768 (category 16) with no extra bits', async () => {
    const values = new Uint16Array(ROWS * COLUMNS);
    for (let i = 0; i < values.length; i++) values[i] = i % 2 === 0 ? 0 : 32768;
    const stream = encodeLosslessJpeg(values, { width: COLUMNS, height: ROWS, precision: 16, predictor: 1 });
    const result = await decodeCompressedFrame(TransferSyntax.JPEGLosslessSV1, stream, monoInfo(16));
    expect(firstDifference(result.pixels, values)).toBeUndefined();
  });

  it('reports a truncated stream as corrupt', async () => {
    const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored: 16 });
    const stream = encodeLosslessJpeg(values, { width: COLUMNS, height: ROWS, precision: 16, predictor: 1 });
    const truncated = stream.subarray(0, Math.floor(stream.length / 2));
    expect(await errorCode(() => decodeCompressedFrame(TransferSyntax.JPEGLosslessSV1, truncated, monoInfo(16)))).toBe('CORRUPT_PIXEL_DATA');
  });

  it('reports a stream whose size disagrees with Rows/Columns as corrupt', async () => {
    const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored: 16 });
    const stream = encodeLosslessJpeg(values, { width: COLUMNS, height: ROWS, precision: 16, predictor: 1 });
    expect(await errorCode(() => decodeCompressedFrame(TransferSyntax.JPEGLosslessSV1, stream, { ...monoInfo(16), rows: ROWS - 1 }))).toBe('CORRUPT_PIXEL_DATA');
  });

  it('reports bytes that are not JPEG as corrupt', async () => {
    expect(await errorCode(() => decodeCompressedFrame(TransferSyntax.JPEGLosslessSV1, new Uint8Array([1, 2, 3, 4, 5]), monoInfo(16)))).toBe('CORRUPT_PIXEL_DATA');
  });

  it('ends every mutated stream in a coded error or a result, never a crash or a hang', async () => {
    const values = makeChestImage({ rows: 16, columns: 16, bitsStored: 12 });
    const stream = encodeLosslessJpeg(values, { width: 16, height: 16, precision: 12, predictor: 1, restartInterval: 16 });
    const info = { ...monoInfo(12), rows: 16, columns: 16 };
    const rand = mulberry32(99);
    const codes = new Set<string>();
    for (let round = 0; round < 500; round++) {
      const mutated = stream.slice(0, rand() < 0.2 ? Math.floor(rand() * stream.length) : stream.length);
      for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) mutated[Math.floor(rand() * mutated.length)] = Math.floor(rand() * 256);
      const code = await errorCode(() => decodeCompressedFrame(TransferSyntax.JPEGLosslessSV1, mutated, info));
      codes.add(code);
    }
    expect([...codes].filter((c) => c.startsWith('NOT_CODED'))).toEqual([]);
  });
});
