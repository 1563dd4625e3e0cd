/**
 * onnxruntime-node on the TS-preprocessed fixture images must reproduce what PyTorch gave for
 * them (models/<model>/parity/expected.json, for every bundled model): the whole chain the app runs, checked without
 * PyTorch. Test-only use of onnxruntime-node (in the app only the inference worker imports it).
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { preprocess } from '../../../../app/shared/ai/preprocess';
import { BUNDLED_MODEL_DIRS, loadParityFixture, loadStoredValues } from './parityFixture';

describe.each(BUNDLED_MODEL_DIRS.map((dir) => [basename(dir), dir]))('%s: model.onnx on TS-preprocessed fixture images vs PyTorch', (_name, modelDir) => {
  const fixture = loadParityFixture(modelDir);
  const manifest = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
  const loadStored = (img: (typeof fixture.images)[number]) => loadStoredValues(img, fixture.parityDir);
  let session: ort.InferenceSession;

  beforeAll(async () => {
    session = await ort.InferenceSession.create(join(modelDir, manifest.file), { intraOpNumThreads: 1 });
  });
  afterAll(async () => {
    await session?.release();
  });

  it('has the tensor names of the manifest', () => {
    expect(session.inputNames).toEqual([manifest.input.name]);
    expect([...session.outputNames].sort()).toEqual(
      ['logits', 'probabilities', 'ood', 'cam'].map((k) => manifest.outputs[k].name).sort(),
    );
  });

  it('matches probabilities (|dp| <= 1e-3), logits, ood and cam, in one batch', async () => {
    const size = manifest.input.shape[2] as number;
    const n = fixture.images.length;
    const batch = new Float32Array(n * size * size);
    fixture.images.forEach((img, i) => {
      batch.set(preprocess(loadStored(img), img.rows, img.cols, img.photometric).tensor, i * size * size);
    });
    const out = await session.run({ [manifest.input.name]: new ort.Tensor('float32', batch, [n, 1, size, size]) });
    const probs = out[manifest.outputs.probabilities.name].data as Float32Array;
    const logits = out[manifest.outputs.logits.name].data as Float32Array;
    const ood = out[manifest.outputs.ood.name].data as Float32Array;
    const cam = out[manifest.outputs.cam.name];
    expect(cam.dims).toEqual([n, ...fixture.camShape]);
    const camData = cam.data as Float32Array;
    const camSize = fixture.camShape.reduce((a, b) => a * b, 1);
    fixture.images.forEach((img, i) => {
      for (let c = 0; c < 3; c++) {
        expect(Math.abs(probs[i * 3 + c] - img.probabilities[c])).toBeLessThanOrEqual(1e-3);
        expect(Math.abs(logits[i * 3 + c] - img.logits[c])).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(img.logits[c])));
      }
      expect(Math.abs(ood[i] - img.ood)).toBeLessThanOrEqual(1e-3 * Math.max(1, img.ood));
      let maxCam = 0;
      for (let k = 0; k < camSize; k++) maxCam = Math.max(maxCam, Math.abs(camData[i * camSize + k] - img.cam[k]));
      // maps are normalised to [0,1]; 1e-3 leaves room for float32 summation order
      expect(maxCam).toBeLessThanOrEqual(1e-3);
    });
  });

  it('accepts batch 1 (dynamic batch axis)', async () => {
    const img = fixture.images[0];
    const { tensor } = preprocess(loadStored(img), img.rows, img.cols, img.photometric);
    const size = manifest.input.shape[2] as number;
    const out = await session.run({ [manifest.input.name]: new ort.Tensor('float32', tensor, [1, 1, size, size]) });
    const p = out[manifest.outputs.probabilities.name].data as Float32Array;
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(Math.abs(p[0] - img.probabilities[0])).toBeLessThanOrEqual(1e-3);
  });
});
