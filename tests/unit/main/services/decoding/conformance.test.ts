/**
 * Decoder conformance (issue #12): each kind of file below must decode to the stored values
 * dcmtk or GDCM read from the same file, generated here at test time (the fixture writer, dcmtk,
 * GDCM, or OpenJPEG's encoder where neither toolkit writes the file), or fail with a coded error.
 * One `describe` per behaviour of the issue.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';
import { decodeFile, readHeaderFromBytes } from '../../../../../app/main/services/decoding/decodeFile';
import { rawSamplesFromNative } from '../../../../../app/main/services/decoding/storedValues';
import { renderThumbnail } from '../../../../../app/main/services/decoding/thumbnail';
import { modalityValue } from '../../../../../app/shared/imaging/voi';
import { el, readEncapsulatedFrames, TransferSyntax, writeDicom, type ElementSpec, type PixelModule } from '../../../../fixtures/dicomWriter';
import { encodeJ2k } from '../../../../fixtures/j2kEncoder';
import { readNetpbm } from '../../../../fixtures/netpbm';
import { makeChestImage, makeRgbImage, mulberry32 } from '../../../../fixtures/syntheticImages';
import { makeTempDir, requireTools, runTool } from '../../../../fixtures/tools';
import { errorCode, firstDifference, psnr } from './codecs/codecFixtures';

const tmp = makeTempDir('cxr-conformance-');
afterAll(() => tmp.cleanup());
let counter = 0;

/** Writes `bytes` to a fresh file in the temporary folder and returns its path. */
function save(bytes: Uint8Array, name: string): string {
  const path = join(tmp.dir, `${++counter}-${name}.dcm`);
  writeFileSync(path, bytes);
  return path;
}

/**
 * Stored values of every frame of a native Explicit VR LE file a toolkit wrote (dcmconv +te,
 * dcmdrle, gdcmconv --raw), read straight from its Pixel Data: PS3.5 8.1.1 masking and sign
 * extension per its own Bits Stored / Pixel Representation; Bits Allocated 1 unpacked LSB first.
 */
function toolStoredValues(path: string): number[] {
  const bytes = new Uint8Array(readFileSync(path));
  const ds = dicomParser.parseDicom(bytes);
  const e = ds.elements.x7fe00010;
  if (!e) throw new Error(`no Pixel Data in ${path}`);
  const bitsAllocated = ds.uint16('x00280100') ?? 16;
  const bitsStored = ds.uint16('x00280101') ?? bitsAllocated;
  const signed = ds.uint16('x00280103') === 1;
  const count = (ds.uint16('x00280010') ?? 0) * (ds.uint16('x00280011') ?? 0) * (ds.uint16('x00280002') ?? 1) * Number(ds.string('x00280008') ?? 1);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + e.dataOffset, e.length);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    let v: number;
    if (bitsAllocated === 1) v = (bytes[e.dataOffset + (i >> 3)] >> (i & 7)) & 1;
    else if (bitsAllocated === 8) v = dv.getUint8(i);
    else if (bitsAllocated === 16) v = dv.getUint16(i * 2, true);
    else v = dv.getUint32(i * 4, true);
    if (bitsStored < 32) v = v % 2 ** bitsStored;
    out.push(signed && v >= 2 ** (bitsStored - 1) ? v - 2 ** bitsStored : v);
  }
  return out;
}

/** dcmtk's rendering of a frame without VOI or modality LUT, on `bits` bits: stored values for unsigned data. */
function dcmtkGrey(path: string, frame: number, bits: number): number[] {
  const out = `${path}.${frame}.pgm`;
  runTool('dcm2pnm', ['-q', '-W', '-M', '+opn', String(bits), '+F', String(frame + 1), path, out]);
  return readNetpbm(readFileSync(out)).samples;
}

