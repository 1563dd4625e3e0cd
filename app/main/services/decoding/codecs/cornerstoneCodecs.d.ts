/**
 * Types for the emscripten/embind builds of @cornerstonejs/codec-* (the packages ship none).
 * Only the members this folder uses are declared. Every embind object owns WASM heap memory
 * and must be released with `delete()`; buffers returned by `get*Buffer()` are views into the
 * WASM heap, valid until the next call that may grow it.
 */

/** Frame geometry reported by every cornerstone decoder. */
interface CornerstoneFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
  isUsingColorTransform?: boolean;
}

interface EmbindObject {
  delete(): void;
}

interface CornerstoneDecoder extends EmbindObject {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): CornerstoneFrameInfo;
}

interface CharlsModule {
  /** Text of a C++ exception that embind threw as a pointer. */
  getExceptionMessage?(pointer: number): string | string[];
  JpegLSDecoder: new () => CornerstoneDecoder & { getInterleaveMode(): number; getNearLossless(): number };
  JpegLSEncoder?: new () => EmbindObject & {
    getDecodedBuffer(frameInfo: CornerstoneFrameInfo): Uint8Array;
    getEncodedBuffer(): Uint8Array;
    setNearLossless(near: number): void;
    setInterleaveMode(mode: number): void;
    encode(): void;
  };
}

interface OpenJpegModule {
  J2KDecoder: new () => CornerstoneDecoder & { readHeader(): void; getColorSpace(): number; getIsReversible(): boolean };
  /** Only in the combined build (`wasmjs`), which test fixtures use to write codestreams. */
  J2KEncoder: new () => EmbindObject & {
    getDecodedBuffer(frameInfo: CornerstoneFrameInfo): Uint8Array;
    getEncodedBuffer(): Uint8Array;
    setQuality(reversible: boolean, quality: number): void;
    setDecompositions(levels: number): void;
    encode(): void;
  };
}

interface OpenJphModule {
  HTJ2KDecoder: new () => CornerstoneDecoder & { readHeader(): void; getIsHeaderValid(): boolean; getLastErrorMessage?(): string; getIsReversible(): boolean };
  HTJ2KEncoder: new () => EmbindObject & {
    getDecodedBuffer(frameInfo: CornerstoneFrameInfo): Uint8Array;
    getEncodedBuffer(): Uint8Array;
    setQuality(reversible: boolean, quantizationStep: number): void;
    setDecompositions(levels: number): void;
    encode(): void;
  };
}

interface LibJpegTurboModule {
  JPEGDecoder: new () => CornerstoneDecoder & { readHeader(): void };
}

/** An emscripten MODULARIZE factory: resolves once the WASM is compiled and instantiated. */
type EmscriptenFactory<M> = (moduleArg?: Record<string, unknown>) => Promise<M>;

declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: EmscriptenFactory<CharlsModule>;
  export default factory;
}
declare module '@cornerstonejs/codec-charls/wasmjs' {
  const factory: EmscriptenFactory<CharlsModule>;
  export default factory;
}
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: EmscriptenFactory<OpenJpegModule>;
  export default factory;
}
declare module '@cornerstonejs/codec-openjpeg/wasmjs' {
  const factory: EmscriptenFactory<OpenJpegModule>;
  export default factory;
}
declare module '@cornerstonejs/codec-openjph/wasmjs' {
  const factory: EmscriptenFactory<OpenJphModule>;
  export default factory;
}
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const factory: EmscriptenFactory<LibJpegTurboModule>;
  export default factory;
}
