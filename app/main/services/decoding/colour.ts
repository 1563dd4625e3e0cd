/**
 * Colour conversion to RGB, 8 bits per sample, interleaved (the StoredPixels layout for three
 * samples): planar configuration (PS3.3 C.7.6.3.1.3), YBR_FULL / YBR_FULL_422 /
 * YBR_PARTIAL_422 (C.7.6.3.1.2) and PALETTE COLOR (C.7.6.3.1.5, C.7.9).
 */
import type { DataSet } from 'dicom-parser';
import { decodeError, DecodeErrorCode } from './decodeErrors';
import { elementOf, us, us_or_ss } from './parseDicom';
import type { RawSamples } from './storedValues';

const clamp8 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** Scales samples to 8 bits: values of BitsStored > 8 keep their top 8 bits (PS3.3 C.7.6.3.1.1 allows 16-bit RGB). */
export function to8Bit(raw: RawSamples, bitsStored: number, shift: number): Uint8Array {
  if (raw instanceof Uint8Array && bitsStored === 8 && shift === 0) return raw;
  const out = new Uint8Array(raw.length);
  const mask = bitsStored >= 32 ? 0xffffffff : 2 ** bitsStored - 1;
  const down = Math.max(0, bitsStored - 8);
  const up = Math.max(0, 8 - bitsStored);
  for (let i = 0; i < raw.length; i++) {
    const v = ((raw[i] >>> shift) & mask) >>> 0;
    out[i] = up > 0 ? Math.min(255, v << up) : v >>> down;
  }
  return out;
}

/** Planar (R…G…B…) → interleaved (RGBRGB…), PS3.3 C.7.6.3.1.3 Planar Configuration 1. */
export function planarToInterleaved(planar: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    out[i * 3] = planar[i];
    out[i * 3 + 1] = planar[pixels + i];
    out[i * 3 + 2] = planar[2 * pixels + i];
  }
  return out;
}

/**
 * Native YBR_*_422: each pair of pixels is stored Y1 Y2 Cb Cr (PS3.3 C.7.6.3.1.2, horizontal
 * chroma subsampling). Expands to interleaved Y Cb Cr per pixel. An odd last column reuses its chroma.
 */
export function expand422(samples: Uint8Array, rows: number, columns: number): Uint8Array {
  const out = new Uint8Array(rows * columns * 3);
  const pairsPerRow = Math.ceil(columns / 2);
  for (let y = 0; y < rows; y++) {
    for (let p = 0; p < pairsPerRow; p++) {
      const s = (y * pairsPerRow + p) * 4;
      const cb = samples[s + 2];
      const cr = samples[s + 3];
      for (let k = 0; k < 2; k++) {
        const x = p * 2 + k;
        if (x >= columns) break;
        const o = (y * columns + x) * 3;
        out[o] = samples[s + k];
        out[o + 1] = cb;
        out[o + 2] = cr;
      }
    }
  }
  return out;
}

/** YCbCr full range → RGB in place (PS3.3 C.7.6.3.1.2 YBR_FULL, the inverse of its equations). */
export function ybrFullToRgb(ybr: Uint8Array): Uint8Array {
  const out = new Uint8Array(ybr.length);
  for (let i = 0; i < ybr.length; i += 3) {
    const y = ybr[i];
    const cb = ybr[i + 1] - 128;
    const cr = ybr[i + 2] - 128;
    out[i] = clamp8(y + 1.402 * cr);
    out[i + 1] = clamp8(y - 0.344136 * cb - 0.714136 * cr);
    out[i + 2] = clamp8(y + 1.772 * cb);
  }
  return out;
}

/** YCbCr partial range (Y 16..235, C 16..240) → RGB (PS3.3 C.7.6.3.1.2 YBR_PARTIAL_422/420, retired). */
export function ybrPartialToRgb(ybr: Uint8Array): Uint8Array {
  const out = new Uint8Array(ybr.length);
  for (let i = 0; i < ybr.length; i += 3) {
    const y = 1.164383 * (ybr[i] - 16);
    const cb = ybr[i + 1] - 128;
    const cr = ybr[i + 2] - 128;
    out[i] = clamp8(y + 1.596027 * cr);
    out[i + 1] = clamp8(y - 0.391762 * cb - 0.812968 * cr);
    out[i + 2] = clamp8(y + 2.017232 * cb);
  }
  return out;
}

