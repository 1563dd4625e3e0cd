/**
 * JPEG Extended (PS3.5 A.4.1, transfer syntax 1.2.840.10008.1.2.4.51: T.81 processes 2 and 4,
 * sequential DCT, Huffman coding, 8 or 12 bits per sample).
 *
 * 8-bit frames go to libjpeg-turbo (jpegBaseline.ts, routed by jpegFrame.ts). 12-bit frames
 * cannot: the @cornerstonejs/codec-libjpeg-turbo-8bit build is compiled for 8-bit samples only,
 * and no maintained 12-bit JS/WASM decoder is installed (Cornerstone decodes them with a copy of
 * the pdf.js JPEG decoder that ships inside @cornerstonejs/dicom-image-loader, which is not a
 * dependency and would bring a whole second image loader). So this file is a compact
 * sequential DCT decoder: Huffman decoding (jpegStream.ts), dequantisation, IJG's AAN
 * floating-point IDCT (within one grey level of dcmtk at 12 bits, see the tests; T.81 A.3.3),
 * level shift and clamping. Chroma is upsampled by replication, unlike libjpeg's "fancy"
 * interpolation, so colour edges may differ by a few levels from libjpeg; greyscale, the case
 * that exists in practice at 12 bits, does not. About 180 ms CPU for a 3000×2500 12-bit
 * frame (dcmdjpeg: about 70 ms).
 */
import { CodedError } from '../../../../shared/result';
import type { CodecFrameInfo, CodecResult } from './codecTypes';
import { checkStreamGeometry } from './codecOutput';
import { BitReader, JpegParser, skipEntropyData, ZIGZAG, type HuffmanTable, type JpegFrame, type JpegScan } from './jpegStream';

function corrupt(message: string): CodedError {
  return new CodedError('CORRUPT_PIXEL_DATA', message);
}

/**
 * AAN scale factors (Arai, Agui, Nakajima; as in IJG jidctflt.c): the float IDCT below expects
 * coefficients premultiplied by s[row]·s[col], with the final 1/8 folded in as well.
 */
const AAN_SCALE = [1.0, 1.387039845, 1.306562965, 1.175875602, 1.0, 0.785694958, 0.541196100, 0.275899379];

/** Quantisation table (natural order) premultiplied for {@link idctBlock}. */
export function prescaleQuantTable(quant: Int32Array): Float64Array {
  const out = new Float64Array(64);
  for (let row = 0; row < 8; row++) for (let col = 0; col < 8; col++) out[row * 8 + col] = (quant[row * 8 + col] * AAN_SCALE[row] * AAN_SCALE[col]) / 8;
  return out;
}

/**
 * Inverse DCT (T.81 A.3.3) of one block of prescaled coefficients (natural order) into
 * `plane`, with level shift, rounding and clamping: the AAN floating-point factorisation of
 * IJG's jidctflt.c (5 multiplications per 8 points instead of 64), with its shortcut for
 * columns whose AC terms are all zero. Accurate to a fraction of a level at 12 bits.
 */
function idctBlock(coef: Float64Array, ws: Float64Array, plane: Uint16Array, planeWidth: number, x0: number, y0: number, levelShift: number, maxValue: number): void {
  // Pass 1: columns.
  for (let c = 0; c < 8; c++) {
    const c1 = coef[8 + c], c2 = coef[16 + c], c3 = coef[24 + c], c4 = coef[32 + c], c5 = coef[40 + c], c6 = coef[48 + c], c7 = coef[56 + c];
    if (c1 === 0 && c2 === 0 && c3 === 0 && c4 === 0 && c5 === 0 && c6 === 0 && c7 === 0) {
      const dc = coef[c];
      for (let k = 0; k < 64; k += 8) ws[k + c] = dc;
      continue;
    }
    idct8(coef[c], c1, c2, c3, c4, c5, c6, c7, ws, c, 8);
  }
  // Pass 2: rows, written straight into the plane. Adding 0.5 then truncating rounds, since
  // values are clamped to ≥ 0 first.
  const shift = levelShift + 0.5;
  for (let r = 0; r < 8; r++) {
    const k = r * 8;
    const row = (y0 + r) * planeWidth + x0;
    if (ws[k + 1] === 0 && ws[k + 2] === 0 && ws[k + 3] === 0 && ws[k + 4] === 0 && ws[k + 5] === 0 && ws[k + 6] === 0 && ws[k + 7] === 0) {
      const v = ws[k] + shift;
      plane.fill(v < 0 ? 0 : v > maxValue ? maxValue : v, row, row + 8);
      continue;
    }
    idct8(ws[k], ws[k + 1], ws[k + 2], ws[k + 3], ws[k + 4], ws[k + 5], ws[k + 6], ws[k + 7], rowOut, 0, 1);
    for (let x = 0; x < 8; x++) {
      const v = rowOut[x] + shift;
      plane[row + x] = v < 0 ? 0 : v > maxValue ? maxValue : v;
    }
  }
}

