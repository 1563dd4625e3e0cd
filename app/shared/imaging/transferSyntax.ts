/**
 * Transfer syntax UIDs (PS3.5 section 10 and Annex A, PS3.6 Annex A) the viewer knows,
 * and the properties of each that parsing needs.
 */

export const TransferSyntax = {
  ImplicitVRLittleEndian: '1.2.840.10008.1.2',
  ExplicitVRLittleEndian: '1.2.840.10008.1.2.1',
  DeflatedExplicitVRLittleEndian: '1.2.840.10008.1.2.1.99',
  ExplicitVRBigEndian: '1.2.840.10008.1.2.2',
  JPEGBaseline8Bit: '1.2.840.10008.1.2.4.50',
  JPEGExtended12Bit: '1.2.840.10008.1.2.4.51',
  JPEGLosslessP14: '1.2.840.10008.1.2.4.57',
  JPEGLosslessSV1: '1.2.840.10008.1.2.4.70',
  JPEGLSLossless: '1.2.840.10008.1.2.4.80',
  JPEGLSNearLossless: '1.2.840.10008.1.2.4.81',
  JPEG2000Lossless: '1.2.840.10008.1.2.4.90',
  JPEG2000: '1.2.840.10008.1.2.4.91',
  HTJ2KLossless: '1.2.840.10008.1.2.4.201',
  HTJ2KLosslessRPCL: '1.2.840.10008.1.2.4.202',
  HTJ2K: '1.2.840.10008.1.2.4.203',
  RLELossless: '1.2.840.10008.1.2.5',
} as const;

/** Syntaxes whose Pixel Data is native (not encapsulated), PS3.5 A.1–A.3, A.5. */
export const NATIVE_TRANSFER_SYNTAXES: ReadonlySet<string> = new Set([
  TransferSyntax.ImplicitVRLittleEndian,
  TransferSyntax.ExplicitVRLittleEndian,
  TransferSyntax.DeflatedExplicitVRLittleEndian,
  TransferSyntax.ExplicitVRBigEndian,
]);

/** Encapsulated syntaxes the decoder supports (PS3.5 A.4). */
export const ENCAPSULATED_TRANSFER_SYNTAXES: ReadonlySet<string> = new Set([
  TransferSyntax.JPEGBaseline8Bit,
  TransferSyntax.JPEGExtended12Bit,
  TransferSyntax.JPEGLosslessP14,
  TransferSyntax.JPEGLosslessSV1,
  TransferSyntax.JPEGLSLossless,
  TransferSyntax.JPEGLSNearLossless,
  TransferSyntax.JPEG2000Lossless,
  TransferSyntax.JPEG2000,
  TransferSyntax.HTJ2KLossless,
  TransferSyntax.HTJ2KLosslessRPCL,
  TransferSyntax.HTJ2K,
  TransferSyntax.RLELossless,
]);

/**
 * Pseudo transfer syntax values reported for non-DICOM inputs by `cxr decode`
 * (issue #2 allows "" or a documented pseudo value). They are not UIDs.
 */
export const PSEUDO_TRANSFER_SYNTAX_PNG = 'PNG';
export const PSEUDO_TRANSFER_SYNTAX_JPEG = 'JPEG';

/** True when the syntax encodes the dataset with explicit VRs (all but Implicit VR LE). */
export function isExplicitVr(transferSyntaxUid: string): boolean {
  return transferSyntaxUid !== TransferSyntax.ImplicitVRLittleEndian;
}

/** True for the retired Explicit VR Big Endian syntax (PS3.5 A.3). */
export function isBigEndian(transferSyntaxUid: string): boolean {
  return transferSyntaxUid === TransferSyntax.ExplicitVRBigEndian;
}
