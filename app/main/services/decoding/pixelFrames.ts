/**
 * Locates one frame's bytes in the Pixel Data element: native (PS3.5 8.1, frames contiguous)
 * or encapsulated (PS3.5 A.4: Basic Offset Table, Extended Offset Table, or fragment rules).
 */
import type { DataSet, Element } from 'dicom-parser';
import { TransferSyntax } from '../../../shared/imaging/transferSyntax';
import { decodeError, DecodeErrorCode } from './decodeErrors';
import type { PixelModuleInfo } from './imageAttributes';

/** The Pixel Data element, or NOT_AN_IMAGE. */
export function pixelDataElement(ds: DataSet, fileName: string): Element {
  const e = ds.elements.x7fe00010;
  if (!e || (e.length === 0 && !e.encapsulatedPixelData)) {
    if (ds.elements.x7fe00008 || ds.elements.x7fe00009) {
      throw decodeError(DecodeErrorCode.UNSUPPORTED_PIXEL_FORMAT, fileName, 'float pixel data (parametric maps) is not displayed');
    }
    throw decodeError(DecodeErrorCode.NOT_AN_IMAGE, fileName, 'the object has no Pixel Data (7FE0,0010): not an image (e.g. a structured report or PDF)');
  }
  return e;
}

/** Bytes of one native frame (PS3.5 8.1.1): the frame's samples as they lie in the file. */
export interface NativeFrame {
  bytes: Uint8Array;
  /** Bit offset of the frame's first sample, for BitsAllocated 1 only (frames are bit-packed). */
  bitOffset: number;
}

/** Number of samples one native frame holds: YBR_*_422 stores two chroma samples per two pixels (PS3.3 C.7.6.3.1.2). */
export function nativeSamplesPerFrame(pm: PixelModuleInfo): number {
  const pixels = pm.rows * pm.columns;
  if (pm.samplesPerPixel === 3 && /^YBR_(FULL|PARTIAL)_422$/.test(pm.photometricInterpretation)) return pixels * 2;
  return pixels * pm.samplesPerPixel;
}

/** Native frame bytes; byte-swapped to little endian for Explicit VR Big Endian (PS3.5 A.3). */
export function nativeFrame(ds: DataSet, element: Element, pm: PixelModuleInfo, frame: number, transferSyntaxUid: string, fileName: string): NativeFrame {
  if (element.encapsulatedPixelData) {
    throw decodeError(DecodeErrorCode.CORRUPT_PIXEL_DATA, fileName, 'Pixel Data is encapsulated but the transfer syntax is native');
  }
  if (pm.samplesPerPixel === 3 && /^YBR_(FULL|PARTIAL)_422$/.test(pm.photometricInterpretation) && pm.columns % 2 === 1) {
    // PS3.3 C.7.6.3.1.2: native 4:2:2 pairs pixels horizontally, so Columns must be even.
    throw decodeError(DecodeErrorCode.INVALID_PIXEL_MODULE, fileName, `${pm.photometricInterpretation} with an odd number of columns (${pm.columns})`);
  }
  const samples = nativeSamplesPerFrame(pm);
  const byteArray = ds.byteArray as Uint8Array;
  if (pm.bitsAllocated === 1) {
    const bitOffset = frame * samples;
    const endByte = Math.ceil((bitOffset + samples) / 8);
    if (endByte > element.length) throw shortPixelData(element.length, endByte, frame, fileName);
    const start = element.dataOffset + Math.floor(bitOffset / 8);
    return { bytes: byteArray.subarray(start, element.dataOffset + endByte), bitOffset: bitOffset % 8 };
  }
  const bytesPerSample = pm.bitsAllocated / 8;
  const frameBytes = samples * bytesPerSample;
  const start = frame * frameBytes;
  if (start + frameBytes > element.length) throw shortPixelData(element.length, start + frameBytes, frame, fileName);
  if (transferSyntaxUid === TransferSyntax.ExplicitVRBigEndian) {
    // The VR decides the byte order (PS3.5 7.3): OB data is never swapped; OW is a stream of
    // 16-bit words, so 8-bit samples in OW are swapped in pairs and a 32-bit sample is two
    // big-endian words, low word first (as dcmtk and GDCM read it: a value written as bytes
    // 11 22 33 44 is 0x33441122). Only a 32-bit sample under another VR is one 32-bit word.
    const wordSize = pm.bitsAllocated === 8 ? (element.vr === 'OW' ? 2 : 1) : pm.bitsAllocated === 32 && element.vr === 'OW' ? 2 : bytesPerSample;
    if (wordSize > 1) {
      // Words count from the start of the value, not of the frame: an odd number of 8-bit
      // samples in OW (3×3 RGB = 27 bytes, padded to 28, PS3.5 7.1.1) ends, and the next frame
      // starts, inside a word. Swap the whole words that hold the frame, then cut it out.
      const from = start - (start % wordSize);
      const to = Math.min(element.length, Math.ceil((start + frameBytes) / wordSize) * wordSize);
      const swapped = swapWords(byteArray.subarray(element.dataOffset + from, element.dataOffset + to), wordSize);
      return { bytes: swapped.subarray(start - from, start - from + frameBytes), bitOffset: 0 };
    }
  }
  return { bytes: byteArray.subarray(element.dataOffset + start, element.dataOffset + start + frameBytes), bitOffset: 0 };
}

