/**
 * A minimal sequential DCT JPEG encoder (T.81 Annex A/F, one component, extended process 4 when
 * precision is 12) for tests: dcmtk cannot write restart markers, so streams with a restart
 * interval (T.81 B.2.4.4) are made here and checked against dcmtk's decoder as well as ours.
 * Fixed Huffman tables with 5-bit DC and 8-bit AC codes keep it short; quality does not matter.
 */
import { ZIGZAG } from '../../../../../../app/main/services/decoding/codecs/jpegStream';

export interface DctEncodeOptions {
  width: number;
  height: number;
  precision: 8 | 12;
  /** One quantiser for every coefficient. */
  quantizer: number;
  restartInterval?: number;
}

export function encodeDctJpeg(samples: ArrayLike<number>, options: DctEncodeOptions): Uint8Array {
  const { width, height, precision, quantizer } = options;
  const restartInterval = options.restartInterval ?? 0;
  const out: number[] = [0xff, 0xd8];
  const segment = (marker: number, body: number[]) => out.push(0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body);
  // DQT: 16-bit entries when precision is 12 (T.81 B.2.4.1).
  segment(0xdb, precision === 12 ? [0x10, ...new Array(64).fill(0).flatMap(() => [quantizer >> 8, quantizer & 0xff])] : [0x00, ...new Array(64).fill(quantizer)]);
  segment(precision === 12 ? 0xc1 : 0xc0, [precision, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
  const dcSymbols = Array.from({ length: 16 }, (_, k) => k);
  const acSymbols = [0x00, 0xf0];
  for (let r = 0; r < 16; r++) for (let s = 1; s <= 14; s++) acSymbols.push((r << 4) | s);
  const counts = (length: number, n: number) => Array.from({ length: 16 }, (_, i) => (i === length - 1 ? n : 0));
  segment(0xc4, [0x00, ...counts(5, dcSymbols.length), ...dcSymbols, 0x10, ...counts(8, acSymbols.length), ...acSymbols]);
  const acCode = new Map(acSymbols.map((symbol, code) => [symbol, code]));
  if (restartInterval > 0) segment(0xdd, [restartInterval >> 8, restartInterval & 0xff]);
  segment(0xda, [1, 1, 0x00, 0, 63, 0]);

  let acc = 0;
  let nbits = 0;
  const putBits = (value: number, n: number) => {
    for (let i = n - 1; i >= 0; i--) {
      acc = (acc << 1) | ((value >> i) & 1);
      if (++nbits === 8) {
        out.push(acc);
        if (acc === 0xff) out.push(0);
        acc = 0;
        nbits = 0;
      }
    }
  };
  const putValue = (v: number) => {
    const size = v === 0 ? 0 : 32 - Math.clz32(Math.abs(v));
    if (size > 0) putBits(v > 0 ? v : v + (1 << size) - 1, size);
    return size;
  };
  const category = (v: number) => (v === 0 ? 0 : 32 - Math.clz32(Math.abs(v)));

  const levelShift = 1 << (precision - 1);
  const blocksX = Math.ceil(width / 8);
  const blocksY = Math.ceil(height / 8);
  let pred = 0;
  let blocks = 0;
  let restarts = 0;
  const f = new Float64Array(64);
  for (let by = 0; by < blocksY; by++) {
    for (let bx = 0; bx < blocksX; bx++) {
      if (restartInterval > 0 && blocks > 0 && blocks % restartInterval === 0) {
        if (nbits > 0) putBits(0xff, 8 - nbits);
        out.push(0xff, 0xd0 + (restarts++ % 8));
        pred = 0;
      }
      blocks++;
      // Edge blocks repeat the last row/column (T.81 A.2.4 leaves the padding to the encoder).
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) f[y * 8 + x] = samples[Math.min(height - 1, by * 8 + y) * width + Math.min(width - 1, bx * 8 + x)] - levelShift;
      const q = new Array<number>(64);
      for (let v = 0; v < 8; v++) {
        for (let u = 0; u < 8; u++) {
          let sum = 0;
          for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) sum += f[y * 8 + x] * Math.cos(((2 * x + 1) * u * Math.PI) / 16) * Math.cos(((2 * y + 1) * v * Math.PI) / 16);
          const cu = u === 0 ? Math.SQRT1_2 : 1;
          const cv = v === 0 ? Math.SQRT1_2 : 1;
          q[v * 8 + u] = Math.round((0.25 * cu * cv * sum) / quantizer);
        }
      }
      const diff = q[0] - pred;
      pred = q[0];
      putBits(category(diff), 5);
      putValue(diff);
      let run = 0;
      for (let k = 1; k < 64; k++) {
        const v = q[ZIGZAG[k]];
        if (v === 0) {
          run++;
          continue;
        }
        while (run > 15) {
          putBits(acCode.get(0xf0)!, 8);
          run -= 16;
        }
        putBits(acCode.get((run << 4) | category(v))!, 8);
        putValue(v);
        run = 0;
      }
      if (run > 0) putBits(acCode.get(0x00)!, 8);
    }
  }
  if (nbits > 0) putBits(0xff, 8 - nbits);
  out.push(0xff, 0xd9);
  return new Uint8Array(out);
}
