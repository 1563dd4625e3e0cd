/**
 * `cxr triage <file-or-folder>... [--model PATH] [--cam-dir DIR] [--cam-class covid|normal|pneumonia] [--cpu]`
 * (issue #4): one JSON line per image on stdout,
 * `{"path","probabilities":{"covid","normal","pneumonia"},"label","priority","outOfDistribution","ms"}`,
 * or `{"path","error":{"code","message"}}` for a file it cannot read. Exit code 0 when any image
 * succeeded. `ms` is the image's own processing time — decode + preprocess + session.run (with
 * the Grad-CAM) + writing its CAM PNG — not time spent queued behind other images (issue #12). Runs the same decode pool, inference worker and triage service as the app.
 */
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { PNG } from 'pngjs';

import { camSlice, camToImage } from '../../../shared/ai/postprocess';
import { CodedError, toAppError } from '../../../shared/result';
import type { DecodeService } from '../../services/decoding/decodeService';
import { createDecodePool } from '../../services/decoding/decodePool';
import { currentProviderEnvironment, selectExecutionProviders } from '../../services/inference/executionProviders';
import { InferenceHost } from '../../services/inference/inferenceHost';
import { findDefaultModel, loadModelManifest } from '../../services/inference/modelRegistry';
import { totalMs, TriageService, type TriageOutcome } from '../../services/inference/triageService';
import { workerScript } from '../../services/workerScript';
import type { CliIo } from '../cliIo';

const USAGE = 'usage: cxr triage <file-or-folder>... [--model model.json] [--cam-dir DIR] [--cam-class covid|normal|pneumonia] [--cpu]';

export interface TriageArgs {
  inputs: string[];
  model?: string;
  camDir?: string;
  camClass?: string;
  forceCpu: boolean;
}

export function parseTriageArgs(argv: string[]): TriageArgs {
  const args: TriageArgs = { inputs: [], forceCpu: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!v) throw new CodedError('USAGE', `${a} needs a value. ${USAGE}`);
      return v;
    };
    if (a === '--model' || a.startsWith('--model=')) args.model = value();
    else if (a === '--cam-dir' || a.startsWith('--cam-dir=')) args.camDir = value();
    else if (a === '--cam-class' || a.startsWith('--cam-class=')) args.camClass = value();
    else if (a === '--cpu') args.forceCpu = true;
    else if (a.startsWith('--')) throw new CodedError('USAGE', `unknown option ${a}. ${USAGE}`);
    else args.inputs.push(a);
  }
  if (args.inputs.length === 0) throw new CodedError('USAGE', USAGE);
  return args;
}

/** Files under the inputs, folders walked recursively in name order; hidden files and sidecars skipped. */
export async function* listInputFiles(inputs: string[]): AsyncGenerator<string> {
  for (const input of inputs) {
    const path = resolve(input);
    let info;
    try {
      info = await stat(path);
    } catch {
      yield path; // reported as an error line by the caller
      continue;
    }
    if (!info.isDirectory()) {
      yield path;
      continue;
    }
    const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      // `<image>.json` sidecars describe PNG/JPEG patients (issue #2); DICOMDIR only indexes files.
      if (entry.name.toLowerCase().endsWith('.json') || entry.name.toUpperCase() === 'DICOMDIR') continue;
      if (entry.isDirectory() || entry.isFile()) yield* listInputFiles([join(path, entry.name)]);
    }
  }
}