/** dcmtk's RGB rendering of a frame (PPM). */
function dcmtkRgb(path: string, frame = 0): number[] {
  const out = `${path}.${frame}.ppm`;
  runTool('dcm2pnm', ['-q', '+op', '+F', String(frame + 1), path, out]);
  return readNetpbm(readFileSync(out)).samples;
}

/** Decodes `bytes` as if the file's bytes started `shift` bytes into a larger buffer (so views are unaligned). */
async function decodeAt(bytes: Uint8Array, shift: number, frame = 0) {
  const buffer = new Uint8Array(bytes.length + shift);
  buffer.set(bytes, shift);
  return decodeFile(buffer.subarray(shift), { fileName: 'x.dcm', frame, applyPalette: false });
}

describe('1. 32-bit stored values (Bits Allocated 32, e.g. RT Dose grids)', () => {
  const rows = 9;
  const columns = 11;
  const random = mulberry32(32);
  const unsigned = Array.from({ length: rows * columns }, () => Math.floor(random() * 3_000_000_000 * 0.7));
  const signed = Array.from({ length: rows * columns }, () => Math.floor((random() - 0.5) * 4_000_000_000));
  const pixel = (pr: 0 | 1, frames = 1): PixelModule => ({ rows, columns, bitsAllocated: 32, bitsStored: 32, highBit: 31, pixelRepresentation: pr, numberOfFrames: frames });
  // Descriptions of 2 and 4 characters move the Pixel Data value by 2 bytes: offsets ≡ 0 and 2 (mod 4).
  const variants: Array<[string, string, string]> = [
    ['explicit LE', TransferSyntax.ExplicitVRLittleEndian, 'AB'],
    ['explicit LE', TransferSyntax.ExplicitVRLittleEndian, 'ABCD'],
    ['implicit LE', TransferSyntax.ImplicitVRLittleEndian, 'AB'],
    ['explicit BE', TransferSyntax.ExplicitVRBigEndian, 'ABCD'],
    ['deflated', TransferSyntax.DeflatedExplicitVRLittleEndian, 'AB'],
  ];

  for (const [name, ts, description] of variants) {
    it.skipIf(!requireTools('dcmconv'))(`native ${name} (description ${description}): unsigned and signed frames equal dcmtk's values, from any buffer alignment`, async () => {
      for (const [pr, values] of [
        [0, unsigned],
        [1, signed],
      ] as const) {
        const bytes = writeDicom({ transferSyntaxUid: ts, pixel: pixel(pr), pixelData: { native: values }, elements: [el('StudyDescription', 'LO', description)] });
        const path = save(bytes, `u32-${pr}`);
        const le = `${path}.le.dcm`;
        runTool('dcmconv', ['+te', path, le]);
        const reference = toolStoredValues(le);
        expect(firstDifference(reference, values)).toBeUndefined();
        for (const shift of [0, 1, 2, 3]) {
          const ours = await decodeAt(bytes, shift);
          expect(ours.pixels).toBeInstanceOf(Int32Array);
          expect(firstDifference(ours.pixels, reference)).toBeUndefined();
          expect(ours.info.rescaleIntercept).toBe(0);
          expect(ours.info.minStored).toBe(Math.min(...reference));
          expect(ours.info.maxStored).toBe(Math.max(...reference));
        }
      }
    });
  }

  it('a 32-bit frame starting at an unaligned byte offset is copied, never viewed (no "start offset of Uint32Array" RangeError)', () => {
    const words = new Uint8Array(4 * 5 + 3);
    const view = new DataView(words.buffer);
    for (let i = 0; i < 5; i++) view.setUint32(3 + i * 4, 0x80000000 + i, true);
    for (const offset of [1, 2, 3]) {
      const raw = rawSamplesFromNative({ bytes: words.subarray(offset, offset + 20), bitOffset: 0 }, 32, 5);
      expect(raw.length).toBe(5);
    }
    expect(Array.from(rawSamplesFromNative({ bytes: words.subarray(3), bitOffset: 0 }, 32, 5))).toEqual([0, 1, 2, 3, 4].map((i) => 0x80000000 + i));
  });

  it.skipIf(!requireTools('dcmcrle', 'dcmdrle', 'gdcmconv'))('RLE Lossless (dcmcrle), multi-frame, unsigned and signed: equal to dcmdrle and GDCM', async () => {
    for (const [pr, values] of [
      [0, unsigned],
      [1, signed],
    ] as const) {
      const twoFrames = [...values, ...values.map((v) => (pr === 1 ? -v : Math.floor(v / 3)))];
      const native = save(writeDicom({ pixel: pixel(pr, 2), pixelData: { native: twoFrames } }), `rle32-${pr}`);
      const rle = `${native}.rle.dcm`;
      runTool('dcmcrle', [native, rle]);
      const byDcmtk = `${rle}.dcmdrle.dcm`;
      const byGdcm = `${rle}.gdcm.dcm`;
      runTool('dcmdrle', [rle, byDcmtk]);
      runTool('gdcmconv', ['--raw', rle, byGdcm]);
      const reference = toolStoredValues(byDcmtk);
      expect(firstDifference(toolStoredValues(byGdcm), reference)).toBeUndefined();
      const bytes = new Uint8Array(readFileSync(rle));
      for (const frame of [0, 1]) {
        const ours = await decodeFile(bytes, { fileName: 'rle.dcm', frame });
        expect(ours.info.transferSyntaxUid).toBe(TransferSyntax.RLELossless);
        expect(firstDifference(ours.pixels, reference.slice(frame * rows * columns, (frame + 1) * rows * columns))).toBeUndefined();
      }
    }
  });

  it.skipIf(!requireTools('dcmconv'))('unsigned values of 2^31 and more: stored values shifted by −2^31, Rescale Intercept raised to match, modality values exact', async () => {
    const values = [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, ...unsigned.slice(6).map((v) => v + 1_000_000_000)];
    const slope = 0.5;
    const intercept = -10;
    const bytes = writeDicom({ pixel: pixel(0), pixelData: { native: values }, elements: [el('RescaleSlope', 'DS', slope), el('RescaleIntercept', 'DS', intercept)] });
    const path = save(bytes, 'u32-high');
    runTool('dcmconv', ['+te', path, `${path}.le.dcm`]);
    const reference = toolStoredValues(`${path}.le.dcm`);
    expect(reference.slice(0, 6)).toEqual(values.slice(0, 6));
    const ours = await decodeFile(bytes, { fileName: 'x.dcm' });
    expect(ours.pixels).toBeInstanceOf(Int32Array);
    expect(firstDifference(Array.from(ours.pixels, (v) => v + 2 ** 31), reference)).toBeUndefined();
    expect(ours.info.rescaleIntercept).toBe(intercept + slope * 2 ** 31);
    for (let i = 0; i < values.length; i++) expect(modalityValue(ours.pixels[i], ours.info)).toBe(slope * reference[i] + intercept);
    expect(ours.info.minStored).toBe(-(2 ** 31));
    expect(ours.info.maxStored).toBe(2 ** 31 - 1);
  });

  it('is displayed with a window from its data: the thumbnail spans the grey range', async () => {
    // An RT Dose-like grid: a smooth dose hill on a zero background, values up to ~3·10^9.
    const grid = Array.from({ length: 64 * 64 }, (_, i) => {
      const x = (i % 64) - 32;
      const y = Math.floor(i / 64) - 32;
      return Math.max(0, Math.round(3e9 * (1 - (x * x + y * y) / 900)));
    });
    const frame = await decodeFile(writeDicom({ sopClassUid: '1.2.840.10008.5.1.4.1.1.481.2', pixel: { rows: 64, columns: 64, bitsAllocated: 32 }, pixelData: { native: grid } }), { fileName: 'dose.dcm' });
    expect(frame.info.windowPresets).toEqual([]);
    const thumb = renderThumbnail(frame, 64);
    const greys = new Set<number>();
    for (let i = 0; i < thumb.rgba.length; i += 4) greys.add(thumb.rgba[i]);
    expect(Math.min(...greys)).toBe(0);
    expect(Math.max(...greys)).toBe(255);
    expect(greys.size).toBeGreaterThan(100);
  });
});

