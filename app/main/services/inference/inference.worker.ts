/**
 * The one long-lived inference worker (issue #4). It alone imports onnxruntime-node
 * (onnxruntime #20084: several workers with onnxruntime-node crash at random under
 * Electron), and it does the preprocessing too, so neither the main event loop nor the UI
 * ever runs it. Messages follow app/shared/ai/inferenceProtocol.ts.
 */
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

import type {
  ClassifyOutput,
  ExecutionProviderName,
  InferenceReply,
  InferenceRequest,
  OutputTensor,
} from '../../../shared/ai/inferenceProtocol';
import { preprocess, type PreprocessingSpec } from '../../../shared/ai/preprocess';
import { toGrayscale } from '../../../shared/ai/grayscale';

if (!parentPort) throw new Error('inference.worker must run as a worker thread');
const port = parentPort;

interface LoadedModel {
  session: ort.InferenceSession;
  inputName: string;
  preprocessing: PreprocessingSpec;
  outputNames: { logits: string; probabilities: string; ood: string; cam: string };
}
let model: LoadedModel | null = null;

const post = (reply: InferenceReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer);
const log = (level: 'info' | 'warn' | 'error', message: string): void => post({ type: 'log', level, message });

/** Copies a tensor's data into a buffer of its own, so it can be transferred. */
function ownFloat32(tensor: ort.Tensor): Float32Array {
  const data = tensor.data as Float32Array;
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
}

async function createSession(modelPath: string, provider: ExecutionProviderName, intraOpThreads?: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(modelPath, {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    ...(intraOpThreads ? { intraOpNumThreads: intraOpThreads } : {}),
  });
}

async function load(request: Extract<InferenceRequest, { type: 'load' }>): Promise<void> {
  await model?.session.release();
  model = null;
  const fallbackReasons: string[] = [];
  for (const provider of request.executionProviders) {
    let session: ort.InferenceSession | null = null;
    try {
      session = await createSession(request.modelPath, provider, request.intraOpThreads);
      // A provider can create a session and still fail on the first run (missing driver,
      // unsupported operator): one warm-up run on zeros decides.
      const { inputName, height, width } = request.warmup;
      const zeros = new ort.Tensor('float32', new Float32Array(height * width), [1, 1, height, width]);
      await session.run({ [inputName]: zeros });
      model = { session, inputName, preprocessing: request.preprocessing, outputNames: request.outputNames };
      if (fallbackReasons.length) log('warn', `execution provider fallback: ${fallbackReasons.join('; ')}`);
      post({
        type: 'loaded',
        seq: request.seq,
        provider,
        fallbackReasons,
        inputNames: [...session.inputNames],
        outputNames: [...session.outputNames],
      });
      return;
    } catch (err) {
      fallbackReasons.push(`${provider}: ${err instanceof Error ? err.message : String(err)}`);
      await session?.release().catch(() => undefined);
    }
  }
  throw Object.assign(new Error(`no execution provider could run the model (${fallbackReasons.join('; ')})`), { code: 'MODEL_LOAD_FAILED' });
}

function requireModel(): LoadedModel {
  if (!model) throw Object.assign(new Error('no model is loaded'), { code: 'MODEL_NOT_LOADED' });
  return model;
}

async function run(request: Extract<InferenceRequest, { type: 'run' }>): Promise<void> {
  const { session } = requireModel();
  const started = performance.now();
  const outputs = await session.run({ [request.inputName]: new ort.Tensor('float32', request.input, request.dims) }, request.outputNames);
  const runMs = performance.now() - started;
  const result: Record<string, OutputTensor> = {};
  const transfer: ArrayBuffer[] = [];
  for (const name of request.outputNames) {
    const data = ownFloat32(outputs[name]);
    result[name] = { data, dims: [...outputs[name].dims] };
    transfer.push(data.buffer as ArrayBuffer);
  }
  post({ type: 'result', seq: request.seq, outputs: result, runMs }, transfer);
}

async function classify(request: Extract<InferenceRequest, { type: 'classify' }>): Promise<void> {
  const loaded = requireModel();
  const t0 = performance.now();
  const gray = toGrayscale(request.pixels, request.samplesPerPixel, request.rows * request.columns);
  const photometric = request.photometricInterpretation === 'MONOCHROME1' ? 'MONOCHROME1' : 'MONOCHROME2';
  const { tensor, letterbox } = preprocess(gray, request.rows, request.columns, photometric, loaded.preprocessing);
  const size = letterbox.size;
  const t1 = performance.now();
  const names = loaded.outputNames;
  const outputs = await loaded.session.run({ [loaded.inputName]: new ort.Tensor('float32', tensor, [1, 1, size, size]) }, [
    names.logits,
    names.probabilities,
    names.ood,
    names.cam,
  ]);
  const t2 = performance.now();
  const camTensor = outputs[names.cam];
  const [, , camHeight, camWidth] = camTensor.dims;
  const cam = ownFloat32(camTensor);
  const result: ClassifyOutput = {
    probabilities: Array.from(outputs[names.probabilities].data as Float32Array),
    logits: Array.from(outputs[names.logits].data as Float32Array),
    ood: (outputs[names.ood].data as Float32Array)[0],
    cam,
    camHeight,
    camWidth,
    letterbox,
    preprocessMs: t1 - t0,
    runMs: t2 - t1,
  };
  post({ type: 'classified', seq: request.seq, result }, [cam.buffer as ArrayBuffer]);
}

port.on('message', (request: InferenceRequest) => {
  const work = async (): Promise<void> => {
    switch (request.type) {
      case 'load':
        return load(request);
      case 'run':
        return run(request);
      case 'classify':
        return classify(request);
      case 'hash': {
        const { pixels } = request;
        const sha256 = createHash('sha256').update(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength)).digest('hex');
        post({ type: 'hashed', seq: request.seq, sha256, pixels }, [pixels.buffer as ArrayBuffer]);
        return;
      }
      case 'dispose':
        await model?.session.release();
        model = null;
        post({ type: 'disposed', seq: request.seq });
        return;
      case 'crash':
        // Recovery tests kill the worker this way; a native crash looks the same to the host.
        process.exit(70);
    }
  };
  work().catch((err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    const code = typeof (e as { code?: unknown }).code === 'string' ? (e as unknown as { code: string }).code : 'INFERENCE_FAILED';
    post({ type: 'error', seq: request.seq, error: { name: e.name, code, message: e.message } });
  });
});
