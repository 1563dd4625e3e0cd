// Lint enforces the process boundaries of STYLE.md §1 with `no-restricted-imports` per folder,
// the way VS Code's code-layering rule does.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [{ group: ['node:*'], message: 'Node built-ins belong in app/main (this layer must stay portable).' }];
const electronBan = { name: 'electron', message: 'Only app/main/index.ts, app/main/window and app/preload may import electron.' };
const onnxBan = { name: 'onnxruntime-node', message: 'Only the inference worker owns onnxruntime-node (onnxruntime #20084).' };
const nodeModuleNames = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'zlib', 'http', 'net', 'url', 'stream', 'buffer', 'events', 'util'];

export default tseslint.config(
  // vendor/*/dist is emscripten's generated glue; src/pre.js runs inside that glue (emcc --pre-js).
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'models/training/**', 'test-results/**', 'playwright-report/**', 'vendor/*/dist/**', 'vendor/*/src/pre.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', { paths: [electronBan, onnxBan] }],
    },
  },
  {
    files: ['app/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan, onnxBan, ...nodeModuleNames.map((name) => ({ name, message: 'app/shared is pure TypeScript.' })), { name: 'cornerstone-core', message: 'app/shared has no DOM.' }],
          patterns: [...nodeBuiltins, { group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'app/shared imports nothing from the process folders.' }],
        },
      ],
    },
  },
  {
    files: ['app/renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan, onnxBan, ...nodeModuleNames.map((name) => ({ name, message: 'The renderer is sandboxed: no Node.' }))],
          patterns: [...nodeBuiltins, { group: ['**/main/**', '**/preload/**'], message: 'The renderer talks to main only through window.api.' }],
        },
      ],
    },
  },
  {
    files: ['app/preload/**', 'app/main/index.ts', 'app/main/window/**', 'app/main/security/**', 'app/main/ipc/electron*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [onnxBan] }] },
  },
  {
    files: ['app/main/services/inference/inference.worker.ts', 'app/main/services/inference/onnx*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronBan] }] },
  },
  {
    files: ['tests/**', 'bench/**', 'scripts/**', '*.config.*'],
    rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['bin/**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
