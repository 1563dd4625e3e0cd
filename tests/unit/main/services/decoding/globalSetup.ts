/**
 * Vitest globalSetup: bundles the decode worker (dist/workers/decode.worker.js) from the
 * sources so pool tests run the current code. The lead wires it in vitest.config.ts
 * (`globalSetup: ['tests/unit/main/services/decoding/globalSetup.ts']`); the pool tests also
 * call {@link buildDecodeWorker} themselves, so they work without that wiring.
 */
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(__dirname, '../../../../..');

/** Bundles the worker like scripts/build.mjs does (CJS, node, packages external); writes atomically. */
export async function buildDecodeWorker(): Promise<string> {
  return bundle('app/main/services/decoding/decode.worker.ts', 'dist/workers/decode.worker.js');
}

/** Bundles the CLI (dist/cli/cxr.js, which bin/cxr.js requires). */
export async function buildCli(): Promise<string> {
  return bundle('app/main/cli/cxr.ts', 'dist/cli/cxr.js');
}

async function bundle(entry: string, output: string): Promise<string> {
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
  // Parallel test runs may build at the same time: write a private temp file, then rename.
  const tmp = `${out}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, out);
  return out;
}

export default async function setup(): Promise<void> {
  await buildDecodeWorker();
}