/** A block with only its DC coefficient is flat: no IDCT needed (T.81 A.3.3 with all AC = 0). */
function flatBlock(dc: number, plane: Uint16Array, planeWidth: number, x0: number, y0: number, levelShift: number, maxValue: number): void {
  const v = dc + levelShift + 0.5;
  const value = v < 0 ? 0 : v > maxValue ? maxValue : v;
  for (let r = 0; r < 8; r++) {
    const row = (y0 + r) * planeWidth + x0;
    plane.fill(value, row, row + 8);
  }
}

const rowOut = new Float64Array(8);

/** One 8-point AAN IDCT (jidctflt.c), writing out[at + k·step] for k = 0..7. */
function idct8(i0: number, i1: number, i2: number, i3: number, i4: number, i5: number, i6: number, i7: number, out: Float64Array, at: number, step: number): void {
  // Even part.
  const t10 = i0 + i4;
  const t11 = i0 - i4;
  const t13 = i2 + i6;
  const t12 = (i2 - i6) * 1.414213562 - t13;
  const e0 = t10 + t13;
  const e3 = t10 - t13;
  const e1 = t11 + t12;
  const e2 = t11 - t12;
  // Odd part.
  const z13 = i5 + i3;
  const z10 = i5 - i3;
  const z11 = i1 + i7;
  const z12 = i1 - i7;
  const o7 = z11 + z13;
  const o11 = (z11 - z13) * 1.414213562;
  const z5 = (z10 + z12) * 1.847759065;
  const o10 = 1.0823922 * z12 - z5;
  const o12 = -2.61312593 * z10 + z5;
  const o6 = o12 - o7;
  const o5 = o11 - o6;
  const o4 = o10 + o5;
  out[at] = e0 + o7;
  out[at + 7 * step] = e0 - o7;
  out[at + step] = e1 + o6;
  out[at + 6 * step] = e1 - o6;
  out[at + 2 * step] = e2 + o5;
  out[at + 5 * step] = e2 - o5;
  out[at + 4 * step] = e3 + o4;
  out[at + 3 * step] = e3 - o4;
}

interface ComponentState {
  plane: Uint16Array;
  planeWidth: number;
  /** Blocks that carry image data for a non-interleaved scan (T.81 A.2.2). */
  blocksWide: number;
  blocksHigh: number;
  dcPred: number;
}

/**
 * Decodes one 8×8 block (T.81 F.2.2) into `coef` (natural order, times the prescaled
 * quantiser); returns whether any AC coefficient is non-zero.
 */
function decodeBlock(reader: BitReader, dc: HuffmanTable, ac: HuffmanTable, quant: Float64Array, state: ComponentState, coef: Float64Array): boolean {
  let hasAc = false;
  coef.fill(0);
  const t = reader.decode(dc);
  if (t > 16) throw corrupt('JPEG DC difference category out of range');
  state.dcPred += reader.receiveExtend(t);
  coef[0] = state.dcPred * quant[0];
  // Each pass advances k by at least 1, so the block ends after at most 63 symbols.
  for (let k = 1; k < 64; ) {
    const rs = reader.decode(ac);
    const r = rs >> 4;
    const s = rs & 15;
    if (s === 0) {
      if (r !== 15) break; // EOB
      k += 16;
      continue;
    }
    k += r;
    if (k > 63) throw corrupt('JPEG AC run goes past the end of the block');
    const natural = ZIGZAG[k];
    coef[natural] = reader.receiveExtend(s) * quant[natural];
    hasAc = true;
    k++;
  }
  return hasAc;
}

/** Decodes one block and writes its samples at (x0, y0) of the component plane. */
function decodeBlockInto(reader: BitReader, dc: HuffmanTable, ac: HuffmanTable, quant: Float64Array, state: ComponentState, coef: Float64Array, ws: Float64Array, x0: number, y0: number, levelShift: number, maxValue: number): void {
  if (decodeBlock(reader, dc, ac, quant, state, coef)) idctBlock(coef, ws, state.plane, state.planeWidth, x0, y0, levelShift, maxValue);
  else flatBlock(coef[0], state.plane, state.planeWidth, x0, y0, levelShift, maxValue);
}

