import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCompressedFrame, decodeJpegBaseline8 } from '../../../../../../app/main/services/decoding/codecs';
import { TransferSyntax } from '../../../../../fixtures/dicomWriter';
import { makeChestImage, makeRgbImage } from '../../../../../fixtures/syntheticImages';
import { hasTool, makeTempDir, requireTools, runTool } from '../../../../../fixtures/tools';
import { decodeWithTool, encodeWithTool, errorCode, maxAbsDifference, psnr } from './codecFixtures';

const { dir, cleanup } = makeTempDir('cxr-codecs-jpeg8-');
afterAll(cleanup);
const haveTools = requireTools('dcmcjpeg', 'dcmdjpeg');
const ROWS = 48;
const COLUMNS = 64;

describe('JPEG baseline 8-bit (PS3.5 A.4.1, libjpeg-turbo WASM)', () => {
  it.skipIf(!haveTools)('decodes greyscale as dcmtk does and close to the original', async () => {
    const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored: 8, noise: 0.005 });
    const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 8 }, values, 'dcmcjpeg', ['+eb', '+q', '95']);
    expect(enc.transferSyntaxUid).toBe(TransferSyntax.JPEGBaseline8Bit);
    const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
    expect(result.pixels).toBeInstanceOf(Uint8Array);
    expect(maxAbsDifference(result.pixels, decodeWithTool(enc, 'dcmdjpeg', []))).toBeLessThanOrEqual(1);
    expect(psnr(result.pixels, values, 8)).toBeGreaterThan(30);
  });

  it.skipIf(!haveTools)('converts YBR_FULL_422 colour to RGB as dcmtk does', async () => {
    const rgb = makeRgbImage(ROWS, COLUMNS);
    const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 8, samplesPerPixel: 3 }, rgb, 'dcmcjpeg', ['+eb', '+q', '95']);
    expect(enc.info.photometricInterpretation).toBe('YBR_FULL_422');
    const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
    expect(result.photometricInterpretation).toBe('RGB');
    expect(maxAbsDifference(result.pixels, decodeWithTool(enc, 'dcmdjpeg', []))).toBeLessThanOrEqual(2);
  });

  it.skipIf(!haveTools)('keeps RGB-coded JPEG (Adobe transform 0) as RGB', async () => {
    const rgb = makeRgbImage(ROWS, COLUMNS);
    const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 8, samplesPerPixel: 3 }, rgb, 'dcmcjpeg', ['+eb', '+q', '95', '+cr']);
    const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
    expect(result.photometricInterpretation).toBe('RGB');
    expect(maxAbsDifference(result.pixels, decodeWithTool(enc, 'dcmdjpeg', []))).toBeLessThanOrEqual(2);
  });

  it.skipIf(!requireTools('convert'))('decodes plain progressive and baseline .jpg files', async () => {
    const rgb = makeRgbImage(ROWS, COLUMNS, 3);
    const ppm = join(dir, 'in.ppm');
    writeFileSync(ppm, Buffer.concat([Buffer.from(`P6\n${COLUMNS} ${ROWS}\n255\n`), Buffer.from(rgb)]));
    for (const interlace of ['None', 'Plane']) {
      const jpg = join(dir, `out-${interlace}.jpg`);
      runTool('convert', [ppm, '-quality', '95', '-interlace', interlace, jpg]);
      const image = await decodeJpegBaseline8(new Uint8Array(readFileSync(jpg)));
      expect({ width: image.width, height: image.height, components: image.components }).toEqual({ width: COLUMNS, height: ROWS, components: 3 });
      expect(psnr(image.pixels, rgb, 8), interlace).toBeGreaterThan(25);
    }
  });

  it('reports a corrupt .jpg as corrupt', async () => {
    expect(await errorCode(() => decodeJpegBaseline8(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 1, 2, 0xff, 0xd9])))).toBe('CORRUPT_PIXEL_DATA');
  });

  it.skipIf(!hasTool('dcmcjpeg'))('reports a truncated frame as corrupt', async () => {
    const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored: 8 });
    const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 8 }, values, 'dcmcjpeg', ['+eb']);
    expect(await errorCode(() => decodeCompressedFrame(enc.transferSyntaxUid, enc.frame.subarray(0, 20), enc.info))).toBe('CORRUPT_PIXEL_DATA');
  });
});
