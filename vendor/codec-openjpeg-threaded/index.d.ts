/** Types of the emscripten module built from src/j2k_decode.c and OpenJPEG (see README.md). */
declare namespace createOpenJpegThreaded {
  interface OpenJpegThreadedModule {
    /** The module's shared memory; views on it go stale when it grows, so make a new one per use. */
    wasmMemory: WebAssembly.Memory;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    /** Decodes a J2K codestream with `threads` threads (at most threadCount); 0 on success, else the failed step. */
    _j2k_decode(data: number, length: number, threads: number): number;
    /** Address of six int32: width, height, components, precision, signed, bytes per sample. */
    _j2k_frame_info(): number;
    /** Address and size of the decoded samples, pixel-interleaved, until the next decode or release. */
    _j2k_decoded(): number;
    _j2k_decoded_bytes(): number;
    _j2k_release(): void;
    /** Address of the first error OpenJPEG reported for the last decode (a C string). */
    _j2k_last_error(): number;
    UTF8ToString(pointer: number): string;
    /** Emscripten's thread bookkeeping: each worker is a node:worker_threads Worker. */
    PThread: { unusedWorkers: Array<{ unref(): void }>; runningWorkers: Array<{ unref(): void }> };
  }

  interface OpenJpegThreadedOptions {
    /** Threads started with the module (emscripten's pthread pool, default 2); a decode must not ask for more. */
    threadCount?: number;
    print?: (text: string) => void;
    printErr?: (text: string) => void;
  }
}

declare function createOpenJpegThreaded(options?: createOpenJpegThreaded.OpenJpegThreadedOptions): Promise<createOpenJpegThreaded.OpenJpegThreadedModule>;
export = createOpenJpegThreaded;
