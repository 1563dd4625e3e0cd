/**
 * bytes + frame index → DecodedFrame, for DICOM (native and encapsulated), PNG and JPEG.
 * Pure with respect to I/O (takes bytes), so the worker, the CLI and tests share it.
 * Compressed frames go to ./codecs (decodeCompressedFrame); this module then applies the
 * stored-value normalisation (PS3.5 8.1.1) and colour conversion (PS3.3 C.7.6.3.1.2).
 */
import type { DataSet } from 'dicom-parser';
import type { DecodedFrame, ImageDisplayInfo, StoredPixels } from '../../../shared/imaging/types';
import { NATIVE_TRANSFER_SYNTAXES } from '../../../shared/imaging/transferSyntax';
import type { TagNode } from '../../../shared/ipc/contract';
import { CodedError } from '../../../shared/result';
import { decodeCompressedFrame, type CodecFrameInfo } from './codecs';
import { applyPalette, convertToRgb, expand422, planarToInterleaved, to8Bit } from './colour';
import type { InstanceHeader } from './decodeService';
import { decodeError, DecodeErrorCode } from './decodeErrors';
import { readDisplayInfo, readPixelModule, type PixelModuleInfo } from './imageAttributes';
import { isDicomdir, isSupportedTransferSyntax, parseDicomBytes, readInstanceHeader, sniffContentKind, unsupportedSyntax, type ParsedDicom } from './parseDicom';
import { encapsulatedFrame, nativeFrame, nativeSamplesPerFrame, pixelDataElement } from './pixelFrames';
import { decodeJpeg, decodePng, jpegFrameHeader, RASTER_TRANSFER_SYNTAX } from './rasterImages';
import { minMax, normaliseStored, rawSamplesFromNative, type NormalisedStored, type RawSamples } from './storedValues';
import { buildTagTree } from './tagTree';

export interface DecodeFileOptions {
  /** Base name for messages (never a full path). */
  fileName: string;
  /** 0-based frame index; default 0. */
  frame?: number;
  /**
   * PALETTE COLOR: true (default) applies the palette and returns RGB (what the viewer shows);
   * false returns the stored palette indices (what `cxr decode` hashes: one sample per pixel).
   */
  applyPalette?: boolean;
}

/** A decoded frame, plus what the decoder worked around to produce it (absent when nothing). */
export type DecodeResult = DecodedFrame;

/** Decodes one frame of a DICOM, PNG or JPEG file. Throws CodedError on any bad input. */
export async function decodeFile(bytes: Uint8Array, options: DecodeFileOptions): Promise<DecodeResult> {
  const { fileName } = options;
  if (bytes.length === 0) throw decodeError(DecodeErrorCode.EMPTY_FILE, fileName, 'the file is empty (0 bytes)');
  const frame = options.frame ?? 0;
  const kind = sniffContentKind(bytes);
  if (kind === 'png' || kind === 'jpeg') {
    if (frame !== 0) throw decodeError(DecodeErrorCode.BAD_FRAME_INDEX, fileName, `frame ${frame} requested; the image has 1 frame (index 0)`);
    return kind === 'png' ? decodePng(bytes, fileName) : decodeJpeg(bytes, fileName);
  }
  return decodeDicomFrame(parseDicomBytes(bytes, fileName), frame, options);
}

/** Decodes one frame of an already parsed DICOM dataset; the parse's warnings come along. */
export async function decodeDicomFrame(parsed: ParsedDicom, frame: number, options: DecodeFileOptions): Promise<DecodeResult> {
  const { fileName } = options;
  const ds = parsed.dataSet;
  if (isDicomdir(ds)) throw decodeError(DecodeErrorCode.NOT_AN_IMAGE, fileName, 'a DICOMDIR is a directory of files, not an image');
  const element = pixelDataElement(ds, fileName);
  const pm = readPixelModule(ds, fileName);
  if (!Number.isInteger(frame) || frame < 0 || frame >= pm.numberOfFrames) {
    throw decodeError(DecodeErrorCode.BAD_FRAME_INDEX, fileName, `frame ${frame} requested; the image has ${pm.numberOfFrames} frame(s) (indices from 0)`);
  }
  const ts = parsed.transferSyntaxUid;
  if (!isSupportedTransferSyntax(ts)) throw unsupportedSyntax(ts, fileName);
  const palette = pm.photometricInterpretation === 'PALETTE COLOR' && pm.samplesPerPixel === 1;
  const applyPal = palette && (options.applyPalette ?? true);

  let stored: NormalisedStored;
  if (NATIVE_TRANSFER_SYNTAXES.has(ts)) {
    const nf = nativeFrame(ds, element, pm, frame, ts, fileName);
    const raw = rawSamplesFromNative(nf, pm.bitsAllocated, nativeSamplesPerFrame(pm));
    stored = toStoredPixels(ds, raw, pm, pm.highBit - pm.bitsStored + 1, pm.photometricInterpretation, applyPal, fileName);
  } else {
    const encoded = encapsulatedFrame(ds, element, pm.numberOfFrames, frame, fileName);
    const info: CodecFrameInfo = {
      rows: pm.rows,
      columns: pm.columns,
      samplesPerPixel: pm.samplesPerPixel,
      bitsAllocated: pm.bitsAllocated,
      bitsStored: pm.bitsStored,
      pixelRepresentation: pm.pixelRepresentation,
      planarConfiguration: pm.planarConfiguration,
      photometricInterpretation: pm.photometricInterpretation,
    };
    let result;
    try {
      result = await decodeCompressedFrame(ts, encoded, info);
    } catch (err) {
      if (err instanceof CodedError) throw new CodedError(err.code, err.message.startsWith(`${fileName}:`) ? err.message : `${fileName}: ${err.message}`);
      throw decodeError(DecodeErrorCode.CODEC_FAILED, fileName, `the codec failed: ${(err instanceof Error ? err.message : String(err)).slice(0, 200)}`);
    }
    const expected = pm.rows * pm.columns * pm.samplesPerPixel;
    if (!result || !result.pixels || result.pixels.length < expected) {
      throw decodeError(DecodeErrorCode.CORRUPT_PIXEL_DATA, fileName, `the codec returned ${result?.pixels?.length ?? 0} samples; the frame needs ${expected}`);
    }
    const samples = (result.pixels.length === expected ? result.pixels : result.pixels.subarray(0, expected)) as RawSamples;
    // Codec output is interleaved, full resolution, stored values in the low bits.
    const pmAfter: PixelModuleInfo = { ...pm, planarConfiguration: 0, photometricInterpretation: pm.samplesPerPixel === 3 ? normaliseCodecPhotometric(result.photometricInterpretation) : pm.photometricInterpretation };
    stored = toStoredPixels(ds, samples, pmAfter, 0, pmAfter.photometricInterpretation, applyPal, fileName);
  }
  const { pixels, storedValueOffset } = stored;
  const spp: 1 | 3 = pm.samplesPerPixel === 3 || applyPal ? 3 : 1;
  const { min, max } = minMax(pixels);
  const info = withStoredValueOffset(readDisplayInfo(ds, pm, ts, spp), storedValueOffset);
  const result: DecodeResult = { info: { ...info, minStored: min, maxStored: max }, pixels };
  if (parsed.warnings.length > 0) result.warnings = [...parsed.warnings];
  return result;
}

/**
 * Keeps modality values unchanged when the stored values were shifted down by `offset` to fit
 * an Int32Array (unsigned 32-bit frames, see storedValues.ts): the Rescale Intercept, a
 * Modality LUT's first mapped value and the pixel padding values move with them.
 */
function withStoredValueOffset<T extends Omit<ImageDisplayInfo, 'minStored' | 'maxStored'>>(info: T, offset: number): T {
  if (offset === 0) return info;
  return {
    ...info,
    rescaleIntercept: info.modalityLut ? info.rescaleIntercept : info.rescaleIntercept + info.rescaleSlope * offset,
    modalityLut: info.modalityLut ? { ...info.modalityLut, firstValueMapped: info.modalityLut.firstValueMapped - offset } : undefined,
    pixelPaddingValue: info.pixelPaddingValue === undefined ? undefined : info.pixelPaddingValue - offset,
    pixelPaddingRangeLimit: info.pixelPaddingRangeLimit === undefined ? undefined : info.pixelPaddingRangeLimit - offset,
  };
}

