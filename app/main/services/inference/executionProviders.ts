/**
 * Which onnxruntime execution providers to try, in order, on this PC (issue #4):
 * DirectML on Windows (its DLLs ship inside onnxruntime-node), CUDA on Linux x64 only when
 * its provider files were installed (`npm ci --onnxruntime-node-install=cuda12`, not
 * bundled on npm because of their size), CoreML on macOS; CPU always last. A setting forces
 * CPU. The worker falls back along this list when creating the session or the first run fails.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { ExecutionProviderName } from '../../../shared/ai/inferenceProtocol';

export interface ProviderEnvironment {
  platform: NodeJS.Platform;
  arch: string;
  /** Whether a file exists: injected so tests can describe any PC. */
  fileExists: (path: string) => boolean;
  /** The folder holding onnxruntime_binding.node for this platform/arch. */
  bindingDir: string;
}

export interface ProviderSettings {
  forceCpu: boolean;
}

/** The ordered provider list for an environment and the user's settings. */
export function selectExecutionProviders(env: ProviderEnvironment, settings: ProviderSettings): ExecutionProviderName[] {
  if (settings.forceCpu) return ['cpu'];
  if (env.platform === 'win32' && env.fileExists(join(env.bindingDir, 'DirectML.dll'))) return ['dml', 'cpu'];
  if (env.platform === 'linux' && env.arch === 'x64' && env.fileExists(join(env.bindingDir, 'libonnxruntime_providers_cuda.so'))) {
    return ['cuda', 'cpu'];
  }
  if (env.platform === 'darwin') return ['coreml', 'cpu'];
  return ['cpu'];
}

/** The real environment of this process. */
export function currentProviderEnvironment(): ProviderEnvironment {
  let bindingDir = '';
  try {
    const packageDir = dirname(require.resolve('onnxruntime-node/package.json'));
    bindingDir = join(packageDir, 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    // onnxruntime-node missing: CPU will fail later with a clear message from the worker.
  }
  return { platform: process.platform, arch: process.arch, fileExists: existsSync, bindingDir };
}

/** Human-readable provider names for the status bar. */
export const PROVIDER_LABELS: Record<ExecutionProviderName, string> = {
  cpu: 'CPU',
  cuda: 'GPU (CUDA)',
  dml: 'GPU (DirectML)',
  coreml: 'Apple Neural Engine/GPU (CoreML)',
};
