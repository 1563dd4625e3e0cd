#!/usr/bin/env bash
# Rebuilds vendor/codec-openjpeg-threaded/dist: OpenJPEG compiled to WebAssembly with threads and
# SIMD, plus the small C entry points in vendor/codec-openjpeg-threaded/src/j2k_decode.c.
#
# Why our own build (issue #12): @cornerstonejs/codec-openjpeg is single-threaded and decoded a
# 3000x2500 16-bit lossless frame in about 1.35x GDCM's wall time on two cores; GDCM's native
# OpenJPEG decodes code-blocks on every CPU. The same OpenJPEG with its thread pool
# (opj_codec_set_threads) compiled with emscripten's pthreads brings the WASM decoder under
# GDCM's time (npm run bench -- decode).
#
# Everything comes from Debian: its emscripten package (3.1.6) and the openjpeg2 source package
# (2.5.0 with Debian's security patches). Needs root for apt-get and a deb-src entry, which this
# script adds when missing. What ships is the package's `npm pack` tarball,
# vendor/codec-openjpeg-threaded-<version>.tgz, committed and installed by npm ci from
# package.json ("file:vendor/….tgz"): npm copies a tarball into node_modules, where a folder
# dependency would be a symlink, which electron-builder 25+ leaves out of the app. CI does not
# run this script. After a rebuild: npm install ./vendor/codec-openjpeg-threaded-<version>.tgz
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
pkg="$root/vendor/codec-openjpeg-threaded"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

export DEBIAN_FRONTEND=noninteractive
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  cat > /etc/apt/sources.list.d/openjpeg-src.sources <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  apt-get update -q
fi
command -v emcc >/dev/null || apt-get install -y -q emscripten
command -v dpkg-source >/dev/null || apt-get install -y -q dpkg-dev

# Debian's emscripten runs its JS tools with the system node; with a node from elsewhere they
# find Debian's acorn only through NODE_PATH.
export NODE_PATH=/usr/share/nodejs

cd "$work"
apt-get source -q openjpeg2
src="$(find "$work" -maxdepth 1 -type d -name 'openjpeg2-*' | head -1)"
echo "building $(basename "$src") with $(emcc --version | head -1)"

mkdir -p "$src/build" && cd "$src/build"
emcmake cmake .. -DBUILD_SHARED_LIBS=OFF -DBUILD_CODEC=OFF -DBUILD_THIRDPARTY=OFF \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS="-pthread -O3 -msimd128" >/dev/null
emmake make -j"$(nproc)" openjp2 >/dev/null
grep -q 'MUTEX_pthread' src/lib/openjp2/CMakeFiles/openjp2.dir/flags.make || { echo "OpenJPEG was configured without threads" >&2; exit 1; }

mkdir -p "$pkg/dist"
# PTHREAD_POOL_SIZE is read when the module starts (Module.threadCount): the decode must never
# ask for more threads than were started, because a thread started while the caller blocks in
# the decode would never begin. NODEJS_CATCH_*=0: the glue must not install process-wide
# uncaughtException/unhandledRejection handlers in the app's worker.
emcc -O3 -msimd128 -pthread \
  '-sPTHREAD_POOL_SIZE=Module["threadCount"]||2' \
  -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=64MB -sMAXIMUM_MEMORY=4GB \
  -sMODULARIZE=1 -sEXPORT_NAME=createOpenJpegThreaded -sENVIRONMENT=node \
  -sNODEJS_CATCH_EXIT=0 -sNODEJS_CATCH_REJECTION=0 \
  -sEXPORTED_FUNCTIONS=_malloc,_free -sEXPORTED_RUNTIME_METHODS=UTF8ToString \
  --pre-js "$pkg/src/pre.js" \
  -I"$src/src/lib/openjp2" -I"$src/build/src/lib/openjp2" \
  "$pkg/src/j2k_decode.c" "$src/build/bin/libopenjp2.a" \
  -o "$pkg/dist/openjpeg-threaded.js"
cp "$src/LICENSE" "$pkg/LICENSE"
(cd "$pkg/dist" && sha256sum openjpeg-threaded.js openjpeg-threaded.wasm openjpeg-threaded.worker.js)
(cd "$pkg" && npm pack --pack-destination "$root/vendor")
