/**
 * Error codes of the decoding service. Every failure to read or decode a file surfaces as a
 * {@link CodedError} with one of these codes (issue #2 "Bad input"); the fuzz test asserts
 * nothing else escapes. Messages name the file by its base name only, never by patient data.
 */
import { CodedError } from '../../../shared/result';

export const DecodeErrorCode = {
  /** 0-byte file. */
  EMPTY_FILE: 'EMPTY_FILE',
  /** Neither DICOM (with or without preamble), PNG nor JPEG. */
  NOT_RECOGNISED: 'NOT_RECOGNISED',
  /** The file ends inside an element header, the meta group, or the Pixel Data. */
  DICOM_TRUNCATED: 'DICOM_TRUNCATED',
  /** An element's length points past the end of the file (or of its sequence item). */
  LENGTH_PAST_END: 'LENGTH_PAST_END',
  /** A dataset that cannot be parsed for another structural reason. */
  DICOM_MALFORMED: 'DICOM_MALFORMED',
  UNSUPPORTED_TRANSFER_SYNTAX: 'UNSUPPORTED_TRANSFER_SYNTAX',
  /** SR, encapsulated PDF, presentation states…: no Pixel Data. */
  NOT_AN_IMAGE: 'NOT_AN_IMAGE',
  BAD_FRAME_INDEX: 'BAD_FRAME_INDEX',
  /** rows·columns·samples·bytes above MAX_DECODED_BYTES or a dimension above MAX_DIMENSION. */
  IMAGE_TOO_LARGE: 'IMAGE_TOO_LARGE',
  /** Image Pixel module attributes missing, contradictory or outside what PS3.3 C.7.6.3 allows. */
  INVALID_PIXEL_MODULE: 'INVALID_PIXEL_MODULE',
  /** A valid but unsupported pixel encoding (e.g. segmented palettes, float pixel data). */
  UNSUPPORTED_PIXEL_FORMAT: 'UNSUPPORTED_PIXEL_FORMAT',
  /** Encapsulated pixel data whose fragments cannot be split into frames, or a codec rejected them. */
  CORRUPT_PIXEL_DATA: 'CORRUPT_PIXEL_DATA',
  CORRUPT_PNG: 'CORRUPT_PNG',
  CORRUPT_JPEG: 'CORRUPT_JPEG',
  /** The codecs helper's generic failure. */
  CODEC_FAILED: 'CODEC_FAILED',
  /** Worker pool: the task ran past its time limit; the worker was replaced. */
  DECODE_TIMEOUT: 'DECODE_TIMEOUT',
  /** Worker pool: the worker died while running the task. */
  WORKER_CRASHED: 'WORKER_CRASHED',
  /** Worker pool: closed before the task ran. */
  DECODER_CLOSED: 'DECODER_CLOSED',
  /** Worker pool: the worker bundle is missing (not built). */
  DECODER_UNAVAILABLE: 'DECODER_UNAVAILABLE',
  /** The file could not be read from disk. */
  FILE_READ_FAILED: 'FILE_READ_FAILED',
} as const;

export type DecodeErrorCode = (typeof DecodeErrorCode)[keyof typeof DecodeErrorCode];

/**
 * Codes of problems a decode worked around: the frame is returned, with the warning beside it
 * (DecodeResult.warnings in decodeFile.ts), instead of refusing the file.
 */
export const DecodeWarningCode = {
  /**
   * An element after the Pixel Data runs past the end of the file (a private tag, padding or a
   * signature cut off): the pixels are complete, the incomplete trailing elements are dropped.
   */
  TRAILING_DATA_TRUNCATED: 'TRAILING_DATA_TRUNCATED',
} as const;

export type DecodeWarningCode = (typeof DecodeWarningCode)[keyof typeof DecodeWarningCode];

/** A problem the decoder worked around; the message names the file by its base name only. */
export interface DecodeWarning {
  code: DecodeWarningCode;
  message: string;
}

/** Every code a decode can end with (the fuzz test's whitelist). */
export const DECODE_ERROR_CODES: ReadonlySet<string> = new Set(Object.values(DecodeErrorCode));

/** Shorthand: a CodedError whose message starts with the file's base name. */
export function decodeError(code: DecodeErrorCode, fileName: string, detail: string): CodedError {
  return new CodedError(code, `${fileName}: ${detail}`);
}

/** The last path component, for messages (never the directory, which may contain patient names). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}
