/**
 * Stored-value normalisation (PS3.5 8.1.1, PS3.3 C.7.6.3.1): the bits between
 * HighBit − BitsStored + 1 and HighBit of each sample are the stored value; bits outside
 * are ignored (they may hold overlays or garbage); PixelRepresentation 1 means two's
 * complement within BitsStored. Output goes into the smallest typed array that holds it.
 * The host is assumed little-endian (x86, ARM as Node runs them).
 */
import type { StoredPixels } from '../../../shared/imaging/types';
import { decodeError, DecodeErrorCode } from './decodeErrors';
import type { NativeFrame } from './pixelFrames';

/** Raw samples (any integer typed array), before masking. */
export type RawSamples = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/** Allocates the smallest array holding `bitsStored`-bit values (PS3.5 8.1.1), signed or not. */
export function allocStored(length: number, bitsStored: number, signed: boolean, fileName: string): StoredPixels {
  if (bitsStored <= 8) return signed ? new Int8Array(length) : new Uint8Array(length);
  if (bitsStored <= 16) return signed ? new Int16Array(length) : new Uint16Array(length);
  if (!signed && bitsStored > 31) {
    throw decodeError(DecodeErrorCode.UNSUPPORTED_PIXEL_FORMAT, fileName, 'unsigned 32-bit stored values are not supported (they do not fit a signed 32-bit value)');
  }
  return new Int32Array(length);
}

/** Reads the raw samples of a native frame as unsigned words of BitsAllocated (1, 8, 16 or 32 bits). */
export function rawSamplesFromNative(frame: NativeFrame, bitsAllocated: number, count: number): RawSamples {
  const b = frame.bytes;
  if (bitsAllocated === 1) {
    // PS3.5 8.1.1 / D.2: bit-packed, first pixel in the least significant bit of the first byte.
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const bit = frame.bitOffset + i;
      out[i] = (b[bit >> 3] >> (bit & 7)) & 1;
    }
    return out;
  }
  if (bitsAllocated === 8) return b.subarray(0, count);
  const size = bitsAllocated / 8;
  // Copy when unaligned (dataset offsets can be odd); typed-array views need alignment.
  const aligned = b.byteOffset % size === 0 ? b : b.slice(0, count * size);
  return bitsAllocated === 16 ? new Uint16Array(aligned.buffer, aligned.byteOffset, count) : new Uint32Array(aligned.buffer, aligned.byteOffset, count);
}

/**
 * Masks each sample to BitsStored (after shifting down so HighBit lands at BitsStored − 1)
 * and sign-extends when `signed`. `shift` is HighBit − BitsStored + 1 for native data and 0 for
 * codec output (codecs return stored values in the low bits).
 */
export function normaliseStored(raw: RawSamples, bitsStored: number, signed: boolean, shift: number, fileName: string): StoredPixels {
  const n = raw.length;
  const out = allocStored(n, bitsStored, signed, fileName);
  const width = raw.BYTES_PER_ELEMENT * 8;
  // Fast path: the stored value fills the word exactly and the array type already matches.
  if (shift === 0 && bitsStored === width) {
    if (signed) {
      if (raw instanceof Int8Array || raw instanceof Int16Array || raw instanceof Int32Array) {
        out.set(raw);
      } else {
        const view = raw instanceof Uint8Array ? new Int8Array(raw.buffer, raw.byteOffset, n) : raw instanceof Uint16Array ? new Int16Array(raw.buffer, raw.byteOffset, n) : new Int32Array(raw.buffer, raw.byteOffset, n);
        out.set(view);
      }
    } else if (raw instanceof Int8Array || raw instanceof Int16Array) {
      const view = raw instanceof Int8Array ? new Uint8Array(raw.buffer, raw.byteOffset, n) : new Uint16Array(raw.buffer, raw.byteOffset, n);
      out.set(view);
    } else {
      out.set(raw as ArrayLike<number>);
    }
    return out;
  }
  if (bitsStored >= 32) {
    for (let i = 0; i < n; i++) out[i] = raw[i] | 0;
    return out;
  }
  const mask = bitsStored === 31 ? 0x7fffffff : (1 << bitsStored) - 1;
  if (signed) {
    const signBit = 2 ** (bitsStored - 1);
    const range = 2 ** bitsStored;
    for (let i = 0; i < n; i++) {
      const v = (raw[i] >>> shift) & mask;
      out[i] = v >= signBit ? v - range : v;
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = (raw[i] >>> shift) & mask;
  }
  return out;
}

/** Min and max over all values (0,0 for an empty array). */
export function minMax(values: ArrayLike<number>): { min: number; max: number } {
  const n = values.length;
  if (n === 0) return { min: 0, max: 0 };
  let min = values[0];
  let max = values[0];
  for (let i = 1; i < n; i++) {
    const v = values[i];
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  return { min, max };
}
