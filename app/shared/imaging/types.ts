/**
 * Decoded image data and the display attributes the viewer needs, shared by the
 * decode service (main), the CLI and the renderer. Attribute names follow the
 * DICOM standard (PS3.3 C.7.6.3 Image Pixel Module, C.11 LUT modules).
 */

/** Stored pixel values of one frame. One sample per pixel: stored values exactly as
 * PS3.5 8 defines them (sign-extended per PixelRepresentation, masked to BitsStored),
 * in the smallest typed array that holds them. Three samples: RGB interleaved, 8 bit
 * (YBR converted to RGB, planar configuration undone, palette applied). */
export type StoredPixels = Uint8Array | Int8Array | Uint16Array | Int16Array | Int32Array;

export type PhotometricInterpretation =
  | 'MONOCHROME1'
  | 'MONOCHROME2'
  | 'RGB'
  | 'YBR_FULL'
  | 'YBR_FULL_422'
  | 'YBR_ICT'
  | 'YBR_RCT'
  | 'PALETTE COLOR';

/** A lookup table as in PS3.3 C.11.1 (Modality LUT) and C.11.2 (VOI LUT). */
export interface LookupTable {
  /** First stored (or modality) value mapped, from LUT Descriptor value 2. */
  firstValueMapped: number;
  /** Bits per entry, from LUT Descriptor value 3. */
  numBitsPerEntry: number;
  lut: number[];
  explanation?: string;
}

export interface WindowPreset {
  center: number;
  width: number;
  /** From Window Center & Width Explanation (0028,1055), or a generated name. */
  explanation?: string;
}

/** Everything the viewer needs to render and measure a frame, besides the pixels. */
export interface ImageDisplayInfo {
  rows: number;
  columns: number;
  samplesPerPixel: 1 | 3;
  /** As stored in the file (before any colour conversion done by the decoder). */
  photometricInterpretation: string;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  pixelRepresentation: 0 | 1;
  numberOfFrames: number;
  transferSyntaxUid: string;
  /** Min/max of the stored values of this frame (for RGB: over all samples). */
  minStored: number;
  maxStored: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  rescaleType?: string;
  modalityLut?: LookupTable;
  windowPresets: WindowPreset[];
  voiLuts: LookupTable[];
  /** VOI LUT Function (0028,1056): LINEAR, LINEAR_EXACT or SIGMOID. */
  voiLutFunction: 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';
  /** Presentation LUT Shape (2050,0020); INVERSE flips the output after VOI. */
  presentationLutShape?: 'IDENTITY' | 'INVERSE';
  /** Pixel Padding Value (0028,0120) and Range Limit (0028,0121), stored values. */
  pixelPaddingValue?: number;
  pixelPaddingRangeLimit?: number;
  /** Row and column spacing in mm, and where it came from (PS3.3 10.7.1.3). */
  pixelSpacing?: { row: number; column: number; source: 'PixelSpacing' | 'ImagerPixelSpacing' | 'NominalScannedPixelSpacing' };
  /** True for MONOCHROME1: display inverts AFTER the VOI step (PS3.3 C.7.6.3.1.2). */
  invertAfterVoi: boolean;
}

/** One decoded frame: display info plus the stored values. */
export interface DecodedFrame {
  info: ImageDisplayInfo;
  pixels: StoredPixels;
  /** What the decoder worked around to produce the frame (absent when nothing), e.g. issue #12's cut-short trailing element. */
  warnings?: { code: string; message: string }[];
}

/** The JSON contract of `cxr decode` (issue #2). */
export interface DecodeSummary {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  photometricInterpretation: string;
  bitsStored: number;
  pixelRepresentation: number;
  numberOfFrames: number;
  transferSyntaxUID: string;
  min: number;
  max: number;
  sha256: string;
}

/** Images larger than this are refused before any allocation (documented in README). */
export const MAX_DECODED_BYTES = 512 * 1024 * 1024;
export const MAX_DIMENSION = 16384;
