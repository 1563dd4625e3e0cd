/**
 * Routes a frame of any T.81 JPEG transfer syntax (PS3.5 A.4.1 and A.4.2: .4.50, .4.51, .4.57,
 * .4.70) by the stream's own frame header rather than by the transfer syntax label, because
 * mislabelled files are common in archives (e.g. a 12-bit extended stream under .4.50, or a
 * lossless SOF3 stream under .4.51), and dcmtk and GDCM decode them the same way:
 *  - SOF3 (lossless, process 14) -> jpegLossless.ts;
 *  - 8-bit DCT (baseline, extended, progressive) -> libjpeg-turbo;
 *  - 12-bit DCT, sequential or progressive (spectral selection / successive approximation,
 *    the retired syntaxes .4.53 and .4.55, which dcmtk still writes) -> jpegExtended.ts.
 */
import { CodedError } from '../../../../shared/result';
import type { CodecFrameInfo, CodecResult } from './codecTypes';
import { decodeJpegBaselineFrame } from './jpegBaseline';
import { decodeJpegExtended12 } from './jpegExtended';
import { decodeJpegLossless } from './jpegLossless';
import { readJpegFrameHeader } from './streamHeaders';

/** SOF marker of T.81 Table B.1 (second byte) for lossless Huffman coding. */
const SOF_LOSSLESS_HUFFMAN = 0xc3;

/** Decodes one JPEG frame (any of the T.81-based transfer syntaxes). */
export async function decodeJpegFrame(encoded: Uint8Array, info: CodecFrameInfo): Promise<CodecResult> {
  const header = readJpegFrameHeader(encoded);
  if (!header) throw new CodedError('CORRUPT_PIXEL_DATA', 'JPEG stream has no frame header');
  if (header.sof === SOF_LOSSLESS_HUFFMAN) return decodeJpegLossless(encoded, info);
  if (header.sof === 0xf7) throw new CodedError('CORRUPT_PIXEL_DATA', 'frame holds a JPEG-LS stream, not the JPEG the transfer syntax names');
  if (header.bitsPerSample <= 8) return decodeJpegBaselineFrame(encoded, info);
  return decodeJpegExtended12(encoded, info);
}