describe('2. Bits Allocated 1 (segmentation-like frames)', () => {
  const rows = 7;
  const columns = 9; // 63 bits a frame: frames 2 and 3 start inside a byte
  const frames = 3;
  const bits = Array.from({ length: rows * columns * frames }, (_, i) => ((i * 7) % 5 === 0 || i % 11 === 0 ? 1 : 0));
  const pixel: PixelModule = { rows, columns, bitsAllocated: 1, bitsStored: 1, highBit: 0, numberOfFrames: frames };

  it.skipIf(!requireTools('dcm2pnm'))('native, bit-packed LSB first (PS3.5 8.1.1), frames not byte-aligned: equal to dcmtk', async () => {
    const packed = new Uint8Array(Math.ceil(bits.length / 8));
    bits.forEach((b, i) => (packed[i >> 3] |= b << (i & 7)));
    for (const ts of [TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ImplicitVRLittleEndian]) {
      const bytes = writeDicom({ transferSyntaxUid: ts, pixel, pixelData: { rawBytes: packed, vr: 'OB' } });
      const path = save(bytes, 'bits1');
      for (let f = 0; f < frames; f++) {
        const ours = await decodeFile(bytes, { fileName: 'seg.dcm', frame: f });
        const expected = bits.slice(f * rows * columns, (f + 1) * rows * columns);
        expect(firstDifference(ours.pixels, dcmtkGrey(path, f, 1))).toBeUndefined();
        expect(firstDifference(ours.pixels, expected)).toBeUndefined();
        expect(ours.info.bitsAllocated).toBe(1);
      }
    }
  });

  it.skipIf(!requireTools('gdcmconv'))('JPEG 2000 with a 1-bit component (OpenJPEG-encoded): equal to GDCM', async () => {
    const perFrame = rows * columns;
    const streams = [];
    for (let f = 0; f < frames; f++) {
      streams.push(await encodeJ2k(bits.slice(f * perFrame, (f + 1) * perFrame), { width: columns, height: rows, bitsPerSample: 1, componentCount: 1, isSigned: false }));
    }
    const bytes = writeDicom({ transferSyntaxUid: TransferSyntax.JPEG2000Lossless, pixel, pixelData: { frames: streams, basicOffsetTable: true } });
    const path = save(bytes, 'j2k-bits1');
    runTool('gdcmconv', ['--raw', path, `${path}.raw.dcm`]);
    const reference = toolStoredValues(`${path}.raw.dcm`);
    expect(firstDifference(reference, bits)).toBeUndefined();
    for (let f = 0; f < frames; f++) {
      const ours = await decodeFile(bytes, { fileName: 'seg.dcm', frame: f });
      expect(firstDifference(ours.pixels, reference.slice(f * perFrame, (f + 1) * perFrame))).toBeUndefined();
      expect(ours.info).toMatchObject({ bitsAllocated: 1, minStored: 0, maxStored: 1 });
    }
  });
});

