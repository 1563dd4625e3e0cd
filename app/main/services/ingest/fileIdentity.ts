/**
 * Identity helpers for incoming files: a short hash that names a file in logs (never its path,
 * which may hold a patient's name), and UIDs derived from the content hash for files that have
 * none (PNG/JPEG, or a DICOM file missing its UIDs). The content hash itself is computed on the
 * decode worker (decodeTasks.identifyTask).
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';

/** A 12-hex-digit name for a path in log lines. */
export function logName(path: string): string {
  return createHash('sha256').update(path).digest('hex').slice(0, 12);
}

/** The file's base name, the only part of a path user-facing messages show. */
export function displayName(path: string): string {
  return basename(path);
}

/**
 * A UID under the 2.25 root from a content hash: "2.25." + the decimal value of 128 bits
 * (PS3.5 B.2, UUID-derived UIDs; 39 digits at most, so the UID stays under 64 characters).
 * `role` keeps the study, series and instance UIDs of one picture apart.
 */
export function uidFromHash(sha256Hex: string, role: 'study' | 'series' | 'instance'): string {
  const digest = createHash('sha256').update(`${role}:${sha256Hex}`).digest();
  const bytes = Buffer.from(digest.subarray(0, 16));
  // Mark it as a version-4-style UUID value (RFC 4122 4.4) as PS3.5 B.2 expects of 2.25 UIDs.
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return `2.25.${BigInt(`0x${bytes.toString('hex')}`).toString()}`;
}
