/**
 * Model latency benchmark: onnxruntime-node CPU, batch 1, median over >= 30 runs after warm-up,
 * beside the same network in Debian's PyTorch (python subprocess), plus the TS preprocessing
 * time. Prints a JSON summary. Run: npx tsx bench/model.bench.ts  (env BENCH_RUNS, BENCH_THREADS,
 * BENCH_MODEL = a folder name under models/, default the app's default model).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

import * as ort from 'onnxruntime-node';

import { DEFAULT_MODEL_NAME } from '../app/main/services/inference/modelRegistry';
import { preprocess } from '../app/shared/ai/preprocess';

const MODEL_NAME = process.env.BENCH_MODEL ?? DEFAULT_MODEL_NAME;
const MODEL_DIR = resolve(__dirname, '../models', MODEL_NAME);
const RUNS = Math.max(30, Number(process.env.BENCH_RUNS ?? 50));
const WARMUP = 10;
// One thread by default: on the shared 2-core build machine two-thread timings (PyTorch's above all)
// swing several-fold with other jobs' load. BENCH_THREADS=2 uses both cores.
const THREADS = Number(process.env.BENCH_THREADS ?? 1);
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

async function main(): Promise<void> {
  const manifest = JSON.parse(readFileSync(join(MODEL_DIR, 'model.json'), 'utf8'));
  const size = manifest.input.shape[2] as number;
  const session = await ort.InferenceSession.create(join(MODEL_DIR, manifest.file), {
    intraOpNumThreads: THREADS,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });

  // A synthetic 16-bit 2048x2048 "radiograph" for the preprocessing timing (no dataset pixels).
  const rows = 2048;
  const cols = 2048;
  const stored = Uint16Array.from({ length: rows * cols }, (_, i) => (((i % cols) * 7 + Math.floor(i / cols) * 3) % 4096) | 0);
  const preTimes: number[] = [];
  let input: Float32Array = new Float32Array(size * size);
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    input = preprocess(stored, rows, cols, 'MONOCHROME2').tensor;
    preTimes.push(performance.now() - t0);
  }

  const feeds = { [manifest.input.name]: new ort.Tensor('float32', input, [1, 1, size, size]) };
  const times: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    if (i >= WARMUP) times.push(performance.now() - t0);
  }
  await session.release();
  const ortMedian = median(times);

  let pytorch: Record<string, unknown>;
  try {
    const out = execFileSync(PYTHON, ['bench_torch.py', '--model', MODEL_NAME, '--runs', String(RUNS), '--threads', String(THREADS)], {
      cwd: resolve(MODEL_DIR, '../training'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    pytorch = JSON.parse(out.trim().split('\n').pop() as string);
  } catch (err) {
    pytorch = { error: `PyTorch side skipped: ${(err as Error).message.split('\n')[0]}` };
  }

  const summary = {
    model: `${manifest.name}@${manifest.version}`,
    modelBytes: statSync(join(MODEL_DIR, manifest.file)).size,
    threads: THREADS,
    runs: RUNS,
    onnxruntimeNode: {
      version: ort.env.versions.node,
      medianMs: ortMedian,
      p90Ms: quantile(times, 0.9),
      minMs: Math.min(...times),
      targetMs: 40,
      meetsTarget: ortMedian <= 40,
    },
    pytorch,
    ratioPytorchOverOrt: typeof pytorch.medianMs === 'number' ? pytorch.medianMs / ortMedian : null,
    preprocess2048x2048u16MedianMs: median(preTimes),
    // the build machine is shared: a high load average explains slow or noisy figures
    loadAverage1m: loadavg()[0],
  };
  const text = JSON.stringify(summary, null, 2);
  console.log(text);
  // BENCH_OUT=models/<model>/latency.json lets the card generators quote the figures.
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, `${text}\n`);
}

void main();