/** Inserts a marker segment right after SOI. */
function insertAfterSoi(jpeg: Uint8Array, segment: number[]): Uint8Array {
  const out = new Uint8Array(jpeg.length + segment.length);
  out.set(jpeg.subarray(0, 2));
  out.set(segment, 2);
  out.set(jpeg.subarray(2), 2 + segment.length);
  return out;
}
const JFIF_APP0 = [0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
const adobeApp14 = (transform: number) => [0xff, 0xee, 0, 14, 0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, transform];

/** True when the stream has an Adobe APP14 segment with this transform before its first scan. */
function adobeTransformOf(jpeg: Uint8Array): number | undefined {
  for (let p = 2; p + 4 < jpeg.length && jpeg[p + 1] !== 0xda; p += 2 + ((jpeg[p + 2] << 8) | jpeg[p + 3])) {
    if (jpeg[p + 1] === 0xee && jpeg[p + 4] === 0x41) return jpeg[p + 15];
  }
  return undefined;
}

describe('3. JPEG baseline with an Adobe APP14 marker', () => {
  const rows = 48;
  const columns = 40;
  const rgb = makeRgbImage(rows, columns, 5);

  /** dcmcjpeg's frame with `extra` segments after SOI, as a new DICOM file; returns it and dcmdjpeg's decompression. */
  async function withSegments(args: string[], photometric: string, extra: number[][]) {
    const native = save(writeDicom({ pixel: { rows, columns, samplesPerPixel: 3, bitsAllocated: 8 }, pixelData: { native: rgb } }), 'rgb');
    const compressed = `${native}.jpg.dcm`;
    runTool('dcmcjpeg', [...args, native, compressed]);
    let frame = readEncapsulatedFrames(new Uint8Array(readFileSync(compressed)))[0][0];
    for (const segment of extra) frame = insertAfterSoi(frame, segment);
    const bytes = writeDicom({ transferSyntaxUid: TransferSyntax.JPEGBaseline8Bit, pixel: { rows, columns, samplesPerPixel: 3, bitsAllocated: 8, photometricInterpretation: photometric }, pixelData: { frames: [frame] } });
    const path = save(bytes, 'app14');
    runTool('dcmdjpeg', [path, `${path}.raw.dcm`]);
    return { frame, bytes, reference: dcmtkRgb(`${path}.raw.dcm`) };
  }

  it.skipIf(!requireTools('dcmcjpeg', 'dcmdjpeg', 'dcm2pnm'))('transform 0 (RGB, no colour transform) next to a JFIF marker: RGB as stored, like dcmtk', async () => {
    // dcmcjpeg +cr writes RGB components and APP14 transform 0; a JFIF APP0 in front of it is
    // what made libjpeg treat the components as YCbCr (PSNR 7 dB against dcmtk before the fix).
    const { frame, bytes, reference } = await withSegments(['+eb', '+cr'], 'RGB', [JFIF_APP0]);
    expect(adobeTransformOf(frame)).toBe(0);
    const ours = await decodeFile(bytes, { fileName: 'rgb.dcm' });
    const db = psnr(ours.pixels, reference, 8);
    console.info(`APP14 transform 0 + JFIF: PSNR against dcmdjpeg ${db === Infinity ? '∞' : db.toFixed(1)} dB`);
    expect(firstDifference(ours.pixels, reference)).toBeUndefined();
    expect(psnr(ours.pixels, rgb, 8)).toBeGreaterThan(30);
  });

  it.skipIf(!requireTools('dcmcjpeg', 'dcmdjpeg', 'dcm2pnm'))('transform 1 (YCbCr): converted to RGB, like dcmtk', async () => {
    const { bytes, reference } = await withSegments(['+eb', '+s4'], 'YBR_FULL', [adobeApp14(1), JFIF_APP0]);
    const ours = await decodeFile(bytes, { fileName: 'ybr.dcm' });
    let worst = 0;
    for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(ours.pixels[i] - reference[i]));
    expect(worst).toBeLessThanOrEqual(3);
    expect(psnr(ours.pixels, rgb, 8)).toBeGreaterThan(30);
  });
});

