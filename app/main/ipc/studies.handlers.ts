/** Handlers of the `studies:` channels: imports, the catalog tree and priors. */
import { CodedError } from '../../shared/result';
import type { ImportService } from '../services/studies/importService';
import type { StudyCatalog } from '../services/studies/studyCatalog';
import type { IpcRouter } from './handle';

export interface StudiesHandlerDeps {
  catalog: StudyCatalog;
  importer: ImportService;
}

/** Registers import, importBytes, cancelImport, list and priors. */
export function registerStudiesHandlers(router: IpcRouter, { catalog, importer }: StudiesHandlerDeps): void {
  router.handle('studies:import', ({ paths }) => importer.startImport(paths));
  router.handle('studies:importBytes', ({ files }) => importer.importBytes(files));
  router.handle('studies:cancelImport', ({ jobId }) => ({ cancelled: importer.cancel(jobId) }));
  router.handle('studies:list', () => ({ patients: catalog.list() }));
  router.handle('studies:priors', ({ studyKey }) => {
    const studies = catalog.priors(studyKey);
    if (!studies) throw new CodedError('STUDY_NOT_FOUND', 'study is not in the catalog');
    return { studies };
  });
}
