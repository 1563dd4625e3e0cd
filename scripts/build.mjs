// Builds the Node-side bundles (Electron main, preload, workers, CLI, harness) with esbuild.
// The renderer is built by Vite (vite.config.ts). Dependencies stay external: the WASM
// codecs and onnxruntime-node load their binaries relative to their own package folder,
// and electron-builder packs node_modules (asarUnpack for .node/.wasm).
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Entry points; a missing optional entry (a feature not yet written) is skipped with a note. */
const entries = [
  { in: 'app/main/index.ts', out: 'main/index', external: ['electron'] },
  { in: 'app/preload/index.ts', out: 'preload/index', external: ['electron'] },
  { in: 'app/main/services/decoding/decode.worker.ts', out: 'workers/decode.worker' },
  { in: 'app/main/services/inference/inference.worker.ts', out: 'workers/inference.worker' },
  { in: 'app/main/services/worklist/worklist.worker.ts', out: 'workers/worklist.worker' },
  { in: 'app/main/cli/cxr.ts', out: 'cli/cxr' },
  { in: 'app/main/harness/server.ts', out: 'harness/server' },
];

mkdirSync(join(root, 'dist'), { recursive: true });
const present = entries.filter((e) => existsSync(join(root, e.in)));
for (const e of entries) if (!present.includes(e)) console.log(`build: skipping ${e.in} (not present)`);

await Promise.all(
  present.map((e) =>
    build({
      entryPoints: { [e.out]: join(root, e.in) },
      outdir: join(root, 'dist'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: 'external',
      external: e.external ?? [],
      sourcemap: true,
      logLevel: 'warning',
    }),
  ),
);
console.log(`build: ${present.length} node bundles written to dist/`);
