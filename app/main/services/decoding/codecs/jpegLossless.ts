/**
 * JPEG Lossless, non-hierarchical (T.81 Annex H, process 14; PS3.5 A.4.2 transfer syntaxes
 * 1.2.840.10008.1.2.4.57 and .70 = selection value 1), hand-written.
 *
 * Why not jpeg-lossless-decoder-js (installed): it misses the issue #2 target (≤ 1.5× dcmtk's
 * dcmdjpeg). On the 3000×2500 SV1 radiographs of bench/decode.bench.ts it took 266-677 ms
 * where dcmdjpeg took 119-266 ms (2.0-2.7×) and this decoder 58-163 ms (0.4-0.65× dcmdjpeg's
 * wall time, 0.6-0.8× its CPU time; figures from a shared 2-core machine, several runs). The
 * library keeps its bit buffer in one-element arrays and object fields, refills it a byte at a
 * time inside the Huffman routine, and calls getter, setter and predictor functions per
 * sample. This decoder:
 *  - resolves a code AND its difference bits with one lookup of the next 16 bits in the
 *    common case (code length + SSSS ≤ 16), falling back to a 16-bit code lookup otherwise;
 *  - keeps the bit buffer in local variables of one function, with an inline refill;
 *  - specialises one component without restart interval (what DICOM writers produce) into
 *    one loop, where predictor 1 (SV1, the most common) reads no neighbours at all;
 *  - writes straight into one typed array (no per-sample allocation).
 */
import { CodedError } from '../../../../shared/result';
import type { CodecFrameInfo, CodecResult } from './codecTypes';
import { checkStreamGeometry, type CodecSamples } from './codecOutput';
import { BitReader, JpegParser, skipEntropyData, type HuffmanTable, type JpegFrame, type JpegScan } from './jpegStream';

function corrupt(message: string): CodedError {
  return new CodedError('CORRUPT_PIXEL_DATA', message);
}

/**
 * Lookup of (code + difference bits) for the 16 bits that follow: value `(diff << 5) | bits`
 * where `bits` (1..16) is how many bits the pair takes; 0 when the pair is longer than 16
 * bits or the code is invalid (the slow path then decides). T.81 H.1.2.2: SSSS = 16 means a
 * difference of 32768 with no extra bits.
 */
function buildDiffLookup(table: HuffmanTable): Int32Array {
  const fast = new Int32Array(65536);
  for (const { length, code, symbol: ssss } of table.codes) {
    if (ssss > 16) throw corrupt(`JPEG lossless Huffman table has difference category ${ssss} (max 16)`);
    const extra = ssss === 16 ? 0 : ssss;
    const total = length + extra;
    if (total > 16) continue;
    for (let v = 0; v < 1 << extra; v++) {
      let diff = 0;
      if (ssss === 16) diff = 32768;
      else if (ssss > 0) diff = v < 1 << (ssss - 1) ? v - (1 << ssss) + 1 : v;
      const prefix = (code << extra) | v;
      const shift = 16 - total;
      fast.fill((diff << 5) | total, prefix << shift, (prefix + 1) << shift);
    }
  }
  return fast;
}

const diffLookupCache = new WeakMap<HuffmanTable, Int32Array>();
function diffLookup(table: HuffmanTable): Int32Array {
  let fast = diffLookupCache.get(table);
  if (!fast) {
    fast = buildDiffLookup(table);
    diffLookupCache.set(table, fast);
  }
  return fast;
}

/** Difference decoding for the general path (any predictor, restarts, several components). */
function decodeDiff(reader: BitReader, table: HuffmanTable, fast: Int32Array): number {
  if (reader.count < 16) reader.fill();
  const f = fast[(reader.bits >>> (reader.count - 16)) & 0xffff];
  if (f !== 0) {
    reader.count -= f & 31;
    return f >> 5;
  }
  const ssss = reader.decode(table);
  if (ssss === 16) return 32768;
  return reader.receiveExtend(ssss);
}

/**
 * Fast path: one component, no restart interval (what DICOM writers produce). T.81 H.1.2.1:
 * the first sample is predicted by 2^(P-Pt-1), the rest of the first line by Ra, the first
 * sample of every other line by Rb, everything else by the scan's predictor; predictor 1
 * (SV1) skips the neighbour reads entirely.
 */
