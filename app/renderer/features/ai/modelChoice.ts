/**
 * What the AI panel shows about the loaded model and the bundled-model choice in its
 * settings, as pure functions of `ai:status` (tested without a DOM).
 */
import type { AiStatus, BundledModel } from '../../../shared/ipc/contract';

/** "cxr-tri-v2 2.0.0 (default)". */
export const bundledLabel = (m: BundledModel): string => `${m.name} ${m.version}${m.isDefault ? ' (default)' : ''}`;

/**
 * The loaded model's headline figure as its manifest states it ("Test-split COVID AUC 0.89
 * (internal); see the model card"), or undefined when the manifest states none: the panel
 * never shows a number the manifest does not hold.
 */
export function modelFigures(model: NonNullable<AiStatus['model']>): string | undefined {
  const auc = model.metrics?.covidAuc;
  if (auc === undefined) return undefined;
  const split = model.metrics?.split;
  return `${split ? `${split[0].toUpperCase()}${split.slice(1)}-split ` : ''}COVID AUC ${auc.toFixed(2)} (internal); see the model card`;
}

/**
 * The bundled model in use, by manifest path: the custom path when it is a bundled one, the
 * default when no custom model is set, '' for a custom model from elsewhere (or no default).
 */
export function bundledInUse(status: AiStatus): string {
  const custom = status.settings.customModelPath;
  if (custom) return status.bundledModels.some((m) => m.manifestPath === custom) ? custom : '';
  return status.bundledModels.find((m) => m.isDefault)?.manifestPath ?? '';
}

/**
 * The `ai:configure` change that picking a bundled model makes. The default clears the custom
 * path rather than naming it, so the choice follows the default when a later release moves it.
 */
export function bundledChoice(model: BundledModel): { customModelPath: string | null } {
  return { customModelPath: model.isDefault ? null : model.manifestPath };
}
