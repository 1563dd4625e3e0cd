/**
 * The model manifest (`models/<name>/model.json`) as a zod schema. Mirrors
 * `models/model.schema.json`: the app validates every model, a user's custom one included,
 * before loading it, and checks the .onnx file against `sha256` (STYLE.md section 4).
 */
import { z } from 'zod';

import { fail, ok, type Result } from '../result';

const dim = z.union([z.string().min(1), z.number().int().positive()]);

const tensorOutput = z.object({
  name: z.string().min(1),
  shape: z.array(dim).min(1),
  description: z.string().optional(),
});

export const preprocessingSpecSchema = z.object({
  version: z.literal(1),
  document: z.string().optional(),
  intensity: z.object({
    method: z.literal('percentile'),
    lowPermille: z.number().int().min(0).max(1000),
    highPermille: z.number().int().min(0).max(1000),
  }),
  resize: z.object({
    method: z.literal('area'),
    longSide: z.number().int().min(16),
    order: z.literal('columns-then-rows').default('columns-then-rows'),
  }),
  histogramEqualisation: z.object({
    enabled: z.boolean(),
    bins: z.number().int().min(2),
    region: z.literal('content').default('content'),
  }),
  pad: z.object({
    size: z.number().int().min(16),
    value: z.number(),
    align: z.literal('center-floor').default('center-floor'),
  }),
  standardise: z.object({ mean: z.number(), std: z.number().positive() }),
});

export const modelManifestSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    file: z.string().regex(/^[^/\\]+\.onnx$/, 'file must be a bare .onnx name next to model.json'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    sizeBytes: z.number().int().positive().optional(),
    opset: z.number().int().min(13).optional(),
    labels: z
      .array(z.string().min(1))
      .min(2)
      .refine((l) => new Set(l).size === l.length, 'labels must be unique'),
    input: z.object({
      name: z.string().min(1),
      shape: z.tuple([z.string().min(1), z.literal(1), z.number().int().min(16), z.number().int().min(16)]),
      dtype: z.literal('float32'),
    }),
    outputs: z.object({
      logits: tensorOutput,
      probabilities: tensorOutput,
      ood: tensorOutput.extend({ largerIsMoreUnfamiliar: z.boolean() }),
      cam: tensorOutput,
    }),
    preprocessing: preprocessingSpecSchema,
    temperature: z.number().positive(),
    thresholds: z.object({
      priority: z
        .object({ score: z.string().optional(), high: z.number().min(0).max(1), medium: z.number().min(0).max(1) })
        .refine((p) => p.medium <= p.high, 'priority.medium must not exceed priority.high'),
      ood: z.object({ threshold: z.number(), largerIsMoreUnfamiliar: z.boolean() }),
    }),
    training: z.record(z.string(), z.unknown()).optional(),
    metrics: z.record(z.string(), z.unknown()).nullable().optional(),
    intendedUse: z.string().min(1),
    modelCard: z.string().optional(),
  })
  .refine((m) => m.labels.includes('covid'), { message: "labels must include 'covid'", path: ['labels'] })
  .refine((m) => m.input.shape[2] === m.preprocessing.pad.size && m.input.shape[3] === m.preprocessing.pad.size, {
    message: 'input H and W must equal preprocessing.pad.size',
    path: ['input', 'shape'],
  });

export type ModelManifest = z.infer<typeof modelManifestSchema>;

/** Validates parsed model.json content; the error lists every problem with its path. */
export function parseModelManifest(json: unknown): Result<ModelManifest> {
  const r = modelManifestSchema.safeParse(json);
  if (r.success) return ok(r.data);
  return fail('MODEL_MANIFEST_INVALID', r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
}
