/** The AI panel's model line and bundled-model choice, from `ai:status`. */
import { describe, expect, it } from 'vitest';

import { bundledChoice, bundledInUse, bundledLabel, modelFigures } from '../../../../../app/renderer/features/ai/modelChoice';
import type { AiStatus } from '../../../../../app/shared/ipc/contract';

const v2 = { name: 'cxr-tri-v2', version: '2.0.0', manifestPath: '/app/models/cxr-tri-v2/model.json', isDefault: true };
const v1 = { name: 'cxr-tri-v1', version: '1.0.0', manifestPath: '/app/models/cxr-tri-v1/model.json', isDefault: false };

const status = (customModelPath?: string, bundledModels = [v2, v1]): AiStatus => ({
  state: 'ready',
  bundledModels,
  fallbackReasons: [],
  settings: { forceCpu: false, customModelPath },
  queue: { queued: 0, running: 0, done: 0, failed: 0 },
});

const model = (metrics?: { covidAuc?: number; split?: string }): NonNullable<AiStatus['model']> => ({
  name: 'cxr-tri-v1',
  version: '1.0.0',
  sha256: 'x',
  labels: ['covid', 'normal', 'pneumonia'],
  intendedUse: 'prioritisation and research, not diagnosis',
  metrics,
});

describe('bundled model choice', () => {
  it('labels the default', () => {
    expect([v2, v1].map(bundledLabel)).toEqual(['cxr-tri-v2 2.0.0 (default)', 'cxr-tri-v1 1.0.0']);
  });

  it('shows the default in use without a custom path, a bundled custom path as itself, and nothing for another file', () => {
    expect(bundledInUse(status())).toBe(v2.manifestPath);
    expect(bundledInUse(status(v1.manifestPath))).toBe(v1.manifestPath);
    expect(bundledInUse(status('/home/me/my-model/model.json'))).toBe('');
    expect(bundledInUse(status(undefined, [v1]))).toBe('');
  });

  it('picks the default by clearing the custom path, any other by its manifest path', () => {
    expect(bundledChoice(v2)).toEqual({ customModelPath: null });
    expect(bundledChoice(v1)).toEqual({ customModelPath: v1.manifestPath });
  });
});

describe('modelFigures', () => {
  it('states the AUC and split the manifest gives, and nothing when it gives no AUC', () => {
    expect(modelFigures(model({ covidAuc: 0.8853, split: 'test' }))).toBe('Test-split COVID AUC 0.89 (internal); see the model card');
    expect(modelFigures(model({ covidAuc: 0.8 }))).toBe('COVID AUC 0.80 (internal); see the model card');
    expect(modelFigures(model({ split: 'test' }))).toBeUndefined();
    expect(modelFigures(model())).toBeUndefined();
  });
});
