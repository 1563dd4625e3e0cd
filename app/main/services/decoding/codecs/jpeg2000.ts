/**
 * JPEG 2000 (PS3.5 A.4.4, 1.2.840.10008.1.2.4.90/.91) with OpenJPEG and High-Throughput
 * JPEG 2000 (PS3.5 A.4.11, 1.2.840.10008.1.2.4.201/.202/.203) with OpenJPH, compiled to WASM.
 * OpenJPEG is our threaded build (vendor/codec-openjpeg-threaded, issue #12), with
 * @cornerstonejs's single-threaded build as the fallback; OpenJPH is @cornerstonejs's. Every
 * path returns components pixel-interleaved.
 */
import { CodedError } from '../../../../shared/result';
import type { CodecFrameInfo, CodecResult } from './codecTypes';
import { checkStreamGeometry, copySamples } from './codecOutput';
import { j2kGeometry } from './streamHeaders';
import type { OpenJpegThreadedModule } from 'codec-openjpeg-threaded';
import { loadOpenJpeg, loadOpenJpegThreaded, loadOpenJph, OPENJPEG_THREADS, rethrowTrap, wasmErrorMessage, withEmbind } from './wasmModules';

/**
 * A J2K codestream applies its inverse multi-component transform (RCT/ICT) while decoding, so
 * frames labelled YBR_RCT / YBR_ICT (PS3.3 C.7.6.3.1.2) come out as RGB.
 */
function photometricAfterJ2k(info: CodecFrameInfo): string {
  const pi = info.photometricInterpretation;
  return pi === 'YBR_RCT' || pi === 'YBR_ICT' ? 'RGB' : pi;
}

function decodeWith(
  codecName: string,
  decoder: CornerstoneDecoder & { readHeader(): void },
  encoded: Uint8Array,
  info: CodecFrameInfo,
  lastError?: () => string | undefined,
): CodecResult {
  decoder.getEncodedBuffer(encoded.length).set(encoded);
  const fail = (err: unknown): CodedError => {
    const detail = lastError?.() || wasmErrorMessage(err);
    return new CodedError('CORRUPT_PIXEL_DATA', `${codecName} stream could not be decoded: ${detail}`);
  };
  // Read the main header first so a stream that disagrees with Rows/Columns/Samples per Pixel
  // is refused before the codec allocates its full-size buffers.
  try {
    decoder.readHeader();
  } catch (err) {
    rethrowTrap(err);
    throw fail(err);
  }
  const header = decoder.getFrameInfo();
  // The OpenJPEG wrapper fills its frame info only in decode(); there the check comes after.
  if (header.width > 0) checkStreamGeometry(codecName, { width: header.width, height: header.height, components: header.componentCount, bitsPerSample: header.bitsPerSample }, info);
  try {
    decoder.decode();
  } catch (err) {
    rethrowTrap(err);
    throw fail(err);
  }
  const frame = decoder.getFrameInfo();
  checkStreamGeometry(codecName, { width: frame.width, height: frame.height, components: frame.componentCount, bitsPerSample: frame.bitsPerSample }, info);
  const bytesPerSample = frame.bitsPerSample <= 8 ? 1 : 2;
  const pixels = copySamples(decoder.getDecodedBuffer(), frame.width * frame.height * frame.componentCount, bytesPerSample, frame.isSigned === true);
  return { pixels, photometricInterpretation: photometricAfterJ2k(info) };
}

/**
 * Returns the codestream of a JP2 file (ISO 15444-1 Annex I), or the input when it already is a
 * bare codestream. PS3.5 A.4.4 requires the bare codestream, but some writers wrap frames in
 * JP2 boxes; the decoders accept only codestreams.
 */
export function extractJ2kCodestream(encoded: Uint8Array): Uint8Array {
  const isJp2 = encoded.length >= 12 && encoded[4] === 0x6a && encoded[5] === 0x50 && encoded[6] === 0x20 && encoded[7] === 0x20;
  if (!isJp2) return encoded;
  const view = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  let pos = 0;
  // Each box advances pos by at least 8 bytes, so the loop ends.
  while (pos + 8 <= encoded.length) {
    let length = view.getUint32(pos);
    const type = view.getUint32(pos + 4);
    let header = 8;
    if (length === 1) {
      if (pos + 16 > encoded.length) break;
      length = Number(view.getBigUint64(pos + 8));
      header = 16;
    } else if (length === 0) {
      length = encoded.length - pos;
    }
    if (length < header) break;
    if (type === 0x6a703263 /* 'jp2c' */) return encoded.subarray(pos + header, Math.min(encoded.length, pos + length));
    pos += length;
  }
  throw new CodedError('CORRUPT_PIXEL_DATA', 'JPEG 2000 file has no codestream box');
}

