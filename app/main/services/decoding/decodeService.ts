/**
 * The decoding service as the rest of main sees it. Implementations run the real work
 * on worker threads (decodePool.ts): decoding, header parsing and thumbnails never run
 * on the main event loop (issue #2, STYLE.md §3).
 */
import type { DecodedFrame } from '../../../shared/imaging/types';
import type { TagNode } from '../../../shared/ipc/contract';
import type { AppError } from '../../../shared/result';

/** What the study catalog needs to know about one file, read from its header only. */
export interface InstanceHeader {
  /** Recognised by content (PS3.10 preamble, a valid dataset without preamble, PNG/JPEG signature). */
  kind: 'dicom' | 'dicomdir' | 'png' | 'jpeg';
  patientName?: string;
  patientId?: string;
  /** Issuer of Patient ID (0010,0021): with the Patient ID, it names the patient across hospitals (PS3.3 C.7.1.1). */
  issuerOfPatientId?: string;
  patientBirthDate?: string;
  patientSex?: string;
  studyInstanceUid?: string;
  studyDate?: string;
  studyTime?: string;
  studyDescription?: string;
  accessionNumber?: string;
  seriesInstanceUid?: string;
  seriesNumber?: number;
  seriesDescription?: string;
  modality?: string;
  bodyPartExamined?: string;
  viewPosition?: string;
  sopClassUid?: string;
  sopInstanceUid?: string;
  instanceNumber?: number;
  transferSyntaxUid?: string;
  numberOfFrames: number;
  rows?: number;
  columns?: number;
  /** False for non-image objects (SR, encapsulated PDF, …): listed, but not displayable. */
  hasPixelData: boolean;
  /** DICOMDIR only: absolute paths of the referenced files (PS3.3 F.3.2.2 Referenced File ID). */
  referencedFiles?: string[];
}

/**
 * What an import needs to know about a file before recording it (issue #5): the sha256 of its
 * bytes, which de-duplicates PNG/JPEG (no UIDs) and names the content, and its header, or, when
 * the bytes could be read but not understood, why (as data, so the hash still reaches the
 * failure record).
 */
export type FileIdentity = { contentSha256: string; header: InstanceHeader } | { contentSha256: string; error: AppError };

export interface Thumbnail {
  width: number;
  height: number;
  /** RGBA, 8 bits per channel, rendered with the default window. */
  rgba: Uint8Array;
}

export interface DecodeService {
  readHeader(path: string): Promise<InstanceHeader>;
  /**
   * Content hash and header from one read of the file, in one worker task: an import used to
   * read each file three times (hash, header, pixels) and hash it on the main thread. Rejects
   * only when the file cannot be read at all.
   */
  identify(path: string): Promise<FileIdentity>;
  decodeFrame(path: string, frame: number): Promise<DecodedFrame>;
  thumbnail(path: string, size: number): Promise<Thumbnail>;
  tags(path: string): Promise<TagNode[]>;
  /** Stops the workers. */
  close(): Promise<void>;
}