function shortPixelData(have: number, need: number, frame: number, fileName: string) {
  return decodeError(DecodeErrorCode.DICOM_TRUNCATED, fileName, `Pixel Data holds ${have} bytes but frame ${frame + 1} needs ${need}: the pixel data is truncated`);
}

/** Swaps the bytes of each `size`-byte word; a trailing partial word (an odd-length value) is copied as it is. */
function swapWords(b: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(b.length);
  const whole = b.length - (b.length % size);
  out.set(b.subarray(whole), whole);
  if (size === 2) {
    for (let i = 0; i + 1 < b.length; i += 2) {
      out[i] = b[i + 1];
      out[i + 1] = b[i];
    }
  } else {
    for (let i = 0; i + 3 < b.length; i += 4) {
      out[i] = b[i + 3];
      out[i + 1] = b[i + 2];
      out[i + 2] = b[i + 1];
      out[i + 3] = b[i];
    }
  }
  return out;
}

interface Fragment {
  /** Offset of the fragment's item tag from the first fragment item (the BOT's frame of reference). */
  offset: number;
  /** Absolute position of the fragment's data in the byte array. */
  position: number;
  length: number;
}

/** True when a fragment begins a codestream: JPEG/JPEG-LS SOI, J2K SOC+SIZ, or a JP2 signature box. */
function startsCodestream(b: Uint8Array, p: number, len: number): boolean {
  if (len < 4) return false;
  if (b[p] === 0xff && b[p + 1] === 0xd8 && b[p + 2] === 0xff) return true;
  if (b[p] === 0xff && b[p + 1] === 0x4f && b[p + 2] === 0xff && b[p + 3] === 0x51) return true;
  return len >= 12 && b[p + 4] === 0x6a && b[p + 5] === 0x50 && b[p + 6] === 0x20 && b[p + 7] === 0x20;
}

/**
 * The encoded bytes of one encapsulated frame (PS3.5 A.4). In order of preference:
 * the Extended Offset Table (7FE0,0001)/(7FE0,0002); the Basic Offset Table; one frame → all
 * fragments; as many fragments as frames → one each; otherwise split where a fragment starts
 * a new codestream (SOI / SOC marker). RLE has exactly one fragment per frame (PS3.5 G.1).
 */
