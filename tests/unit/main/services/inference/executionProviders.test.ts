import { describe, expect, it } from 'vitest';

import { selectExecutionProviders, type ProviderEnvironment } from '../../../../../app/main/services/inference/executionProviders';

const env = (platform: NodeJS.Platform, arch: string, files: string[]): ProviderEnvironment => ({
  platform,
  arch,
  bindingDir: '/ort',
  fileExists: (p) => files.some((f) => p.endsWith(f)),
});

describe('selectExecutionProviders', () => {
  it('uses DirectML then CPU on Windows', () => {
    expect(selectExecutionProviders(env('win32', 'x64', ['DirectML.dll']), { forceCpu: false })).toEqual(['dml', 'cpu']);
  });

  it('uses CUDA on Linux x64 only when its provider files were installed', () => {
    expect(selectExecutionProviders(env('linux', 'x64', ['libonnxruntime_providers_cuda.so']), { forceCpu: false })).toEqual(['cuda', 'cpu']);
    expect(selectExecutionProviders(env('linux', 'x64', []), { forceCpu: false })).toEqual(['cpu']);
  });

  it('uses CoreML on macOS', () => {
    expect(selectExecutionProviders(env('darwin', 'arm64', []), { forceCpu: false })).toEqual(['coreml', 'cpu']);
  });

  it('honours the force-CPU setting everywhere', () => {
    expect(selectExecutionProviders(env('win32', 'x64', ['DirectML.dll']), { forceCpu: true })).toEqual(['cpu']);
  });
});
