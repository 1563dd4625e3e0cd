/**
 * Handlers of the `ingest:` channels (issue #5): the state of the DICOM listener and the
 * watched folder, and changing them from the Sources panel. Invalid settings are answered as
 * `problems` (data), never as a thrown error; a port in use is a failed listener in the status.
 */
import type { IngestSources } from '../services/ingest/ingestSources';
import type { StorageRetention } from '../services/ingest/storageRetention';
import type { IngestSettings } from '../services/worklist/ingestSettings';
import type { IpcRouter } from './handle';

export interface IngestHandlerDeps {
  sources: Pick<IngestSources, 'status' | 'configure'>;
  /** The received-files storage view and retention rule (issue #10). */
  storage: Pick<StorageRetention, 'status' | 'configure'>;
}

export function registerIngestHandlers(router: IpcRouter, { sources, storage }: IngestHandlerDeps): void {
  router.handle('storage:status', () => storage.status());
  router.handle('storage:configure', (rule) => storage.configure(rule));

  router.handle('ingest:sources', () => sources.status());

  router.handle('ingest:configure', async ({ listener, watchDir }) => {
    // null turns a source off; the service validates the rest (port range, AE title, full path).
    const next: IngestSettings = {};
    if (listener) next.listener = { port: listener.port, aeTitle: listener.aeTitle.trim() };
    if (watchDir !== null) next.watchDir = watchDir.trim();
    return sources.configure(next);
  });
}
