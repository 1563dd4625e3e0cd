/**
 * decodeFile wires the compressed syntaxes end to end (the codecs themselves are tested in
 * ./codecs): dcmtk / GDCM compress generated native files at test time; lossless results
 * must equal the original stored values, lossy ones must match the tool's own decompression
 * within a small tolerance.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFile } from '../../../../../app/main/services/decoding/decodeFile';
import { TransferSyntax, writeDicom, type PixelModule } from '../../../../fixtures/dicomWriter';
import { makeChestImage, makeRgbImage } from '../../../../fixtures/syntheticImages';
import { makeTempDir, requireTools, runTool } from '../../../../fixtures/tools';

const tmp = makeTempDir('cxr-compressed-');
afterAll(() => tmp.cleanup());
const ROWS = 48;
const COLS = 40;

interface Source {
  name: string;
  pixel: PixelModule;
  samples: ArrayLike<number>;
  frames: number;
}

const sources: Record<string, Source> = {
  u16: { name: 'u16', pixel: { rows: ROWS, columns: COLS, bitsStored: 16 }, samples: makeChestImage({ rows: ROWS, columns: COLS, bitsStored: 16, seed: 1 }), frames: 1 },
  s12: {
    name: 's12',
    pixel: { rows: ROWS, columns: COLS, bitsStored: 12, pixelRepresentation: 1 },
    samples: makeChestImage({ rows: ROWS, columns: COLS, bitsStored: 12, signed: true, seed: 2 }),
    frames: 1,
  },
  u12: { name: 'u12', pixel: { rows: ROWS, columns: COLS, bitsStored: 12 }, samples: makeChestImage({ rows: ROWS, columns: COLS, bitsStored: 12, seed: 3 }), frames: 1 },
  u8: { name: 'u8', pixel: { rows: ROWS, columns: COLS, bitsAllocated: 8 }, samples: makeChestImage({ rows: ROWS, columns: COLS, bitsStored: 8, seed: 4 }), frames: 1 },
  rgb: { name: 'rgb', pixel: { rows: ROWS, columns: COLS, samplesPerPixel: 3, bitsAllocated: 8 }, samples: makeRgbImage(ROWS, COLS, 5), frames: 1 },
  multi: (() => {
    const a = makeChestImage({ rows: ROWS, columns: COLS, bitsStored: 16, seed: 6 });
    const b = makeChestImage({ rows: ROWS, columns: COLS, bitsStored: 16, seed: 7 });
    const both = new Uint16Array(a.length * 2);
    both.set(a);
    both.set(b, a.length);
    return { name: 'multi', pixel: { rows: ROWS, columns: COLS, numberOfFrames: 2 }, samples: both, frames: 2 };
  })(),
};

function nativeFile(src: Source): string {
  const file = join(tmp.dir, `${src.name}.dcm`);
  writeFileSync(file, writeDicom({ pixel: src.pixel, pixelData: { native: src.samples } }));
  return file;
}

function frameSamples(src: Source, frame: number): number[] {
  const per = src.samples.length / src.frames;
  return Array.from(src.samples).slice(frame * per, (frame + 1) * per);
}

async function decodePath(path: string, frame = 0) {
  return decodeFile(new Uint8Array(readFileSync(path)), { fileName: 'x.dcm', frame });
}

interface Case {
  label: string;
  tool: string;
  args: (input: string, output: string) => string[];
  ts: string;
  source: keyof typeof sources;
  /** Tool that decompresses the file back to native, for lossy comparisons. */
  decompress?: { tool: string; args: (input: string, output: string) => string[]; tolerance: number };
}

