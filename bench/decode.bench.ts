/**
 * Decode benchmark (issue #2, "Performance"): our in-process decode of one 3000×2500 16-bit
 * radiograph frame against the native toolkits decompressing the same file, side by side in
 * one run: dcmtk `dcmdjpeg` (JPEG Lossless SV1), `dcmdjpls` (JPEG-LS), GDCM `gdcmconv --raw`
 * (JPEG 2000), dcmtk `dcmdrle` (RLE). HTJ2K has no Debian encoder/decoder tool: it is encoded
 * with the OpenJPH encoder and reported without a reference.
 *
 * The tools' wall time includes process start, reading and writing the file, so two ratios
 * are printed: against the raw tool time (what the issue asks) and a "fair" one against the
 * tool time minus the same tool's time on the uncompressed file of the same size (start-up +
 * I/O only), i.e. roughly its decode time alone.
 *
 * Wall time on a shared machine swings with background load, so each side's CPU time (ours
 * from process.cpuUsage, the tool's from GNU time when installed) is reported too, and runs of
 * ours and of the tool alternate.
 *
 * JPEG 2000 (issue #12: within 1.2× of GDCM) gets a second row against GDCM pinned to one CPU
 * (`taskset -c 0`): GDCM's OpenJPEG decodes on as many threads as there are CPUs, and so does
 * ours (vendor/codec-openjpeg-threaded, OPENJPEG_THREADS), so the first row is like for like and
 * the second shows what GDCM does on one CPU.
 *
 * Run: `npx tsx bench/decode.bench.ts` (or `npm run bench -- decode`). Env: BENCH_RUNS (≥ 7,
 * default 7), BENCH_BITS (comma list of BitsStored, default "12,16"), BENCH_ONLY (comma list of
 * jl, jl6, jls, j2k, rle, htj2k; default all).
 * Prints a table and one JSON line per syntax: {syntax, bitsStored, oursMs, toolMs, ratio, …}.
 * Exit code 1 when a decode does not reproduce the source image exactly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decoder as JpegLosslessJsDecoder } from 'jpeg-lossless-decoder-js';
import { decodeCompressedFrame, type CodecFrameInfo } from '../app/main/services/decoding/codecs';
import { readEncapsulatedFrames, writeDicom } from '../tests/fixtures/dicomWriter';
import { makeChestImage } from '../tests/fixtures/syntheticImages';
import { hasTool } from '../tests/fixtures/tools';
import { loadCharls, loadLibJpegTurbo, loadOpenJpeg, loadOpenJpegThreaded, loadOpenJph } from '../app/main/services/decoding/codecs/wasmModules';
import { encodeHtj2k } from '../tests/fixtures/htj2kEncoder';

const ROWS = 2500;
const COLUMNS = 3000;
const RUNS = Math.max(7, Number(process.env.BENCH_RUNS ?? 7));
const BITS = (process.env.BENCH_BITS ?? '12,16').split(',').map(Number);
/** Issue #2's target: our decode ≤ 1.5 × the native tool. */
const TARGET_RATIO = 1.5;
/** Issue #12's target for JPEG 2000 against gdcmconv --raw. */
const J2K_TARGET_RATIO = 1.2;
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
const want = (name: string) => !ONLY || ONLY.has(name);
const haveTaskset = existsSync('/usr/bin/taskset');

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** GNU time, when present, reports the tool's CPU time (user + sys), which background load on a shared machine barely changes. */
const GNU_TIME = '/usr/bin/time';
const haveGnuTime = existsSync(GNU_TIME);

interface ToolTime {
  wallMs: number;
  cpuMs: number | null;
}

