/**
 * Test helpers for the codec tests: write a raw (Explicit VR LE) DICOM with the shared fixture
 * writer, compress it with an independent toolkit (dcmtk, GDCM) at test time, and pull the
 * first frame's encapsulated bytes and Image Pixel attributes back out.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';
import { readEncapsulatedFrames, writeDicom, type PixelModule } from '../../../../../fixtures/dicomWriter';
import { runTool } from '../../../../../fixtures/tools';
import type { CodecFrameInfo } from '../../../../../../app/main/services/decoding/codecs';

export interface EncodedFixture {
  /** The compressed file, for decoding it with the toolkit too. */
  path: string;
  transferSyntaxUid: string;
  frame: Uint8Array;
  info: CodecFrameInfo;
}

let counter = 0;

/** Writes `values` as a native DICOM, runs `tool args in out`, and returns the compressed frame. */
export function encodeWithTool(dir: string, pixel: PixelModule, values: ArrayLike<number>, tool: string, args: string[]): EncodedFixture {
  const n = ++counter;
  const input = join(dir, `in${n}.dcm`);
  const output = join(dir, `out${n}.dcm`);
  writeFileSync(input, writeDicom({ pixel, pixelData: { native: values } }));
  runTool(tool, [...args, input, output]);
  return readCompressed(output);
}

/** Reads transfer syntax, pixel attributes and the first frame (fragments joined) of a compressed file. */
export function readCompressed(path: string): EncodedFixture {
  const bytes = new Uint8Array(readFileSync(path));
  const ds = dicomParser.parseDicom(bytes);
  const fragments = readEncapsulatedFrames(bytes)[0];
  const length = fragments.reduce((sum, f) => sum + f.length, 0);
  const frame = new Uint8Array(length);
  let at = 0;
  for (const f of fragments) {
    frame.set(f, at);
    at += f.length;
  }
  return {
    path,
    transferSyntaxUid: (ds.string('x00020010') ?? '').trim(),
    frame,
    info: {
      rows: ds.uint16('x00280010') ?? 0,
      columns: ds.uint16('x00280011') ?? 0,
      samplesPerPixel: ds.uint16('x00280002') ?? 1,
      bitsAllocated: ds.uint16('x00280100') ?? 0,
      bitsStored: ds.uint16('x00280101') ?? 0,
      pixelRepresentation: (ds.uint16('x00280103') ?? 0) as 0 | 1,
      planarConfiguration: (ds.uint16('x00280006') ?? 0) as 0 | 1,
      photometricInterpretation: (ds.string('x00280004') ?? '').trim(),
    },
  };
}

/** Stored values per PS3.5 8.1.1: masked to BitsStored, sign-extended when signed. */
export function storedValues(pixels: ArrayLike<number>, bitsStored: number, signed: boolean): Int32Array {
  const out = new Int32Array(pixels.length);
  const mask = bitsStored >= 32 ? -1 : (1 << bitsStored) - 1;
  const sign = 1 << (bitsStored - 1);
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i] & mask;
    out[i] = signed && v & sign ? v - (mask + 1) : v;
  }
  return out;
}

/** Index and values of the first difference, or undefined when equal (for readable failures). */
export function firstDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length} ≠ ${expected.length}`;
  for (let i = 0; i < actual.length; i++) if (actual[i] !== expected[i]) return `index ${i}: ${actual[i]} ≠ ${expected[i]}`;
  return undefined;
}

/** Peak signal-to-noise ratio in dB for values of `bits` bits. */
export function psnr(actual: ArrayLike<number>, expected: ArrayLike<number>, bits: number): number {
  let se = 0;
  for (let i = 0; i < expected.length; i++) se += (actual[i] - expected[i]) ** 2;
  const mse = se / expected.length;
  const peak = 2 ** bits - 1;
  return mse === 0 ? Infinity : 10 * Math.log10((peak * peak) / mse);
}

/** Decompresses `fixture.path` with a toolkit command (`tool ...args in out`) and returns its native samples. */
export function decodeWithTool(fixture: EncodedFixture, tool: string, args: string[]): Uint8Array | Uint16Array {
  const output = `${fixture.path}.${tool}.dcm`;
  runTool(tool, [...args, fixture.path, output]);
  return readNativePixels(output);
}

/** Native Pixel Data of a file an independent toolkit decompressed, as little-endian samples. */
export function readNativePixels(path: string): Uint8Array | Uint16Array {
  const bytes = new Uint8Array(readFileSync(path));
  const ds = dicomParser.parseDicom(bytes);
  const element = ds.elements.x7fe00010;
  if (!element) throw new Error(`no Pixel Data in ${path}`);
  const bitsAllocated = ds.uint16('x00280100') ?? 16;
  const data = bytes.slice(element.dataOffset, element.dataOffset + element.length);
  return bitsAllocated === 8 ? data : new Uint16Array(data.buffer, 0, data.length >> 1);
}

/** Largest absolute difference between two sample arrays. */
export function maxAbsDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(actual[i] - expected[i]));
  return max;
}

/** Runs `fn` and returns the CodedError code it threw (or 'NO_ERROR' / 'NOT_CODED:<message>'). */
export async function errorCode(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return 'NO_ERROR';
  } catch (err) {
    if (err && typeof err === 'object' && 'code' in err && err.constructor?.name === 'CodedError') return String(err.code);
    return `NOT_CODED:${err instanceof Error ? err.message : String(err)}`;
  }
}
