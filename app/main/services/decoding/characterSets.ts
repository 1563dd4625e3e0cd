/**
 * Specific Character Set (0008,0005), PS3.3 C.12.1.1.2 and PS3.5 6.1: text of the VRs SH, LO,
 * ST, LT, PN, UC and UT is decoded with the dataset's character set (patient names in UTF-8,
 * Latin-2, Cyrillic, Greek, Japanese, Chinese, Korean…). Other VRs are always ASCII.
 * ISO 2022 code extensions (escape sequences) fall back to the first set named.
 */
import type { DataSet } from 'dicom-parser';

/** VRs whose text uses the Specific Character Set (PS3.5 6.1.2.3). */
export const CHARSET_VRS: ReadonlySet<string> = new Set(['SH', 'LO', 'ST', 'LT', 'PN', 'UC', 'UT']);

/** Defined terms → WHATWG encoding labels (TextDecoder). */
const ENCODINGS: Record<string, string> = {
  ISO_IR_6: 'latin1',
  ISO_IR_100: 'latin1',
  ISO_IR_101: 'iso-8859-2',
  ISO_IR_109: 'iso-8859-3',
  ISO_IR_110: 'iso-8859-4',
  ISO_IR_144: 'iso-8859-5',
  ISO_IR_127: 'iso-8859-6',
  ISO_IR_126: 'iso-8859-7',
  ISO_IR_138: 'iso-8859-8',
  ISO_IR_148: 'iso-8859-9',
  ISO_IR_203: 'iso-8859-15',
  ISO_IR_13: 'shift_jis',
  ISO_IR_166: 'windows-874',
  ISO_IR_192: 'utf-8',
  GB18030: 'gb18030',
  GBK: 'gbk',
  ISO_2022_IR_6: 'latin1',
  ISO_2022_IR_100: 'latin1',
  ISO_2022_IR_101: 'iso-8859-2',
  ISO_2022_IR_144: 'iso-8859-5',
  ISO_2022_IR_126: 'iso-8859-7',
  ISO_2022_IR_138: 'iso-8859-8',
  ISO_2022_IR_148: 'iso-8859-9',
  ISO_2022_IR_13: 'shift_jis',
  ISO_2022_IR_149: 'euc-kr',
  ISO_2022_IR_58: 'gb18030',
};

/** A decoder for the dataset's character set (default repertoire: Latin-1, a superset of ASCII). */
export function textDecoderFor(ds: DataSet): TextDecoder {
  let term = '';
  try {
    const e = ds.elements.x00080005;
    if (e && e.length > 0 && e.dataOffset + e.length <= ds.byteArray.length) {
      // The first non-empty value names the set in use without escape sequences.
      const values = (ds.string('x00080005') ?? '').split('\\').map((v) => v.trim()).filter(Boolean);
      term = values[0] ?? '';
    }
  } catch {
    term = '';
  }
  const label = ENCODINGS[term.toUpperCase().replace(/[\s-]+/g, '_')] ?? 'latin1';
  let decoder = decoders.get(label);
  if (!decoder) {
    try {
      decoder = new TextDecoder(label);
    } catch {
      decoder = new TextDecoder('latin1');
    }
    decoders.set(label, decoder);
  }
  return decoder;
}

const decoders = new Map<string, TextDecoder>();

/** Decodes `length` bytes at `offset` with `decoder`, removing NUL padding and trailing spaces. */
export function decodeText(bytes: Uint8Array, offset: number, length: number, decoder: TextDecoder): string {
  return decoder.decode(bytes.subarray(offset, offset + length)).replace(/\0+$/g, '').trimEnd();
}
