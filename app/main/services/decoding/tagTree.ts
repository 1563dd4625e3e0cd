/**
 * The DICOM tag browser's tree (issue #2): every element with tag, VR, keyword and a display
 * value; sequences nest their items. Keywords come from the compact dictionary; private and
 * unknown tags get an empty keyword and a hex value. Long values are shortened.
 */
import type { DataSet, Element } from 'dicom-parser';
import { formatTag, isPrivateTag, lookupTag, parseTag } from '../../../shared/imaging/dicomDictionary';
import type { TagNode } from '../../../shared/ipc/contract';
import { CHARSET_VRS, decodeText, textDecoderFor } from './characterSets';

const MAX_TEXT = 256;
const MAX_HEX_BYTES = 32;
const MAX_NUMBERS = 32;
const MAX_DEPTH = 16;
const MAX_NODES = 20000;
const TEXT_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);

function hex(bytes: Uint8Array, offset: number, length: number): string {
  const n = Math.min(length, MAX_HEX_BYTES);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(bytes[offset + i].toString(16).padStart(2, '0'));
  return parts.join(' ') + (length > n ? ` … (${length} bytes)` : '');
}

function text(bytes: Uint8Array, offset: number, length: number, vr: string, decoder: TextDecoder): string {
  if (CHARSET_VRS.has(vr)) {
    const s = decodeText(bytes, offset, Math.min(length, MAX_TEXT * 4), decoder).trim();
    return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
  }
  const n = Math.min(length, MAX_TEXT * 4);
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = bytes[offset + i];
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : c === 0 ? '' : c >= 0xa0 ? String.fromCharCode(c) : ' ';
  }
  s = s.trim();
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
}

function numbers(ds: DataSet, e: Element, vr: string): string {
  const size = vr === 'US' || vr === 'SS' ? 2 : vr === 'FD' ? 8 : 4;
  const count = Math.floor(e.length / size);
  const out: string[] = [];
  for (let i = 0; i < Math.min(count, MAX_NUMBERS); i++) {
    let v: number | string | undefined;
    switch (vr) {
      case 'US':
        v = ds.uint16(e.tag, i);
        break;
      case 'SS':
        v = ds.int16(e.tag, i);
        break;
      case 'UL':
        v = ds.uint32(e.tag, i);
        break;
      case 'SL':
        v = ds.int32(e.tag, i);
        break;
      case 'FL':
        v = ds.float(e.tag, i);
        break;
      case 'FD':
        v = ds.double(e.tag, i);
        break;
      case 'AT': {
        const g = ds.uint16(e.tag, 2 * i) ?? 0;
        const el = ds.uint16(e.tag, 2 * i + 1) ?? 0;
        v = formatTag(((g << 16) | el) >>> 0);
        break;
      }
    }
    out.push(String(v));
  }
  return out.join('\\') + (count > MAX_NUMBERS ? `\\… (${count} values)` : '');
}

function valueOf(ds: DataSet, e: Element, vr: string, decoder: TextDecoder): string {
  const bytes = ds.byteArray as Uint8Array;
  if (e.tag === 'x7fe00010') {
    return e.encapsulatedPixelData ? `encapsulated pixel data: ${e.fragments?.length ?? 0} fragment(s)` : `pixel data: ${e.length} bytes`;
  }
  if (e.length === 0xffffffff) return '(undefined length)';
  if (e.dataOffset + e.length > bytes.length) return '(value past end of file)';
  if (TEXT_VRS.has(vr)) return text(bytes, e.dataOffset, e.length, vr, decoder);
  if (['US', 'SS', 'UL', 'SL', 'FL', 'FD', 'AT'].includes(vr)) return numbers(ds, e, vr);
  return hex(bytes, e.dataOffset, e.length);
}

/** Builds the tag tree of a dataset (elements in tag order; meta group included). */
export function buildTagTree(ds: DataSet): TagNode[] {
  const budget = { nodes: 0 };
  // Sequence items use the character set of the dataset that holds them (PS3.5 6.1.2.3).
  return walk(ds, 0, budget, textDecoderFor(ds));
}

function walk(ds: DataSet, depth: number, budget: { nodes: number }, decoder: TextDecoder): TagNode[] {
  const out: TagNode[] = [];
  for (const key of Object.keys(ds.elements).sort()) {
    if (budget.nodes++ >= MAX_NODES) break;
    const e = ds.elements[key];
    const tag = parseTag(e.tag) ?? 0;
    const dict = lookupTag(tag);
    const vr = e.vr ?? (e.items ? 'SQ' : dict?.vr || 'UN');
    const node: TagNode = {
      tag: formatTag(tag),
      vr,
      keyword: isPrivateTag(tag) ? '' : (dict?.keyword ?? ''),
      value: e.items ? `${e.items.length} item(s)` : valueOf(ds, e, vr, decoder),
    };
    if (e.items && depth < MAX_DEPTH) node.items = e.items.map((item) => (item.dataSet ? walk(item.dataSet, depth + 1, budget, decoder) : []));
    out.push(node);
  }
  return out;
}
