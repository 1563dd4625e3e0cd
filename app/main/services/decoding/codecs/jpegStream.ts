/**
 * Marker-level parsing of ISO/IEC 10918-1 (ITU-T T.81) streams, shared by the hand-written
 * lossless (jpegLossless.ts) and 12-bit DCT (jpegExtended.ts) decoders: frame and scan headers,
 * Huffman tables with 16-bit lookup, quantisation tables, restart interval, and a bit reader
 * for the entropy-coded segments. Every loop here advances through a bounded input.
 */
import { CodedError } from '../../../../shared/result';

/** A frame component (T.81 B.2.2). */
export interface JpegComponent {
  id: number;
  h: number;
  v: number;
  quantTable: number;
}

/** Frame header (T.81 B.2.2) plus which process the SOF marker selects (T.81 Table B.1). */
export interface JpegFrame {
  marker: number;
  kind: 'baseline' | 'extended' | 'progressive' | 'lossless';
  precision: number;
  height: number;
  width: number;
  components: JpegComponent[];
}

/** Scan header (T.81 B.2.3). For lossless, `ss` is the predictor and `al` the point transform. */
export interface JpegScan {
  componentIndexes: number[];
  dcTables: number[];
  acTables: number[];
  ss: number;
  se: number;
  ah: number;
  al: number;
}

/**
 * A Huffman table decoded through a full 16-bit lookup: every code of T.81 is at most
 * 16 bits, so one lookup of the next 16 bits resolves any code. `lookup[peek]` is
 * `(codeLength << 8) | symbol`, 0 where no code matches (corrupt data).
 */
export interface HuffmanTable {
  lookup: Uint16Array;
  /** Code lengths and symbols as read from DHT, for building derived tables. */
  codes: { length: number; code: number; symbol: number }[];
}

/** Zig-zag order of T.81 Figure A.6: zigzag[k] is the natural index of coefficient k. */
export const ZIGZAG = new Uint8Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36,
  29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

function corrupt(message: string): CodedError {
  return new CodedError('CORRUPT_PIXEL_DATA', message);
}

/** Builds a table from the BITS and HUFFVAL lists of a DHT segment (T.81 C.2, Annex C). */
export function buildHuffmanTable(counts: Uint8Array, symbols: Uint8Array): HuffmanTable {
  const lookup = new Uint16Array(65536);
  const codes: HuffmanTable['codes'] = [];
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < counts[length - 1]; i++) {
      if (code >= 1 << length) throw corrupt('JPEG Huffman table has more codes than its lengths allow');
      const symbol = symbols[k++];
      codes.push({ length, code, symbol });
      const shift = 16 - length;
      lookup.fill((length << 8) | symbol, code << shift, (code + 1) << shift);
      code++;
    }
    code <<= 1;
  }
  return { lookup, codes };
}

/** Walks the markers of one JPEG stream, collecting tables until each scan. */
export class JpegParser {
  pos = 0;
  frame: JpegFrame | undefined;
  readonly dcTables: (HuffmanTable | undefined)[] = [];
  readonly acTables: (HuffmanTable | undefined)[] = [];
  /** Quantisation tables in natural (row-major) order, T.81 B.2.4.1. */
  readonly quantTables: (Int32Array | undefined)[] = [];
  restartInterval = 0;
  /** True when an Adobe APP14 segment says the three components are not YCbCr (transform 0). */
  adobeTransform: number | undefined;
  sawJfif = false;