describe('4. lossy 12-bit progressive JPEG (spectral selection, successive approximation)', () => {
  const rows = 37;
  const columns = 53; // not a multiple of 8: partial blocks at the right and bottom edges
  const values = makeChestImage({ rows, columns, bitsStored: 12, seed: 12 });
  const native = () => save(writeDicom({ pixel: { rows, columns, bitsStored: 12 }, pixelData: { native: values } }), 'u12');

  for (const [option, ts, what] of [
    ['+es', '1.2.840.10008.1.2.4.53', 'spectral selection only (process 6/8)'],
    ['+ep', '1.2.840.10008.1.2.4.55', 'full progression (process 10/12)'],
  ] as const) {
    it.skipIf(!requireTools('dcmcjpeg', 'dcmdjpeg'))(`${what}, written by dcmcjpeg ${option}: within 1 level of dcmdjpeg, also when labelled JPEG Extended`, async () => {
      const compressed = `${native()}.${option}.dcm`;
      runTool('dcmcjpeg', [option, '+q', '75', compressed.replace(`.${option}.dcm`, ''), compressed]);
      const bytes = new Uint8Array(readFileSync(compressed));
      const reference = `${compressed}.raw.dcm`;
      runTool('dcmdjpeg', [compressed, reference]);
      const expected = toolStoredValues(reference);
      const frame = readEncapsulatedFrames(bytes)[0][0];
      // Mislabelled archives: the same stream under .4.51 is decoded by its own SOF marker.
      const relabelled = writeDicom({ transferSyntaxUid: TransferSyntax.JPEGExtended12Bit, pixel: { rows, columns, bitsStored: 12 }, pixelData: { frames: [frame] } });
      for (const file of [bytes, relabelled]) {
        const ours = await decodeFile(file, { fileName: 'prog.dcm' });
        let worst = 0;
        for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(ours.pixels[i] - expected[i]));
        expect(worst).toBeLessThanOrEqual(1);
        expect(psnr(ours.pixels, values, 12)).toBeGreaterThan(40);
      }
      expect((await decodeFile(bytes, { fileName: 'prog.dcm' })).info.transferSyntaxUid).toBe(ts);
    });
  }

  it.skipIf(!requireTools('dcmcjpeg'))('damaged progressive streams end in coded errors, never a crash or a hang', async () => {
    const compressed = `${native()}.ep.dcm`;
    runTool('dcmcjpeg', ['+ep', compressed.replace('.ep.dcm', ''), compressed]);
    const frame = readEncapsulatedFrames(new Uint8Array(readFileSync(compressed)))[0][0];
    const random = mulberry32(4);
    const codes = new Set<string>();
    for (let trial = 0; trial < 150; trial++) {
      const damaged = trial % 3 === 0 ? frame.slice(0, Math.floor(random() * frame.length)) : frame.slice();
      if (trial % 3 !== 0) for (let n = 0; n < 4; n++) damaged[20 + Math.floor(random() * (damaged.length - 20))] = Math.floor(random() * 256);
      const file = writeDicom({ transferSyntaxUid: '1.2.840.10008.1.2.4.55', pixel: { rows, columns, bitsStored: 12 }, pixelData: { frames: [damaged] } });
      codes.add(await errorCode(() => decodeFile(file, { fileName: 'x.dcm' })));
    }
    for (const code of codes) expect(['NO_ERROR', 'CORRUPT_PIXEL_DATA', 'UNSUPPORTED_TRANSFER_SYNTAX']).toContain(code);
  });
});

