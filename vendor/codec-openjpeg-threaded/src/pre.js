// Runs inside the emscripten factory, before the module starts (emcc --pre-js).
// Emscripten 3.1.6's glue fetch()es its .wasm whenever `fetch` exists, which Node 18+ has but
// which cannot read a file path; hand it the bytes from next to this script instead. Threads
// (ENVIRONMENT_IS_PTHREAD) receive the compiled module from the main thread and need no bytes.
if (!Module['wasmBinary'] && !Module['ENVIRONMENT_IS_PTHREAD'] && typeof __dirname === 'string') {
  Module['wasmBinary'] = require('fs').readFileSync(require('path').join(__dirname, 'openjpeg-threaded.wasm'));
}
