/**
 * Instance keys → files, for the handlers that decode, classify or read tags (issue #10): the
 * archive (SQLite, on its worker) holds the path, the renderer only ever holds the key.
 */
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

/** As {@link resolveInstance}, and an error naming the file when it cannot be displayed (not an image, deleted by retention). */
export async function resolveDisplayable(store: InstanceResolver, instanceId: string): Promise<ResolvedInstance> {
  const record = await resolveInstance(store, instanceId);
  if (record.error) throw new CodedError(record.error.code, record.error.message);
  return record;
}