export function encapsulatedFrame(ds: DataSet, element: Element, numberOfFrames: number, frame: number, fileName: string): Uint8Array {
  const byteArray = ds.byteArray as Uint8Array;
  const corrupt = (detail: string) => decodeError(DecodeErrorCode.CORRUPT_PIXEL_DATA, fileName, detail);
  if (!element.encapsulatedPixelData) throw corrupt('the transfer syntax is encapsulated but Pixel Data is native');
  const fragments: Fragment[] = element.fragments ?? [];
  if (fragments.length === 0) throw corrupt('encapsulated Pixel Data holds no fragments');
  for (const f of fragments) {
    if (f.position + f.length > byteArray.length) {
      throw decodeError(DecodeErrorCode.DICOM_TRUNCATED, fileName, 'a pixel data fragment runs past the end of the file: the file is truncated');
    }
  }

  let selected: Fragment[] | undefined;
  const eot = extendedOffsetTable(ds, numberOfFrames);
  if (eot) {
    // Offsets of the EOT count from the first byte of the first fragment's item tag (PS3.3 C.7.6.3.1.8).
    const start = eot.offsets[frame];
    selected = fragments.filter((f) => f.offset >= start && f.offset < start + eot.lengths[frame] + 8);
  } else {
    const bot = element.basicOffsetTable ?? [];
    if (bot.length > 0 && bot.length === numberOfFrames && bot.every((v, i) => i === 0 || v > bot[i - 1])) {
      const start = bot[frame];
      const end = frame + 1 < bot.length ? bot[frame + 1] : Infinity;
      selected = fragments.filter((f) => f.offset >= start && f.offset < end);
      if (selected.length === 0) throw corrupt(`the Basic Offset Table entry of frame ${frame + 1} points at no fragment`);
    } else if (numberOfFrames === 1) {
      selected = fragments;
    } else if (fragments.length === numberOfFrames) {
      selected = [fragments[frame]];
    } else {
      const starts: number[] = [];
      fragments.forEach((f, i) => {
        if (i === 0 || startsCodestream(byteArray, f.position, f.length)) starts.push(i);
      });
      if (starts.length !== numberOfFrames) {
        throw corrupt(`${fragments.length} fragments cannot be split into ${numberOfFrames} frames (no offset table, ${starts.length} codestream starts)`);
      }
      selected = fragments.slice(starts[frame], frame + 1 < starts.length ? starts[frame + 1] : fragments.length);
    }
  }
  if (!selected || selected.length === 0) throw corrupt(`frame ${frame + 1} has no fragments`);
  if (selected.length === 1) return byteArray.subarray(selected[0].position, selected[0].position + selected[0].length);
  const total = selected.reduce((n, f) => n + f.length, 0);
  const out = new Uint8Array(total);
  let p = 0;
  for (const f of selected) {
    out.set(byteArray.subarray(f.position, f.position + f.length), p);
    p += f.length;
  }
  return out;
}

/** Extended Offset Table (7FE0,0001) and lengths (7FE0,0002), 64-bit unsigned, when usable. */
function extendedOffsetTable(ds: DataSet, numberOfFrames: number): { offsets: number[]; lengths: number[] } | undefined {
  const o = ds.elements.x7fe00001;
  const l = ds.elements.x7fe00002;
  if (!o || !l || o.length !== numberOfFrames * 8 || l.length !== numberOfFrames * 8) return undefined;
  const b = ds.byteArray as Uint8Array;
  if (o.dataOffset + o.length > b.length || l.dataOffset + l.length > b.length) return undefined;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const read = (e: Element, i: number) => Number(dv.getBigUint64(e.dataOffset + i * 8, true));
  const offsets: number[] = [];
  const lengths: number[] = [];
  for (let i = 0; i < numberOfFrames; i++) {
    offsets.push(read(o, i));
    lengths.push(read(l, i));
  }
  return offsets.every((v, i) => i === 0 || v > offsets[i - 1]) ? { offsets, lengths } : undefined;
}
