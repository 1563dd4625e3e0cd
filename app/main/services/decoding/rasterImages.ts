/**
 * PNG and JPEG inputs (issue #2: a PNG/JPEG becomes a single-image study). Decoded into the
 * same DecodedFrame as DICOM: grayscale → MONOCHROME2 stored values (8 or 16 bit), colour →
 * RGB 8-bit interleaved; alpha is dropped. Sizes are checked from the header before decoding.
 */
import { PNG } from 'pngjs';
import { MAX_DECODED_BYTES, MAX_DIMENSION, type DecodedFrame, type ImageDisplayInfo } from '../../../shared/imaging/types';
import { CodedError } from '../../../shared/result';
import { decodeJpegBaseline8 } from './codecs';
import { decodeError, DecodeErrorCode } from './decodeErrors';
import { minMax } from './storedValues';

/** Transfer syntax reported for PNG/JPEG inputs: empty, as issue #2 allows ("" or a pseudo value). */
export const RASTER_TRANSFER_SYNTAX = '';

function checkSize(width: number, height: number, bytesPerPixel: number, fileName: string): void {
  if (width > MAX_DIMENSION || height > MAX_DIMENSION) {
    throw decodeError(DecodeErrorCode.IMAGE_TOO_LARGE, fileName, `image is ${width}×${height}; the limit is ${MAX_DIMENSION} pixels per side`);
  }
  if (width * height * bytesPerPixel > MAX_DECODED_BYTES) {
    throw decodeError(DecodeErrorCode.IMAGE_TOO_LARGE, fileName, `image needs ${width * height * bytesPerPixel} bytes; the limit is ${MAX_DECODED_BYTES}`);
  }
}

function displayInfo(rows: number, columns: number, spp: 1 | 3, bits: number, min: number, max: number): ImageDisplayInfo {
  return {
    rows,
    columns,
    samplesPerPixel: spp,
    photometricInterpretation: spp === 3 ? 'RGB' : 'MONOCHROME2',
    bitsAllocated: bits,
    bitsStored: bits,
    highBit: bits - 1,
    pixelRepresentation: 0,
    numberOfFrames: 1,
    transferSyntaxUid: RASTER_TRANSFER_SYNTAX,
    minStored: min,
    maxStored: max,
    rescaleSlope: 1,
    rescaleIntercept: 0,
    windowPresets: [],
    voiLuts: [],
    voiLutFunction: 'LINEAR',
    invertAfterVoi: false,
  };
}

/** Decodes a PNG: grayscale 1–16 bit, RGB(A) 8/16 bit (→ 8-bit RGB), palette (→ RGB). */
export function decodePng(bytes: Uint8Array, fileName: string): DecodedFrame {
  const corrupt = (d: string) => decodeError(DecodeErrorCode.CORRUPT_PNG, fileName, d);
  // IHDR is the first chunk (PNG spec 11.2.2): width, height, bit depth, colour type.
  if (bytes.length < 33 || String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]) !== 'IHDR') throw corrupt('the PNG header (IHDR) is missing or truncated');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = dv.getUint32(16);
  const height = dv.getUint32(20);
  const depth = bytes[24];
  const colourType = bytes[25];
  if (width === 0 || height === 0) throw corrupt('the PNG has zero width or height');
  // pngjs always expands to RGBA (16-bit RGBA when depth is 16).
  checkSize(width, height, depth === 16 ? 8 : 4, fileName);
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { skipRescale: depth === 16 } as never);
  } catch (err) {
    throw corrupt(`the PNG cannot be decoded (${err instanceof Error ? err.message : String(err)})`);
  }
  const n = width * height;
  const data = png.data as unknown as Uint8Array | Uint16Array;
  if (data.length < n * 4) throw corrupt('the PNG decoded to fewer pixels than its header declares');
  const grey = colourType === 0 || colourType === 4;
  if (grey) {
    const out = depth === 16 ? new Uint16Array(n) : new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = data[i * 4];
    const { min, max } = minMax(out);
    return { info: displayInfo(height, width, 1, depth === 16 ? 16 : 8, min, max), pixels: out };
  }
  const rgb = new Uint8Array(n * 3);
  const down = depth === 16 ? 8 : 0;
  for (let i = 0; i < n; i++) {
    rgb[i * 3] = data[i * 4] >> down;
    rgb[i * 3 + 1] = data[i * 4 + 1] >> down;
    rgb[i * 3 + 2] = data[i * 4 + 2] >> down;
  }
  const { min, max } = minMax(rgb);
  return { info: displayInfo(height, width, 3, 8, min, max), pixels: rgb };
}

