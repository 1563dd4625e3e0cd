/**
 * Vitest globalSetup: bundles the worker entries (dist/workers/*.worker.js) from the current
 * sources before any test runs, so tests that start real worker threads never run a stale
 * build. Same options as scripts/build.mjs; each file is written atomically.
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

const workers = {
  'decode.worker': 'app/main/services/decoding/decode.worker.ts',
  'inference.worker': 'app/main/services/inference/inference.worker.ts',
};

export async function buildWorker(name: keyof typeof workers): Promise<string> {
  const out = join(root, 'dist', 'workers', `${name}.js`);
  const result = await build({
    entryPoints: [join(root, workers[name])],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, out);
  return out;
}

export default async function setup(): Promise<void> {
  for (const name of Object.keys(workers) as (keyof typeof workers)[]) {
    if (existsSync(join(root, workers[name]))) await buildWorker(name);
  }
}
