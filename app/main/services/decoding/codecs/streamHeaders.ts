/**
 * Reads image geometry from a compressed stream's own header before it reaches a WASM codec,
 * so a frame whose header disagrees with the data set (or claims a huge image) is refused
 * before the codec tries to allocate it: a failed allocation inside emscripten aborts the
 * whole module instance.
 */
import { CodedError } from '../../../../shared/result';
import type { StreamGeometry } from './codecOutput';

function corrupt(message: string): CodedError {
  return new CodedError('CORRUPT_PIXEL_DATA', message);
}

/** A JPEG or JPEG-LS frame header (T.81 B.2.2; ISO 14495-1 C.2.2 uses the same layout). */
export interface JpegFrameHeader extends StreamGeometry {
  /** The SOF marker's second byte: 0xC0-0xCF (T.81 Table B.1) or 0xF7 (JPEG-LS SOF55). */
  sof: number;
}

/**
 * Finds the first frame header (any SOFn of T.81, or SOF55 of JPEG-LS) without decoding any
 * table. Returns undefined when a scan starts before any frame header.
 */
export function readJpegFrameHeader(data: Uint8Array): JpegFrameHeader | undefined {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) throw corrupt('JPEG stream does not start with an SOI marker');
  let pos = 2;
  // Each segment moves pos forward by at least 4 bytes, each fill byte by 1.
  while (pos + 4 <= data.length) {
    if (data[pos] !== 0xff) throw corrupt('JPEG stream has data where a marker should be');
    const marker = data[pos + 1];
    if (marker === 0xff) {
      pos++;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined;
    const length = (data[pos + 2] << 8) | data[pos + 3];
    if (length < 2 || pos + 2 + length > data.length) throw corrupt('JPEG marker segment runs past the end of the frame');
    const isSof = (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xf7;
    if (isSof) {
      if (length < 8) throw corrupt('JPEG frame header is truncated');
      const at = pos + 4;
      return { sof: marker, bitsPerSample: data[at], height: (data[at + 1] << 8) | data[at + 2], width: (data[at + 3] << 8) | data[at + 4], components: data[at + 5] };
    }
    pos += 2 + length;
  }
  throw corrupt('JPEG stream ends before its frame header');
}

/**
 * The stream without its JFIF APP0 segments when it also has an Adobe APP14 segment, else the
 * stream itself. libjpeg (jdapimin.c) lets a JFIF marker decide that three components are YCbCr
 * before it looks at APP14, so a frame marked "transform 0" (components stored as RGB, no colour
 * transform) that also carries JFIF came out colour-converted twice (PSNR 7–11 dB against dcmtk,
 * which takes the photometric interpretation's word). Without the JFIF segment libjpeg follows
 * APP14: transform 0 → RGB as stored, 1 → YCbCr. Only markers before the first scan are looked at.
 */
export function preferAdobeTransform(data: Uint8Array): Uint8Array {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) return data;
  const jfif: Array<[number, number]> = [];
  let adobe = false;
  let pos = 2;
  // Each segment moves pos forward by at least 4 bytes, each fill byte by 1.
  while (pos + 4 <= data.length) {
    if (data[pos] !== 0xff) break;
    const marker = data[pos + 1];
    if (marker === 0xff) {
      pos++;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break;
    const length = (data[pos + 2] << 8) | data[pos + 3];
    if (length < 2 || pos + 2 + length > data.length) break;
    const at = pos + 4;
    const says = (text: string) => length >= 2 + text.length && [...text].every((c, i) => data[at + i] === c.charCodeAt(0));
    if (marker === 0xe0 && says('JFIF\0')) jfif.push([pos, pos + 2 + length]);
    if (marker === 0xee && length >= 14 && says('Adobe')) adobe = true;
    pos += 2 + length;
  }
  if (!adobe || jfif.length === 0) return data;
  const out = new Uint8Array(data.length - jfif.reduce((n, [a, b]) => n + b - a, 0));
  let from = 0;
  let to = 0;
  for (const [a, b] of jfif) {
    out.set(data.subarray(from, a), to);
    to += a - from;
    from = b;
  }
  out.set(data.subarray(from), to);
  return out;
}

/** Geometry from the SIZ marker segment that follows SOC in a J2K codestream (ISO 15444-1 A.5.1). */
export function j2kGeometry(codestream: Uint8Array): StreamGeometry {
  const d = codestream;
  if (d.length < 4 || d[0] !== 0xff || d[1] !== 0x4f || d[2] !== 0xff || d[3] !== 0x51) {
    throw corrupt('JPEG 2000 frame does not start with the SOC and SIZ markers');
  }
  if (d.length < 4 + 38 + 3) throw corrupt('JPEG 2000 SIZ marker segment is truncated');
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const xsiz = view.getUint32(8);
  const ysiz = view.getUint32(12);
  const xosiz = view.getUint32(16);
  const yosiz = view.getUint32(20);
  const components = view.getUint16(40);
  return {
    width: xsiz - xosiz,
    height: ysiz - yosiz,
    components,
    // Ssiz: bit 7 is the sign, bits 0-6 the depth minus one.
    bitsPerSample: (d[42] & 0x7f) + 1,
  };
}