/** Width/height/components from the first SOFn marker (ITU T.81 B.2.2), or undefined. */
export function jpegFrameHeader(bytes: Uint8Array): { width: number; height: number; components: number; precision: number } | undefined {
  let p = 2;
  while (p + 4 <= bytes.length) {
    if (bytes[p] !== 0xff) return undefined;
    const marker = bytes[p + 1];
    if (marker === 0xff) {
      p++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      p += 2;
      continue;
    }
    const len = (bytes[p + 2] << 8) | bytes[p + 3];
    if (len < 2) return undefined;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (p + 10 > bytes.length) return undefined;
      return { precision: bytes[p + 4], height: (bytes[p + 5] << 8) | bytes[p + 6], width: (bytes[p + 7] << 8) | bytes[p + 8], components: bytes[p + 9] };
    }
    if (marker === 0xda || marker === 0xd9) return undefined;
    p += 2 + len;
  }
  return undefined;
}

/** Decodes a baseline (8-bit) JPEG file via the codecs module: 1 component → MONOCHROME2, 3 → RGB. */
export async function decodeJpeg(bytes: Uint8Array, fileName: string): Promise<DecodedFrame> {
  const corrupt = (d: string) => decodeError(DecodeErrorCode.CORRUPT_JPEG, fileName, d);
  const sof = jpegFrameHeader(bytes);
  if (!sof) throw corrupt('no JPEG frame header (SOF) found');
  if (sof.width === 0 || sof.height === 0) throw corrupt('the JPEG frame header declares a zero size');
  if (sof.components !== 1 && sof.components !== 3) throw corrupt(`${sof.components} colour components are not supported (1 or 3)`);
  checkSize(sof.width, sof.height, sof.components, fileName);
  let decoded: { width: number; height: number; components: number; pixels: Uint8Array };
  try {
    decoded = await decodeJpegBaseline8(bytes);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    if (err instanceof CodedError && err.code === DecodeErrorCode.UNSUPPORTED_TRANSFER_SYNTAX) throw new CodedError(err.code, `${fileName}: ${detail}`);
    throw corrupt(`the JPEG cannot be decoded (${detail.slice(0, 200)})`);
  }
  const n = decoded.width * decoded.height;
  if (decoded.width !== sof.width || decoded.height !== sof.height || decoded.pixels.length < n * decoded.components) {
    throw corrupt('the JPEG decoded to a different size than its header declares');
  }
  if (decoded.components === 1) {
    const grey = decoded.pixels.subarray(0, n);
    const { min, max } = minMax(grey);
    return { info: displayInfo(decoded.height, decoded.width, 1, 8, min, max), pixels: grey };
  }
  const rgb = decoded.pixels.subarray(0, n * 3);
  const { min, max } = minMax(rgb);
  return { info: displayInfo(decoded.height, decoded.width, 3, 8, min, max), pixels: rgb };
}

/** Patient/study fields a `<file>.json` sidecar may give a PNG/JPEG (issue #2). */
export interface RasterSidecar {
  patientName?: string;
  patientId?: string;
  studyDate?: string;
  studyDescription?: string;
}

/** Parses a sidecar's JSON text; ignores unknown keys and non-string values; undefined when invalid. */
export function parseSidecar(text: string): RasterSidecar | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const out: RasterSidecar = {};
  for (const key of ['patientName', 'patientId', 'studyDate', 'studyDescription'] as const) {
    const v = (raw as Record<string, unknown>)[key];
    if (typeof v === 'string' && v.length <= 256) out[key] = v;
  }
  return out;
}