  constructor(readonly data: Uint8Array) {
    if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) throw corrupt('JPEG stream does not start with an SOI marker');
    this.pos = 2;
  }

  private u16(at: number): number {
    if (at + 2 > this.data.length) throw corrupt('JPEG stream ends inside a marker segment');
    return (this.data[at] << 8) | this.data[at + 1];
  }

  /**
   * Reads markers up to and including the next SOS and returns its scan header, leaving `pos`
   * at the first byte of entropy-coded data; returns undefined at EOI or at the end of data.
   */
  nextScan(): JpegScan | undefined {
    const data = this.data;
    for (;;) {
      // Find the next marker; fill bytes 0xFF may precede it (T.81 B.1.1.2).
      while (this.pos < data.length && data[this.pos] !== 0xff) this.pos++;
      while (this.pos < data.length && data[this.pos] === 0xff) this.pos++;
      if (this.pos >= data.length) return undefined;
      const marker = 0xff00 | data[this.pos++];
      if (marker === 0xffd9) return undefined; // EOI
      if (marker >= 0xffd0 && marker <= 0xffd7) continue; // stray RSTn between scans
      if (marker === 0xff01) continue; // TEM, no length
      const length = this.u16(this.pos);
      const start = this.pos + 2;
      const end = this.pos + length;
      if (length < 2 || end > data.length) throw corrupt(`JPEG marker 0x${marker.toString(16)} segment runs past the end of the data`);
      this.pos = end;
      switch (marker) {
        case 0xffc0:
        case 0xffc1:
        case 0xffc2:
        case 0xffc3:
          this.readFrame(marker, start, end);
          break;
        case 0xffc4:
          this.readHuffmanTables(start, end);
          break;
        case 0xffdb:
          this.readQuantTables(start, end);
          break;
        case 0xffdd:
          this.restartInterval = this.u16(start);
          break;
        case 0xffda:
          return this.readScan(start, end);
        case 0xffe0:
          if (end - start >= 5 && data[start] === 0x4a && data[start + 1] === 0x46 && data[start + 2] === 0x49 && data[start + 3] === 0x46) this.sawJfif = true;
          break;
        case 0xffee:
          if (end - start >= 12 && data[start] === 0x41 && data[start + 1] === 0x64 && data[start + 2] === 0x6f && data[start + 3] === 0x62 && data[start + 4] === 0x65) {
            this.adobeTransform = data[start + 11];
          }
          break;
        default:
          if ((marker >= 0xffc5 && marker <= 0xffcf && marker !== 0xffc8 && marker !== 0xffcc) || marker === 0xffde) {
            throw new CodedError('UNSUPPORTED_TRANSFER_SYNTAX', `JPEG process of marker 0x${marker.toString(16)} (hierarchical or arithmetic coding) is not supported`);
          }
        // APPn, COM, DAC, DNL and unknown segments carry nothing the decoders need.
      }
    }
  }

  private readFrame(marker: number, start: number, end: number): void {
    if (this.frame) throw corrupt('JPEG stream has more than one frame header');
    const d = this.data;
    if (end - start < 6) throw corrupt('JPEG frame header is truncated');
    const precision = d[start];
    const height = this.u16(start + 1);
    const width = this.u16(start + 3);
    const count = d[start + 5];
    if (count < 1 || count > 4 || start + 6 + count * 3 > end) throw corrupt(`JPEG frame header lists ${count} components`);
    if (width === 0 || height === 0) throw corrupt('JPEG frame has zero width or height (DNL is not supported)');
    const components: JpegComponent[] = [];
    for (let i = 0; i < count; i++) {
      const at = start + 6 + i * 3;
      const h = d[at + 1] >> 4;
      const v = d[at + 1] & 15;
      if (h < 1 || h > 4 || v < 1 || v > 4) throw corrupt('JPEG component sampling factor out of range 1-4');
      components.push({ id: d[at], h, v, quantTable: d[at + 2] & 3 });
    }
    const kind = marker === 0xffc3 ? 'lossless' : marker === 0xffc2 ? 'progressive' : marker === 0xffc1 ? 'extended' : 'baseline';
    this.frame = { marker, kind, precision, height, width, components };
  }

  private readHuffmanTables(start: number, end: number): void {
    const d = this.data;
    let p = start;
    // Each table consumes at least 17 bytes, so the loop ends.
    while (p < end) {
      if (p + 17 > end) throw corrupt('JPEG Huffman table segment is truncated');
      const tableClass = d[p] >> 4;
      const id = d[p] & 15;
      const counts = d.subarray(p + 1, p + 17);
      let total = 0;
      for (let i = 0; i < 16; i++) total += counts[i];
      if (p + 17 + total > end || total > 256) throw corrupt('JPEG Huffman table segment is truncated');
      if (id > 3 || tableClass > 1) throw corrupt('JPEG Huffman table has an invalid class or identifier');
      const table = buildHuffmanTable(counts, d.subarray(p + 17, p + 17 + total));
      (tableClass === 0 ? this.dcTables : this.acTables)[id] = table;
      p += 17 + total;
    }
  }

  private readQuantTables(start: number, end: number): void {
    const d = this.data;
    let p = start;
    while (p < end) {
      const precision16 = d[p] >> 4 !== 0;
      const id = d[p] & 15;
      const size = precision16 ? 128 : 64;
      if (id > 3 || p + 1 + size > end) throw corrupt('JPEG quantisation table segment is truncated or invalid');
      const table = new Int32Array(64);
      for (let k = 0; k < 64; k++) table[ZIGZAG[k]] = precision16 ? (d[p + 1 + 2 * k] << 8) | d[p + 2 + 2 * k] : d[p + 1 + k];
      this.quantTables[id] = table;
      p += 1 + size;
    }
  }

  private readScan(start: number, end: number): JpegScan {
    const d = this.data;
    const frame = this.frame;
    if (!frame) throw corrupt('JPEG scan comes before the frame header');
    const count = d[start];
    if (count < 1 || count > 4 || start + 1 + count * 2 + 3 > end) throw corrupt('JPEG scan header is truncated');
    const componentIndexes: number[] = [];
    const dcTables: number[] = [];
    const acTables: number[] = [];
    for (let i = 0; i < count; i++) {
      const id = d[start + 1 + i * 2];
      const index = frame.components.findIndex((c) => c.id === id);
      if (index < 0) throw corrupt(`JPEG scan refers to unknown component ${id}`);
      componentIndexes.push(index);
      dcTables.push(d[start + 2 + i * 2] >> 4);
      acTables.push(d[start + 2 + i * 2] & 15);
    }
    const p = start + 1 + count * 2;
    return { componentIndexes, dcTables, acTables, ss: d[p], se: d[p + 1], ah: d[p + 2] >> 4, al: d[p + 2] & 15 };
  }

  /** Table `id` of the given class, or a clear error when the stream never defined it. */
  huffman(tableClass: 'dc' | 'ac', id: number): HuffmanTable {
    const table = (tableClass === 'dc' ? this.dcTables : this.acTables)[id];
    if (!table) throw corrupt(`JPEG scan uses undefined ${tableClass.toUpperCase()} Huffman table ${id}`);
    return table;
  }
}

