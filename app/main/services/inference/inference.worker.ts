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
      checkSignature(session, inputName, request.outputNames);
      const warm = await session.run({ [inputName]: zeros }, Object.values(request.outputNames));
      checkOutputShapes(warm, request.outputNames, request.labelCount);
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
      // A model that does not match its manifest fails the same way on every provider.
      if ((err as { code?: string }).code === 'MODEL_OUTPUT_MISMATCH') {
        await session?.release().catch(() => undefined);
        throw err;
      }
      fallbackReasons.push(`${provider}: ${err instanceof Error ? err.message : String(err)}`);
      await session?.release().catch(() => undefined);
    }
  }
  throw Object.assign(new Error(`no execution provider could run the model (${fallbackReasons.join('; ')})`), { code: 'MODEL_LOAD_FAILED' });
}

const mismatch = (message: string): Error => Object.assign(new Error(`the model does not match its manifest: ${message}`), { code: 'MODEL_OUTPUT_MISMATCH' });

/** The manifest's input and outputs must exist in the graph (issue #4: a model whose outputs don't match its manifest). */
function checkSignature(session: ort.InferenceSession, inputName: string, outputNames: LoadedModel['outputNames']): void {
  if (!session.inputNames.includes(inputName)) throw mismatch(`input "${inputName}" not in the graph (it has ${session.inputNames.join(', ')})`);
  for (const name of Object.values(outputNames)) {
    if (!session.outputNames.includes(name)) throw mismatch(`output "${name}" not in the graph (it has ${session.outputNames.join(', ')})`);
  }
}

/** Shapes of the warm-up outputs: logits/probabilities [1, labels], ood [1], cam [1, labels, h, w]. */
function checkOutputShapes(outputs: ort.InferenceSession.OnnxValueMapType, names: LoadedModel['outputNames'], labels: number): void {
  const dims = (name: string) => [...(outputs[name] as ort.Tensor).dims];
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  if (!same(dims(names.logits), [1, labels])) throw mismatch(`${names.logits} has shape [${dims(names.logits)}], expected [1, ${labels}]`);
  if (!same(dims(names.probabilities), [1, labels])) throw mismatch(`${names.probabilities} has shape [${dims(names.probabilities)}], expected [1, ${labels}]`);
  if (!same(dims(names.ood), [1])) throw mismatch(`${names.ood} has shape [${dims(names.ood)}], expected [1]`);
  const cam = dims(names.cam);
  if (cam.length !== 4 || cam[0] !== 1 || cam[1] !== labels) throw mismatch(`${names.cam} has shape [${cam}], expected [1, ${labels}, h, w]`);
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

/**
 * Requests run one after another: onnxruntime's session calls are asynchronous native work,
 * and releasing a session (or the thread ending) while one is in flight aborts the whole
 * process with an uncaught Napi::Error. Serialising them lets `dispose` wait for the run.
 */
let chain: Promise<void> = Promise.resolve();

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
        if (request.exit) port.close(); // nothing native is running now: the thread may end
        return;
      case 'crash':
        // Recovery tests kill the worker this way; a native crash looks the same to the host.
        process.exit(70);
    }
  };
  chain = chain.then(work).catch((err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    const code = typeof (e as { code?: unknown }).code === 'string' ? (e as unknown as { code: string }).code : 'INFERENCE_FAILED';
    post({ type: 'error', seq: request.seq, error: { name: e.name, code, message: e.message } });
  });
});
