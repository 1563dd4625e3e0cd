import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { modelManifestSchema, parseModelManifest } from '../../../../app/shared/ai/modelManifest';
import { CXR_TRI_V1_PREPROCESSING } from '../../../../app/shared/ai/preprocess';
import { BUNDLED_MODEL_DIRS, MODEL_DIR } from './parityFixture';

const shipped = JSON.parse(readFileSync(join(MODEL_DIR, 'model.json'), 'utf8'));
const jsonSchema = JSON.parse(readFileSync(resolve(MODEL_DIR, '../model.schema.json'), 'utf8'));
const clone = () => structuredClone(shipped);

describe.each(BUNDLED_MODEL_DIRS.map((dir) => [basename(dir), dir]))('bundled model %s', (name, modelDir) => {
  const manifest = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));

  it('has a valid manifest that names the folder and says what it is for', () => {
    const r = parseModelManifest(manifest);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.name).toBe(name);
    expect(r.value.labels).toEqual(['covid', 'normal', 'pneumonia']);
    expect(r.value.intendedUse).toMatch(/not diagnosis/);
  });

  it('sha256 and size match model.onnx, which is <= 20 MB', () => {
    const file = join(modelDir, manifest.file);
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(manifest.sha256);
    expect(statSync(file).size).toBe(manifest.sizeBytes);
    expect(statSync(file).size).toBeLessThanOrEqual(20 * 1024 * 1024);
  });

  it('preprocessing equals the spec the TS port implements by default', () => {
    const { document: _doc, ...spec } = manifest.preprocessing;
    const { output: _out, photometric: _ph, ...rest } = spec;
    expect(rest).toEqual(CXR_TRI_V1_PREPROCESSING);
  });
});

describe('model.json manifest', () => {

  const broken: [string, (m: ReturnType<typeof clone>) => void][] = [
    ['missing sha256', (m) => delete m.sha256],
    ['bad sha256', (m) => (m.sha256 = 'abc')],
    ['file with a path', (m) => (m.file = '../evil.onnx')],
    ['no covid label', (m) => (m.labels = ['a', 'b', 'c'])],
    ['duplicate labels', (m) => (m.labels = ['covid', 'covid', 'normal'])],
    ['wrong dtype', (m) => (m.input.dtype = 'float16')],
    ['input size differs from pad size', (m) => (m.input.shape = ['N', 1, 256, 256])],
    ['missing cam output', (m) => delete m.outputs.cam],
    ['ood without direction', (m) => delete m.outputs.ood.largerIsMoreUnfamiliar],
    ['medium above high', (m) => (m.thresholds.priority.medium = m.thresholds.priority.high + 0.1)],
    ['threshold > 1', (m) => (m.thresholds.priority.high = 1.5)],
    ['zero temperature', (m) => (m.temperature = 0)],
    ['unknown resize method', (m) => (m.preprocessing.resize.method = 'bilinear')],
    ['missing intendedUse', (m) => delete m.intendedUse],
  ];
  for (const [name, breakIt] of broken) {
    it(`rejects: ${name}`, () => {
      const m = clone();
      breakIt(m);
      const r = parseModelManifest(m);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('MODEL_MANIFEST_INVALID');
    });
  }

  it('zod schema and model.schema.json require the same top-level fields', () => {
    const zodKeys = Object.keys(modelManifestSchema.shape);
    const required: string[] = jsonSchema.required;
    for (const k of required) expect(Object.keys(jsonSchema.properties)).toContain(k);
    // Every required field of the JSON Schema is rejected by zod when missing.
    for (const k of required) {
      const m = clone();
      delete m[k];
      expect(parseModelManifest(m).ok, `missing ${k}`).toBe(false);
    }
    expect(required.filter((k) => !zodKeys.includes(k))).toEqual([]);
  });
});
