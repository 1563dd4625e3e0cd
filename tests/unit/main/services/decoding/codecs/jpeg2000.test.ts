import { afterAll, describe, expect, it } from 'vitest';
import { decodeCompressedFrame, type CodecFrameInfo } from '../../../../../../app/main/services/decoding/codecs';
import { extractJ2kCodestream, threadedJpeg2000Unavailable } from '../../../../../../app/main/services/decoding/codecs/jpeg2000';
import { OPENJPEG_THREADS } from '../../../../../../app/main/services/decoding/codecs/wasmModules';
import { j2kGeometry } from '../../../../../../app/main/services/decoding/codecs/streamHeaders';
import { TransferSyntax } from '../../../../../fixtures/dicomWriter';
import { makeChestImage, makeRgbImage } from '../../../../../fixtures/syntheticImages';
import { makeTempDir, requireTools } from '../../../../../fixtures/tools';
import { encodeHtj2k } from '../../../../../fixtures/htj2kEncoder';
import { decodeWithTool, encodeWithTool, errorCode, firstDifference, maxAbsDifference, psnr, storedValues } from './codecFixtures';

const { dir, cleanup } = makeTempDir('cxr-codecs-j2k-');
afterAll(cleanup);
const haveTools = requireTools('gdcmconv');
const ROWS = 48;
const COLUMNS = 64;

function info(bitsStored: number, signed: boolean, samplesPerPixel = 1): CodecFrameInfo {
  return {
    rows: ROWS,
    columns: COLUMNS,
    samplesPerPixel,
    bitsAllocated: bitsStored > 8 ? 16 : 8,
    bitsStored,
    pixelRepresentation: signed ? 1 : 0,
    planarConfiguration: 0,
    photometricInterpretation: samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2',
  };
}

describe('JPEG 2000 (PS3.5 A.4.4, OpenJPEG WASM)', () => {
  for (const [bitsStored, signed] of [
    [16, false],
    [12, true],
    [8, false],
  ] as const) {
    it.skipIf(!haveTools)(`decodes ${bitsStored}-bit ${signed ? 'signed' : 'unsigned'} lossless from GDCM exactly`, async () => {
      const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored, signed, seed: bitsStored });
      const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: bitsStored > 8 ? 16 : 8, bitsStored, pixelRepresentation: signed ? 1 : 0 }, values, 'gdcmconv', ['--j2k']);
      expect(enc.transferSyntaxUid).toBe(TransferSyntax.JPEG2000Lossless);
      const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
      expect(firstDifference(storedValues(result.pixels, bitsStored, signed), values)).toBeUndefined();
    });
  }

  it.skipIf(!haveTools)('decodes RGB pixel-interleaved', async () => {
    const rgb = makeRgbImage(ROWS, COLUMNS);
    const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 8, samplesPerPixel: 3 }, rgb, 'gdcmconv', ['--j2k']);
    const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
    expect(['RGB']).toContain(result.photometricInterpretation);
    expect(firstDifference(result.pixels, rgb)).toBeUndefined();
  });

  it.skipIf(!haveTools)('decodes lossy (irreversible) frames as GDCM does', async () => {
    const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored: 12, seed: 8 });
    const enc = encodeWithTool(dir, { rows: ROWS, columns: COLUMNS, bitsAllocated: 16, bitsStored: 12 }, values, 'gdcmconv', ['--j2k', '--lossy', '-r', '10']);
    expect(enc.transferSyntaxUid).toBe(TransferSyntax.JPEG2000);
    const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
    expect(maxAbsDifference(result.pixels, decodeWithTool(enc, 'gdcmconv', ['--raw']))).toBeLessThanOrEqual(1);
    expect(psnr(result.pixels, values, 12)).toBeGreaterThan(25);
  });

  // Issue #12: frames go to the threaded OpenJPEG build (vendor/codec-openjpeg-threaded), whose
  // code-blocks are decoded on every CPU; a frame of many code-blocks exercises that split.
  it.skipIf(!haveTools)(`decodes a frame of many code-blocks exactly on the threaded build (${OPENJPEG_THREADS} threads here)`, async () => {
    const rows = 700;
    const columns = 900;
    const values = makeChestImage({ rows, columns, bitsStored: 16, noise: 0.005, seed: 21 });
    const enc = encodeWithTool(dir, { rows, columns, bitsAllocated: 16, bitsStored: 16 }, values, 'gdcmconv', ['--j2k']);
    const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
    expect(threadedJpeg2000Unavailable()).toBeUndefined();
    expect(firstDifference(storedValues(result.pixels, 16, false), values)).toBeUndefined();
  });

  it('takes the codestream out of a JP2 file wrapper', () => {
    const codestream = new Uint8Array([0xff, 0x4f, 0xff, 0x51, 1, 2, 3]);
    const box = (type: string, body: Uint8Array) => {
      const out = new Uint8Array(8 + body.length);
      new DataView(out.buffer).setUint32(0, out.length);
      for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
      out.set(body, 8);
      return out;
    };
    const jp2 = new Uint8Array([...box('jP  ', new Uint8Array([0x0d, 0x0a, 0x87, 0x0a])), ...box('ftyp', new Uint8Array(12)), ...box('jp2c', codestream)]);
    expect([...extractJ2kCodestream(jp2)]).toEqual([...codestream]);
    expect(extractJ2kCodestream(codestream)).toBe(codestream);
  });

  it('refuses a codestream whose SIZ size disagrees with the data set before decoding it', async () => {
    const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored: 16 }) as Uint16Array;
    const stream = await encodeHtj2k(values, { width: COLUMNS, height: ROWS, bitsPerSample: 16, componentCount: 1, isSigned: false });
    expect(j2kGeometry(stream)).toEqual({ width: COLUMNS, height: ROWS, components: 1, bitsPerSample: 16 });
    expect(await errorCode(() => decodeCompressedFrame(TransferSyntax.JPEG2000Lossless, stream, { ...info(16, false), columns: COLUMNS * 2 }))).toBe('CORRUPT_PIXEL_DATA');
  });

  it('reports garbage as corrupt', async () => {
    expect(await errorCode(() => decodeCompressedFrame(TransferSyntax.JPEG2000Lossless, new Uint8Array(100).fill(7), info(16, false)))).toBe('CORRUPT_PIXEL_DATA');
  });
});

