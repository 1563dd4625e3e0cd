/**
 * Vitest globalSetup and the one bundling helper of the unit tests: tests that start real
 * worker threads, the CLI or the harness as a process need the current sources bundled the
 * way scripts/build.mjs does (CJS, node, packages external). Files are written atomically,
 * since parallel test files may bundle the same entry at once.
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

/** Bundles `entry` (relative to the repo root) to `output`; returns the absolute output path. */
export async function bundle(entry: string, output: string): Promise<string> {
  const out = join(root, output);
  const result = await build({
    entryPoints: [join(root, entry)],
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

const workers = {
  'decode.worker': 'app/main/services/decoding/decode.worker.ts',
  'inference.worker': 'app/main/services/inference/inference.worker.ts',
  'worklist.worker': 'app/main/services/worklist/worklist.worker.ts',
};

export const buildWorker = (name: keyof typeof workers): Promise<string> => bundle(workers[name], `dist/workers/${name}.js`);
export const buildDecodeWorker = (): Promise<string> => buildWorker('decode.worker');
/** dist/cli/cxr.js, which bin/cxr.js requires. */
export const buildCli = (): Promise<string> => bundle('app/main/cli/cxr.ts', 'dist/cli/cxr.js');
export const buildHarness = (): Promise<string> => bundle('app/main/harness/server.ts', 'dist/harness/server.js');

export default async function setup(): Promise<void> {
  for (const name of Object.keys(workers) as (keyof typeof workers)[]) {
    if (existsSync(join(root, workers[name]))) await buildWorker(name);
  }
}
