/**
 * Stored-value normalisation (PS3.5 8.1.1, PS3.3 C.7.6.3.1): the bits between
 * HighBit − BitsStored + 1 and HighBit of each sample are the stored value; bits outside
 * are ignored (they may hold overlays or garbage); PixelRepresentation 1 means two's
 * complement within BitsStored. Output goes into the smallest typed array that holds it.
 * The host is assumed little-endian (x86, ARM as Node runs them).
 *
 * 32-bit stored values (Bits Allocated 32, e.g. RT Dose grids, PS3.3 C.8.8.3.4.2) go into an
 * Int32Array, the widest integer array the viewer takes (app/shared/imaging/types.ts StoredPixels).
 * Signed values and unsigned values below 2^31 fit exactly. A frame of unsigned values with any
 * value of 2^31 or more cannot: its values are then stored minus 2^31 ({@link UNSIGNED_32_OFFSET})
 * — exact, just shifted — and the decoder raises Rescale Intercept by 2^31 · Rescale Slope so
 * every modality value (what is displayed and measured) stays the same. `cxr decode` hashes the
 * values it is given, so for such a frame its sha256, min and max cover stored value − 2^31.
 */
import type { StoredPixels } from '../../../shared/imaging/types';
import type { NativeFrame } from './pixelFrames';

/** Raw samples (any integer typed array), before masking. */
export type RawSamples = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/** Offset subtracted from unsigned 32-bit stored values when a frame holds values ≥ 2^31 (see the file comment). */
export const UNSIGNED_32_OFFSET = 2 ** 31;

/** Allocates the smallest array holding `bitsStored`-bit values (PS3.5 8.1.1), signed or not; 17–32 bits: Int32Array. */
export function allocStored(length: number, bitsStored: number, signed: boolean): StoredPixels {
  if (bitsStored <= 8) return signed ? new Int8Array(length) : new Uint8Array(length);
  if (bitsStored <= 16) return signed ? new Int16Array(length) : new Uint16Array(length);
  return new Int32Array(length);
}

/** Stored values of one frame, and what was subtracted from each to make them fit (0 or {@link UNSIGNED_32_OFFSET}). */
export interface NormalisedStored {
  pixels: StoredPixels;
  storedValueOffset: number;
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
  return bitsAllocated === 16 ? alignedView(b, Uint16Array, count) : alignedView(b, Uint32Array, count);
}

/**
 * A typed-array view of `count` elements over `bytes`, copied to a fresh (aligned) buffer when
 * `bytes` does not start on a multiple of the element size: dataset offsets can be odd, and a
 * view at such an offset throws a RangeError ("start offset of Uint32Array should be a
 * multiple of 4") that must never reach the user.
 */
export function alignedView<T extends Uint16Array | Int16Array | Uint32Array | Int32Array>(
  bytes: Uint8Array,
  type: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; readonly BYTES_PER_ELEMENT: number },
  count: number,
): T {
  const aligned = bytes.byteOffset % type.BYTES_PER_ELEMENT === 0 ? bytes : bytes.slice(0, count * type.BYTES_PER_ELEMENT);
  return new type(aligned.buffer, aligned.byteOffset, count);
}

/**
 * Masks each sample to BitsStored (after shifting down so HighBit lands at BitsStored − 1)
 * and sign-extends when `signed`. `shift` is HighBit − BitsStored + 1 for native data and 0 for
 * codec output (codecs return stored values in the low bits). Unsigned 32-bit frames with
 * values ≥ 2^31 come back offset by {@link UNSIGNED_32_OFFSET} (see the file comment); the caller
 * must fold `storedValueOffset` into the modality transform.
 */
export function normaliseStored(raw: RawSamples, bitsStored: number, signed: boolean, shift: number): NormalisedStored {
  if (!signed && bitsStored === 32) return unsigned32(raw);
  return { pixels: normaliseFitting(raw, bitsStored, signed, shift), storedValueOffset: 0 };
}

/** Unsigned 32-bit stored values: exact when all are below 2^31, else all shifted down by 2^31. */
function unsigned32(raw: RawSamples): NormalisedStored {
  const n = raw.length;
  const out = new Int32Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = raw[i] >>> 0;
    if (v > max) max = v;
  }
  if (max < UNSIGNED_32_OFFSET) {
    for (let i = 0; i < n; i++) out[i] = raw[i];
    return { pixels: out, storedValueOffset: 0 };
  }
  // v − 2^31 for v in [0, 2^32) is v with its top bit flipped, read as two's complement.
  for (let i = 0; i < n; i++) out[i] = raw[i] ^ 0x80000000;
  return { pixels: out, storedValueOffset: UNSIGNED_32_OFFSET };
}

function normaliseFitting(raw: RawSamples, bitsStored: number, signed: boolean, shift: number): StoredPixels {
  const n = raw.length;
  const out = allocStored(n, bitsStored, signed);
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