/** Codecs decode YBR_FULL_422 to full resolution; what remains is a plain YBR_FULL (or RGB) buffer. */
function normaliseCodecPhotometric(p: string): string {
  const up = (p || 'RGB').toUpperCase();
  return up === 'YBR_FULL_422' ? 'YBR_FULL' : up;
}

function toStoredPixels(ds: DataSet, raw: RawSamples, pm: PixelModuleInfo, shift: number, photometric: string, applyPal: boolean, fileName: string): NormalisedStored {
  if (pm.samplesPerPixel === 1) {
    const stored = normaliseStored(raw, pm.bitsStored, pm.pixelRepresentation === 1, shift);
    if (!applyPal) return stored;
    if (stored.storedValueOffset !== 0) throw decodeError(DecodeErrorCode.INVALID_PIXEL_MODULE, fileName, 'PALETTE COLOR index values of 2^31 or more');
    return { pixels: applyPalette(ds, stored.pixels, pm.pixelRepresentation === 1, fileName), storedValueOffset: 0 };
  }
  return { pixels: toRgb(raw, pm, shift, photometric), storedValueOffset: 0 };
}

function toRgb(raw: RawSamples, pm: PixelModuleInfo, shift: number, photometric: string): StoredPixels {
  const pixels = pm.rows * pm.columns;
  let samples = to8Bit(raw, pm.bitsStored, shift);
  if (/^YBR_(FULL|PARTIAL)_422$/.test(photometric)) {
    samples = expand422(samples, pm.rows, pm.columns);
  } else if (pm.planarConfiguration === 1) {
    samples = planarToInterleaved(samples, pixels);
  }
  const rgb = convertToRgb(samples, photometric);
  // Never hand out a view on the file's bytes: the caller may transfer the buffer.
  return rgb.buffer === raw.buffer ? rgb.slice() : rgb;
}

/**
 * Header of a DICOM, PNG or JPEG file (no DICOMDIR path resolution: see ./dicomdir.ts).
 * `partial`: `bytes` are only the file's first bytes; DICOM parsing stops at Pixel Data.
 */
export function readHeaderFromBytes(bytes: Uint8Array, fileName: string, options: { partial?: boolean } = {}): InstanceHeader {
  if (bytes.length === 0) throw decodeError(DecodeErrorCode.EMPTY_FILE, fileName, 'the file is empty (0 bytes)');
  const kind = sniffContentKind(bytes);
  if (kind === 'png') {
    if (bytes.length < 24) throw decodeError(DecodeErrorCode.CORRUPT_PNG, fileName, 'the PNG header is truncated');
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { kind, numberOfFrames: 1, hasPixelData: true, columns: dv.getUint32(16), rows: dv.getUint32(20), modality: 'OT' };
  }
  if (kind === 'jpeg') {
    const sof = jpegFrameHeader(bytes);
    if (!sof) throw decodeError(DecodeErrorCode.CORRUPT_JPEG, fileName, 'no JPEG frame header (SOF) found');
    return { kind, numberOfFrames: 1, hasPixelData: true, columns: sof.width, rows: sof.height, modality: 'OT' };
  }
  return readInstanceHeader(parseDicomBytes(bytes, fileName, { stopAtPixelData: options.partial }));
}

/** The tag tree of a DICOM file; PNG/JPEG have none (empty list). */
export function readTagsFromBytes(bytes: Uint8Array, fileName: string): TagNode[] {
  const kind = sniffContentKind(bytes);
  if (kind === 'png' || kind === 'jpeg') return [];
  return buildTagTree(parseDicomBytes(bytes, fileName).dataSet);
}

export { RASTER_TRANSFER_SYNTAX };