const cases: Case[] = [
  { label: 'RLE Lossless multi-frame', tool: 'dcmcrle', args: (i, o) => [i, o], ts: TransferSyntax.RLELossless, source: 'multi' },
  { label: 'RLE Lossless signed 12-bit', tool: 'dcmcrle', args: (i, o) => [i, o], ts: TransferSyntax.RLELossless, source: 's12' },
  { label: 'RLE Lossless RGB', tool: 'dcmcrle', args: (i, o) => [i, o], ts: TransferSyntax.RLELossless, source: 'rgb' },
  { label: 'JPEG Lossless SV1 16-bit', tool: 'dcmcjpeg', args: (i, o) => ['+e1', i, o], ts: TransferSyntax.JPEGLosslessSV1, source: 'u16' },
  { label: 'JPEG Lossless SV1 signed 12-bit', tool: 'dcmcjpeg', args: (i, o) => ['+e1', i, o], ts: TransferSyntax.JPEGLosslessSV1, source: 's12' },
  { label: 'JPEG Lossless P14 multi-frame', tool: 'dcmcjpeg', args: (i, o) => ['+el', i, o], ts: TransferSyntax.JPEGLosslessP14, source: 'multi' },
  {
    label: 'JPEG Baseline 8-bit grey',
    tool: 'dcmcjpeg',
    args: (i, o) => ['+eb', i, o],
    ts: TransferSyntax.JPEGBaseline8Bit,
    source: 'u8',
    decompress: { tool: 'dcmdjpeg', args: (i, o) => [i, o], tolerance: 2 },
  },
  {
    label: 'JPEG Baseline RGB',
    tool: 'dcmcjpeg',
    args: (i, o) => ['+eb', i, o],
    ts: TransferSyntax.JPEGBaseline8Bit,
    source: 'rgb',
    decompress: { tool: 'dcmdjpeg', args: (i, o) => [i, o], tolerance: 3 },
  },
  {
    label: 'JPEG Extended 12-bit',
    tool: 'dcmcjpeg',
    args: (i, o) => ['+ee', i, o],
    ts: TransferSyntax.JPEGExtended12Bit,
    source: 'u12',
    decompress: { tool: 'dcmdjpeg', args: (i, o) => [i, o], tolerance: 4 },
  },
  { label: 'JPEG-LS Lossless 16-bit', tool: 'dcmcjpls', args: (i, o) => ['+el', i, o], ts: TransferSyntax.JPEGLSLossless, source: 'u16' },
  { label: 'JPEG-LS Lossless signed 12-bit', tool: 'dcmcjpls', args: (i, o) => ['+el', i, o], ts: TransferSyntax.JPEGLSLossless, source: 's12' },
  {
    label: 'JPEG-LS Near-Lossless (NEAR 2)',
    tool: 'dcmcjpls',
    args: (i, o) => ['+en', i, o],
    ts: TransferSyntax.JPEGLSNearLossless,
    source: 'u12',
    decompress: { tool: 'dcmdjpls', args: (i, o) => [i, o], tolerance: 0 },
  },
  { label: 'JPEG 2000 Lossless 16-bit', tool: 'gdcmconv', args: (i, o) => ['--j2k', i, o], ts: TransferSyntax.JPEG2000Lossless, source: 'u16' },
  { label: 'JPEG 2000 Lossless signed 12-bit', tool: 'gdcmconv', args: (i, o) => ['--j2k', i, o], ts: TransferSyntax.JPEG2000Lossless, source: 's12' },
  {
    label: 'JPEG 2000 lossy',
    tool: 'gdcmconv',
    args: (i, o) => ['--j2k', '--lossy', '-q', '40', i, o],
    ts: TransferSyntax.JPEG2000,
    source: 'u12',
    decompress: { tool: 'gdcmconv', args: (i, o) => ['--raw', i, o], tolerance: 2 },
  },
];

describe('compressed syntaxes through decodeFile', () => {
  for (const c of cases) {
    const tools = [c.tool, ...(c.decompress ? [c.decompress.tool] : [])];
    it.skipIf(!requireTools(...tools))(c.label, async () => {
      const src = sources[c.source];
      const compressed = join(tmp.dir, `${c.label.replace(/\W+/g, '-')}.dcm`);
      runTool(c.tool, c.args(nativeFile(src), compressed));
      for (let frame = 0; frame < src.frames; frame++) {
        const ours = await decodePath(compressed, frame);
        expect(ours.info.transferSyntaxUid).toBe(c.ts);
        if (!c.decompress) {
          expect(Array.from(ours.pixels)).toEqual(frameSamples(src, frame));
          continue;
        }
        const back = join(tmp.dir, `${c.label.replace(/\W+/g, '-')}-native.dcm`);
        runTool(c.decompress.tool, c.decompress.args(compressed, back));
        const ref = await decodePath(back, frame);
        expect(ours.pixels.length).toBe(ref.pixels.length);
        let worst = 0;
        for (let i = 0; i < ref.pixels.length; i++) worst = Math.max(worst, Math.abs(ours.pixels[i] - ref.pixels[i]));
        expect(worst).toBeLessThanOrEqual(c.decompress.tolerance);
      }
    });
  }
});

describe('JPEG files (not DICOM)', () => {
  for (const [label, colorspace, channels] of [
    ['grey', 'Gray', 1],
    ['colour', 'sRGB', 3],
  ] as const) {
    it.skipIf(!requireTools('convert'))(`decodes a ${label} JPEG like ImageMagick does`, async () => {
      const src = join(tmp.dir, `src-${label}.png`);
      const jpg = join(tmp.dir, `img-${label}.jpg`);
      const ref = join(tmp.dir, `ref-${label}.${channels === 1 ? 'pgm' : 'ppm'}`);
      runTool('convert', ['-size', '40x30', 'gradient:blue-yellow', '-colorspace', colorspace, src]);
      runTool('convert', [src, '-quality', '90', jpg]);
      runTool('convert', [jpg, ref]);
      const ours = await decodeFile(new Uint8Array(readFileSync(jpg)), { fileName: 'img.jpg' });
      expect(ours.info).toMatchObject({ rows: 30, columns: 40, samplesPerPixel: channels, photometricInterpretation: channels === 1 ? 'MONOCHROME2' : 'RGB', transferSyntaxUid: '' });
      const refBytes = readFileSync(ref);
      const pixels = refBytes.subarray(refBytes.length - 40 * 30 * channels);
      let worst = 0;
      for (let i = 0; i < pixels.length; i++) worst = Math.max(worst, Math.abs(ours.pixels[i] - pixels[i]));
      expect(worst).toBeLessThanOrEqual(2);
    });
  }
});
