/**
 * Keeping paths and patient data out of messages and logs (issue #2: "logs name files
 * by a hash, never by patient data"; messages name a file by its base name only).
 */
import { createHash } from 'node:crypto';

/** A short, stable reference to a file for logs: the first 12 hex digits of sha256(path). */
export function fileRef(path: string): string {
  return createHash('sha256').update(path).digest('hex').slice(0, 12);
}

/**
 * Reduces absolute paths inside a message (e.g. Node's "ENOENT: no such file or
 * directory, open '/home/…/x.dcm'") to their base name, so an unexpected error never
 * reveals the rest of the disk.
 */
export function redactPaths(message: string): string {
  return message.replace(/(?:[A-Za-z]:)?(?:[\\/][^\\/\s'"`]+)+[\\/]([^\\/\s'"`]+)/g, '$1');
}