describe('HTJ2K (PS3.5 A.4.11, OpenJPH WASM)', () => {
  for (const [bitsStored, signed] of [
    [16, false],
    [12, true],
    [8, false],
  ] as const) {
    it(`decodes ${bitsStored}-bit ${signed ? 'signed' : 'unsigned'} lossless exactly`, async () => {
      const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored, signed, seed: bitsStored });
      const stream = await encodeHtj2k(values as Uint16Array, { width: COLUMNS, height: ROWS, bitsPerSample: bitsStored, componentCount: 1, isSigned: signed });
      const result = await decodeCompressedFrame(TransferSyntax.HTJ2KLossless, stream, info(bitsStored, signed));
      expect(firstDifference(storedValues(result.pixels, bitsStored, signed), values)).toBeUndefined();
    });
  }

  it('decodes RGB pixel-interleaved', async () => {
    const rgb = makeRgbImage(ROWS, COLUMNS);
    const stream = await encodeHtj2k(rgb, { width: COLUMNS, height: ROWS, bitsPerSample: 8, componentCount: 3, isSigned: false });
    const result = await decodeCompressedFrame(TransferSyntax.HTJ2K, stream, info(8, false, 3));
    expect(firstDifference(result.pixels, rgb)).toBeUndefined();
  });

  it('decodes lossy frames close to the original', async () => {
    const values = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored: 12, seed: 9 }) as Uint16Array;
    const stream = await encodeHtj2k(values, { width: COLUMNS, height: ROWS, bitsPerSample: 12, componentCount: 1, isSigned: false, quantizationStep: 0.001 });
    const result = await decodeCompressedFrame(TransferSyntax.HTJ2K, stream, info(12, false));
    expect(psnr(result.pixels, values, 12)).toBeGreaterThan(35);
  });

  it('reports garbage as corrupt', async () => {
    expect(await errorCode(() => decodeCompressedFrame(TransferSyntax.HTJ2KLossless, new Uint8Array(100).fill(7), info(16, false)))).toBe('CORRUPT_PIXEL_DATA');
  });
});
