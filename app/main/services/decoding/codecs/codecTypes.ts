/** Types shared by the codecs and their entry point (index.ts re-exports them). */

/** Image Pixel Module attributes (PS3.3 C.7.6.3) a codec needs to interpret one frame. */
export interface CodecFrameInfo {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  planarConfiguration: 0 | 1;
  photometricInterpretation: string;
}

/**
 * What a codec produced for one frame.
 *
 * `pixels` holds the samples as the codec produced them, pixel-major (interleaved) when
 * samplesPerPixel = 3 whatever the Planar Configuration says, 8-bit arrays for
 * BitsAllocated 1 and 8, 16-bit arrays for BitsAllocated 16 and 32-bit arrays for 32. The array is signed only where the
 * codec itself produces signed values (JPEG 2000 / HTJ2K with signed components); elsewhere
 * (JPEG lossless, JPEG-LS, RLE) a signed image comes back as the unsigned bit patterns of its
 * stored values. Callers therefore always mask to BitsStored and sign-extend per
 * PixelRepresentation, as for native Pixel Data (PS3.5 8.1.1) – that is idempotent for both.
 */
export interface CodecResult {
  pixels: Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;
  /** After decoding: e.g. JPEG baseline YCbCr comes out as 'RGB' when the codec converts. */
  photometricInterpretation: string;
}
