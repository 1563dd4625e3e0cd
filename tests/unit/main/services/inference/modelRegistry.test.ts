import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { DEFAULT_MODEL_NAME, findDefaultModel, listBundledModels, loadModelManifest } from '../../../../../app/main/services/inference/modelRegistry';

const shipped = join(__dirname, '../../../../../models/cxr-tri-v1');

/** A private copy of the shipped model that a test may damage. */
function copyModel(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cxr-model-'));
  copyFileSync(join(shipped, 'model.json'), join(dir, 'model.json'));
  copyFileSync(join(shipped, 'model.onnx'), join(dir, 'model.onnx'));
  return dir;
}

describe('loadModelManifest', () => {
  it('accepts the shipped model and verifies its sha256', async () => {
    const handle = await loadModelManifest(join(shipped, 'model.json'));
    expect(handle.manifest.labels).toEqual(['covid', 'normal', 'pneumonia']);
    expect(handle.onnxPath.endsWith('model.onnx')).toBe(true);
  });

  it('finds the bundled default model, cxr-tri-v2 (issue #9), from anywhere in the repository', () => {
    expect(DEFAULT_MODEL_NAME).toBe('cxr-tri-v2');
    expect(findDefaultModel(__dirname)).toBe(join(shipped, '..', 'cxr-tri-v2', 'model.json'));
  });

  it('accepts the default model too, so v1 and v2 both load', async () => {
    const handle = await loadModelManifest(join(shipped, '..', 'cxr-tri-v2', 'model.json'));
    expect(handle.manifest.name).toBe('cxr-tri-v2');
  });

  it('refuses a model file that does not match its checksum', async () => {
    const dir = copyModel();
    const bytes = readFileSync(join(dir, 'model.onnx'));
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(join(dir, 'model.onnx'), bytes);
    await expect(loadModelManifest(join(dir, 'model.json'))).rejects.toMatchObject({ code: 'MODEL_CHECKSUM_MISMATCH' });
  });

  it('refuses a manifest that fails the schema, naming the field', async () => {
    const dir = copyModel();
    const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    delete manifest.labels;
    writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest));
    await expect(loadModelManifest(join(dir, 'model.json'))).rejects.toMatchObject({ code: 'MODEL_MANIFEST_INVALID', message: expect.stringContaining('labels') });
  });

  it('refuses a manifest that is not JSON, and a missing model file', async () => {
    const dir = copyModel();
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    await expect(loadModelManifest(join(dir, 'broken.json'))).rejects.toMatchObject({ code: 'MODEL_MANIFEST_INVALID' });
    const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ ...manifest, file: 'absent.onnx' }));
    await expect(loadModelManifest(join(dir, 'other.json'))).rejects.toMatchObject({ code: 'MODEL_FILE_MISSING' });
  });
});

/**
 * A fake install: `<dir>/resources/models/<folder>/model.json` for each entry (the shipped
 * manifest renamed, or raw text), found through `resourcesPath` as in a packaged app.
 */
function fakeResources(models: Record<string, { name: string; version: string } | string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cxr-bundled-'));
  const shippedManifest = JSON.parse(readFileSync(join(shipped, 'model.json'), 'utf8'));
  for (const [folder, content] of Object.entries(models)) {
    mkdirSync(join(dir, 'resources', 'models', folder), { recursive: true });
    const text = typeof content === 'string' ? content : JSON.stringify({ ...shippedManifest, ...content });
    writeFileSync(join(dir, 'resources', 'models', folder, 'model.json'), text);
  }
  mkdirSync(join(dir, 'resources', 'models', 'training'));
  return dir;
}

describe('listBundledModels', () => {
  const v1 = { name: 'cxr-tri-v1', version: '1.0.0' };
  const v2 = { name: 'cxr-tri-v2', version: '2.0.0' };
  const broken = { 'cxr-broken': '{ not json', 'cxr-no-labels': JSON.stringify({ name: 'cxr-no-labels', version: '1.0.0' }) };

  it('lists every valid model with the default first; broken manifests and folders without one are skipped', async () => {
    const dir = fakeResources({ 'cxr-tri-v1': v1, 'cxr-tri-v2': v2, ...broken });
    const models = await listBundledModels(dir, join(dir, 'resources'), 'cxr-tri-v1');
    expect(models).toEqual([
      { ...v1, manifestPath: join(dir, 'resources', 'models', 'cxr-tri-v1', 'model.json'), isDefault: true },
      { ...v2, manifestPath: join(dir, 'resources', 'models', 'cxr-tri-v2', 'model.json'), isDefault: false },
    ]);
  });

  it('once v2 is the default, v2 comes first; the rest go newest name first, v10 before v2', async () => {
    const dir = fakeResources({ 'cxr-tri-v1': v1, 'cxr-tri-v2': v2, 'cxr-tri-v10': { name: 'cxr-tri-v10', version: '10.0.0' }, ...broken });
    const models = await listBundledModels(dir, join(dir, 'resources'), 'cxr-tri-v2');
    expect(models.map((m) => [m.name, m.isDefault])).toEqual([
      ['cxr-tri-v2', true],
      ['cxr-tri-v10', false],
      ['cxr-tri-v1', false],
    ]);
  });

  it('marks the model findDefaultModel returns as the default, found from anywhere in the repository', async () => {
    const models = await listBundledModels(__dirname);
    expect(models.length).toBeGreaterThanOrEqual(1);
    expect(models.filter((m) => m.isDefault)).toEqual([expect.objectContaining({ name: DEFAULT_MODEL_NAME, manifestPath: findDefaultModel(__dirname) })]);
    expect(models[0].isDefault).toBe(true);
    expect(models.map((m) => m.name)).toContain('cxr-tri-v1'); // stays loadable after the default moves on
  });

  it('returns an empty list where no models folder exists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxr-bundled-'));
    expect(await listBundledModels(dir, join(dir, 'resources'))).toEqual([]);
  });
});
