import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { findDefaultModel, loadModelManifest } from '../../../../../app/main/services/inference/modelRegistry';

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

  it('finds the bundled default model from anywhere in the repository', () => {
    expect(findDefaultModel(__dirname)).toBe(join(shipped, 'model.json'));
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