function decodeSingleComponent(
  data: Uint8Array,
  start: number,
  out: Uint16Array | Uint8Array,
  width: number,
  height: number,
  initial: number,
  table: HuffmanTable,
  predictor: number,
): { pos: number; overran: boolean } {
  const fast = diffLookup(table);
  // Modulo 2^16 (T.81 H.1.2.1), or the 8-bit store's own modulo for precision ≤ 8, so the running
  // prediction always equals what was stored.
  const mask = out instanceof Uint8Array ? 0xff : 0xffff;
  const lookup = table.lookup;
  const end = data.length;
  let pos = start;
  let bits = 0;
  let count = 0;
  let padding = 0;
  let i = 0;
  // Holds Ra (the previous sample) on entry to each iteration, except at x = 0.
  let pred = initial;
  for (let y = 0; y < height; y++) {
    if (y > 0) pred = out[i - width];
    for (let x = 0; x < width; x++) {
      if (predictor !== 1 && y > 0 && x > 0) {
        const rb = out[i - width];
        const rc = out[i - width - 1];
        switch (predictor) {
          case 2: pred = rb; break;
          case 3: pred = rc; break;
          case 4: pred = pred + rb - rc; break;
          case 5: pred = pred + ((rb - rc) >> 1); break;
          case 6: pred = rb + ((pred - rc) >> 1); break;
          default: pred = (pred + rb) >> 1; break;
        }
      }
      if (count < 16) {
        // Inline refill to ≥ 25 bits (T.81 F.2.2.5: 0xFF00 is a stuffed 0xFF; any other
        // 0xFFxx is a marker, after which zero bits are fed and counted).
        while (count <= 24) {
          let byte = 0;
          if (pos < end) {
            byte = data[pos];
            if (byte === 0xff) {
              const next = data[pos + 1];
              if (next === 0) pos += 2;
              else if (next === 0xff) {
                pos++;
                continue;
              } else {
                byte = 0;
                padding++;
              }
            } else pos++;
          } else padding++;
          bits = (bits << 8) | byte;
          count += 8;
        }
      }
      const peek = (bits >>> (count - 16)) & 0xffff;
      const f = fast[peek];
      let diff: number;
      if (f !== 0) {
        count -= f & 31;
        diff = f >> 5;
      } else {
        const entry = lookup[peek];
        if (entry === 0) throw corrupt('JPEG lossless data holds an invalid Huffman code');
        count -= entry >> 8;
        const ssss = entry & 0xff;
        if (ssss === 16) diff = 32768;
        else {
          // count ≥ 9 here; a long code plus up to 15 difference bits may need a refill.
          if (count < ssss) {
            while (count <= 24) {
              let byte = 0;
              if (pos < end) {
                byte = data[pos];
                if (byte === 0xff) {
                  const next = data[pos + 1];
                  if (next === 0) pos += 2;
                  else if (next === 0xff) {
                    pos++;
                    continue;
                  } else {
                    byte = 0;
                    padding++;
                  }
                } else pos++;
              } else padding++;
              bits = (bits << 8) | byte;
              count += 8;
            }
          }
          count -= ssss;
          const v = (bits >>> count) & ((1 << ssss) - 1);
          diff = v < 1 << (ssss - 1) ? v - (1 << ssss) + 1 : v;
        }
      }
      pred = (pred + diff) & mask;
      out[i++] = pred;
    }
  }
  return { pos, overran: padding * 8 > count };
}

/** General path: any predictor 1-7, restart intervals, one or several interleaved components (H = V = 1). */
function decodeScanGeneral(
  data: Uint8Array,
  start: number,
  out: Uint16Array | Uint8Array,
  frame: JpegFrame,
  scan: JpegScan,
  tables: HuffmanTable[],
  restartInterval: number,
  initial: number,
): { pos: number; overran: boolean } {
  const width = frame.width;
  const height = frame.height;
  const nc = frame.components.length;
  const rowStride = width * nc;
  const predictor = scan.ss;
  const fasts = tables.map(diffLookup);
  const reader = new BitReader(data, start);
  const comps = scan.componentIndexes;
  const ns = comps.length;
  let mcusToRestart = restartInterval;
  // Row where the current restart interval began and the column of its first sample:
  // T.81 H.1.2.1 predicts the first line of an interval by Ra, its first sample by 2^(P-Pt-1).
  let intervalRow = 0;
  let intervalCol = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (restartInterval > 0) {
        if (mcusToRestart === 0) {
          reader.restart();
          mcusToRestart = restartInterval;
          intervalRow = y;
          intervalCol = x;
        }
        mcusToRestart--;
      }
      const base = y * rowStride + x * nc;
      for (let s = 0; s < ns; s++) {
        const c = comps[s];
        const i = base + c;
        const diff = decodeDiff(reader, tables[s], fasts[s]);
        let pred: number;
        if (y === intervalRow && x === intervalCol) pred = initial;
        else if (y === intervalRow) pred = out[i - nc];
        else if (x === 0) pred = out[i - rowStride];
        else {
          const ra = out[i - nc];
          const rb = out[i - rowStride];
          const rc = out[i - rowStride - nc];
          switch (predictor) {
            case 1: pred = ra; break;
            case 2: pred = rb; break;
            case 3: pred = rc; break;
            case 4: pred = ra + rb - rc; break;
            case 5: pred = ra + ((rb - rc) >> 1); break;
            case 6: pred = rb + ((ra - rc) >> 1); break;
            default: pred = (ra + rb) >> 1; break;
          }
        }
        out[i] = pred + diff;
      }
    }
  }
  return { pos: reader.pos, overran: reader.overran() };
}

