import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { InferenceHost } from '../../../../../app/main/services/inference/inferenceHost';
import { loadModelManifest } from '../../../../../app/main/services/inference/modelRegistry';
import { workerScript } from '../../../../../app/main/services/workerScript';
import { makeChestImage } from '../../../../fixtures/syntheticImages';

const manifestPath = join(__dirname, '../../../../../models/cxr-tri-v1/model.json');
const hosts: InferenceHost[] = [];

async function newHost(overrides: Partial<ConstructorParameters<typeof InferenceHost>[0]> = {}): Promise<InferenceHost> {
  const model = await loadModelManifest(manifestPath);
  const host = new InferenceHost({
    workerPath: workerScript('inference.worker'),
    modelPath: model.onnxPath,
    manifest: model.manifest,
    executionProviders: ['cpu'],
    backoffMs: [10],
    intraOpThreads: 1,
    ...overrides,
  });
  hosts.push(host);
  return host;
}

const chest = (seed: number) => makeChestImage({ rows: 320, columns: 256, bitsStored: 12, seed }) as Uint16Array;

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

describe('InferenceHost', () => {
  it('loads the model on the CPU and classifies an image in the worker', async () => {
    const host = await newHost();
    const loaded = await host.start();
    expect(loaded.provider).toBe('cpu');
    const out = await host.classify(chest(1), 320, 256, 1, 'MONOCHROME2');
    expect(out.probabilities).toHaveLength(3);
    expect(out.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(out.cam.length).toBe(3 * out.camHeight * out.camWidth);
    expect(out.letterbox).toMatchObject({ size: 224, rows: 224, cols: 179 });
  });

  it('falls back to the CPU when a GPU provider cannot run, and says why', async () => {
    const host = await newHost({ executionProviders: ['cuda', 'cpu'] });
    const loaded = await host.start();
    expect(loaded.provider).toBe('cpu');
    expect(loaded.fallbackReasons[0]).toMatch(/^cuda: /);
  });

  it('fails pending work with a coded error when the worker dies, then restarts it', async () => {
    const host = await newHost();
    await host.start();
    // The worker runs requests in order: the one sent after the crash finds it dead.
    host.crashWorkerForTest();
    const pending = host.classify(chest(2), 320, 256, 1, 'MONOCHROME2');
    await expect(pending).rejects.toMatchObject({ code: 'INFERENCE_WORKER_DIED' });
    // The next request waits for the restarted worker and succeeds.
    const out = await host.classify(chest(3), 320, 256, 1, 'MONOCHROME2');
    expect(out.probabilities).toHaveLength(3);
    expect(host.restarts).toBe(1);
  });

  it('reports a model file onnxruntime cannot read as MODEL_LOAD_FAILED', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxr-badmodel-'));
    writeFileSync(join(dir, 'model.onnx'), 'not an onnx file');
    const host = await newHost({ modelPath: join(dir, 'model.onnx') });
    await expect(host.start()).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
  });

  it('refuses a model whose outputs do not match its manifest, naming the output', async () => {
    const model = await loadModelManifest(manifestPath);
    const renamed = { ...model.manifest, outputs: { ...model.manifest.outputs, cam: { ...model.manifest.outputs.cam, name: 'heatmap' } } };
    const host = await newHost({ manifest: renamed });
    await expect(host.start()).rejects.toMatchObject({ code: 'MODEL_OUTPUT_MISMATCH', message: expect.stringContaining('"heatmap"') });
    const fourLabels = { ...model.manifest, labels: ['covid', 'normal', 'pneumonia', 'tb'] };
    const other = await newHost({ manifest: fourLabels });
    await expect(other.start()).rejects.toMatchObject({ code: 'MODEL_OUTPUT_MISMATCH', message: expect.stringContaining('expected [1, 4]') });
  });
});
