/**
 * 8-bit DCT JPEG (PS3.5 A.4.1 JPEG Baseline, 1.2.840.10008.1.2.4.50, and 8-bit frames of
 * JPEG Extended .4.51) and plain .jpg files, with libjpeg-turbo compiled to WASM
 * (@cornerstonejs/codec-libjpeg-turbo-8bit). libjpeg converts YCbCr to RGB and upsamples
 * chroma itself, so 3-component output is always RGB, pixel-interleaved.
 */
import { CodedError } from '../../../../shared/result';
import type { CodecFrameInfo, CodecResult } from './codecTypes';
import { checkStreamGeometry } from './codecOutput';
import { preferAdobeTransform } from './streamHeaders';
import { loadLibJpegTurbo, rethrowTrap, wasmErrorMessage, withEmbind } from './wasmModules';

/** A decoded 8-bit JPEG: grey (1 component) or RGB (3), pixel-interleaved. */
export interface Jpeg8Image {
  width: number;
  height: number;
  components: number;
  pixels: Uint8Array;
}

/**
 * Decodes an 8-bit JPEG stream with libjpeg-turbo; `what` names the input in messages. The
 * header is read first and `accept` may refuse it (size limits, attributes that disagree)
 * before the full image is allocated.
 */
export async function decodeJpeg8(encoded: Uint8Array, what: string, accept: (header: CornerstoneFrameInfo) => void = () => undefined): Promise<Jpeg8Image> {
  const turbo = await loadLibJpegTurbo();
  return withEmbind(
    loadLibJpegTurbo,
    () => new turbo.JPEGDecoder(),
    (decoder) => {
      decoder.getEncodedBuffer(encoded.length).set(encoded);
      try {
        decoder.readHeader();
      } catch (err) {
        rethrowTrap(err);
        throw new CodedError('CORRUPT_PIXEL_DATA', `${what} could not be decoded: ${wasmErrorMessage(err)}`);
      }
      accept(decoder.getFrameInfo());
      try {
        decoder.decode();
      } catch (err) {
        rethrowTrap(err);
        throw new CodedError('CORRUPT_PIXEL_DATA', `${what} could not be decoded: ${wasmErrorMessage(err)}`);
      }
      const frame = decoder.getFrameInfo();
      if (frame.bitsPerSample !== 8) {
        throw new CodedError('UNSUPPORTED_TRANSFER_SYNTAX', `${what} has ${frame.bitsPerSample}-bit samples; this decoder reads 8-bit JPEG only`);
      }
      const byteLength = frame.width * frame.height * frame.componentCount;
      // The libjpeg-turbo build hands back a Uint8ClampedArray; callers want a Uint8Array.
      const decoded = decoder.getDecodedBuffer();
      const heap = new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
      if (byteLength === 0 || heap.length < byteLength) {
        throw new CodedError('CORRUPT_PIXEL_DATA', `${what} decoded to ${heap.length} bytes, expected ${byteLength}`);
      }
      return { width: frame.width, height: frame.height, components: frame.componentCount, pixels: heap.slice(0, byteLength) };
    },
  );
}

/**
 * Decodes one JPEG baseline (8-bit) frame of a DICOM data set. An Adobe APP14 segment decides
 * whether three components are RGB or YCbCr, even when the frame carries a JFIF marker too
 * (see {@link preferAdobeTransform}).
 */
export async function decodeJpegBaselineFrame(encoded: Uint8Array, info: CodecFrameInfo): Promise<CodecResult> {
  const image = await decodeJpeg8(preferAdobeTransform(encoded), 'JPEG baseline frame', (header) =>
    checkStreamGeometry('JPEG', { width: header.width, height: header.height, components: header.componentCount, bitsPerSample: 8 }, info),
  );
  checkStreamGeometry('JPEG', { width: image.width, height: image.height, components: image.components, bitsPerSample: 8 }, info);
  return { pixels: image.pixels, photometricInterpretation: image.components === 3 ? 'RGB' : info.photometricInterpretation };
}