describe('5. odd-length 8-bit RGB Pixel Data in Explicit VR Big Endian', () => {
  // 3×3 RGB = 27 bytes a frame, padded to an even length (PS3.5 7.1.1). As OW the value is a
  // stream of 16-bit words, so in big endian the last byte of the frame sits in a swapped word.
  const rgb = Array.from({ length: 27 * 2 }, (_, i) => (i * 37 + 11) & 0xff);
  const pixel: PixelModule = { rows: 3, columns: 3, samplesPerPixel: 3, bitsAllocated: 8, numberOfFrames: 2 };

  for (const vr of ['OW', 'OB'] as const) {
    it.skipIf(!requireTools('dcm2pnm'))(`${vr}, two frames (the second starts inside a word): all 27 bytes of each frame, equal to dcmtk`, async () => {
      const bytes = writeDicom({ transferSyntaxUid: TransferSyntax.ExplicitVRBigEndian, pixel, pixelData: { rawBytes: Uint8Array.from(rgb), vr, swap16: vr === 'OW' } });
      const path = save(bytes, `be-rgb-${vr}`);
      for (const frame of [0, 1]) {
        const ours = await decodeFile(bytes, { fileName: 'rgb.dcm', frame });
        expect(ours.pixels.length).toBe(27);
        expect(firstDifference(ours.pixels, dcmtkRgb(path, frame))).toBeUndefined();
        expect(firstDifference(ours.pixels, rgb.slice(frame * 27, frame * 27 + 27))).toBeUndefined();
      }
    });
  }
});

