import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { createDecodePool } from '../../../../../app/main/services/decoding/decodePool';
import { AiService } from '../../../../../app/main/services/inference/aiService';
import { listBundledModels } from '../../../../../app/main/services/inference/modelRegistry';
import { workerScript } from '../../../../../app/main/services/workerScript';
import { makeChestImage } from '../../../../fixtures/syntheticImages';

const shipped = join(__dirname, '../../../../../models/cxr-tri-v1');
const services: AiService[] = [];
const decode = createDecodePool({ size: 1 });

function newService(overrides: Partial<ConstructorParameters<typeof AiService>[0]> = {}): AiService {
  const service = new AiService({
    decode,
    defaultModelPath: join(shipped, 'model.json'),
    workerPath: workerScript('inference.worker'),
    ...overrides,
  });
  services.push(service);
  return service;
}

function writePng(dir: string): string {
  const img = makeChestImage({ rows: 256, columns: 200, bitsStored: 8, seed: 5 });
  const png = new PNG({ width: 200, height: 256, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  png.data = Buffer.from(img.buffer, img.byteOffset, img.byteLength);
  const path = join(dir, 'chest.png');
  writeFileSync(path, PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false }));
  return path;
}

afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
});
afterAll(() => decode.close());

describe('AiService', () => {
  it('a close before start() reaches its load keeps the load from starting (no session to abort at exit)', async () => {
    let listed!: () => void;
    const ai = newService({ listBundledModels: () => new Promise((resolve) => (listed = () => resolve([]))) });
    const started = ai.start();
    await new Promise((r) => setTimeout(r, 10)); // start() now waits on the bundled-model list
    const closed = ai.close();
    listed();
    await Promise.all([started, closed]);
    expect(ai.status()).toMatchObject({ state: 'unavailable', reason: expect.stringMatching(/shut down/) });
  });

  it('loads the bundled model on the CPU and classifies, then answers the same image from the cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxr-ai-'));
    const ai = newService();
    const status = await ai.start();
    expect(status).toMatchObject({ state: 'ready', provider: 'cpu', model: { name: 'cxr-tri-v1' } });
    const path = writePng(dir);
    const first = await ai.classify(path, 0, 'interactive');
    expect(first.cached).toBe(false);
    expect(Object.keys(first.probabilities)).toEqual(['covid', 'normal', 'pneumonia']);
    const again = await ai.classify(path, 0, 'interactive');
    expect(again.cached).toBe(true);
    expect(again.probabilities).toEqual(first.probabilities);
  });

  it('is unavailable with the reason when the model file is corrupt, and classify says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxr-ai-'));
    copyFileSync(join(shipped, 'model.json'), join(dir, 'model.json'));
    writeFileSync(join(dir, 'model.onnx'), readFileSync(join(shipped, 'model.onnx')).subarray(0, 1000));
    const ai = newService({ defaultModelPath: join(dir, 'model.json') });
    const status = await ai.start();
    expect(status.state).toBe('unavailable');
    expect(status.reason).toMatch(/sha256/);
    await expect(ai.classify(writePng(dir), 0, 'interactive')).rejects.toMatchObject({ code: 'AI_UNAVAILABLE' });
  });

  it('refuses an invalid custom model with the reason and keeps the current one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxr-ai-'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ name: 'custom' }));
    const ai = newService();
    await ai.start();
    await expect(ai.configure({ customModelPath: join(dir, 'model.json') })).rejects.toMatchObject({ code: 'MODEL_MANIFEST_INVALID' });
    expect(ai.status()).toMatchObject({ state: 'ready', model: { name: 'cxr-tri-v1' }, settings: { forceCpu: false } });
  });

  it('persists the force-CPU setting and reloads with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxr-ai-'));
    const settingsPath = join(dir, 'ai-settings.json');
    const ai = newService({ settingsPath });
    await ai.start();
    const status = await ai.configure({ forceCpu: true });
    expect(status).toMatchObject({ state: 'ready', provider: 'cpu', settings: { forceCpu: true } });
    expect(JSON.parse(readFileSync(settingsPath, 'utf8'))).toMatchObject({ forceCpu: true });
    const restarted = newService({ settingsPath });
    expect((await restarted.start()).settings.forceCpu).toBe(true);
  });

  it('offers the bundled models and switches between them the way the AI settings do', async () => {
    // Two bundled models: the shipped v1 (default) and a v2 made from it under another name.
    const dir = mkdtempSync(join(tmpdir(), 'cxr-ai-'));
    const models = join(dir, 'resources', 'models');
    for (const folder of ['cxr-tri-v1', 'cxr-tri-v2']) {
      mkdirSync(join(models, folder), { recursive: true });
      copyFileSync(join(shipped, 'model.onnx'), join(models, folder, 'model.onnx'));
    }
    const manifest = JSON.parse(readFileSync(join(shipped, 'model.json'), 'utf8'));
    writeFileSync(join(models, 'cxr-tri-v1', 'model.json'), JSON.stringify(manifest));
    const { metrics: _dropped, ...withoutMetrics } = manifest;
    writeFileSync(join(models, 'cxr-tri-v2', 'model.json'), JSON.stringify({ ...withoutMetrics, name: 'cxr-tri-v2', version: '2.0.0' }));
    const ai = newService({
      defaultModelPath: join(models, 'cxr-tri-v1', 'model.json'),
      listBundledModels: () => listBundledModels(dir, join(dir, 'resources'), 'cxr-tri-v1'),
    });
    const status = await ai.start();
    expect(status.bundledModels.map((m) => [m.name, m.version, m.isDefault])).toEqual([
      ['cxr-tri-v1', '1.0.0', true],
      ['cxr-tri-v2', '2.0.0', false],
    ]);
    expect(status.model?.metrics).toEqual({ covidAuc: manifest.metrics.covidAuc, split: manifest.metrics.split });

    const v2 = await ai.configure({ customModelPath: status.bundledModels[1].manifestPath });
    expect(v2).toMatchObject({ state: 'ready', model: { name: 'cxr-tri-v2', version: '2.0.0', intendedUse: manifest.intendedUse } });
    expect(v2.model?.metrics).toBeUndefined(); // no metrics in its manifest: none are shown
    const back = await ai.configure({ customModelPath: null });
    expect(back).toMatchObject({ state: 'ready', model: { name: 'cxr-tri-v1' }, settings: { customModelPath: undefined } });
  });

  it('starts without a bundled-model list when listing fails', async () => {
    const ai = newService({ listBundledModels: () => Promise.reject(new Error('EACCES')) });
    expect(await ai.start()).toMatchObject({ state: 'ready', bundledModels: [] });
  });

  it('closes cleanly while the model is still loading (SIGTERM at start-up must not abort the process)', async () => {
    const ai = newService();
    const started = ai.start();
    await new Promise((r) => setTimeout(r, 20)); // the session is being created (~200 ms)
    await ai.close(); // waits for that load, then releases the session
    expect((await started).state).toBe('ready');
  });
});