/** Converts interleaved 8-bit samples of `photometric` to RGB. RGB (and codec-converted YBR_ICT/RCT) pass through. */
export function convertToRgb(interleaved: Uint8Array, photometric: string): Uint8Array {
  if (photometric === 'YBR_FULL' || photometric === 'YBR_FULL_422') return ybrFullToRgb(interleaved);
  if (photometric === 'YBR_PARTIAL_422' || photometric === 'YBR_PARTIAL_420') return ybrPartialToRgb(interleaved);
  return interleaved;
}

interface PaletteChannel {
  entries: number;
  firstValueMapped: number;
  lut: Uint8Array;
}

function readPaletteChannel(ds: DataSet, descriptorTag: string, dataTag: string, segmentedTag: string, signed: boolean, fileName: string): PaletteChannel {
  const unsupported = (d: string) => decodeError(DecodeErrorCode.UNSUPPORTED_PIXEL_FORMAT, fileName, d);
  if (!ds.elements[dataTag] && ds.elements[segmentedTag]) {
    throw unsupported('segmented palette colour lookup tables (PS3.3 C.7.9.2) are not supported');
  }
  const entriesRaw = us(ds, descriptorTag, 0);
  const first = us_or_ss(ds, descriptorTag, signed, 1);
  const bits = us(ds, descriptorTag, 2);
  const data = elementOf(ds, dataTag);
  if (entriesRaw === undefined || first === undefined || bits === undefined || !data) {
    throw decodeError(DecodeErrorCode.INVALID_PIXEL_MODULE, fileName, 'PALETTE COLOR without complete palette LUT descriptors and data (0028,1101-1203)');
  }
  // PS3.3 C.7.6.3.1.5: 0 entries means 2^16.
  const entries = entriesRaw === 0 ? 65536 : entriesRaw;
  const lut = new Uint8Array(entries);
  const bytes = ds.byteArray as Uint8Array;
  if (bits === 8 && data.length === entries + (entries % 2)) {
    // 8-bit entries packed one per byte.
    for (let i = 0; i < entries; i++) lut[i] = bytes[data.dataOffset + i];
  } else if (data.length >= entries * 2) {
    for (let i = 0; i < entries; i++) {
      const v = ds.uint16(dataTag, i) ?? 0;
      // 16-bit entries keep their high byte; 8-bit entries in 16-bit words use the low byte.
      lut[i] = bits === 16 ? v >> 8 : v & 0xff;
    }
  } else {
    throw decodeError(DecodeErrorCode.INVALID_PIXEL_MODULE, fileName, `palette LUT data holds ${data.length} bytes; ${entries} entries of ${bits} bits need more`);
  }
  return { entries, firstValueMapped: first, lut };
}

/** Applies the palette (PS3.3 C.7.6.3.1.5) to stored index values → RGB 8-bit interleaved. Indices outside the LUT clamp to its ends. */
export function applyPalette(ds: DataSet, indices: ArrayLike<number>, signed: boolean, fileName: string): Uint8Array {
  const r = readPaletteChannel(ds, 'x00281101', 'x00281201', 'x00281221', signed, fileName);
  const g = readPaletteChannel(ds, 'x00281102', 'x00281202', 'x00281222', signed, fileName);
  const b = readPaletteChannel(ds, 'x00281103', 'x00281203', 'x00281223', signed, fileName);
  const out = new Uint8Array(indices.length * 3);
  const look = (c: PaletteChannel, v: number) => {
    const i = v - c.firstValueMapped;
    return c.lut[i < 0 ? 0 : i >= c.entries ? c.entries - 1 : i];
  };
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i];
    out[i * 3] = look(r, v);
    out[i * 3 + 1] = look(g, v);
    out[i * 3 + 2] = look(b, v);
  }
  return out;
}