function decodeScan(parser: JpegParser, frame: JpegFrame, scan: JpegScan, states: ComponentState[], maxH: number, maxV: number): number {
  if (scan.ss !== 0 || scan.se !== 63 || scan.ah !== 0 || scan.al !== 0) throw corrupt('JPEG sequential scan has spectral selection or approximation set');
  const reader = new BitReader(parser.data, parser.pos);
  const levelShift = 1 << (frame.precision - 1);
  const maxValue = (1 << frame.precision) - 1;
  const coef = new Float64Array(64);
  const ws = new Float64Array(64);
  const comps = scan.componentIndexes.map((index, s) => {
    const component = frame.components[index];
    const quant = parser.quantTables[component.quantTable];
    if (!quant) throw corrupt(`JPEG component uses undefined quantisation table ${component.quantTable}`);
    return { component, state: states[index], dc: parser.huffman('dc', scan.dcTables[s]), ac: parser.huffman('ac', scan.acTables[s]), quant: prescaleQuantTable(quant) };
  });
  for (const c of comps) c.state.dcPred = 0;
  const restartInterval = parser.restartInterval;
  let untilRestart = restartInterval;
  const restartIfDue = (): void => {
    if (restartInterval === 0) return;
    if (untilRestart === 0) {
      reader.restart();
      for (const c of comps) c.state.dcPred = 0;
      untilRestart = restartInterval;
    }
    untilRestart--;
  };
  if (comps.length === 1) {
    // Non-interleaved: blocks in raster order over the component's own extent (T.81 A.2.2).
    const { state, dc, ac, quant } = comps[0];
    for (let by = 0; by < state.blocksHigh; by++) {
      for (let bx = 0; bx < state.blocksWide; bx++) {
        restartIfDue();
        decodeBlockInto(reader, dc, ac, quant, state, coef, ws, bx * 8, by * 8, levelShift, maxValue);
      }
    }
  } else {
    // Interleaved: MCUs of h×v blocks per component (T.81 A.2.3).
    const mcusX = Math.ceil(frame.width / (8 * maxH));
    const mcusY = Math.ceil(frame.height / (8 * maxV));
    for (let my = 0; my < mcusY; my++) {
      for (let mx = 0; mx < mcusX; mx++) {
        restartIfDue();
        for (const { component, state, dc, ac, quant } of comps) {
          for (let v = 0; v < component.v; v++) {
            for (let h = 0; h < component.h; h++) {
              decodeBlockInto(reader, dc, ac, quant, state, coef, ws, (mx * component.h + h) * 8, (my * component.v + v) * 8, levelShift, maxValue);
            }
          }
        }
      }
    }
  }
  if (reader.overran()) throw corrupt('JPEG data ends before the last block (truncated frame)');
  return reader.pos;
}

/** A decoded DCT frame, pixel-interleaved, colour converted to RGB where the stream is YCbCr. */
export interface DctImage {
  width: number;
  height: number;
  components: number;
  precision: number;
  pixels: Uint16Array;
  /** True when YCbCr was converted to RGB. */
  convertedToRgb: boolean;
}

/**
 * Decodes a DCT JPEG stream of 8 or 12 bits per sample: sequential (T.81 processes 1, 2, 4) or
 * progressive (processes 10 and 12: spectral selection and successive approximation, Annex G).
 */