/** Decoded lossless frame, pixel-interleaved. */
export interface LosslessImage {
  width: number;
  height: number;
  components: number;
  precision: number;
  pixels: Uint16Array | Uint8Array;
}

/** Decodes a complete lossless JPEG stream (every scan until EOI). */
export function decodeJpegLosslessStream(data: Uint8Array, maxSamples = Number.MAX_SAFE_INTEGER): LosslessImage {
  const parser = new JpegParser(data);
  let image: LosslessImage | undefined;
  const decoded = new Set<number>();
  for (let scan = parser.nextScan(); scan; scan = parser.nextScan()) {
    const frame = parser.frame!;
    if (frame.kind !== 'lossless') {
      throw new CodedError('UNSUPPORTED_TRANSFER_SYNTAX', `JPEG stream is ${frame.kind}, not lossless (SOF3)`);
    }
    if (frame.precision < 2 || frame.precision > 16) throw corrupt(`JPEG lossless precision ${frame.precision} is outside 2-16`);
    if (frame.components.some((c) => c.h !== 1 || c.v !== 1)) {
      throw new CodedError('UNSUPPORTED_TRANSFER_SYNTAX', 'JPEG lossless with subsampled components is not supported');
    }
    const nc = frame.components.length;
    if (!image) {
      const samples = frame.width * frame.height * nc;
      if (samples > maxSamples) throw corrupt(`JPEG lossless frame of ${frame.width}×${frame.height}×${nc} is larger than the data set allows`);
      image = {
        width: frame.width,
        height: frame.height,
        components: nc,
        precision: frame.precision,
        pixels: frame.precision > 8 ? new Uint16Array(samples) : new Uint8Array(samples),
      };
    }
    if (scan.ss < 1 || scan.ss > 7) throw corrupt(`JPEG lossless predictor ${scan.ss} is outside 1-7`);
    if (scan.al >= frame.precision) throw corrupt(`JPEG lossless point transform ${scan.al} is not below the precision`);
    const tables = scan.dcTables.map((id) => parser.huffman('dc', id));
    const initial = 1 << (frame.precision - scan.al - 1);
    const fastPath = nc === 1 && parser.restartInterval === 0;
    const result = fastPath
      ? decodeSingleComponent(data, parser.pos, image.pixels, frame.width, frame.height, initial, tables[0], scan.ss)
      : decodeScanGeneral(data, parser.pos, image.pixels, frame, scan, tables, parser.restartInterval, initial);
    if (result.overran) throw corrupt('JPEG lossless data ends before the last sample (truncated frame)');
    if (scan.al > 0) pointTransform(image.pixels, scan, nc, scan.al);
    for (const c of scan.componentIndexes) decoded.add(c);
    parser.pos = skipEntropyData(data, result.pos);
  }
  if (!image) throw corrupt('JPEG stream has no scan');
  if (decoded.size !== image.components) throw corrupt('JPEG lossless stream lacks a scan for some components');
  return image;
}

/** Undoes the point transform (T.81 H.1.2.3): decoded values are shifted left by Pt. */
function pointTransform(pixels: Uint16Array | Uint8Array, scan: JpegScan, nc: number, al: number): void {
  for (const c of scan.componentIndexes) for (let i = c; i < pixels.length; i += nc) pixels[i] <<= al;
}

/** Decodes one JPEG Lossless frame of a DICOM data set (PS3.5 A.4.2). */
export function decodeJpegLossless(encoded: Uint8Array, info: CodecFrameInfo): CodecResult {
  const image = decodeJpegLosslessStream(encoded, info.rows * info.columns * info.samplesPerPixel);
  checkStreamGeometry('JPEG lossless', { width: image.width, height: image.height, components: image.components, bitsPerSample: image.precision }, info);
  const pixels: CodecSamples = image.pixels;
  return { pixels, photometricInterpretation: info.photometricInterpretation };
}
