/**
 * Handlers of the `ai:` channels (issue #4). The renderer names an image by its instance
 * id; main resolves the path and asks the AI service, which decodes and classifies on
 * worker threads. CAM maps cross as an ArrayBuffer (Float32), never as JSON numbers.
 */
import { CodedError } from '../../shared/result';
import type { AiService } from '../services/inference/aiService';
import type { StudyCatalog } from '../services/studies/studyCatalog';
import type { IpcRouter } from './handle';

export interface AiHandlerDeps {
  catalog: Pick<StudyCatalog, 'resolve'>;
  ai: AiService;
}

export function registerAiHandlers(router: IpcRouter, { catalog, ai }: AiHandlerDeps): void {
  router.handle('ai:status', async () => ai.status());

  router.handle('ai:classify', async ({ instanceId, frame }) => {
    const record = catalog.resolve(instanceId);
    if (!record) throw new CodedError('INSTANCE_NOT_FOUND', 'image is not in the catalog');
    if (record.error) throw new CodedError(record.error.code, record.error.message);
    const started = performance.now();
    const outcome = await ai.classify(record.path, frame, 'interactive');
    return {
      probabilities: outcome.probabilities,
      label: outcome.label,
      priority: outcome.priority,
      outOfDistribution: outcome.outOfDistribution,
      ood: outcome.ood,
      // A copy: the cached result keeps its own buffer.
      cam: outcome.cam.data.slice().buffer,
      camHeight: outcome.cam.height,
      camWidth: outcome.cam.width,
      letterbox: outcome.cam.letterbox,
      rows: outcome.rows,
      columns: outcome.columns,
      model: outcome.model,
      provider: outcome.provider,
      cached: outcome.cached,
      ms: Math.round((performance.now() - started) * 10) / 10,
    };
  });

  router.handle('ai:configure', async (change) => ai.configure(change));
}