/**
 * Position after the entropy-coded data that starts at `from`: the next marker other than
 * RSTn (T.81 B.1.1.5: 0xFF00 is a stuffed data byte, 0xFFD0-D7 restart markers).
 */
export function skipEntropyData(data: Uint8Array, from: number): number {
  let p = from;
  while (p + 1 < data.length) {
    if (data[p] === 0xff) {
      const next = data[p + 1];
      if (next !== 0 && next !== 0xff && (next < 0xd0 || next > 0xd7)) return p;
      p += next === 0xff ? 1 : 2;
    } else p++;
  }
  return data.length;
}

/**
 * Bit reader over entropy-coded data (T.81 F.2.2.5): removes stuffed zero bytes and stops at
 * markers, after which it feeds zero bits and counts them so the caller can tell a
 * truncated stream from a complete one.
 */
export class BitReader {
  bits = 0;
  count = 0;
  /** Zero bytes fed past the end of the entropy data (marker or end of input). */
  padding = 0;

  constructor(
    readonly data: Uint8Array,
    public pos: number,
  ) {}

  /** Tops the buffer up to at least 25 bits. */
  fill(): void {
    const data = this.data;
    while (this.count <= 24) {
      let byte = 0;
      if (this.pos < data.length) {
        byte = data[this.pos];
        if (byte === 0xff) {
          const next = data[this.pos + 1];
          if (next === 0) this.pos += 2;
          else if (next === 0xff) {
            // Fill byte before a marker: skip it and look again.
            this.pos++;
            continue;
          } else {
            byte = 0;
            this.padding++;
          }
        } else this.pos++;
      } else this.padding++;
      this.bits = (this.bits << 8) | byte;
      this.count += 8;
    }
  }

  /** Decodes one Huffman symbol. */
  decode(table: HuffmanTable): number {
    if (this.count < 16) this.fill();
    const entry = table.lookup[(this.bits >>> (this.count - 16)) & 0xffff];
    if (entry === 0) throw corrupt('JPEG entropy data holds an invalid Huffman code');
    this.count -= entry >> 8;
    return entry & 0xff;
  }

  /** Reads `n` (≤ 16) raw bits. */
  receive(n: number): number {
    if (n === 0) return 0;
    if (this.count < n) this.fill();
    this.count -= n;
    return (this.bits >>> this.count) & ((1 << n) - 1);
  }

  /** Reads `n` bits and sign-extends them as T.81 F.2.2.1 EXTEND does. */
  receiveExtend(n: number): number {
    if (n === 0) return 0;
    const v = this.receive(n);
    return v < 1 << (n - 1) ? v - (1 << n) + 1 : v;
  }

  /** True when bits beyond the real data were consumed (the stream is truncated). */
  overran(): boolean {
    return this.padding * 8 > this.count;
  }

  /**
   * Handles a restart marker (T.81 F.2.2.5 / H.2.1): drops the bits left of the current byte
   * and moves past the next RSTn marker.
   */
  restart(): void {
    this.bits = 0;
    this.count = 0;
    this.padding = 0;
    const data = this.data;
    let p = this.pos;
    while (p + 1 < data.length && !(data[p] === 0xff && data[p + 1] >= 0xd0 && data[p + 1] <= 0xd7)) p++;
    if (p + 1 >= data.length) throw corrupt('JPEG restart marker missing');
    this.pos = p + 2;
  }
}
