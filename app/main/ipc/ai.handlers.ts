/**
 * Handlers of the `ai:` channels (issue #4). The renderer names an image by its instance
 * id; main resolves the path and asks the AI service, which decodes and classifies on
 * worker threads. CAM maps cross as an ArrayBuffer (Float32), never as JSON numbers.
 */
import type { AiService } from '../services/inference/aiService';
import { resolveDisplayable, type InstanceResolver } from './archiveResolve';
import type { IpcRouter } from './handle';

export interface AiHandlerDeps {
  archive: InstanceResolver;
  ai: AiService;
}

export function registerAiHandlers(router: IpcRouter, { archive, ai }: AiHandlerDeps): void {
  router.handle('ai:status', async () => ai.status());

  router.handle('ai:classify', async ({ instanceId, frame }) => {
    const record = await resolveDisplayable(archive, instanceId);
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
