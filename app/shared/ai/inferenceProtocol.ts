/**
 * The typed message protocol between the inference host (main) and the one long-lived
 * inference worker that owns onnxruntime-node (issue #4; several workers with
 * onnxruntime-node crash at random under Electron: onnxruntime #20084). Modelled on
 * Signal Desktop's MainSQL: every request carries a sequence number, every reply names
 * it, errors travel serialised, and log lines are forwarded. Tensors cross as transferred
 * ArrayBuffers, never copied.
 */

import type { StoredPixels } from '../imaging/types';
import type { Letterbox, PreprocessingSpec } from './preprocess';

/** Execution providers onnxruntime-node knows by these names. */
export type ExecutionProviderName = 'cpu' | 'cuda' | 'dml' | 'coreml';

export interface SerializedError {
  name: string;
  code: string;
  message: string;
}

export type InferenceRequest =
  | {
      type: 'load';
      seq: number;
      modelPath: string;
      /** Ordered preference; the worker falls back along it (CPU last). */
      executionProviders: ExecutionProviderName[];
      /** Input name and shape [1, 1, H, W] of a warm-up run that proves the provider works. */
      warmup: { inputName: string; height: number; width: number };
      /** What `classify` needs: the manifest's preprocessing and output names. */
      preprocessing: PreprocessingSpec;
      outputNames: { logits: string; probabilities: string; ood: string; cam: string };
      /** Number of labels in the manifest: the outputs' class dimension must match it. */
      labelCount: number;
      intraOpThreads?: number;
    }
  | {
      type: 'run';
      seq: number;
      inputName: string;
      /** NCHW float32, transferred. */
      input: Float32Array;
      dims: number[];
      outputNames: string[];
    }
  | {
      type: 'classify';
      seq: number;
      /** Stored values (1 sample) or RGB interleaved (3 samples), transferred. */
      pixels: StoredPixels;
      rows: number;
      columns: number;
      samplesPerPixel: 1 | 3;
      /** MONOCHROME1 is inverted by the preprocessing; colour is reduced to luma first. */
      photometricInterpretation: string;
    }
  /** SHA-256 of a frame's pixel bytes (the result-cache key); the pixels come back transferred. */
  | { type: 'hash'; seq: number; pixels: StoredPixels }
  /** Test hook: the worker exits abruptly, as a native crash would (recovery tests, issue #4). */
  | { type: 'crash'; seq: number }
  /** Releases the session once the work before it is done; `exit` then ends the thread gracefully. */
  | { type: 'dispose'; seq: number; exit?: boolean };

/** One image's model outputs plus where the image sat in the model input. */
export interface ClassifyOutput {
  probabilities: number[];
  logits: number[];
  ood: number;
  /** Class maps [classes, camHeight, camWidth] over the padded model input, transferred. */
  cam: Float32Array;
  camHeight: number;
  camWidth: number;
  letterbox: Letterbox;
  /** Time spent in preprocessing and in the bare session.run, for the benchmark. */
  preprocessMs: number;
  runMs: number;
}

export interface OutputTensor {
  data: Float32Array;
  dims: number[];
}

export type InferenceReply =
  | { type: 'loaded'; seq: number; provider: ExecutionProviderName; fallbackReasons: string[]; inputNames: string[]; outputNames: string[] }
  | { type: 'result'; seq: number; outputs: Record<string, OutputTensor>; runMs: number }
  | { type: 'classified'; seq: number; result: ClassifyOutput }
  | { type: 'hashed'; seq: number; sha256: string; pixels: StoredPixels }
  | { type: 'disposed'; seq: number }
  | { type: 'error'; seq: number; error: SerializedError }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };
