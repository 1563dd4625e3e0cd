/**
 * Instance keys → files, for the handlers that decode, classify or read tags (issue #10): the
 * archive (SQLite, on its worker) holds the path, the renderer only ever holds the key.
 */
import { access } from 'node:fs/promises';

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
  const record = await resolveInstance(store, instanceId);
  if (record.error) throw new CodedError(record.error.code, record.error.message);
  try {
    await access(record.path);
  } catch {
    throw new CodedError('FILE_MISSING', `${record.fileName} is missing: it is no longer at ${record.path}`);
  }
  return record;
}
