/**
 * Compressed pixel data codecs (PS3.5 Annex A.4 and 8.2): one entry point that switches on the
 * transfer syntax UID, in the manner of Cornerstone3D's decodeImageFrame. Each codec lives in
 * its own file; WASM codecs are started once per process or worker thread (wasmModules.ts).
 *
 * Errors are CodedError with CORRUPT_PIXEL_DATA (the stream is damaged or disagrees with the
 * data set), UNSUPPORTED_TRANSFER_SYNTAX (a valid stream we cannot decode) or CODEC_FAILED
 * (the codec itself broke). Stream headers are checked against the data set before anything
 * is allocated, and every loop of the hand-written decoders is bounded by the input length or
 * the pixel count, so bad input ends in an error. The WASM libraries are trusted to terminate;
 * the decode pool's time limit (issue #2 "decode time limit") is the backstop for them.
 */
import { MAX_DECODED_BYTES, MAX_DIMENSION } from '../../../../shared/imaging/types';
import { CodedError } from '../../../../shared/result';
import type { CodecFrameInfo, CodecResult } from './codecTypes';
import { fitToBitsAllocated } from './codecOutput';
import { decodeJpeg8 } from './jpegBaseline';
import { decodeJpegFrame } from './jpegFrame';
import { decodeJpegLs } from './jpegLs';
import { decodeHtj2k, decodeJpeg2000 } from './jpeg2000';
import { decodeRle } from './rle';

export type { CodecFrameInfo, CodecResult } from './codecTypes';

/** Compressed transfer syntaxes this module decodes: UID -> name (PS3.6 Annex A). */
export const COMPRESSED_TRANSFER_SYNTAXES: ReadonlyMap<string, string> = new Map([
  ['1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)'],
  ['1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)'],
  // Retired (PS3.5 A.4.1 kept only .50/.51), but dcmtk still writes them and archives hold them.
  ['1.2.840.10008.1.2.4.53', 'JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8) (Retired)'],
  ['1.2.840.10008.1.2.4.55', 'JPEG Full Progression, Non-Hierarchical (Process 10 & 12) (Retired)'],
  ['1.2.840.10008.1.2.4.57', 'JPEG Lossless, Non-Hierarchical (Process 14)'],
  ['1.2.840.10008.1.2.4.70', 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])'],
  ['1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless'],
  ['1.2.840.10008.1.2.4.81', 'JPEG-LS Near-Lossless'],
  ['1.2.840.10008.1.2.4.90', 'JPEG 2000 (Lossless Only)'],
  ['1.2.840.10008.1.2.4.91', 'JPEG 2000'],
  ['1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000 (Lossless Only)'],
  ['1.2.840.10008.1.2.4.202', 'High-Throughput JPEG 2000 with RPCL Options (Lossless Only)'],
  ['1.2.840.10008.1.2.4.203', 'High-Throughput JPEG 2000'],
  ['1.2.840.10008.1.2.5', 'RLE Lossless'],
]);

type FrameDecoder = (encoded: Uint8Array, info: CodecFrameInfo) => CodecResult | Promise<CodecResult>;

const DECODERS: ReadonlyMap<string, FrameDecoder> = new Map<string, FrameDecoder>([
  // The T.81 syntaxes share one entry that looks at the stream's own SOF marker.
  ['1.2.840.10008.1.2.4.50', decodeJpegFrame],
  ['1.2.840.10008.1.2.4.51', decodeJpegFrame],
  ['1.2.840.10008.1.2.4.53', decodeJpegFrame],
  ['1.2.840.10008.1.2.4.55', decodeJpegFrame],
  ['1.2.840.10008.1.2.4.57', decodeJpegFrame],
  ['1.2.840.10008.1.2.4.70', decodeJpegFrame],
  ['1.2.840.10008.1.2.4.80', decodeJpegLs],
  ['1.2.840.10008.1.2.4.81', decodeJpegLs],
  ['1.2.840.10008.1.2.4.90', decodeJpeg2000],
  ['1.2.840.10008.1.2.4.91', decodeJpeg2000],
  ['1.2.840.10008.1.2.4.201', decodeHtj2k],
  ['1.2.840.10008.1.2.4.202', decodeHtj2k],
  ['1.2.840.10008.1.2.4.203', decodeHtj2k],
  ['1.2.840.10008.1.2.5', decodeRle],
]);

const JPEG_2000_FAMILY = ['1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91', '1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.202', '1.2.840.10008.1.2.4.203'];

