/**
 * Handlers of the `studies:` channels: viewer imports (through the archive's ingest queue), and
 * the local study archive as the browser reads it (issue #10): a page of patients, one study,
 * priors, and "Remove from list".
 */
import { CodedError } from '../../shared/result';
import type { ImportService } from '../services/studies/importService';
import type { WorklistStoreLike } from '../services/worklist/worklistProtocol';
import type { EventSink } from './events';
import type { IpcRouter } from './handle';

export interface StudiesHandlerDeps {
  archive: WorklistStoreLike<'archivePatients' | 'archiveStudy' | 'archivePriors' | 'removeStudy'>;
  importer: ImportService;
  emit: EventSink;
}

/** Registers import, importBytes, cancelImport, list, get, priors and remove. */
export function registerStudiesHandlers(router: IpcRouter, { archive, importer, emit }: StudiesHandlerDeps): void {
  router.handle('studies:import', ({ paths }) => importer.startImport(paths));
  router.handle('studies:importBytes', ({ files }) => importer.importBytes(files));
  router.handle('studies:cancelImport', ({ jobId }) => ({ cancelled: importer.cancel(jobId) }));
  router.handle('studies:list', (query) => archive.archivePatients(query));
  router.handle('studies:get', async ({ studyKey }) => {
    const found = await archive.archiveStudy(studyKey);
    if (!found) throw new CodedError('STUDY_NOT_FOUND', 'study is not in the archive');
    return { patient: found.patient, removed: found.removed };
  });
  router.handle('studies:priors', async ({ studyKey }) => {
    const priors = await archive.archivePriors(studyKey);
    if (!priors) throw new CodedError('STUDY_NOT_FOUND', 'study is not in the archive');
    return priors;
  });
  router.handle('studies:remove', async ({ studyKey }) => {
    const removed = await archive.removeStudy(studyKey);
    if (removed) {
      emit('studies:changed', {});
      emit('worklist:changed', {});
    }
    return { removed };
  });
}
