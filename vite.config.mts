/**
 * Vite builds the renderer only (main, preload and workers are bundled by
 * scripts/build.mjs with esbuild). `base: './'` keeps asset URLs relative, so the
 * same bundle loads from the Electron `app://` protocol and from the harness.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'app/renderer',
  base: './',
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    // Electron 41 ships a current Chromium; no down-levelling needed.
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
  server: { host: '127.0.0.1', strictPort: true },
});
