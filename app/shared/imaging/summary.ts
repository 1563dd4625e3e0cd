/**
 * The byte layout `cxr decode` hashes and writes with `--raw` (issue #2), and the summary
 * fields besides the hash. Pure: the sha256 itself is computed by the caller (node:crypto
 * in main / CLI), since app/shared imports no node modules.
 */
import type { DecodedFrame, DecodeSummary } from './types';

/**
 * The canonical bytes of a decoded frame, row-major:
 * - one sample per pixel: every stored value as a little-endian signed 32-bit integer;
 * - three samples: RGB interleaved, 8 bits each.
 */
export function canonicalFrameBytes(frame: DecodedFrame): Uint8Array {
  const px = frame.pixels;
  if (frame.info.samplesPerPixel === 3) {
    return px instanceof Uint8Array ? px : Uint8Array.from(px as ArrayLike<number>, (v) => v & 0xff);
  }
  const out = new Uint8Array(px.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < px.length; i++) dv.setInt32(i * 4, px[i], true);
  return out;
}

/** Min and max over the canonical values (stored values, or all RGB samples). */
export function frameMinMax(frame: DecodedFrame): { min: number; max: number } {
  const px = frame.pixels;
  if (px.length === 0) return { min: 0, max: 0 };
  let min = px[0];
  let max = px[0];
  for (let i = 1; i < px.length; i++) {
    const v = px[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/**
 * Builds the `cxr decode` JSON object. Attributes are the file's (photometric as stored,
 * e.g. YBR_FULL_422 even though the hashed samples are RGB); the object's keys come in the
 * order issue #2 lists them.
 */
export function buildDecodeSummary(frame: DecodedFrame, sha256: string): DecodeSummary {
  const { info } = frame;
  const { min, max } = frameMinMax(frame);
  return {
    rows: info.rows,
    columns: info.columns,
    samplesPerPixel: info.samplesPerPixel,
    photometricInterpretation: info.photometricInterpretation,
    bitsStored: info.bitsStored,
    pixelRepresentation: info.pixelRepresentation,
    numberOfFrames: info.numberOfFrames,
    transferSyntaxUID: info.transferSyntaxUid,
    min,
    max,
    sha256,
  };
}
