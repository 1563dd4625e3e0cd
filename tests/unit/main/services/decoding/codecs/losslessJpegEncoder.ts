/**
 * A minimal lossless JPEG encoder (T.81 Annex H, one component) for tests: dcmtk cannot write
 * restart markers, so streams with a restart interval (T.81 B.2.4.4) are made here and checked
 * against dcmtk's decoder as well as ours. One Huffman table with 5-bit codes for the 17
 * difference categories keeps it short; compression ratio does not matter here.
 */
export interface LosslessEncodeOptions {
  width: number;
  height: number;
  precision: number;
  predictor: number;
  restartInterval?: number;
}

export function encodeLosslessJpeg(samples: ArrayLike<number>, options: LosslessEncodeOptions): Uint8Array {
  const { width, height, precision, predictor } = options;
  const restartInterval = options.restartInterval ?? 0;
  const out: number[] = [0xff, 0xd8];
  const segment = (marker: number, body: number[]) => out.push(0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body);
  segment(0xc3, [precision, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
  const counts = new Array(16).fill(0);
  counts[4] = 17; // 17 codes of 5 bits: symbol k has code k.
  segment(0xc4, [0x00, ...counts, ...Array.from({ length: 17 }, (_, k) => k)]);
  if (restartInterval > 0) segment(0xdd, [restartInterval >> 8, restartInterval & 0xff]);
  segment(0xda, [1, 1, 0x00, predictor, 0, 0]);

  let acc = 0;
  let nbits = 0;
  const putBits = (value: number, n: number) => {
    for (let i = n - 1; i >= 0; i--) {
      acc = (acc << 1) | ((value >> i) & 1);
      if (++nbits === 8) {
        out.push(acc);
        if (acc === 0xff) out.push(0); // byte stuffing, T.81 F.1.2.3
        acc = 0;
        nbits = 0;
      }
    }
  };
  const flush = () => {
    if (nbits > 0) putBits(0xff, 8 - nbits); // pad with 1-bits, T.81 F.1.2.3
  };
  const initial = 1 << (precision - 1);
  let intervalRow = 0;
  let intervalCol = 0;
  let mcus = 0;
  let restarts = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (restartInterval > 0 && mcus === restartInterval) {
        flush();
        out.push(0xff, 0xd0 + (restarts++ % 8));
        mcus = 0;
        intervalRow = y;
        intervalCol = x;
      }
      mcus++;
      const i = y * width + x;
      let pred: number;
      if (y === intervalRow && x === intervalCol) pred = initial;
      else if (y === intervalRow) pred = samples[i - 1];
      else if (x === 0) pred = samples[i - width];
      else {
        const ra = samples[i - 1];
        const rb = samples[i - width];
        const rc = samples[i - width - 1];
        pred = [0, ra, rb, rc, ra + rb - rc, ra + ((rb - rc) >> 1), rb + ((ra - rc) >> 1), (ra + rb) >> 1][predictor];
      }
      let diff = (samples[i] - pred) & 0xffff;
      if (diff >= 32768) diff -= 65536;
      if (diff === -32768) {
        putBits(16, 5);
        continue;
      }
      const ssss = diff === 0 ? 0 : 32 - Math.clz32(Math.abs(diff));
      putBits(ssss, 5);
      if (ssss > 0) putBits(diff > 0 ? diff : diff + (1 << ssss) - 1, ssss);
    }
  }
  flush();
  out.push(0xff, 0xd9);
  return new Uint8Array(out);
}