/** 8-bit grayscale PNG of one class's CAM on the image grid: 0 = none, 255 = the map's maximum. */
export function camPng(outcome: TriageOutcome, classIndex: number): Buffer {
  const { cam, rows, columns } = outcome;
  const map = camSlice(cam.data, 0, classIndex, cam.classes, cam.height, cam.width);
  const upsampled = camToImage(map, cam.height, cam.width, cam.letterbox, rows, columns);
  let max = 0;
  for (const v of upsampled) if (v > max) max = v;
  const png = new PNG({ width: columns, height: rows, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  const scale = max > 0 ? 255 / max : 0;
  const gray = Buffer.alloc(rows * columns);
  for (let i = 0; i < gray.length; i++) gray[i] = Math.round(Math.max(0, upsampled[i]) * scale);
  png.data = gray;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
}

export interface TriageRuntime {
  decode: DecodeService;
  host: InferenceHost;
  service: TriageService;
  close(): Promise<void>;
}

/** Builds the decode pool, the inference worker and the triage service (shared with the app). */
export async function createTriageRuntime(opts: { model?: string; forceCpu: boolean }): Promise<TriageRuntime> {
  const manifestPath = opts.model ?? findDefaultModel(__dirname, (process as { resourcesPath?: string }).resourcesPath);
  if (!manifestPath) throw new CodedError('MODEL_NOT_FOUND', 'no model found: pass --model path/to/model.json');
  const model = await loadModelManifest(manifestPath);
  // The pool's default size, named here so the triage service can keep its decodes within it
  // (an image's decode clock must not run while it waits in the pool behind another image).
  const decodeWorkers = Math.max(1, Math.min(2, cpus().length - 1));
  const decode = createDecodePool({ size: decodeWorkers });
  const host = new InferenceHost({
    workerPath: workerScript('inference.worker'),
    modelPath: model.onnxPath,
    manifest: model.manifest,
    executionProviders: selectExecutionProviders(currentProviderEnvironment(), { forceCpu: opts.forceCpu }),
    log: (level, message) => {
      if (level !== 'info') process.stderr.write(`${level}: ${message}\n`);
    },
  });
  await host.start();
  const service = new TriageService({ decode, host, model, decodeConcurrency: decodeWorkers });
  return {
    decode,
    host,
    service,
    close: async () => {
      await host.close();
      await decode.close();
    },
  };
}

export async function runTriage(argv: string[], io: CliIo): Promise<number> {
  const args = parseTriageArgs(argv);
  const runtime = await createTriageRuntime(args);
  const labels = runtime.service.model.manifest.labels;
  if (args.camClass && !labels.includes(args.camClass)) {
    await runtime.close();
    throw new CodedError('USAGE', `--cam-class must be one of ${labels.join(', ')}`);
  }
  if (args.camDir) await mkdir(args.camDir, { recursive: true });
  let succeeded = 0;
  // Keep a few images in flight so decoding overlaps inference; print in input order.
  const inFlight: { path: string; result: Promise<TriageOutcome> }[] = [];
  const report = async (item: (typeof inFlight)[number]): Promise<void> => {
    try {
      const outcome = await item.result;
      let camMs = 0;
      if (args.camDir) {
        const t0 = performance.now();
        const classIndex = labels.indexOf(args.camClass ?? outcome.label);
        await writeFile(join(args.camDir, `${basename(item.path)}.cam.png`), camPng(outcome, classIndex));
        camMs = performance.now() - t0;
      }
      const probabilities = Object.fromEntries(labels.map((l) => [l, round(outcome.probabilities[l])]));
      io.stdout(
        JSON.stringify({
          path: item.path,
          probabilities,
          label: outcome.label,
          priority: outcome.priority,
          outOfDistribution: outcome.outOfDistribution,
          ms: imageMs(outcome, camMs),
        }) + '\n',
      );
      succeeded++;
    } catch (err) {
      io.stdout(JSON.stringify({ path: item.path, error: toAppError(err) }) + '\n');
    }
  };
  try {
    for await (const path of listInputFiles(args.inputs)) {
      inFlight.push({ path, result: runtime.service.classifyFile(path) });
      inFlight[inFlight.length - 1].result.catch(() => undefined);
      if (inFlight.length >= 4) await report(inFlight.shift()!);
    }
    while (inFlight.length) await report(inFlight.shift()!);
  } finally {
    await runtime.close();
  }
  return succeeded > 0 ? 0 : 2;
}

const round = (p: number): number => Math.round(p * 1e6) / 1e6;

/**
 * The `ms` of a result line: the image's own decode, preprocess and run (from the triage
 * service, queue waits excluded) plus the time to write its CAM PNG, to 0.1 ms.
 */
export function imageMs(outcome: Pick<TriageOutcome, 'timings'>, camMs = 0): number {
  return Math.round((totalMs(outcome.timings) + camMs) * 10) / 10;
}