export function decodeDctStream(data: Uint8Array, maxSamples = Number.MAX_SAFE_INTEGER): DctImage {
  const parser = new JpegParser(data);
  let states: ComponentState[] | undefined;
  let progressive: ProgressiveState | undefined;
  let maxH = 1;
  let maxV = 1;
  const decoded = new Set<number>();
  for (let scan = parser.nextScan(); scan; scan = parser.nextScan()) {
    const frame = parser.frame!;
    if (frame.kind === 'lossless') {
      throw new CodedError('UNSUPPORTED_TRANSFER_SYNTAX', `JPEG ${frame.kind} stream in a JPEG Extended frame is not supported`);
    }
    if (frame.precision !== 8 && frame.precision !== 12) throw corrupt(`JPEG DCT precision ${frame.precision} is not 8 or 12`);
    if (!states) {
      if (frame.width * frame.height * frame.components.length > maxSamples) throw corrupt('JPEG frame is larger than the data set allows');
      maxH = Math.max(...frame.components.map((c) => c.h));
      maxV = Math.max(...frame.components.map((c) => c.v));
      const mcusX = Math.ceil(frame.width / (8 * maxH));
      const mcusY = Math.ceil(frame.height / (8 * maxV));
      states = frame.components.map((c) => {
        const planeWidth = mcusX * c.h * 8;
        return {
          plane: new Uint16Array(planeWidth * mcusY * c.v * 8),
          planeWidth,
          blocksWide: Math.ceil(Math.ceil((frame.width * c.h) / maxH) / 8),
          blocksHigh: Math.ceil(Math.ceil((frame.height * c.v) / maxV) / 8),
          dcPred: 0,
        };
      });
      if (frame.kind === 'progressive') progressive = newProgressiveState(frame, states);
    }
    const end = progressive ? decodeProgressiveScan(parser, frame, scan, states, progressive, maxH, maxV) : decodeScan(parser, frame, scan, states, maxH, maxV);
    for (const c of scan.componentIndexes) decoded.add(c);
    parser.pos = skipEntropyData(data, end);
  }
  const frame = parser.frame;
  if (!frame || !states) throw corrupt('JPEG stream has no scan');
  if (decoded.size !== frame.components.length) throw corrupt('JPEG stream lacks a scan for some components');
  if (progressive) finishProgressive(frame, states, progressive);
  return assemble(frame, states, maxH, maxV, isYCbCr(parser, frame));
}

/**
 * Coefficients of a progressive frame (T.81 G.1.2), kept across scans as integers in zig-zag
 * order, one run of 64 per block of each component's MCU-padded block grid; dequantised and
 * inverse-transformed once the last scan is read.
 */
interface ProgressiveState {
  coefficients: Int32Array[];
  /** Blocks per row of the padded grid, per component. */
  blocksPerLine: number[];
  /** Quantisation tables as they were at each component's first scan (libjpeg latches them there). */
  quant: (Float64Array | undefined)[];
  eobrun: number;
}

function newProgressiveState(frame: JpegFrame, states: ComponentState[]): ProgressiveState {
  const blocksPerLine = states.map((s) => s.planeWidth / 8);
  return {
    coefficients: states.map((s, i) => new Int32Array(blocksPerLine[i] * (s.plane.length / s.planeWidth / 8) * 64)),
    blocksPerLine,
    quant: frame.components.map(() => undefined),
    eobrun: 0,
  };
}

/** One scan of a progressive frame: DC first / refine, or AC first / refine of one component (T.81 G.1.2.1, G.1.2.2). */
function decodeProgressiveScan(parser: JpegParser, frame: JpegFrame, scan: JpegScan, states: ComponentState[], state: ProgressiveState, maxH: number, maxV: number): number {
  const { ss, se, ah, al } = scan;
  const dcScan = ss === 0;
  // T.81 G.1.1.1.1: DC scans have Se = 0; AC scans cover one component and 1 ≤ Ss ≤ Se ≤ 63.
  if ((dcScan && se !== 0) || (!dcScan && (se < ss || se > 63 || scan.componentIndexes.length !== 1)) || al > 13 || (ah !== 0 && ah !== al + 1)) {
    throw corrupt(`JPEG progressive scan has invalid parameters (Ss ${ss}, Se ${se}, Ah ${ah}, Al ${al})`);
  }
  const reader = new BitReader(parser.data, parser.pos);
  const comps = scan.componentIndexes.map((index, s) => {
    const quant = parser.quantTables[frame.components[index].quantTable];
    if (!quant) throw corrupt(`JPEG component uses undefined quantisation table ${frame.components[index].quantTable}`);
    state.quant[index] ??= prescaleQuantTable(quant);
    return {
      index,
      component: frame.components[index],
      state: states[index],
      coefficients: state.coefficients[index],
      blocksPerLine: state.blocksPerLine[index],
      dc: dcScan && ah === 0 ? parser.huffman('dc', scan.dcTables[s]) : undefined,
      ac: dcScan ? undefined : parser.huffman('ac', scan.acTables[s]),
    };
  });
  for (const c of comps) c.state.dcPred = 0;
  state.eobrun = 0;
  const decodeBlock = (c: (typeof comps)[number], at: number): void => {
    if (dcScan) {
      if (ah === 0) {
        const t = reader.decode(c.dc!);
        if (t > 16) throw corrupt('JPEG DC difference category out of range');
        c.state.dcPred += reader.receiveExtend(t);
        c.coefficients[at] = c.state.dcPred * 2 ** al;
      } else if (reader.receive(1)) {
        c.coefficients[at] |= 1 << al;
      }
    } else if (ah === 0) {
      acFirst(reader, c.ac!, c.coefficients, at, ss, se, al, state);
    } else {
      acRefine(reader, c.ac!, c.coefficients, at, ss, se, al, state);
    }
  };
  const restartInterval = parser.restartInterval;
  let untilRestart = restartInterval;
  const restartIfDue = (): void => {
    if (restartInterval === 0) return;
    if (untilRestart === 0) {
      reader.restart();
      for (const c of comps) c.state.dcPred = 0;
      state.eobrun = 0;
      untilRestart = restartInterval;
    }
    untilRestart--;
  };
  if (comps.length === 1) {
    const c = comps[0];
    for (let by = 0; by < c.state.blocksHigh; by++) {
      for (let bx = 0; bx < c.state.blocksWide; bx++) {
        restartIfDue();
        decodeBlock(c, (by * c.blocksPerLine + bx) * 64);
      }
    }
  } else {
    const mcusX = Math.ceil(frame.width / (8 * maxH));
    const mcusY = Math.ceil(frame.height / (8 * maxV));
    for (let my = 0; my < mcusY; my++) {
      for (let mx = 0; mx < mcusX; mx++) {
        restartIfDue();
        for (const c of comps) {
          for (let v = 0; v < c.component.v; v++) {
            for (let h = 0; h < c.component.h; h++) decodeBlock(c, ((my * c.component.v + v) * c.blocksPerLine + mx * c.component.h + h) * 64);
          }
        }
      }
    }
  }
  if (reader.overran()) throw corrupt('JPEG data ends before the last block of a scan (truncated frame)');
  return reader.pos;
}