/**
 * Decodes one codestream with the threaded OpenJPEG build. The input copy and the decoded
 * samples live on the module's heap until released; withEmbind releases them and resets the
 * module after a trap, as for the embind codecs.
 */
function decodeThreaded(openJpeg: OpenJpegThreadedModule, codestream: Uint8Array, info: CodecFrameInfo): CodecResult {
  let input = 0;
  const heap = {
    delete: () => {
      openJpeg._j2k_release();
      if (input) openJpeg._free(input);
    },
  };
  return withEmbind(loadOpenJpegThreaded, () => heap, () => {
    input = openJpeg._malloc(codestream.length);
    if (!input) throw new CodedError('CODEC_FAILED', 'the JPEG 2000 decoder ran out of memory for the codestream');
    // Views on shared, growable WASM memory go stale when it grows: make one per use.
    new Uint8Array(openJpeg.wasmMemory.buffer).set(codestream, input);
    const status = openJpeg._j2k_decode(input, codestream.length, OPENJPEG_THREADS);
    if (status !== 0) {
      // j2k_decode() returns 5 when memory ran out, 1–4 for a stream it could not decode, and
      // always leaves a message.
      const detail = openJpeg.UTF8ToString(openJpeg._j2k_last_error());
      throw new CodedError(status === 5 ? 'CODEC_FAILED' : 'CORRUPT_PIXEL_DATA', `JPEG 2000 stream could not be decoded: ${detail}`);
    }
    const [width, height, components, precision, signed, bytesPerSample] = new Int32Array(openJpeg.wasmMemory.buffer, openJpeg._j2k_frame_info(), 6);
    checkStreamGeometry('JPEG 2000', { width, height, components, bitsPerSample: precision }, info);
    const decoded = new Uint8Array(openJpeg.wasmMemory.buffer, openJpeg._j2k_decoded(), openJpeg._j2k_decoded_bytes());
    const pixels = copySamples(decoded, width * height * components, bytesPerSample === 1 ? 1 : 2, signed !== 0);
    return { pixels, photometricInterpretation: photometricAfterJ2k(info) };
  });
}

/** Why the threaded build could not start in this process; from then on frames go straight to the fallback. */
let threadedUnavailable: string | undefined;

/** Why this process decodes JPEG 2000 single-threaded, or undefined while the threaded build works. */
export function threadedJpeg2000Unavailable(): string | undefined {
  return threadedUnavailable;
}

/** Decodes one JPEG 2000 frame. */
export async function decodeJpeg2000(encoded: Uint8Array, info: CodecFrameInfo): Promise<CodecResult> {
  const codestream = extractJ2kCodestream(encoded);
  checkStreamGeometry('JPEG 2000', j2kGeometry(codestream), info);
  if (threadedUnavailable === undefined) {
    // Only a module that cannot start sends frames to the single-threaded build; an error
    // about this frame is this frame's answer.
    const threaded = await loadOpenJpegThreaded().catch((err: Error) => {
      threadedUnavailable = err.message;
      return undefined;
    });
    if (threaded) return decodeThreaded(threaded, codestream, info);
  }
  const openJpeg = await loadOpenJpeg();
  return withEmbind(
    loadOpenJpeg,
    () => new openJpeg.J2KDecoder(),
    (decoder) => decodeWith('JPEG 2000', decoder, codestream, info),
  );
}

/** Decodes one HTJ2K frame. */
export async function decodeHtj2k(encoded: Uint8Array, info: CodecFrameInfo): Promise<CodecResult> {
  const codestream = extractJ2kCodestream(encoded);
  checkStreamGeometry('HTJ2K', j2kGeometry(codestream), info);
  const openJph = await loadOpenJph();
  return withEmbind(
    loadOpenJph,
    () => new openJph.HTJ2KDecoder(),
    (decoder) => decodeWith('HTJ2K', decoder, codestream, info, () => decoder.getLastErrorMessage?.()),
  );
}