/**
 * Bits Allocated each codec takes (PS3.5 8.2). JPEG 2000 codestreams carry any precision, so a
 * 1-bit component (segmentation-like frames, PS3.5 8.2.4 / A.4.4) or a narrow stream in a
 * 32-bit container decodes; RLE has up to 15 segments, enough for one 32-bit sample
 * (PS3.5 G.2, e.g. RT Dose). The T.81 and JPEG-LS codecs stop at 16 bits.
 */
function bitsAllocatedAccepted(transferSyntaxUid: string, bitsAllocated: number): boolean {
  if (bitsAllocated === 8 || bitsAllocated === 16) return true;
  if (JPEG_2000_FAMILY.includes(transferSyntaxUid)) return bitsAllocated === 1 || bitsAllocated === 32;
  return transferSyntaxUid === '1.2.840.10008.1.2.5' && bitsAllocated === 32;
}

function checkFrameInfo(transferSyntaxUid: string, info: CodecFrameInfo): void {
  const { rows, columns, samplesPerPixel, bitsAllocated, bitsStored } = info;
  if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 1 || columns < 1) {
    throw new CodedError('CORRUPT_PIXEL_DATA', `invalid image size ${columns}×${rows}`);
  }
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) {
    throw new CodedError('UNSUPPORTED_TRANSFER_SYNTAX', `compressed frames with ${samplesPerPixel} samples per pixel are not supported (1 or 3)`);
  }
  if (!bitsAllocatedAccepted(transferSyntaxUid, bitsAllocated)) {
    throw new CodedError('UNSUPPORTED_TRANSFER_SYNTAX', `${COMPRESSED_TRANSFER_SYNTAXES.get(transferSyntaxUid)} frames with Bits Allocated ${bitsAllocated} are not supported`);
  }
  if (bitsStored < 1 || bitsStored > bitsAllocated) {
    throw new CodedError('CORRUPT_PIXEL_DATA', `Bits Stored ${bitsStored} does not fit Bits Allocated ${bitsAllocated}`);
  }
}

/**
 * Decodes one encapsulated frame (all fragments of the frame concatenated, PS3.5 A.4).
 * Samples come back pixel-interleaved in an array sized for BitsAllocated; see
 * {@link CodecResult} for what the caller still has to do (mask, sign-extend, colour).
 */
export async function decodeCompressedFrame(transferSyntaxUid: string, encodedFrame: Uint8Array, info: CodecFrameInfo): Promise<CodecResult> {
  const decoder = DECODERS.get(transferSyntaxUid);
  if (!decoder) throw new CodedError('UNSUPPORTED_TRANSFER_SYNTAX', `transfer syntax ${transferSyntaxUid} is not supported`);
  checkFrameInfo(transferSyntaxUid, info);
  if (encodedFrame.length === 0) throw new CodedError('CORRUPT_PIXEL_DATA', 'compressed frame is empty');
  let result: CodecResult;
  try {
    result = await decoder(encodedFrame, info);
  } catch (err) {
    if (err instanceof CodedError) throw err;
    // A RangeError from a typed array or a WASM trap: the codec broke on this input.
    throw new CodedError('CODEC_FAILED', `${COMPRESSED_TRANSFER_SYNTAXES.get(transferSyntaxUid)} decoder failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const pixels = fitToBitsAllocated(result.pixels, info);
  const expected = info.rows * info.columns * info.samplesPerPixel;
  if (pixels.length !== expected) {
    throw new CodedError('CORRUPT_PIXEL_DATA', `decoded frame has ${pixels.length} samples, ${expected} expected`);
  }
  return { pixels, photometricInterpretation: result.photometricInterpretation };
}

/**
 * Decodes a plain 8-bit JPEG file (JFIF/EXIF, baseline or progressive) with libjpeg-turbo;
 * colour comes back as RGB, pixel-interleaved.
 */
export async function decodeJpegBaseline8(bytes: Uint8Array): Promise<{ width: number; height: number; components: number; pixels: Uint8Array }> {
  return decodeJpeg8(bytes, 'JPEG image', (header) => {
    // Refuse absurd sizes before libjpeg allocates them (limits documented in shared/imaging/types.ts).
    const bytesNeeded = header.width * header.height * header.componentCount;
    if (header.width > MAX_DIMENSION || header.height > MAX_DIMENSION || bytesNeeded > MAX_DECODED_BYTES) {
      throw new CodedError('IMAGE_TOO_LARGE', `JPEG image of ${header.width}×${header.height} exceeds the ${MAX_DIMENSION}-pixel / ${MAX_DECODED_BYTES >> 20} MiB limit`);
    }
  });
}