/** Runs the tool (pinned to the CPUs in `pin` with taskset when given) and times it. */
function timeTool(cmd: string, args: string[], pin?: string): ToolTime {
  if (pin !== undefined) {
    args = ['-c', pin, cmd, ...args];
    cmd = '/usr/bin/taskset';
  }
  const t0 = process.hrtime.bigint();
  const run = haveGnuTime
    ? spawnSync(GNU_TIME, ['-f', '@@cpu %U %S', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (run.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${run.stderr?.toString()}`);
  const cpu = /@@cpu ([\d.]+) ([\d.]+)/.exec(run.stderr?.toString() ?? '');
  return { wallMs, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : null };
}

/** Our CPU time (user + sys) for `work`, in ms, next to its wall time. */
async function timeOurs(work: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function firstFrame(path: string): Uint8Array {
  const fragments = readEncapsulatedFrames(new Uint8Array(readFileSync(path)))[0];
  return fragments.length === 1 ? fragments[0] : Buffer.concat(fragments);
}

interface Row {
  syntax: string;
  bitsStored: number;
  compressedMB: number;
  firstDecodeMs: number;
  oursMs: number;
  toolMs: number | null;
  toolBaselineMs: number | null;
  ratio: number | null;
  fairRatio: number | null;
  oursCpuMs: number;
  toolCpuMs: number | null;
  cpuRatio: number | null;
  tool: string | null;
  exact: boolean;
}

async function benchOne(
  syntax: string,
  uid: string,
  frame: Uint8Array,
  info: CodecFrameInfo,
  expected: ArrayLike<number>,
  tool: { cmd: string; args: (input: string) => string[]; compressed: string; raw: string; pin?: string } | undefined,
  bitsStored: number,
): Promise<Row> {
  const t0 = performance.now();
  const first = await decodeCompressedFrame(uid, frame, info);
  const firstDecodeMs = performance.now() - t0;
  let exact = first.pixels.length === expected.length;
  for (let i = 0; exact && i < expected.length; i++) exact = first.pixels[i] === expected[i];
  // Ours and the tool alternate run by run, so both see the same background load on a shared
  // machine (timing them in separate blocks let a load spike land on one side only).
  const haveTool = tool !== undefined && hasTool(tool.cmd);
  if (haveTool) {
    timeTool(tool.cmd, tool.args(tool.compressed), tool.pin); // warm the page cache and the binary
    timeTool(tool.cmd, tool.args(tool.raw), tool.pin);
  }
  const ours: { wallMs: number; cpuMs: number }[] = [];
  const toolRuns: ToolTime[] = [];
  const toolRawRuns: ToolTime[] = [];
  for (let r = 0; r < RUNS; r++) {
    ours.push(await timeOurs(() => decodeCompressedFrame(uid, frame, info)));
    if (haveTool) {
      toolRuns.push(timeTool(tool.cmd, tool.args(tool.compressed), tool.pin));
      toolRawRuns.push(timeTool(tool.cmd, tool.args(tool.raw), tool.pin));
    }
  }
  const oursMs = median(ours.map((t) => t.wallMs));
  const oursCpuMs = median(ours.map((t) => t.cpuMs));
  const toolMs = haveTool ? median(toolRuns.map((t) => t.wallMs)) : null;
  const toolBaselineMs = haveTool ? median(toolRawRuns.map((t) => t.wallMs)) : null;
  const toolCpuMs = haveTool && toolRuns.every((t) => t.cpuMs !== null) ? median(toolRuns.map((t) => t.cpuMs!)) : null;
  const fairTool = toolMs !== null && toolBaselineMs !== null ? Math.max(1, toolMs - toolBaselineMs) : null;
  return {
    syntax,
    bitsStored,
    compressedMB: frame.length / 1e6,
    firstDecodeMs,
    oursMs,
    toolMs,
    toolBaselineMs,
    ratio: toolMs ? oursMs / toolMs : null,
    fairRatio: fairTool ? oursMs / fairTool : null,
    oursCpuMs,
    toolCpuMs,
    cpuRatio: toolCpuMs ? oursCpuMs / toolCpuMs : null,
    tool: tool ? `${tool.pin !== undefined ? `taskset -c ${tool.pin} ` : ''}${tool.cmd} ${tool.args('<file>').join(' ')}` : null,
    exact,
  };
}

function benchJpegLosslessJs(frame: Uint8Array, pixelCount: number): number {
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    const decoder = new JpegLosslessJsDecoder();
    const out = decoder.decode(frame.buffer as ArrayBuffer, frame.byteOffset, frame.length, 2);
    if (out.byteLength < pixelCount * 2) throw new Error('jpeg-lossless-decoder-js returned too little');
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function main(): Promise<void> {
  const missing = ['dcmcjpeg', 'dcmdjpeg', 'dcmcjpls', 'dcmdjpls', 'gdcmconv', 'dcmcrle', 'dcmdrle'].filter((t) => !hasTool(t));
  if (missing.length) console.warn(`[bench] missing tools (those rows have no reference): ${missing.join(', ')} — apt-get install dcmtk libgdcm-tools`);
  // WASM start-up alone (compile + instantiate), once per process or worker thread; measured
  // before anything else has loaded the modules.
  const init: Record<string, number> = {};
  for (const [name, load] of Object.entries({ charls: loadCharls, openjpegThreaded: loadOpenJpegThreaded, openjpeg: loadOpenJpeg, openjph: loadOpenJph, libjpegTurbo: loadLibJpegTurbo })) {
    const t0 = performance.now();
    await load();
    init[name] = +(performance.now() - t0).toFixed(1);
  }
  console.log(`[bench] WASM module start-up (ms): ${JSON.stringify(init)}`);
  console.log(`[bench] load average at the start: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} CPUs`);
  const dir = mkdtempSync(join(tmpdir(), 'cxr-decode-bench-'));
  const rows: Row[] = [];
  try {
    for (const bitsStored of BITS) {
      // Radiograph-like: smooth anatomy, rib arcs, seeded noise of about ±0.5 % of the range
      // (a few tens of levels at 12 bits, like a real CR/DX detector).
      const image = makeChestImage({ rows: ROWS, columns: COLUMNS, bitsStored, noise: 0.005, seed: 7 }) as Uint16Array;
      const pixel = { rows: ROWS, columns: COLUMNS, bitsAllocated: 16, bitsStored, pixelRepresentation: 0 as const };
      const info: CodecFrameInfo = { ...pixel, samplesPerPixel: 1, planarConfiguration: 0, photometricInterpretation: 'MONOCHROME2' };
      const raw = join(dir, `raw${bitsStored}.dcm`);
      writeFileSync(raw, writeDicom({ pixel, pixelData: { native: image } }));
      const out = join(dir, 'out.dcm');
      const encoded = (name: string, cmd: string, args: string[]): string | undefined => {
        if (!want(name) || !hasTool(cmd)) return undefined;
        const path = join(dir, `${name}${bitsStored}.dcm`);
        timeTool(cmd, [...args, raw, path]);
        return path;
      };

      const jl = encoded('jl', 'dcmcjpeg', ['+e1']);
      if (jl) {
        const frame = firstFrame(jl);
        const row = await benchOne('JPEG Lossless SV1', '1.2.840.10008.1.2.4.70', frame, info, image, { cmd: 'dcmdjpeg', args: (f) => [f, out], compressed: jl, raw }, bitsStored);
        rows.push(row);
        const libraryMs = benchJpegLosslessJs(frame, ROWS * COLUMNS);
        console.log(`[bench] jpeg-lossless-decoder-js on the same ${bitsStored}-bit SV1 frame: ${libraryMs.toFixed(0)} ms (ours ${row.oursMs.toFixed(0)} ms, dcmdjpeg ${row.toolMs?.toFixed(0)} ms)`);
      }
      // dcmcjpeg's default for process 14 is selection value 6, common in archives too.
      const jl6 = encoded('jl6', 'dcmcjpeg', ['+el', '+sv', '6']);
      if (jl6) rows.push(await benchOne('JPEG Lossless SV6', '1.2.840.10008.1.2.4.57', firstFrame(jl6), info, image, { cmd: 'dcmdjpeg', args: (f) => [f, out], compressed: jl6, raw }, bitsStored));
      const jls = encoded('jls', 'dcmcjpls', ['+el']);
      if (jls) rows.push(await benchOne('JPEG-LS lossless', '1.2.840.10008.1.2.4.80', firstFrame(jls), info, image, { cmd: 'dcmdjpls', args: (f) => [f, out], compressed: jls, raw }, bitsStored));
      const j2k = encoded('j2k', 'gdcmconv', ['--j2k']);
      if (j2k) {
        const frame = firstFrame(j2k);
        rows.push(await benchOne('JPEG 2000 lossless', '1.2.840.10008.1.2.4.90', frame, info, image, { cmd: 'gdcmconv', args: (f) => ['--raw', f, out], compressed: j2k, raw }, bitsStored));
        if (haveTaskset) {
          const pinned = { cmd: 'gdcmconv', args: (f: string) => ['--raw', f, out], compressed: j2k, raw, pin: '0' };
          rows.push(await benchOne('JPEG 2000 (GDCM 1 CPU)', '1.2.840.10008.1.2.4.90', frame, info, image, pinned, bitsStored));
        }
      }
      const rle = encoded('rle', 'dcmcrle', []);
      if (rle) rows.push(await benchOne('RLE Lossless', '1.2.840.10008.1.2.5', firstFrame(rle), info, image, { cmd: 'dcmdrle', args: (f) => [f, out], compressed: rle, raw }, bitsStored));
      if (want('htj2k')) {
        const htj2k = await encodeHtj2k(image, { width: COLUMNS, height: ROWS, bitsPerSample: bitsStored, componentCount: 1, isSigned: false });
        rows.push(await benchOne('HTJ2K lossless', '1.2.840.10008.1.2.4.201', htj2k, info, image, undefined, bitsStored));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const f = (n: number | null, digits = 0) => (n === null ? '—' : n.toFixed(digits));
  console.log(`\nDecode of one ${COLUMNS}×${ROWS} 16-bit frame, median of ${RUNS} runs (tools: median wall time incl. process start and file write)`);
  console.log('syntax               bits  MB    first ms  ours ms  tool ms  tool-on-raw ms  ours/tool  ours/(tool-raw)  cpu ours/tool  exact');
  for (const r of rows) {
    console.log(
      `${r.syntax.padEnd(20)} ${String(r.bitsStored).padStart(4)}  ${r.compressedMB.toFixed(1).padStart(4)}  ${f(r.firstDecodeMs).padStart(8)}  ${f(r.oursMs).padStart(7)}  ${f(r.toolMs).padStart(7)}  ${f(r.toolBaselineMs).padStart(14)}  ${f(r.ratio, 2).padStart(9)}  ${f(r.fairRatio, 2).padStart(15)}  ${`${f(r.oursCpuMs)}/${f(r.toolCpuMs)}=${f(r.cpuRatio, 2)}`.padStart(13)}  ${r.exact ? 'yes' : 'NO'}`,
    );
  }
  for (const r of rows) {
    console.log(
      JSON.stringify({
        syntax: r.syntax,
        bitsStored: r.bitsStored,
        oursMs: +r.oursMs.toFixed(1),
        toolMs: r.toolMs === null ? null : +r.toolMs.toFixed(1),
        ratio: r.ratio === null ? null : +r.ratio.toFixed(3),
        fairRatio: r.fairRatio === null ? null : +r.fairRatio.toFixed(3),
        firstDecodeMs: +r.firstDecodeMs.toFixed(1),
        toolBaselineMs: r.toolBaselineMs === null ? null : +r.toolBaselineMs.toFixed(1),
        oursCpuMs: +r.oursCpuMs.toFixed(1),
        toolCpuMs: r.toolCpuMs === null ? null : +r.toolCpuMs.toFixed(1),
        cpuRatio: r.cpuRatio === null ? null : +r.cpuRatio.toFixed(3),
        tool: r.tool,
        exact: r.exact,
      }),
    );
  }
  for (const r of rows) {
    if (r.ratio === null) continue;
    // A tool whose CPU time exceeds its wall time decoded on several threads (GDCM's OpenJPEG
    // does); our WASM codecs run on one. Say which, instead of blaming the machine's load.
    const toolThreaded = r.toolCpuMs !== null && r.toolMs !== null && r.toolCpuMs > r.toolMs * 1.2;
    const target = r.syntax.startsWith('JPEG 2000') ? J2K_TARGET_RATIO : TARGET_RATIO;
    const verdict =
      r.ratio <= target
        ? 'meets'
        : r.cpuRatio !== null && r.cpuRatio <= target
          ? `MISSES in wall time, meets in CPU time (${toolThreaded ? 'the tool decodes on several threads, ours on one' : 'wall time disturbed by load?'})`
          : 'MISSES';
    console.log(`[bench] ${r.syntax} ${r.bitsStored}-bit: ours/tool ${r.ratio.toFixed(2)} wall, ${r.cpuRatio?.toFixed(2) ?? '—'} CPU: ${verdict} the ${target}× target`);
  }
  for (const r of rows.filter((row) => !row.exact)) console.log(`[bench] ${r.syntax} ${r.bitsStored}-bit: decoded values differ from the source image`);
  console.log(`[bench] load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} CPUs`);
  process.exitCode = rows.some((r) => !r.exact) ? 1 : 0;
}

void main();