/** First AC scan of a band (T.81 G.1.2.2, libjpeg decode_mcu_AC_first): coefficients Ss..Se scaled by 2^Al, with end-of-band runs. */
function acFirst(reader: BitReader, ac: HuffmanTable, block: Int32Array, at: number, ss: number, se: number, al: number, state: ProgressiveState): void {
  if (state.eobrun > 0) {
    state.eobrun--;
    return;
  }
  // Each pass advances k by at least 1, so the band ends after at most 63 symbols.
  for (let k = ss; k <= se; ) {
    const rs = reader.decode(ac);
    const r = rs >> 4;
    const s = rs & 15;
    if (s === 0) {
      if (r < 15) {
        state.eobrun = (1 << r) - 1 + (r > 0 ? reader.receive(r) : 0);
        return;
      }
      k += 16;
      continue;
    }
    k += r;
    if (k > se) throw corrupt('JPEG AC run goes past the end of the spectral band');
    block[at + k] = reader.receiveExtend(s) * 2 ** al;
    k++;
  }
}

/**
 * AC refinement scan (T.81 G.1.2.3, libjpeg decode_mcu_AC_refine): one more bit of each
 * coefficient already non-zero, and new coefficients of magnitude 2^Al placed by zero runs.
 */
function acRefine(reader: BitReader, ac: HuffmanTable, block: Int32Array, at: number, ss: number, se: number, al: number, state: ProgressiveState): void {
  const p1 = 1 << al;
  const m1 = -p1;
  const refine = (i: number): void => {
    const c = block[i];
    if (reader.receive(1) && (Math.abs(c) & p1) === 0) block[i] = c >= 0 ? c + p1 : c + m1;
  };
  let k = ss;
  if (state.eobrun === 0) {
    for (; k <= se; k++) {
      const rs = reader.decode(ac);
      let r = rs >> 4;
      let s = rs & 15;
      if (s !== 0) {
        if (s !== 1) throw corrupt('JPEG AC refinement coefficient has a size other than 1');
        s = reader.receive(1) ? p1 : m1;
      } else if (r !== 15) {
        state.eobrun = (1 << r) + (r > 0 ? reader.receive(r) : 0);
        break;
      }
      // Skip r still-zero coefficients, refining the non-zero ones passed on the way.
      while (k <= se) {
        if (block[at + k] !== 0) refine(at + k);
        else if (--r < 0) break;
        k++;
      }
      if (s !== 0) {
        if (k > se) throw corrupt('JPEG AC refinement run goes past the end of the spectral band');
        block[at + k] = s;
      }
    }
  }
  if (state.eobrun > 0) {
    for (; k <= se; k++) if (block[at + k] !== 0) refine(at + k);
    state.eobrun--;
  }
}

