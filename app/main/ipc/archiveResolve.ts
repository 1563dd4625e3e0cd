/**
 * Instance keys → files, for the handlers that decode, classify or read tags (issue #10): the
 * archive (SQLite, on its worker) holds the path, the renderer only ever holds the key.
 */
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';

import { CodedError } from '../../shared/result';
import type { ResolvedInstance } from '../services/worklist/archiveQueries';
import type { WorklistStoreLike } from '../services/worklist/worklistProtocol';

export type InstanceResolver = WorklistStoreLike<'resolveInstance'>;

/** The instance's file; INSTANCE_NOT_FOUND for an unknown key. */
export async function resolveInstance(store: InstanceResolver, instanceId: string): Promise<ResolvedInstance> {
  const record = await store.resolveInstance(instanceId);
  if (!record) throw new CodedError('INSTANCE_NOT_FOUND', 'image is not in the archive (removed, or the database was replaced)');
  return record;
}

/**
 * As {@link resolveInstance}, and an error naming the file when it cannot be displayed: not an
 * image, deleted by retention, or moved or deleted since it was opened (FILE_MISSING, with the
 * path it had, so the user can find it; issue #10).
 */
export async function resolveDisplayable(store: InstanceResolver, instanceId: string): Promise<ResolvedInstance> {
  return (await resolveDisplayableFile(store, instanceId)).record;
}

/** As {@link resolveDisplayable}, with the file's stat (its size and mtime tell whether a stored thumbnail is still its own). */
export async function resolveDisplayableFile(store: InstanceResolver, instanceId: string): Promise<{ record: ResolvedInstance; stats: Stats }> {
  const record = await resolveInstance(store, instanceId);
  if (record.error) throw new CodedError(record.error.code, record.error.message);
  let stats: Stats;
  try {
    stats = await stat(record.path);
  } catch {
    throw new CodedError('FILE_MISSING', `${record.fileName} is missing: it is no longer at ${record.path}`);
  }
  return { record, stats };
}
