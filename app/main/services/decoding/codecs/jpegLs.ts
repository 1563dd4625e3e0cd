/**
 * JPEG-LS lossless and near-lossless (PS3.5 A.4.3, transfer syntaxes 1.2.840.10008.1.2.4.80/.81)
 * with CharLS compiled to WASM (@cornerstonejs/codec-charls).
 */
import { CodedError } from '../../../../shared/result';
import type { CodecFrameInfo, CodecResult } from './codecTypes';
import { checkStreamGeometry, copySamples, planarToInterleaved } from './codecOutput';
import { readJpegFrameHeader } from './streamHeaders';
import { loadCharls, rethrowTrap, wasmErrorMessage, withEmbind } from './wasmModules';

/** CharLS interleave mode "none": one scan per component, output colour-by-plane (ISO 14495-1 C.2.3). */
const INTERLEAVE_NONE = 0;

/** Decodes one JPEG-LS frame. */
export async function decodeJpegLs(encoded: Uint8Array, info: CodecFrameInfo): Promise<CodecResult> {
  const header = readJpegFrameHeader(encoded);
  if (header) checkStreamGeometry('JPEG-LS', header, info);
  const charls = await loadCharls();
  return withEmbind(
    loadCharls,
    () => new charls.JpegLSDecoder(),
    (decoder) => {
      decoder.getEncodedBuffer(encoded.length).set(encoded);
      try {
        decoder.decode();
      } catch (err) {
        rethrowTrap(err);
        throw new CodedError('CORRUPT_PIXEL_DATA', `JPEG-LS stream could not be decoded: ${wasmErrorMessage(err, charls)}`);
      }
      const frame = decoder.getFrameInfo();
      checkStreamGeometry('JPEG-LS', { width: frame.width, height: frame.height, components: frame.componentCount, bitsPerSample: frame.bitsPerSample }, info);
      const pixelCount = frame.width * frame.height;
      const bytesPerSample = frame.bitsPerSample <= 8 ? 1 : 2;
      let pixels = copySamples(decoder.getDecodedBuffer(), pixelCount * frame.componentCount, bytesPerSample, false);
      if (frame.componentCount > 1 && decoder.getInterleaveMode() === INTERLEAVE_NONE) {
        pixels = planarToInterleaved(pixels, pixelCount, frame.componentCount);
      }
      return { pixels, photometricInterpretation: info.photometricInterpretation };
    },
  );
}
