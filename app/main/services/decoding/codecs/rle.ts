/**
 * RLE Lossless (PS3.5 Annex G, transfer syntax 1.2.840.10008.1.2.5). Hand-written: the format is
 * a 64-byte header of segment offsets followed by PackBits-coded byte planes, small enough that
 * a dependency would cost more than it saves (Cornerstone3D's decodeRLE is the same size).
 */
import { CodedError } from '../../../../shared/result';
import type { CodecFrameInfo, CodecResult } from './codecTypes';

/** PS3.5 G.5: the header holds the segment count and 15 offsets, each a 32-bit LE integer. */
const RLE_HEADER_BYTES = 64;
const MAX_SEGMENTS = 15;

/**
 * Decodes one PackBits segment (PS3.5 G.3.1) into `out`, writing byte k of the segment at
 * `out[start + k * stride]`, and returns the number of bytes written (at most `count`).
 * Every iteration consumes at least one input byte, so the loop ends on any input.
 */
function unpackSegment(src: Uint8Array, from: number, to: number, out: Uint8Array, start: number, stride: number, count: number): number {
  let pos = from;
  let written = 0;
  let o = start;
  while (pos < to && written < count) {
    const header = src[pos++];
    if (header < 128) {
      // Literal run: header + 1 bytes copied as they are.
      let n = Math.min(header + 1, to - pos, count - written);
      written += n;
      while (n-- > 0) {
        out[o] = src[pos++];
        o += stride;
      }
    } else if (header > 128) {
      // Replicate run: the next byte repeated 257 - header times.
      if (pos >= to) break;
      const value = src[pos++];
      let n = Math.min(257 - header, count - written);
      written += n;
      while (n-- > 0) {
        out[o] = value;
        o += stride;
      }
    }
    // header === 128 (-128): no operation (PS3.5 G.3.1).
  }
  return written;
}

/** Decodes one RLE Lossless frame (8, 16 or 32 bits per sample); colour frames come back pixel-interleaved. */
export function decodeRle(encoded: Uint8Array, info: CodecFrameInfo): CodecResult {
  const { rows, columns, samplesPerPixel: spp, bitsAllocated } = info;
  if (bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32) {
    throw new CodedError('UNSUPPORTED_TRANSFER_SYNTAX', `RLE frame with Bits Allocated ${bitsAllocated} is not supported (8, 16 or 32)`);
  }
  if (spp !== 1 && spp !== 3) {
    throw new CodedError('UNSUPPORTED_TRANSFER_SYNTAX', `RLE frame with ${spp} samples per pixel is not supported (1 or 3)`);
  }
  if (encoded.length < RLE_HEADER_BYTES) {
    throw new CodedError('CORRUPT_PIXEL_DATA', `RLE frame is ${encoded.length} bytes, shorter than its 64-byte header`);
  }
  const view = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  const bytesPerSample = bitsAllocated / 8;
  const segmentCount = view.getUint32(0, true);
  const expectedSegments = spp * bytesPerSample;
  if (segmentCount !== expectedSegments || segmentCount > MAX_SEGMENTS) {
    throw new CodedError('CORRUPT_PIXEL_DATA', `RLE header lists ${segmentCount} segments; ${expectedSegments} expected for ${spp} sample(s) of ${bitsAllocated} bits`);
  }
  const offsets: number[] = [];
  for (let i = 0; i < segmentCount; i++) offsets.push(view.getUint32(4 + 4 * i, true));
  offsets.push(encoded.length);
  for (let i = 0; i < segmentCount; i++) {
    if (offsets[i] < RLE_HEADER_BYTES || offsets[i] > offsets[i + 1]) {
      throw new CodedError('CORRUPT_PIXEL_DATA', `RLE segment ${i + 1} offset ${offsets[i]} is outside the frame`);
    }
  }

  const pixelCount = rows * columns;
  const out = new Uint8Array(pixelCount * spp * bytesPerSample);
  const stride = spp * bytesPerSample;
  for (let segment = 0; segment < segmentCount; segment++) {
    // PS3.5 G.2: segments hold the bytes of each composite pixel code most significant first,
    // sample by sample (R MSB, R LSB, G MSB, …). Output words are little-endian.
    const sample = Math.floor(segment / bytesPerSample);
    const byteFromMsb = segment % bytesPerSample;
    const start = sample * bytesPerSample + (bytesPerSample - 1 - byteFromMsb);
    const written = unpackSegment(encoded, offsets[segment], offsets[segment + 1], out, start, stride, pixelCount);
    if (written < pixelCount) {
      throw new CodedError('CORRUPT_PIXEL_DATA', `RLE segment ${segment + 1} decodes to ${written} bytes, ${pixelCount} expected`);
    }
  }
  const pixels = bytesPerSample === 1 ? out : bytesPerSample === 2 ? new Uint16Array(out.buffer) : new Uint32Array(out.buffer);
  return { pixels, photometricInterpretation: info.photometricInterpretation };
}
