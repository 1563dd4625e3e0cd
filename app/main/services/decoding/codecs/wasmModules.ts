/**
 * Loads the @cornerstonejs WASM codecs once per process (or worker thread) and caches the
 * ready module: instantiating a module compiles its WASM (tens of ms), so doing it per frame
 * would dominate small decodes. The decode-only builds are used where the package ships one
 * (smaller WASM, faster start); openjph ships only the combined build.
 *
 * The glue scripts locate their .wasm next to themselves (emscripten `scriptDirectory` from
 * `__filename`), which works from node_modules, from an asar archive and in worker_threads.
 */
import charlsFactory from '@cornerstonejs/codec-charls/decodewasmjs';
import openJpegFactory from '@cornerstonejs/codec-openjpeg/decodewasmjs';
import openJphFactory from '@cornerstonejs/codec-openjph/wasmjs';
import libJpegTurboFactory from '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs';
import openJpegThreadedFactory, { type OpenJpegThreadedModule } from 'codec-openjpeg-threaded';
import { availableParallelism } from 'node:os';
import { CodedError } from '../../../../shared/result';

/** A cached module loader; `reset()` drops the instance so the next call starts a fresh one. */
export interface ModuleLoader<M> {
  (): Promise<M>;
  reset(): void;
}

/** Caches one module promise; a failed start is forgotten so the next call can retry. */
function once<M>(name: string, factory: EmscriptenFactory<M>, options: Record<string, unknown> = {}, started: (module: M) => void = () => {}): ModuleLoader<M> {
  let pending: Promise<M> | undefined;
  const load = () => {
    if (!pending) {
      // Emscripten prints aborts through `printErr`; route them away from stdout, which
      // the CLI reserves for its JSON result.
      pending = factory({ ...options, print: () => undefined, printErr: () => undefined }).then((module) => {
        started(module);
        return module;
      }).catch((err: unknown) => {
        pending = undefined;
        throw new CodedError('CODEC_FAILED', `could not start the ${name} codec: ${err instanceof Error ? err.message : String(err)}`);
      });
    }
    return pending;
  };
  return Object.assign(load, { reset: () => (pending = undefined) });
}

/** CharLS (JPEG-LS, PS3.5 A.4.3). */
export const loadCharls = once('JPEG-LS (CharLS)', charlsFactory);
/**
 * OpenJPEG (JPEG 2000, PS3.5 A.4.4), @cornerstonejs's single-threaded build: used where the
 * threaded build below cannot start (no shared WASM memory or no worker threads).
 */
export const loadOpenJpeg = once('JPEG 2000 (OpenJPEG)', openJpegFactory);
/**
 * Threads the threaded OpenJPEG build starts with its module and decodes each frame on: every
 * CPU up to four (beyond that a 3000×2500 radiograph gains little, and each thread is a
 * worker_thread holding its own instance). Read once, when the module starts.
 */
export const OPENJPEG_THREADS = Math.max(1, Math.min(4, availableParallelism()));

/**
 * OpenJPEG with its thread pool (JPEG 2000, PS3.5 A.4.4): our WASM build of the same library,
 * vendor/codec-openjpeg-threaded (issue #12: the single-threaded build took about 1.35× GDCM's
 * time). Its threads are worker_threads; they are unref'd so that an idle decoder never keeps a
 * process (the CLI, a test) alive.
 */
export const loadOpenJpegThreaded = once<OpenJpegThreadedModule>(
  'JPEG 2000 (OpenJPEG, threaded)',
  openJpegThreadedFactory as EmscriptenFactory<OpenJpegThreadedModule>,
  { threadCount: OPENJPEG_THREADS },
  (module) => {
    for (const worker of [...module.PThread.unusedWorkers, ...module.PThread.runningWorkers]) worker.unref();
  },
);
/** OpenJPH (HTJ2K, PS3.5 A.4.11). */
export const loadOpenJph = once('HTJ2K (OpenJPH)', openJphFactory);
/** libjpeg-turbo, 8-bit build (JPEG baseline, PS3.5 A.4.1). */
export const loadLibJpegTurbo = once('JPEG (libjpeg-turbo)', libJpegTurboFactory);

/**
 * Runs `work` with a fresh embind object (or anything else that owns WASM heap memory and frees
 * it in `delete()`) and always frees it: the garbage collector does not see the WASM heap.
 */
export function withEmbind<T extends { delete(): void }, R>(loader: ModuleLoader<unknown>, create: () => T, work: (obj: T) => R): R {
  let obj: T | undefined;
  try {
    obj = create();
    return work(obj);
  } catch (err) {
    if (isWasmTrap(err)) {
      // An emscripten abort or WASM trap leaves the instance unusable (its heap and stack may be
      // inconsistent): forget it so the next frame gets a fresh one instead of failing forever.
      loader.reset();
      obj = undefined;
      throw new CodedError('CODEC_FAILED', `the codec stopped on this frame: ${wasmErrorMessage(err)}`);
    }
    throw err;
  } finally {
    try {
      obj?.delete();
    } catch {
      // Deleting after a failed decode may throw too; the original error is the one to report.
    }
  }
}

/** Lets a WASM trap through a wrapper's catch so {@link withEmbind} can reset the module. */
export function rethrowTrap(err: unknown): void {
  if (isWasmTrap(err)) throw err;
}

/** True for a WebAssembly trap or an emscripten abort (as opposed to a thrown C++ exception). */
function isWasmTrap(err: unknown): boolean {
  return err instanceof WebAssembly.RuntimeError || (err instanceof Error && /^Aborted\(/.test(err.message));
}

/**
 * Message of anything a WASM codec threw. Embind throws C++ exceptions as bare pointers; builds
 * that export `getExceptionMessage` (CharLS) can turn them into the library's own text.
 */
export function wasmErrorMessage(err: unknown, module?: { getExceptionMessage?(pointer: number): string | string[] }): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'number') {
    try {
      const text = module?.getExceptionMessage?.(err);
      if (text) return Array.isArray(text) ? text.filter(Boolean).join(': ') : text;
    } catch {
      // Fall through to the generic text: the pointer was not an exception after all.
    }
    return `native exception ${err}`;
  }
  return String(err);
}