describe('6. an element after the Pixel Data that runs past the end of the file', () => {
  const rows = 12;
  const columns = 10;
  const values = makeChestImage({ rows, columns, bitsStored: 12, seed: 6 });
  const privateTail: ElementSpec[] = [el(0x7fe10010, 'LO', 'ACME 1.0'), el(0x7fe11001, 'OB', new Uint8Array(40).fill(3))];
  const file = (ts: string, tail: ElementSpec[]) => writeDicom({ transferSyntaxUid: ts, pixel: { rows, columns, bitsStored: 12 }, pixelData: { native: values }, elements: tail });

  for (const [name, ts] of [
    ['explicit LE', TransferSyntax.ExplicitVRLittleEndian],
    ['implicit LE', TransferSyntax.ImplicitVRLittleEndian],
    ['explicit BE', TransferSyntax.ExplicitVRBigEndian],
  ] as const) {
    it.skipIf(!requireTools('dcm2pnm'))(`${name}: the complete pixels are decoded (equal to dcmtk on the intact file) with a TRAILING_DATA_TRUNCATED warning`, async () => {
      const intact = file(ts, privateTail);
      const reference = dcmtkGrey(save(intact, 'intact'), 0, 12);
      const damaged: Array<[string, Uint8Array]> = [
        ['length past the end', file(ts, [privateTail[0], el(0x7fe11001, 'OB', new Uint8Array(40).fill(3), { lengthOverride: 100_000 })])],
        ['cut inside the value', intact.subarray(0, intact.length - 10)],
        ['cut inside the element header', intact.subarray(0, intact.length - 45)],
      ];
      for (const [what, bytes] of damaged) {
        const ours = await decodeFile(bytes, { fileName: 'tail.dcm' });
        expect(firstDifference(ours.pixels, reference), what).toBeUndefined();
        expect(ours.warnings?.map((w) => w.code), what).toEqual(['TRAILING_DATA_TRUNCATED']);
        expect(ours.warnings?.[0].message).toMatch(/^tail\.dcm: /);
        expect(readHeaderFromBytes(bytes, 'tail.dcm').rows).toBe(rows);
      }
      expect((await decodeFile(intact, { fileName: 'tail.dcm' })).warnings).toBeUndefined();
    });
  }

  it('damage that reaches the Pixel Data, or an element before it, is still refused with a coded error', async () => {
    const intact = file(TransferSyntax.ExplicitVRLittleEndian, privateTail);
    expect(await errorCode(() => decodeFile(intact.subarray(0, intact.length - 70), { fileName: 'x.dcm' }))).toBe('DICOM_TRUNCATED');
    const badHeader = writeDicom({ pixel: { rows, columns, bitsStored: 12 }, pixelData: { native: values }, elements: [el('StudyDescription', 'LO', 'CHEST', { lengthOverride: 0xfff0 })] });
    expect(await errorCode(() => decodeFile(badHeader, { fileName: 'x.dcm' }))).toBe('LENGTH_PAST_END');
  });
});