/** Dequantises and inverse-transforms every block of a progressive frame into the component planes. */
function finishProgressive(frame: JpegFrame, states: ComponentState[], state: ProgressiveState): void {
  const levelShift = 1 << (frame.precision - 1);
  const maxValue = (1 << frame.precision) - 1;
  const coef = new Float64Array(64);
  const ws = new Float64Array(64);
  states.forEach((component, index) => {
    const quant = state.quant[index];
    if (!quant) throw corrupt('JPEG stream lacks a scan for some components');
    const store = state.coefficients[index];
    const perLine = state.blocksPerLine[index];
    const blocks = store.length / 64;
    for (let b = 0; b < blocks; b++) {
      const at = b * 64;
      let hasAc = false;
      coef[0] = store[at] * quant[0];
      for (let k = 1; k < 64; k++) {
        const natural = ZIGZAG[k];
        const v = store[at + k];
        coef[natural] = v * quant[natural];
        if (v !== 0) hasAc = true;
      }
      const x0 = (b % perLine) * 8;
      const y0 = Math.floor(b / perLine) * 8;
      if (hasAc) idctBlock(coef, ws, component.plane, component.planeWidth, x0, y0, levelShift, maxValue);
      else flatBlock(coef[0], component.plane, component.planeWidth, x0, y0, levelShift, maxValue);
    }
  });
}

/**
 * libjpeg's rule (jdapimin.c), except that an Adobe APP14 segment wins over JFIF as in the 8-bit
 * path (streamHeaders.ts preferAdobeTransform): Adobe transform 0 means RGB, any other YCbCr;
 * then JFIF means YCbCr; then ids 'R','G','B' mean RGB.
 */
function isYCbCr(parser: JpegParser, frame: JpegFrame): boolean {
  if (frame.components.length !== 3) return false;
  if (parser.adobeTransform !== undefined) return parser.adobeTransform !== 0;
  if (parser.sawJfif) return true;
  const ids = frame.components.map((c) => c.id);
  return !(ids[0] === 0x52 && ids[1] === 0x47 && ids[2] === 0x42);
}

function assemble(frame: JpegFrame, states: ComponentState[], maxH: number, maxV: number, ycc: boolean): DctImage {
  const { width, height, precision } = frame;
  const nc = frame.components.length;
  const pixels = new Uint16Array(width * height * nc);
  if (nc === 1) {
    // Greyscale: the plane only needs its block padding cut off, row by row.
    const { plane, planeWidth } = states[0];
    for (let y = 0; y < height; y++) pixels.set(plane.subarray(y * planeWidth, y * planeWidth + width), y * width);
    return { width, height, components: 1, precision, pixels, convertedToRgb: false };
  }
  for (let c = 0; c < nc; c++) {
    const { h, v } = frame.components[c];
    const { plane, planeWidth } = states[c];
    for (let y = 0; y < height; y++) {
      const row = Math.floor((y * v) / maxV) * planeWidth;
      for (let x = 0; x < width; x++) pixels[(y * width + x) * nc + c] = plane[row + Math.floor((x * h) / maxH)];
    }
  }
  if (ycc) {
    // JFIF / T.871 YCbCr -> RGB with the chroma offset of this precision.
    const center = 1 << (precision - 1);
    const maxValue = (1 << precision) - 1;
    const clamp = (x: number) => (x < 0 ? 0 : x > maxValue ? maxValue : Math.round(x));
    for (let i = 0; i < pixels.length; i += 3) {
      const y = pixels[i];
      const cb = pixels[i + 1] - center;
      const cr = pixels[i + 2] - center;
      pixels[i] = clamp(y + 1.402 * cr);
      pixels[i + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr);
      pixels[i + 2] = clamp(y + 1.772 * cb);
    }
  }
  return { width, height, components: nc, precision, pixels, convertedToRgb: ycc };
}

/**
 * Decodes one 12-bit JPEG Extended (sequential) or progressive (T.81 processes 10 and 12,
 * PS3.5 retired syntaxes .4.53 and .4.55) frame of a DICOM data set; 8-bit ones go to
 * libjpeg-turbo, see jpegFrame.ts.
 */
export function decodeJpegExtended12(encoded: Uint8Array, info: CodecFrameInfo): CodecResult {
  const image = decodeDctStream(encoded, info.rows * info.columns * info.samplesPerPixel);
  checkStreamGeometry('JPEG extended', { width: image.width, height: image.height, components: image.components, bitsPerSample: image.precision }, info);
  return { pixels: image.pixels, photometricInterpretation: image.convertedToRgb ? 'RGB' : info.photometricInterpretation };
}
