/**
 * Helpers shared by the codec wrappers: checking what a codec reports against the Image
 * Pixel Module (PS3.3 C.7.6.3) and copying its output out of the WASM heap.
 */
import { CodedError } from '../../../../shared/result';
import type { CodecFrameInfo } from './codecTypes';

/** Typed arrays a codec may hand back (see CodecResult.pixels). */
export type CodecSamples = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/** Geometry a codec found in its own stream header. */
export interface StreamGeometry {
  width: number;
  height: number;
  components: number;
  bitsPerSample: number;
}

/**
 * Refuses a stream whose header disagrees with the DICOM attributes: PS3.5 8.2 requires them to
 * match, and a mismatch means the data set or the stream is corrupt; using the stream's own
 * sizes would hand the viewer a buffer of the wrong length.
 */
export function checkStreamGeometry(codecName: string, stream: StreamGeometry, info: CodecFrameInfo): void {
  if (stream.width !== info.columns || stream.height !== info.rows) {
    throw new CodedError(
      'CORRUPT_PIXEL_DATA',
      `${codecName} stream is ${stream.width}×${stream.height} but the data set says ${info.columns}×${info.rows}`,
    );
  }
  if (stream.components !== info.samplesPerPixel) {
    throw new CodedError(
      'CORRUPT_PIXEL_DATA',
      `${codecName} stream has ${stream.components} components but Samples per Pixel is ${info.samplesPerPixel}`,
    );
  }
  if (stream.bitsPerSample < 1 || stream.bitsPerSample > 16) {
    throw new CodedError('UNSUPPORTED_TRANSFER_SYNTAX', `${codecName} stream has ${stream.bitsPerSample} bits per sample (1-16 supported)`);
  }
}

/**
 * Copies `sampleCount` samples of `bytesPerSample` bytes (little-endian, as the WASM heap
 * stores them) into a new typed array, so the result outlives the codec object.
 */
export function copySamples(heapBytes: Uint8Array, sampleCount: number, bytesPerSample: 1 | 2, signed: boolean): CodecSamples {
  const byteLength = sampleCount * bytesPerSample;
  if (heapBytes.length < byteLength) {
    throw new CodedError('CODEC_FAILED', `codec produced ${heapBytes.length} bytes, expected ${byteLength}`);
  }
  // Some builds return Uint8ClampedArray views; copy through a plain Uint8Array view.
  const copy = new Uint8Array(heapBytes.buffer, heapBytes.byteOffset, byteLength).slice();
  if (bytesPerSample === 1) return signed ? new Int8Array(copy.buffer) : copy;
  return signed ? new Int16Array(copy.buffer) : new Uint16Array(copy.buffer);
}

/** Reorders colour-by-plane samples (R…R G…G B…B) into pixel-major order (RGB RGB …). */
export function planarToInterleaved<T extends CodecSamples>(planar: T, pixelCount: number, components: number): T {
  const out = new (planar.constructor as new (n: number) => T)(pixelCount * components);
  for (let c = 0; c < components; c++) {
    const base = c * pixelCount;
    for (let i = 0, o = c; i < pixelCount; i++, o += components) out[o] = planar[base + i];
  }
  return out;
}

/**
 * Returns samples in the container the data set declares (BitsAllocated, PS3.5 8.1.1): a
 * narrower stream inside a wider frame (8 bits in 16, 16 bits in 32) is widened; a stream wider
 * than the frame is corrupt. Bits Allocated 1 (PS3.5 8.1.1 bit-packed frames, e.g. JPEG 2000
 * segmentations) comes out of a codec as one byte per sample, as GDCM decompresses it.
 */
export function fitToBitsAllocated(pixels: CodecSamples, info: CodecFrameInfo): CodecSamples {
  const bytes = pixels.BYTES_PER_ELEMENT;
  const signed = pixels instanceof Int8Array || pixels instanceof Int16Array || pixels instanceof Int32Array;
  const container = Math.max(1, info.bitsAllocated / 8);
  if (bytes > container) {
    throw new CodedError('CORRUPT_PIXEL_DATA', `compressed stream has more than ${info.bitsAllocated} bits per sample but Bits Allocated is ${info.bitsAllocated}`);
  }
  if (bytes === container) return pixels;
  if (container === 2) return signed ? Int16Array.from(pixels) : Uint16Array.from(pixels);
  return signed ? Int32Array.from(pixels) : Uint32Array.from(pixels);
}
